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
from normalize import analysis, schedule
from normalize.category import CATEGORY_LABELS
from normalize.matching import precise_point, town_key

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
#: Bands of latitude per degree (a band is about 2.8 km high). A search reads one range of
#: the index per band its box spans, each range as wide as the box: a band much higher than
#: the small circles a nearest-first page is looked for in (`query._page_nearest`) would
#: have it read places far north and south of them (10 per degree read 10-20 % more CPU
#: over the bench's mix at 100k activities than 40). A change of it is a change of the
#: derived columns' rules (`DERIVED_VERSION`).
BANDS_PER_DEGREE = 40


def lat_band(lat: float | None) -> int | None:
    """The band of latitude a place lies in.

    >>> lat_band(56.3601), lat_band(-0.01), lat_band(None)
    (2254, -1, None)
    """
    return None if lat is None else math.floor(lat * BANDS_PER_DEGREE)


def place_columns() -> list[str]:
    """The columns of `PLACE_INDEX` (rid is in every index), ending with the categories as
    bits and the text's terms: a search near a point checks its interests and its words
    on each place in the index itself (`query._place_text`), never by a set of every
    match in the country nor a look-up per place."""
    rest = [c for c in search_columns() if c not in {"rid", "lat", "lon"}]
    return ["lat_band", "lon", "lat", *rest, "cat_bits", "terms"]


#: The category slugs that have a bit in `cat_bits`, in bit order. A slug not among them
#: (none today) is looked up in `activity_categories` instead. A change of this list has
#: every file's `cat_bits` made again when opened (`meta.category_bits`, `_to_do`).
CATEGORY_BITS = tuple(sorted(CATEGORY_LABELS))


def category_bits(slugs: list[str]) -> int:
    """The categories as bits in `CATEGORY_BITS` order (0: none of them).

    >>> category_bits(["spil"]) == 1 << CATEGORY_BITS.index("spil")
    True
    >>> category_bits(["ikke_en_kategori"])
    0
    """
    return sum(1 << CATEGORY_BITS.index(s) for s in set(slugs) if s in CATEGORY_BITS)


def text_terms(a: Activity) -> tuple[str, str]:
    """The title's and the body's index terms, as the text index holds them (its two
    columns): the body is the description, the organiser's name, the place's name and town
    and the category slugs."""
    loc = a.location
    body = " ".join(
        t for t in (a.description, a.organizer.name, loc.name, loc.city, " ".join(
            a.categories)) if t
    )
    return analysis.index_terms(a.title), analysis.index_terms(body)


def place_terms(title_terms: str, body_terms: str) -> str:
    """The `terms` column: each distinct term of both text columns once, with a space before
    and after each, so that `instr(terms, ' strik')` finds a term that starts with "strik"
    and `instr(terms, ' strik ')` the term itself, as FTS5 would match them.

    >>> place_terms("strikkeklub strik klub", "strik og kaffe")
    ' strikkeklub strik klub og kaffe '
    >>> place_terms("", "")  # no term: nothing to find
    '  '
    """
    return " " + " ".join(dict.fromkeys(f"{title_terms} {body_terms}".split())) + " "


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
    """The columns made from the stored record that an older file may lack or have made by
    older rules: the soft filters', the event status (a record stored before it was read has
    none: unknown), the schedule's last meeting (over every rule), the next start as of
    `ref`, and the band of latitude the place index is led by."""
    return {**filter_values(a), "event_status": a.event_status.value,
            "last_start": utc(schedule.last_start(a.schedule)),
            **next_values(a, ref), "lat_band": lat_band(a.location.lat), **place_values(a)}


def place_values(a: Activity, terms: tuple[str, str] | None = None) -> dict[str, Any]:
    """What the place index holds of an activity's interests and words (`terms`: its
    `text_terms`, when the caller has them already)."""
    return {"cat_bits": category_bits(a.categories),
            "terms": place_terms(*(terms or text_terms(a)))}



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
#: Columns added after the first version: the soft filters', the event status, the stored
#: next start (read from the whole schedule, every rule) and the place index's band of
#: latitude.
DERIVED_COLUMNS = [*FILTER_COLUMNS, ("event_status", "TEXT"), *NEXT_COLUMNS,
                   ("lat_band", "INTEGER"), ("cat_bits", "INTEGER"), ("terms", "TEXT")]
#: Version of the rules that make the derived columns (`derived_values`) from a record. A
#: file made by lower versions has them all made again from its stored records when opened.
#: 2: schedules of several rules (weekdays, parts of the day, next and last meeting of
#: every rule).
#: 3: bands of latitude a quarter as high (`BANDS_PER_DEGREE`).
DERIVED_VERSION = 3
_ALSO = [f for f in ALSO_STORED if f not in {c for c, _ in FILTER_COLUMNS}]


def row(a: Activity, digest: str, ref: datetime, terms: tuple[str, str] | None = None
        ) -> dict[str, Any]:
    """An activity's row in `activities`, by column (rid is given by the writer); its next
    start as of `ref`; `terms`: its `text_terms`, when the caller has them already."""
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
        **place_values(a, terms),
    }


