"""The embedded default index: one SQLite file with FTS5 for text and an R*Tree for places."""

from __future__ import annotations

import math
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from core.clock import TZ
from core.schema import Activity, Organization, Schedule, ScheduleKind, Status
from core.text import fold
from index.contract import (
    Hit,
    Match,
    OrganizationResult,
    SearchQuery,
    SearchResult,
    Sort,
    WriteStats,
    carry_over,
    content_hash,
    merge_organization,
    name_matches,
)
from normalize import analysis, schedule
from normalize.geo import EARTH_RADIUS_KM, distance_km

_SCHEMA = """
CREATE TABLE IF NOT EXISTS activities (
    rid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    doc TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    status TEXT NOT NULL,
    title TEXT NOT NULL,
    lat REAL, lon REAL,
    age_min INTEGER, age_max INTEGER,
    price_amount REAL, is_free INTEGER,
    wheelchair INTEGER, step_free INTEGER, accessible_toilet INTEGER,
    hearing_loop INTEGER, parking INTEGER,
    drop_in INTEGER,
    weekdays INTEGER,            -- bit 0 = Monday; NULL = unknown schedule
    day_parts INTEGER,           -- bits in DAY_PARTS order; NULL = unknown time
    sched_kind TEXT NOT NULL,
    rrule TEXT,
    first_start TEXT,            -- local ISO with offset; NULL = unknown
    last_start TEXT,             -- UTC ISO; NULL = open-ended or unknown
    municipality TEXT,
    source_name TEXT NOT NULL,
    source_kind TEXT NOT NULL,
    organization_id TEXT
);
CREATE INDEX IF NOT EXISTS activities_org ON activities(organization_id);
CREATE INDEX IF NOT EXISTS activities_source ON activities(source_name);
CREATE TABLE IF NOT EXISTS activity_categories (
    rid INTEGER NOT NULL REFERENCES activities(rid) ON DELETE CASCADE,
    slug TEXT NOT NULL,
    PRIMARY KEY (slug, rid)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS activity_categories_rid ON activity_categories(rid);
CREATE VIRTUAL TABLE IF NOT EXISTS activity_geo
    USING rtree(rid, min_lat, max_lat, min_lon, max_lon);
CREATE VIRTUAL TABLE IF NOT EXISTS activity_fts USING fts5(
    title_terms, body_terms, tokenize = "unicode61 remove_diacritics 0", prefix = '2 3 4'
);
CREATE TABLE IF NOT EXISTS organizations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

#: bm25 weights of the FTS columns: a word in the title counts three times one in the text.
_BM25 = "bm25(activity_fts, 3.0, 1.0)"
_FLAGS = ("wheelchair", "step_free", "accessible_toilet", "hearing_loop", "parking")


def _tri(value: bool | None) -> int | None:
    return None if value is None else int(value)


def _utc(dt: datetime | None) -> str | None:
    return None if dt is None else dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def fts_query(text: str) -> str | None:
    """FTS5 MATCH expression for what a user typed: every word, stemmed, as a prefix.

    User text never reaches FTS5 syntax: only stems of letters, each quoted.

    >>> fts_query('Strikker "OR" spil*')
    '"strik"* AND "or"* AND "spil"*'
    >>> fts_query("!!!") is None
    True
    """
    terms = analysis.query_terms(text)
    if not terms:
        return None
    return " AND ".join(f'"{t}"*' for t in terms)


class SQLiteBackend:
    """Embedded index. Safe for one writer and many reader threads (WAL)."""

    name = "sqlite"

    def __init__(self, path: str | Path = "data/fkort.db", **_: Any) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._write_lock = threading.Lock()
        with self._conn() as con:
            con.executescript(_SCHEMA)
            self._migrate(con)

    def _migrate(self, con: sqlite3.Connection) -> None:
        """Bring a file written by an older version up to this schema (added columns are
        filled from the stored records, so no re-crawl is needed)."""
        columns = {r[1] for r in con.execute("PRAGMA table_info(activities)")}
        if "day_parts" not in columns:
            con.execute("ALTER TABLE activities ADD COLUMN day_parts INTEGER")
            rows = con.execute("SELECT rid, doc FROM activities").fetchall()
            con.executemany("UPDATE activities SET day_parts = ? WHERE rid = ?", [
                (_day_mask(Activity.model_validate_json(doc).schedule), rid)
                for rid, doc in rows])

    # -- connections ---------------------------------------------------------------------
    def _connection(self) -> sqlite3.Connection:
        con: sqlite3.Connection | None = getattr(self._local, "con", None)
        if con is None:
            con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA synchronous=NORMAL")
            con.execute("PRAGMA foreign_keys=ON")
            _ensure_math(con)
            con.create_function("fk_next", 4, _next_start, deterministic=True)
            con.create_function("fk_name_matches", 2, _name_matches, deterministic=True)
            self._local.con = con
        return con

    @contextmanager
    def _conn(self) -> Iterator[sqlite3.Connection]:
        yield self._connection()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._write_lock:
            con = self._connection()
            con.execute("BEGIN IMMEDIATE")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")

    def close(self) -> None:
        con = getattr(self._local, "con", None)
        if con is not None:
            con.close()
            self._local.con = None

    # -- writes --------------------------------------------------------------------------
    def upsert(self, activities: Iterable[Activity]) -> WriteStats:
        stats = WriteStats()
        with self._tx() as con:
            for activity in activities:
                try:
                    self._upsert_one(con, activity, stats)
                except (sqlite3.Error, ValueError) as exc:
                    stats.errors.append((activity.id, f"{type(exc).__name__}: {exc}"))
        return stats

    def _upsert_one(self, con: sqlite3.Connection, a: Activity, stats: WriteStats) -> None:
        row = con.execute(
            "SELECT rid, content_hash, doc FROM activities WHERE id = ?", (a.id,)
        ).fetchone()
        digest = content_hash(a)
        if row is not None:
            old = Activity.model_validate_json(row[2])
            a = carry_over(old, a)
            if row[1] == digest and old.status == a.status:
                stats.unchanged += 1  # nothing new: no write
                return
            self._delete_rid(con, row[0])
            stats.changed += 1
            rid = row[0]
        else:
            stats.new += 1
            rid = None
        loc, sch = a.location, a.schedule
        days = schedule.weekdays(sch)
        cur = con.execute(
            """INSERT INTO activities (rid, id, doc, content_hash, status, title, lat, lon,
                age_min, age_max, price_amount, is_free, wheelchair, step_free,
                accessible_toilet, hearing_loop, parking, drop_in, weekdays, day_parts,
                sched_kind, rrule,
                first_start, last_start, municipality, source_name, source_kind,
                organization_id)
               VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
            (
                rid, a.id, a.model_dump_json(), digest, a.status.value, a.title, loc.lat, loc.lon,
                a.age.min, a.age.max, a.price.amount_dkk, _tri(a.price.is_free),
                *(_tri(getattr(a.accessibility, f)) for f in _FLAGS),
                _tri(a.drop_in),
                sum(1 << d for d in days) if days else None, _day_mask(sch),
                sch.kind.value, sch.rrule,
                sch.start.isoformat() if sch.start else None, _utc(schedule.last_start(sch)),
                loc.municipality.casefold() if loc.municipality else None,
                a.source.name, a.source.kind.value, a.organization_id,
            ),
        )
        rid = cur.lastrowid
        con.executemany(
            "INSERT INTO activity_categories (rid, slug) VALUES (?, ?)",
            [(rid, slug) for slug in a.categories],
        )
        if loc.lat is not None and loc.lon is not None:
            con.execute(
                "INSERT INTO activity_geo VALUES (?, ?, ?, ?, ?)",
                (rid, loc.lat, loc.lat, loc.lon, loc.lon),
            )
        body = " ".join(
            t for t in (a.description, a.organizer.name, loc.name, loc.city, " ".join(
                a.categories)) if t
        )
        con.execute(
            "INSERT INTO activity_fts (rowid, title_terms, body_terms) VALUES (?, ?, ?)",
            (rid, analysis.index_terms(a.title), analysis.index_terms(body)),
        )

    def _delete_rid(self, con: sqlite3.Connection, rid: int) -> None:
        con.execute("DELETE FROM activity_fts WHERE rowid = ?", (rid,))
        con.execute("DELETE FROM activity_geo WHERE rid = ?", (rid,))
        con.execute("DELETE FROM activity_categories WHERE rid = ?", (rid,))
        con.execute("DELETE FROM activities WHERE rid = ?", (rid,))

    def delete(self, ids: Iterable[str]) -> int:
        n = 0
        with self._tx() as con:
            for activity_id in ids:
                row = con.execute(
                    "SELECT rid FROM activities WHERE id = ?", (activity_id,)
                ).fetchone()
                if row:
                    self._delete_rid(con, row[0])
                    n += 1
        return n

    def set_status(self, ids: Iterable[str], status: Status) -> int:
        n = 0
        with self._tx() as con:
            for activity_id in ids:
                row = con.execute(
                    "SELECT doc FROM activities WHERE id = ?", (activity_id,)
                ).fetchone()
                if not row:
                    continue
                doc = Activity.model_validate_json(row[0]).model_copy(update={"status": status})
                con.execute(
                    "UPDATE activities SET status = ?, doc = ? WHERE id = ?",
                    (status.value, doc.model_dump_json(), activity_id),
                )
                n += 1
        return n

    def upsert_organizations(self, organizations: Iterable[Organization]) -> WriteStats:
        stats = WriteStats()
        with self._tx() as con:
            for org in organizations:
                old = con.execute(
                    "SELECT doc FROM organizations WHERE id = ?", (org.id,)
                ).fetchone()
                if old is not None:
                    merged = merge_organization(Organization.model_validate_json(old[0]), org)
                    if merged is None:
                        stats.unchanged += 1  # nothing new: no write
                        continue
                    org = merged
                    stats.changed += 1
                else:
                    stats.new += 1
                con.execute(
                    "INSERT OR REPLACE INTO organizations (id, name, doc) VALUES (?, ?, ?)",
                    (org.id, org.name, org.model_dump_json()),
                )
        return stats

    # -- reads ---------------------------------------------------------------------------
    def get(self, activity_id: str) -> Activity | None:
        with self._conn() as con:
            row = con.execute("SELECT doc FROM activities WHERE id = ?", (activity_id,)).fetchone()
        return Activity.model_validate_json(row[0]) if row else None

    def get_organization(self, org_id: str) -> Organization | None:
        with self._conn() as con:
            row = con.execute("SELECT doc FROM organizations WHERE id = ?", (org_id,)).fetchone()
        return Organization.model_validate_json(row[0]) if row else None

    def organization_activities(self, org_id: str) -> list[Activity]:
        with self._conn() as con:
            rows = con.execute(
                "SELECT doc FROM activities WHERE organization_id = ? ORDER BY title, id",
                (org_id,),
            ).fetchall()
        return [Activity.model_validate_json(r[0]) for r in rows]

    def search_organizations(self, text: str, limit: int = 20, offset: int = 0
                             ) -> OrganizationResult:
        found: dict[str, Organization] = {}
        with self._conn() as con:
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
        with self._conn() as con:
            for aid, doc in con.execute(
                "SELECT id, doc FROM activities WHERE source_name = ?", (source_name,)
            ):
                a = Activity.model_validate_json(doc)
                out[aid] = (a.last_seen, a.status)
        return out

    def all_activities(self) -> Iterator[Activity]:
        """Every stored activity, in id order."""
        with self._conn() as con:
            for (doc,) in con.execute("SELECT doc FROM activities ORDER BY id"):
                yield Activity.model_validate_json(doc)

    def count(self) -> int:
        with self._conn() as con:
            return int(con.execute("SELECT count(*) FROM activities").fetchone()[0])

    def search(self, q: SearchQuery) -> SearchResult:
        now = q.now or datetime.now(TZ)
        where, params, joins = self._where(q, now)
        unknown_sql, yes_sql = self._soft(q)
        sort = q.effective_sort()
        fts = fts_query(q.text) if q.text else None
        dist_sql = _ARC_SQL if q.has_point else "NULL"
        rank_sql = _BM25 if fts and not _text_by_place(q) else "NULL"
        next_sql = "NULL"
        if sort is Sort.distance:
            order = "dist"
        elif sort is Sort.relevance and fts:
            order = "rank"
        else:
            order = "nxt IS NULL, nxt"
            next_sql = "fk_next(a.sched_kind, a.first_start, a.rrule, :now)"
        params.update(plat=q.lat, plon=q.lon, now=_utc(now))
        select = f"""
            SELECT a.doc, a.id AS aid, {dist_sql} AS dist, {rank_sql} AS rank,
                   {unknown_sql} AS unknowns, {next_sql} AS nxt {yes_sql}
            FROM activities a {joins}
            WHERE {" AND ".join(where)}
        """
        radius = "WHERE dist <= :radius" if q.radius_km is not None else ""
        params["radius"] = q.radius_km
        sql = f"""SELECT * FROM ({select}) {radius}
                  ORDER BY unknowns, {order}, aid
                  LIMIT :limit OFFSET :offset"""
        params.update(limit=q.limit, offset=q.offset)
        count_sql = f"SELECT count(*) FROM ({select}) {radius}"
        with self._conn() as con:
            if fts is not None:
                params["fts"] = fts
            rows = con.execute(sql, params).fetchall()
            total = int(con.execute(count_sql, params).fetchone()[0])
            facets = self._facets(con, q, now)
        soft = q.soft_filters()
        hits = []
        for row in rows:
            doc, _aid, dist, rank, _unknowns, _nxt, *flags = row
            matched: dict[str, Match] = {
                name: ("yes" if ok else "unknown") for name, ok in zip(soft, flags, strict=True)
            }
            activity = Activity.model_validate_json(doc)
            if dist is not None and activity.location.lat is not None:
                assert q.lat is not None and q.lon is not None
                assert activity.location.lon is not None
                dist = _dist(activity.location.lat, activity.location.lon, q.lat, q.lon)
            hits.append(
                Hit(
                    activity=activity,
                    distance_km=None if dist is None else round(dist, 3),
                    score=None if rank is None else round(-rank, 4),
                    matched=matched,
                )
            )
        return SearchResult(total=total, hits=hits, facets={"categories": facets})

    def _facets(self, con: sqlite3.Connection, q: SearchQuery, now: datetime) -> dict[str, int]:
        # Counts per category under every filter except the category filter itself, so the
        # page can show how many the other interests would give.
        unfiltered = q.model_copy(update={"categories": []})
        where, params, joins = self._where(unfiltered, now)
        params.update(plat=q.lat, plon=q.lon, radius=q.radius_km)
        if q.text:
            params["fts"] = fts_query(q.text)
        dist = (
            f" AND {_ARC_SQL} <= :radius" if q.radius_km is not None else ""
        )
        rows = con.execute(
            f"""SELECT c.slug, count(*) FROM activities a {joins}
                JOIN activity_categories c ON c.rid = a.rid
                WHERE {" AND ".join(where)} {dist}
                GROUP BY c.slug ORDER BY c.slug""",
            params,
        ).fetchall()
        return {slug: n for slug, n in rows}

    def _where(self, q: SearchQuery, now: datetime) -> tuple[list[str], dict[str, Any], str]:
        where = ["a.status = 'active'", "(a.last_start IS NULL OR a.last_start >= :now_day)"]
        # A one-off is shown the whole day it happens.
        day_start = now.astimezone(TZ).replace(hour=0, minute=0, second=0, microsecond=0)
        params: dict[str, Any] = {"now_day": _utc(day_start)}
        joins = ""
        if q.text:
            fts = fts_query(q.text)
            if fts is None:
                where.append("0")  # nothing searchable was typed: nothing matches
            else:
                if _text_by_place(q):
                    # Near a point, the place narrows most: walk the R*Tree, and check each
                    # candidate against the text matches (materialised once).
                    where.append("a.rid IN (SELECT rowid FROM activity_fts "
                                 "WHERE activity_fts MATCH :fts)")
                else:
                    joins += " JOIN activity_fts f ON f.rowid = a.rid AND activity_fts MATCH :fts"
        if q.has_point and q.radius_km is not None:
            assert q.lat is not None and q.lon is not None
            dlat = q.radius_km / 110.574
            dlon = q.radius_km / (111.320 * max(math.cos(math.radians(q.lat)), 0.01))
            joins += " JOIN activity_geo g ON g.rid = a.rid"
            where.append("g.min_lat >= :lat0 AND g.max_lat <= :lat1 "
                         "AND g.min_lon >= :lon0 AND g.max_lon <= :lon1")
            params.update(lat0=q.lat - dlat, lat1=q.lat + dlat, lon0=q.lon - dlon,
                          lon1=q.lon + dlon)
        elif q.has_point and q.effective_sort() is Sort.distance:
            where.append("a.lat IS NOT NULL")
        if q.categories:
            marks = ",".join(f":cat{i}" for i in range(len(q.categories)))
            where.append(f"a.rid IN (SELECT rid FROM activity_categories WHERE slug IN ({marks}))")
            params.update({f"cat{i}": c for i, c in enumerate(q.categories)})
        if q.municipality:
            where.append("a.municipality = :muni")
            params["muni"] = q.municipality.casefold()
        # Soft filters: stated misfits are out; unknowns stay unless strict.
        for no_sql, yes_sql in self._soft_sql(q).values():
            # IFNULL: an unknown (NULL) value is not a stated misfit.
            where.append(f"NOT IFNULL(({no_sql}), 0)")
            if q.strict:
                where.append(f"({yes_sql})")
        params.update(self._soft_params(q))
        return where, params, joins

    def _soft_sql(self, q: SearchQuery) -> dict[str, tuple[str, str]]:
        """For each soft filter in use: (stated misfit, stated fit) as SQL conditions."""
        out: dict[str, tuple[str, str]] = {}
        for name in q.soft_filters():
            if name == "age":
                out[name] = (
                    "(a.age_min IS NOT NULL AND a.age_min > :age) OR "
                    "(a.age_max IS NOT NULL AND a.age_max < :age)",
                    "(a.age_min IS NOT NULL OR a.age_max IS NOT NULL)",
                )
            elif name == "max_price":
                out[name] = (
                    "a.price_amount IS NOT NULL AND a.price_amount > :max_price",
                    "(a.price_amount IS NOT NULL OR a.is_free = 1)",
                )
            elif name == "free":
                out[name] = ("a.is_free = 0", "a.is_free = 1")
            elif name == "weekday":
                out[name] = (
                    "a.weekdays IS NOT NULL AND (a.weekdays & :daymask) = 0",
                    "a.weekdays IS NOT NULL",
                )
            elif name == "time_of_day":
                out[name] = (
                    "a.day_parts IS NOT NULL AND (a.day_parts & :partmask) = 0",
                    "a.day_parts IS NOT NULL",
                )
            elif name == "drop_in":
                out[name] = ("a.drop_in = 1 - :drop_in", "a.drop_in = :drop_in")
            else:  # accessibility flags asked for as needed
                out[name] = (f"a.{name} = 0", f"a.{name} = 1")
        return out

    def _soft_params(self, q: SearchQuery) -> dict[str, Any]:
        return {
            "age": q.age,
            "max_price": q.max_price,
            "daymask": sum(1 << d for d in q.weekdays),
            "partmask": sum(1 << _PART_BIT[p] for p in q.time_of_day),
            "drop_in": None if q.drop_in is None else int(q.drop_in),
        }

    def _soft(self, q: SearchQuery) -> tuple[str, str]:
        soft = self._soft_sql(q)
        if not soft:
            return "0", ""
        unknown = " + ".join(f"(CASE WHEN {yes} THEN 0 ELSE 1 END)" for _, yes in soft.values())
        yes_cols = "".join(f", (CASE WHEN {yes} THEN 1 ELSE 0 END)" for _, yes in soft.values())
        return f"({unknown})", yes_cols


