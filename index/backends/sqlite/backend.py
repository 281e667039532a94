"""The embedded default index: one SQLite file with FTS5 for text and an R*Tree for places.

The parts: `schema` (tables, the soft filters' columns, migration of older files),
`connection` (a connection per thread, the writer's transaction), `writes` and `query`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from core.clock import TZ
from core.errors import IndexUnavailable
from core.schema import Activity, Organization, Status
from core.text import fold
from index.backends.sqlite import query, schema, writes
from index.backends.sqlite.connection import Connections
from index.backends.sqlite.schema import utc
from index.contract import (
    OrganizationResult,
    SearchQuery,
    SearchResult,
    Sort,
    WriteStats,
    name_matches,
)
from normalize.matching import Reach

#: At most this many stored next starts are rewritten by one `sort=next` search (a live
#: server's searches find only those passed since the last one; more means a `now` far from
#: the stored one, and those rows are computed in the query instead).
LAZY_REFRESH_MAX = 2_000


def _name_matches(text: str | None, name: str | None) -> bool:
    return bool(text and name and name_matches(text, name))


class SQLiteBackend:
    """Embedded index. Safe for one writer and many reader threads (WAL)."""

    name = "sqlite"

    def __init__(self, path: str | Path = "data/fkort.db", **_: Any) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise IndexUnavailable(
                    f"the SQLite index {self.path} cannot be created: {exc}") from exc
        self._connections = Connections(self.path, {
            "fk_next": (2, query.NextStarts()), "fk_name_matches": (2, _name_matches)})
        try:
            schema.create(self._connections.get())
        except sqlite3.DatabaseError as exc:  # not a database, unreadable, no such folder
            self._connections.close()
            raise IndexUnavailable(f"the SQLite index {self.path} cannot be used: {exc}") from exc

    def close(self) -> None:
        self._connections.close()

    # -- writes --------------------------------------------------------------------------
    def upsert(self, activities: Iterable[Activity]) -> WriteStats:
        with self._connections.tx() as con:
            return writes.upsert(con, activities)

    def delete(self, ids: Iterable[str]) -> int:
        with self._connections.tx() as con:
            return writes.delete(con, ids)

    def set_status(self, ids: Iterable[str], status: Status) -> int:
        with self._connections.tx() as con:
            return writes.set_status(con, ids, status)

    def upsert_organizations(self, organizations: Iterable[Organization]) -> WriteStats:
        with self._connections.tx() as con:
            return writes.upsert_organizations(con, organizations)

    # -- reads ---------------------------------------------------------------------------
    def search(self, q: SearchQuery) -> SearchResult:
        now = q.now or datetime.now(TZ)
        if q.effective_sort() is Sort.next:
            self.refresh_next_starts(now, limit=LAZY_REFRESH_MAX)
        return query.search(self._connections.get(), q, now)

    def refresh_next_starts(self, now: datetime, limit: int | None = None) -> int:
        """Recompute the stored next start of the activities for which it is not exact at
        `now`: a meeting has passed since it was computed, or it was computed after `now`.
        Both are found by an index, so with nothing to do this costs two index probes.

        Called by the sweep after each run (every row), and lazily by a `sort=next` search
        (at most `limit` rows, and only if the writer is free at once; any left are computed
        in that query, see `query._next_sql`).
        Writing them back means the next search at a later time finds them exact."""
        at = utc(now)
        assert at is not None
        stale = writes.stale_next_starts(self._connections.get(), at, limit)
        if not stale:
            return 0
        if limit is None:
            with self._connections.tx() as con:
                return writes.refresh_next_starts(con, stale, at)
        # Lazily, from a search: never wait for a crawl's write; the search computes them.
        with self._connections.tx_if_free() as free:
            return 0 if free is None else writes.refresh_next_starts(free, stale, at)

    def get(self, activity_id: str) -> Activity | None:
        row = self._connections.get().execute(
            "SELECT doc FROM activities WHERE id = ?", (activity_id,)).fetchone()
        return Activity.model_validate_json(row[0]) if row else None

    def get_organization(self, org_id: str) -> Organization | None:
        row = self._connections.get().execute(
            "SELECT doc FROM organizations WHERE id = ?", (org_id,)).fetchone()
        return Organization.model_validate_json(row[0]) if row else None

    def organization_activities(self, org_id: str) -> list[Activity]:
        rows = self._connections.get().execute(
            "SELECT doc FROM activities WHERE organization_id = ? ORDER BY title, id",
            (org_id,),
        ).fetchall()
        return [Activity.model_validate_json(r[0]) for r in rows]

    def search_organizations(self, text: str, limit: int = 20, offset: int = 0
                             ) -> OrganizationResult:
        found: dict[str, Organization] = {}
        con = self._connections.get()
        for (doc,) in con.execute(
            "SELECT doc FROM organizations WHERE fk_name_matches(?, name)", (text,)
        ):
            org = Organization.model_validate_json(doc)
            found[org.id] = org
        # Associations known only as the organiser named on their activities.
        for org_id, name, url in con.execute(
            """SELECT organization_id, json_extract(doc, '$.organizer.name'),
                      json_extract(doc, '$.organizer.url')
               FROM activities
               WHERE organization_id IS NOT NULL AND status = 'active'
                 AND organization_id NOT IN (SELECT id FROM organizations)
                 AND fk_name_matches(?, json_extract(doc, '$.organizer.name'))
               ORDER BY id""", (text,)
        ):
            found.setdefault(org_id, Organization(id=org_id, name=name, url=url))
        ordered = sorted(found.values(), key=lambda o: (fold(o.name), o.id))
        return OrganizationResult(total=len(ordered),
                                  organizations=ordered[offset:offset + limit])

    def source_last_seen(self, source_name: str) -> dict[str, tuple[datetime, Status]]:
        """Each activity of a source: when it was last seen, and its status."""
        out: dict[str, tuple[datetime, Status]] = {}
        for aid, doc in self._connections.get().execute(
            "SELECT id, doc FROM activities WHERE source_name = ?", (source_name,)
        ):
            a = Activity.model_validate_json(doc)
            out[aid] = (a.last_seen, a.status)
        return out

    def all_activities(self) -> Iterator[Activity]:
        """Every stored activity, in id order."""
        for (doc,) in self._connections.get().execute("SELECT doc FROM activities ORDER BY id"):
            yield Activity.model_validate_json(doc)

    # -- the merge step's look-ups -----------------------------------------------------------
    def get_many(self, ids: Iterable[str]) -> dict[str, Activity]:
        return {a.id: a for a in self._docs(
            "SELECT doc FROM activities WHERE id IN ({})", list(ids))}

    def merged_with(self, member_ids: Iterable[str]) -> list[Activity]:
        found = self._docs("SELECT doc FROM activities WHERE rid IN (SELECT rid FROM "
                           "activity_members WHERE member_id IN ({}))", list(member_ids))
        return sorted({a.id: a for a in found}.values(), key=lambda a: a.id)

    def records_near(self, reach: Reach) -> list[Activity]:
        places = []
        args: list[Any] = []
        if reach.box is not None:
            places.append("SELECT rid FROM activity_geo WHERE min_lat >= ? AND max_lat <= ? "
                          "AND min_lon >= ? AND max_lon <= ?")
            south, west, north, east = reach.box
            args += [south, north, west, east]
        if reach.town:
            places.append("SELECT rid FROM activity_towns WHERE town = ?"
                          + (" AND coarse = 1" if reach.coarse_only else ""))
            args.append(reach.town)
        if not places or not reach.words:
            return []
        words = " OR ".join('"' + w.replace('"', '""') + '"' for w in reach.words)
        rows = self._connections.get().execute(
            f"SELECT doc FROM activities WHERE rid IN ({' UNION '.join(places)}) "
            "AND rid IN (SELECT rowid FROM activity_fts WHERE activity_fts MATCH ?) ORDER BY id",
            [*args, f"title_terms : ({words})"])
        return [Activity.model_validate_json(doc) for (doc,) in rows]

    def _docs(self, sql: str, ids: list[str]) -> list[Activity]:
        """The records a query with one `IN ({})` of ids finds, asked 500 ids at a time."""
        out: list[Activity] = []
        con = self._connections.get()
        for i in range(0, len(ids), 500):
            part = ids[i:i + 500]
            out.extend(Activity.model_validate_json(doc) for (doc,) in con.execute(
                sql.format(", ".join("?" * len(part))), part))
        return out

    def count(self) -> int:
        return int(self._connections.get().execute(
            "SELECT count(*) FROM activities").fetchone()[0])
