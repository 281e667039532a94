"""Index backends; importing this package registers each by name."""

from index.backends import sqlite  # noqa: F401