#: Great-circle distance in SQL (C speed) for filtering and ordering: the same arc a search
#: engine's geo_distance uses (mean Earth radius). Shown distances are computed exactly
#: (ellipsoid) for the returned page only.
_ARC_SQL = (
    f"(2 * {EARTH_RADIUS_KM} * asin(min(1, sqrt("
    "sin(radians(:plat - a.lat) / 2) * sin(radians(:plat - a.lat) / 2) + "
    "cos(radians(a.lat)) * cos(radians(:plat)) * "
    "sin(radians(:plon - a.lon) / 2) * sin(radians(:plon - a.lon) / 2)))))"
)


def _ensure_math(con: sqlite3.Connection) -> None:
    """SQLite builds without math functions get them from Python (slower, same results)."""
    try:
        con.execute("SELECT asin(1), sqrt(1), sin(1), cos(1), radians(1)").fetchone()
    except sqlite3.OperationalError:
        for name, fn in (("asin", math.asin), ("sqrt", math.sqrt), ("sin", math.sin),
                         ("cos", math.cos), ("radians", math.radians)):
            con.create_function(name, 1, fn, deterministic=True)


#: Bit of each part of the day in the day_parts column.
_PART_BIT = {name: i for i, name in enumerate(schedule.DAY_PARTS)}


