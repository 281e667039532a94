"""One crawl per source at a time: a lock file per source, held for the run."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO


class SourceLocks:
    """Non-blocking locks on `<folder>/<source>.lock`; released when the process ends."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self._held: dict[str, IO[str]] = {}

    def acquire(self, source: str) -> bool:
        """True when this process now holds the source's lock; False when another run does."""
        fh = open(self.folder / f"{source}.lock", "a+", encoding="utf-8")  # noqa: SIM115
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.close()
            return False
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        self._held[source] = fh
        return True

    def holder(self, source: str) -> str:
        try:
            return (self.folder / f"{source}.lock").read_text(encoding="utf-8").strip() or "?"
        except OSError:
            return "?"

    def release_all(self) -> None:
        for fh in self._held.values():
            fcntl.flock(fh, fcntl.LOCK_UN)
            fh.close()
        self._held.clear()
