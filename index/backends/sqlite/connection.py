"""Connections to the SQLite file: one per thread (WAL: one writer, many readers), writes in
one immediate transaction under a lock, and the SQL functions searches call."""

from __future__ import annotations

import math
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

#: How long a write waits for another's transaction, in seconds.
BUSY_TIMEOUT_S = 30
#: Page cache per connection, in KiB (the search index of 500k activities is about 60 MB).
CACHE_KIB = 64 * 1024
#: How much of the file is read through memory mapping instead of read() calls.
MMAP_BYTES = 1 << 30

#: SQL functions to register on every connection: name → (number of arguments, function).
Functions = dict[str, tuple[int, Callable[..., Any]]]


class Connections:
    """The file's connections, one per thread, and its single writer's lock."""

    def __init__(self, path: Path, functions: Functions) -> None:
        self.path = path
        self.functions = functions
        self._local = threading.local()
        self._write_lock = threading.Lock()

    def get(self) -> sqlite3.Connection:
        """This thread's connection (opened on first use)."""
        con: sqlite3.Connection | None = getattr(self._local, "con", None)
        if con is None:
            con = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA synchronous=NORMAL")
            con.execute("PRAGMA foreign_keys=ON")
            # A search walks its candidates through the narrow search index (schema.py):
            # kept in memory it costs no reads from the file.
            con.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
            con.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
            con.execute("PRAGMA temp_store=MEMORY")
            _ensure_math(con)
            for name, (n_args, fn) in self.functions.items():
                con.create_function(name, n_args, fn, deterministic=True)
            self._local.con = con
        return con

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; rolled back if anything in it fails."""
        with self._write_lock:
            con = self.get()
            con.execute("BEGIN IMMEDIATE")
            with _committed(con):
                yield con

    @contextmanager
    def tx_if_free(self, wait_s: float = 0.05) -> Iterator[sqlite3.Connection | None]:
        """A write transaction if the file's writer is free within `wait_s`, else None (for
        writes a reader may skip, like the lazy refresh of next starts: a search never
        waits for a crawl's transaction)."""
        if not self._write_lock.acquire(timeout=wait_s):
            yield None
            return
        try:
            con = self.get()
            con.execute(f"PRAGMA busy_timeout={int(wait_s * 1000)}")
            try:
                con.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError:  # another process is writing
                yield None
                return
            finally:
                con.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
            with _committed(con):
                yield con
        finally:
            self._write_lock.release()

    def close(self) -> None:
        """Close this thread's connection."""
        con = getattr(self._local, "con", None)
        if con is not None:
            con.close()
            self._local.con = None


def _ensure_math(con: sqlite3.Connection) -> None:
    """SQLite builds without math functions get them from Python (slower, same results)."""
    try:
        con.execute("SELECT asin(1), sqrt(1), sin(1), cos(1), radians(1)").fetchone()
    except sqlite3.OperationalError:
        for name, fn in (("asin", math.asin), ("sqrt", math.sqrt), ("sin", math.sin),
                         ("cos", math.cos), ("radians", math.radians)):
            con.create_function(name, 1, fn, deterministic=True)


@contextmanager
def _committed(con: sqlite3.Connection) -> Iterator[None]:
    """The open transaction committed when the block ends, rolled back if it raises."""
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
