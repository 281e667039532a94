"""Errors every layer may raise or catch (here so the CLI can catch them without importing
the layers that raise them)."""


class IndexUnavailable(RuntimeError):
    """The index cannot be opened or reached: a file that is no SQLite database or cannot be
    created, a search engine that does not answer. The message names the index and the cause,
    never a query or an address; the CLI prints it and exits 2 instead of a traceback."""
