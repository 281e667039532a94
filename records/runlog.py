"""The record of crawl runs: what each run of each source did, kept beside the index (one
SQLite file in the data folder, whichever index backend serves the searches)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    started TEXT NOT NULL,
    finished TEXT NOT NULL,
    status TEXT NOT NULL,          -- ok | degraded | guarded | failed (see records.sweep)
    pages INTEGER, items INTEGER, new INTEGER, changed INTEGER, unchanged INTEGER,
    gone INTEGER, dropped INTEGER,
    report TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_source ON runs(source, started);
-- When each source last found each of its activities (the start of that run). Kept here, not
-- in the index, so that a re-crawl that finds nothing new writes nothing to the index.
CREATE TABLE IF NOT EXISTS seen (
    source TEXT NOT NULL,
    activity_id TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    PRIMARY KEY (source, activity_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS seen_activity ON seen(activity_id);
-- Each page a source's runs asked for and the page that linked it (NULL: a start page): how a
-- later run tells an activity no listing links any more from one behind a listing that failed.
CREATE TABLE IF NOT EXISTS links (
    source TEXT NOT NULL,
    url TEXT NOT NULL,
    via TEXT,
    PRIMARY KEY (source, url)
) WITHOUT ROWID;
"""

#: Statuses of runs that may sweep: the run read its source, if not every page of it.
GOOD = ("ok", "degraded")


@dataclass
class Run:
    source: str
    started: datetime
    finished: datetime
    status: str
    pages: int
    items: int
    new: int
    changed: int
    unchanged: int
    gone: int
    dropped: int
    report: dict[str, Any]


class RunLog:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.con = sqlite3.connect(path, isolation_level=None, timeout=30)
        self.con.executescript(_SCHEMA)
        columns = {r[1] for r in self.con.execute("PRAGMA table_info(seen)")}
        if "page" not in columns:  # a run log from before pages were recorded
            try:
                self.con.execute("ALTER TABLE seen ADD COLUMN page TEXT")
            except sqlite3.OperationalError:  # another process added it a moment ago
                pass

    def record(self, run: Run) -> None:
        self.con.execute(
            "INSERT INTO runs (source, started, finished, status, pages, items, new, changed, "
            "unchanged, gone, dropped, report) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (run.source, run.started.isoformat(), run.finished.isoformat(), run.status,
             run.pages, run.items, run.new, run.changed, run.unchanged, run.gone, run.dropped,
             json.dumps(run.report, ensure_ascii=False, default=str)),
        )

    def _runs(self, where: str, params: tuple[Any, ...], limit: int) -> list[Run]:
        rows = self.con.execute(
            "SELECT source, started, finished, status, pages, items, new, changed, unchanged, "
            f"gone, dropped, report FROM runs WHERE {where} ORDER BY started DESC, id DESC "
            "LIMIT ?", (*params, limit)).fetchall()
        return [Run(source=r[0], started=datetime.fromisoformat(r[1]),
                    finished=datetime.fromisoformat(r[2]), status=r[3], pages=r[4], items=r[5],
                    new=r[6], changed=r[7], unchanged=r[8], gone=r[9], dropped=r[10],
                    report=json.loads(r[11])) for r in rows]

    def good(self, source: str, limit: int = 10) -> list[Run]:
        """The source's latest good runs (ok or degraded: those that may sweep), newest first."""
        return self._runs("source = ? AND status IN (?, ?)", (source, *GOOD), limit)

    def latest(self, source: str) -> Run | None:
        runs = self._runs("source = ?", (source,), 1)
        return runs[0] if runs else None

    def saw(self, source: str, ids: list[str], when: datetime,
            pages: dict[str, str] | None = None) -> None:
        """Record that a run of `source` that started at `when` found these activities (on
        these pages, by activity id, where known)."""
        stamp = when.astimezone(UTC).isoformat()  # one offset: the text compares as time
        pages = pages or {}
        with self.con:
            self.con.execute("BEGIN")
            self.con.executemany(
                "INSERT INTO seen (source, activity_id, last_seen, page) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (source, activity_id) DO UPDATE SET last_seen = excluded.last_seen, "
                "page = coalesce(excluded.page, seen.page) "
                "WHERE excluded.last_seen >= seen.last_seen",
                [(source, aid, stamp, pages.get(aid)) for aid in ids])

    def pages(self, source: str) -> dict[str, str]:
        """The page each activity of a source was last found on (where recorded)."""
        return {aid: page for aid, page in self.con.execute(
            "SELECT activity_id, page FROM seen WHERE source = ? AND page IS NOT NULL",
            (source,))}

    def record_links(self, source: str, via: dict[str, str | None]) -> None:
        """Record which page linked each page a run of `source` asked for."""
        with self.con:
            self.con.execute("BEGIN")
            self.con.executemany(
                "INSERT INTO links (source, url, via) VALUES (?, ?, ?) "
                "ON CONFLICT (source, url) DO UPDATE SET via = excluded.via",
                [(source, url, parent) for url, parent in via.items()])

    def links(self, source: str) -> dict[str, str | None]:
        """Each page the source's runs asked for, and the page that last linked it."""
        return dict(self.con.execute("SELECT url, via FROM links WHERE source = ?", (source,)))

    def last_seen(self, source: str) -> dict[str, datetime]:
        """Each activity a source has found, and when it last did."""
        return {aid: datetime.fromisoformat(ts) for aid, ts in self.con.execute(
            "SELECT activity_id, last_seen FROM seen WHERE source = ?", (source,))}

    def last_seen_of(self, ids: list[str]) -> dict[str, datetime]:
        """When any source last found each of these activities."""
        out: dict[str, datetime] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            marks = ",".join("?" * len(chunk))
            for aid, ts in self.con.execute(
                    f"SELECT activity_id, max(last_seen) FROM seen WHERE activity_id IN ({marks}) "
                    "GROUP BY activity_id", chunk):
                out[aid] = datetime.fromisoformat(ts)
        return out

    def sources(self) -> list[str]:
        return [r[0] for r in self.con.execute("SELECT DISTINCT source FROM runs ORDER BY 1")]

    def close(self) -> None:
        self.con.close()
