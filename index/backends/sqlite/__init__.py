"""The embedded default index (SQLite); see `backend`."""

from index.backends.sqlite.backend import SQLiteBackend

__all__ = ["SQLiteBackend"]