def _day_mask(sch: Schedule) -> int | None:
    """The parts of the day as bits; None when the clock time is unknown."""
    parts = schedule.day_parts(sch)
    return sum(1 << _PART_BIT[p] for p in parts) if parts else None


def _name_matches(text: str | None, name: str | None) -> bool:
    return bool(text and name and name_matches(text, name))


def _text_by_place(q: SearchQuery) -> bool:
    """Whether a text search near a point is better driven by the place than by the text."""
    return bool(q.text and q.has_point and q.radius_km is not None
                and q.effective_sort() is not Sort.relevance)


def _dist(
    lat: float | None, lon: float | None, plat: float | None, plon: float | None
) -> float | None:
    if lat is None or lon is None or plat is None or plon is None:
        return None
    return distance_km(lat, lon, plat, plon)


@lru_cache(maxsize=100_000)
def _next_start(kind: str, first_start: str | None, rrule: str | None, now: str) -> str | None:
    """Next start (UTC ISO) at or after `now`, for ordering by "next"; None when unknown."""
    if first_start is None:
        return None
    try:
        sched = Schedule(
            kind=ScheduleKind(kind), start=datetime.fromisoformat(first_start), rrule=rrule
        )
    except ValueError:
        return None
    after = datetime.fromisoformat(now).replace(tzinfo=UTC)
    nxt = schedule.next_occurrences(sched, after, 1)
    return _utc(nxt[0]) if nxt else None
