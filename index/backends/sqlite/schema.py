"""The SQLite store's tables: one row per activity with the columns a search reads (the soft
filters' columns made from `index.filters`), FTS5 for text, an R*Tree for places; and how a
file written by an older version is brought up to them."""

from __future__ import annotations

import math
import sqlite3
from datetime import UTC, datetime
from typing import Any

from core import clock
from core.schema import Activity, Schedule
from index.filters import STORED_RULES, AnyOf, AtMost, Flag, Span
from normalize import schedule

#: Stated yes/no fields stored beside the soft filters' own (not filters yet).
ALSO_STORED = ("accessible_toilet", "parking")

_ACTIVITIES = """
CREATE TABLE IF NOT EXISTS activities (
    rid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    doc TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    status TEXT NOT NULL,
    title TEXT NOT NULL,
    lat REAL, lon REAL,
    sched_kind TEXT NOT NULL,
    rrule TEXT,
    first_start TEXT,            -- local ISO with offset; NULL = unknown
    last_start TEXT,             -- UTC ISO; NULL = open-ended or unknown
    municipality TEXT,
    source_name TEXT NOT NULL,
    source_kind TEXT NOT NULL,
    organization_id TEXT{more}
);
"""
_REST = """
CREATE INDEX IF NOT EXISTS activities_org ON activities(organization_id);
CREATE INDEX IF NOT EXISTS activities_source ON activities(source_name);
CREATE INDEX IF NOT EXISTS activities_muni ON activities(municipality);
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


#: The stored next start of an activity that meets no more, or whose time is unknown: it
#: sorts after every time (a sort key, never shown).
NO_NEXT = "~"
#: The stored next-start columns and their index (made after `migrate`, which may add them).
NEXT_COLUMNS = [("next_start", "TEXT"), ("next_ref", "TEXT")]
_NEXT_INDEX = """
CREATE INDEX IF NOT EXISTS activities_next ON activities(next_start, id);
CREATE INDEX IF NOT EXISTS activities_next_ref ON activities(next_ref);
"""


#: The columns a search reads of an activity, in one covering index led by rid: a search
#: walks its candidates (from the R*Tree or FTS5) by rid through this narrow index, never
#: through the wide rows that hold each record's JSON.
SEARCH_INDEX = "activities_search"


def search_columns() -> list[str]:
    """The columns of `SEARCH_INDEX`: rid, the hard filters', the soft filters', the sort
    keys and the id (the last tie-break)."""
    return ["rid", "status", "event_status", "last_start", "lat", "lon", "municipality",
            *(c for c, _ in FILTER_COLUMNS), "next_start", "next_ref", "id"]


#: The same columns led by the place, by band of latitude and then longitude: a search near
#: a point reads one short range per band its box spans (an R*Tree's work, in the index
#: that also holds everything else the search reads of each place).
PLACE_INDEX = "activities_place"
#: Bands of latitude per degree (a band is about 11 km high).
BANDS_PER_DEGREE = 10


def lat_band(lat: float | None) -> int | None:
    """The band of latitude a place lies in.

    >>> lat_band(56.3601), lat_band(-0.01), lat_band(None)
    (563, -1, None)
    """
    return None if lat is None else math.floor(lat * BANDS_PER_DEGREE)


def place_columns() -> list[str]:
    """The columns of `PLACE_INDEX` (rid is in every index)."""
    rest = [c for c in search_columns() if c not in {"rid", "lat", "lon"}]
    return ["lat_band", "lon", "lat", *rest]


def _ensure_search_indexes(con: sqlite3.Connection) -> None:
    """Make `SEARCH_INDEX` and `PLACE_INDEX`, or make them again when the columns a search
    reads have changed (a soft filter added)."""
    for name, want in ((SEARCH_INDEX, search_columns()), (PLACE_INDEX, place_columns())):
        have = [r[2] for r in con.execute(f"PRAGMA index_info({name})")]
        if have == want:
            continue
        con.execute(f"DROP INDEX IF EXISTS {name}")
        con.execute(f"CREATE INDEX {name} ON activities({', '.join(want)})")


def next_key(sched: Schedule, ref: str) -> str:
    """The next start at or after `ref` (UTC ISO, as `utc` writes it), as the store keeps it:
    UTC ISO, or `NO_NEXT`. Computed by `normalize.schedule.next_occurrences`, the one
    function that gives occurrences.

    It is exact for every later time `now` with `ref <= now <= next_start`: no meeting falls
    between `ref` and the stored one. A search outside that window recomputes it
    (`SQLiteBackend.refresh_next_starts`).
    """
    after = datetime.fromisoformat(ref).replace(tzinfo=UTC)
    found = schedule.next_occurrences(sched, after, 1)
    return (utc(found[0]) or NO_NEXT) if found else NO_NEXT


def next_values(a: Activity, ref: datetime) -> dict[str, Any]:
    """An activity's stored next start, computed at `ref`, with `ref` itself."""
    at = utc(ref)
    assert at is not None
    return {"next_start": next_key(a.schedule, at), "next_ref": at}