def ddl() -> str:
    more = "".join(f",\n    {name} {kind}" for name, kind in [
        *((f, "INTEGER") for f in _ALSO), *DERIVED_COLUMNS])
    return _ACTIVITIES.format(more=more) + _REST


#: The merge step's look-ups (`records_near`, `merged_with`): each activity's town (for the
#: records known only to their town) and each merged record's members.
_MERGE_TABLES = """
CREATE TABLE IF NOT EXISTS activity_towns (
    town TEXT NOT NULL, coarse INTEGER NOT NULL, rid INTEGER NOT NULL,
    PRIMARY KEY (town, coarse, rid)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS activity_towns_rid ON activity_towns(rid);
CREATE TABLE IF NOT EXISTS activity_members (
    member_id TEXT NOT NULL, rid INTEGER NOT NULL, PRIMARY KEY (member_id, rid)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS activity_members_rid ON activity_members(rid);
"""


def merge_rows(a: Activity) -> tuple[list[tuple[str, int]], list[str]]:
    """An activity's rows in the merge step's tables: (town, coarse) and member ids."""
    town = town_key(a)
    towns = [(town, int(not precise_point(a)))] if town else []
    return towns, list(a.merged_from)


def write_merge_rows(con: sqlite3.Connection, rid: int, a: Activity) -> None:
    towns, members = merge_rows(a)
    con.executemany("INSERT OR IGNORE INTO activity_towns (town, coarse, rid) VALUES (?, ?, ?)",
                    [(t, c, rid) for t, c in towns])
    con.executemany("INSERT OR IGNORE INTO activity_members (member_id, rid) VALUES (?, ?)",
                    [(m, rid) for m in members])


def create(con: sqlite3.Connection) -> None:
    """Make the tables, and bring a file written by an older version up to them."""
    had_merge_tables = con.execute(
        "SELECT 1 FROM sqlite_master WHERE name = 'activity_members'").fetchone() is not None
    con.executescript(ddl())
    con.executescript(_MERGE_TABLES)
    migrate(con)
    if not had_merge_tables:
        _fill_merge_tables(con)
    con.executescript(_NEXT_INDEX)
    _ensure_search_indexes(con)


def _fill_merge_tables(con: sqlite3.Connection) -> None:
    """A file written before the merge step's tables: fill them from the stored records."""
    con.execute("BEGIN IMMEDIATE")
    try:
        for rid, doc in con.execute("SELECT rid, doc FROM activities").fetchall():
            write_merge_rows(con, rid, Activity.model_validate_json(doc))
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def migrate(con: sqlite3.Connection) -> None:
    """Bring a file written by an older version up to this one: add the columns it lacks
    (`DERIVED_COLUMNS`) and, when they were made by older rules (`DERIVED_VERSION`), make
    every derived column again, all from the stored records (so no re-crawl is needed).
    A stored record is read by today's schema, which reads every older record."""
    if _to_do(con) is None:
        return
    con.execute("BEGIN IMMEDIATE")
    try:
        # Looked at again inside the write lock: another process may have done it meanwhile.
        todo = _to_do(con)
        if todo is not None:
            missing, names = todo
            for name, kind in missing:
                con.execute(f"ALTER TABLE activities ADD COLUMN {name} {kind}")
            updates = []
            ref = clock.now()
            for rid, doc in con.execute("SELECT rid, doc FROM activities").fetchall():
                values = derived_values(Activity.model_validate_json(doc), ref)
                updates.append((*(values[n] for n in names), rid))
            assignments = ", ".join(f"{n} = ?" for n in names)
            if names:
                con.executemany(f"UPDATE activities SET {assignments} WHERE rid = ?", updates)
        _set_version(con)
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def _to_do(con: sqlite3.Connection) -> tuple[list[tuple[str, str]], list[str]] | None:
    """The columns to add and the columns to make again; None when the file is up to date.
    A file with records and no `derived_version` was written before versions were kept (1);
    an empty one has nothing to make again."""
    have = {r[1] for r in con.execute("PRAGMA table_info(activities)")}
    missing = [(name, kind) for name, kind in DERIVED_COLUMNS if name not in have]
    found = con.execute("SELECT value FROM meta WHERE key = 'derived_version'").fetchone()
    empty = con.execute("SELECT 1 FROM activities LIMIT 1").fetchone() is None
    version = int(found[0]) if found else (DERIVED_VERSION if empty else 1)
    bits = con.execute("SELECT value FROM meta WHERE key = 'category_bits'").fetchone()
    # Bits made in another order of categories (or before there were any) are made again.
    stale_bits = not empty and (bits is None or bits[0] != ",".join(CATEGORY_BITS))
    if not missing and found and version >= DERIVED_VERSION and not stale_bits:
        return None
    if version < DERIVED_VERSION:
        return missing, [n for n, _ in DERIVED_COLUMNS] + ["last_start"]
    names = [n for n, _ in missing]
    if stale_bits and "cat_bits" not in names:
        names.append("cat_bits")
    return missing, names


def _set_version(con: sqlite3.Connection) -> None:
    con.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                    [("derived_version", str(DERIVED_VERSION)),
                     ("category_bits", ",".join(CATEGORY_BITS))])