def utc(dt: datetime | None) -> str | None:
    """A time as the store keeps it: UTC, ISO, to the second."""
    return None if dt is None else dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def tri(value: bool | None) -> int | None:
    """A stated yes/no as 1/0; NULL when not stated."""
    return None if value is None else int(value)


def span_columns(field: str) -> tuple[str, str]:
    """The columns of a `Span`'s two ends."""
    return f"{field}_min", f"{field}_max"


def _filter_columns() -> list[tuple[str, str]]:
    """(column, type) of every stored soft-filter value, as `index.filters` declares them."""
    columns: list[tuple[str, str]] = []
    for rule in STORED_RULES:
        match rule:
            case Span():
                columns.extend((c, "INTEGER") for c in span_columns(rule.field))
            case AtMost():
                columns.append((rule.field, "REAL"))
            case Flag() | AnyOf():  # AnyOf: the set as bits in its `choices` order
                columns.append((rule.field, "INTEGER"))
    return columns


def derived_values(a: Activity, ref: datetime) -> dict[str, Any]:
    """The columns an older file may lack, as made from the stored record: the soft filters',
    the event status (a record stored before it was read has none: unknown) and the next
    start as of `ref`."""
    return {**filter_values(a), "event_status": a.event_status.value, **next_values(a, ref),
            "lat_band": lat_band(a.location.lat)}


def filter_values(a: Activity) -> dict[str, Any]:
    """An activity's soft-filter columns; NULL where the listing does not say."""
    values: dict[str, Any] = {}
    for rule in STORED_RULES:
        match rule:
            case Span():
                values.update(zip(span_columns(rule.field), rule.read(a), strict=True))
            case AtMost():
                values[rule.field] = rule.read(a)
            case Flag():
                values[rule.field] = tri(rule.read(a))
            case AnyOf():
                stated = rule.read(a)
                values[rule.field] = rule.bits(stated) if stated else None
    return values


#: The soft filters' columns; and the stated flags kept beside them that are not among them.
FILTER_COLUMNS = _filter_columns()
#: Columns added after the first version: the soft filters' and the event status.
DERIVED_COLUMNS = [*FILTER_COLUMNS, ("event_status", "TEXT"), *NEXT_COLUMNS,
                   ("lat_band", "INTEGER")]
_ALSO = [f for f in ALSO_STORED if f not in {c for c, _ in FILTER_COLUMNS}]


def row(a: Activity, digest: str, ref: datetime) -> dict[str, Any]:
    """An activity's row in `activities`, by column (rid is given by the writer); its next
    start as of `ref`."""
    loc, sch = a.location, a.schedule
    return {
        "id": a.id, "doc": a.model_dump_json(), "content_hash": digest,
        "status": a.status.value, "event_status": a.event_status.value, "title": a.title,
        "lat": loc.lat, "lon": loc.lon,
        **{f: tri(getattr(a.accessibility, f)) for f in _ALSO},
        "sched_kind": sch.kind.value, "rrule": sch.rrule,
        "first_start": sch.start.isoformat() if sch.start else None,
        "last_start": utc(schedule.last_start(sch)),
        "municipality": loc.municipality.casefold() if loc.municipality else None,
        "source_name": a.source.name, "source_kind": a.source.kind.value,
        "organization_id": a.organization_id,
        **filter_values(a),
        **next_values(a, ref),
        "lat_band": lat_band(loc.lat),
    }


def ddl() -> str:
    more = "".join(f",\n    {name} {kind}" for name, kind in [
        *((f, "INTEGER") for f in _ALSO), *DERIVED_COLUMNS])
    return _ACTIVITIES.format(more=more) + _REST


def create(con: sqlite3.Connection) -> None:
    """Make the tables, and bring a file written by an older version up to them."""
    con.executescript(ddl())
    migrate(con)
    con.executescript(_NEXT_INDEX)
    _ensure_search_indexes(con)


def migrate(con: sqlite3.Connection) -> None:
    """Add the columns an older file lacks (`DERIVED_COLUMNS`), filled from the stored
    records (so no re-crawl is needed)."""
    have = {r[1] for r in con.execute("PRAGMA table_info(activities)")}
    missing = [(name, kind) for name, kind in DERIVED_COLUMNS if name not in have]
    if not missing:
        return
    names = [name for name, _ in missing]
    con.execute("BEGIN IMMEDIATE")
    try:
        for name, kind in missing:
            con.execute(f"ALTER TABLE activities ADD COLUMN {name} {kind}")
        rows = con.execute("SELECT rid, doc FROM activities").fetchall()
        updates = []
        ref = clock.now()
        for rid, doc in rows:
            values = derived_values(Activity.model_validate_json(doc), ref)
            updates.append((*(values[n] for n in names), rid))
        assignments = ", ".join(f"{n} = ?" for n in names)
        con.executemany(f"UPDATE activities SET {assignments} WHERE rid = ?", updates)
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
