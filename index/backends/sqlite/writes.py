"""Writes to the SQLite store, each inside the caller's transaction: an activity's row with
its categories, place and text terms; deletes, status changes and associations."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache

from core import clock
from core.schema import Activity, Organization, Schedule, Status
from index.backends.sqlite.schema import next_key, row, text_terms, write_merge_rows
from index.contract import WriteStats, carry_over, content_hash, merge_organization


def upsert(con: sqlite3.Connection, activities: Iterable[Activity]) -> WriteStats:
    stats = WriteStats()
    ref = clock.now()  # the stored next starts are computed as of now
    for activity in activities:
        try:
            _upsert_one(con, activity, stats, ref)
        except (sqlite3.Error, ValueError) as exc:
            stats.errors.append((activity.id, f"{type(exc).__name__}: {exc}"))
    return stats


def _upsert_one(con: sqlite3.Connection, a: Activity, stats: WriteStats, ref: datetime
                ) -> None:
    found = con.execute(
        "SELECT rid, content_hash, doc FROM activities WHERE id = ?", (a.id,)
    ).fetchone()
    digest = content_hash(a)
    rid = None
    if found is not None:
        old = Activity.model_validate_json(found[2])
        a = carry_over(old, a)
        if found[1] == digest and old.status == a.status:
            stats.unchanged += 1  # nothing new: no write
            return
        rid = found[0]
        delete_rid(con, rid)
        stats.changed += 1
    else:
        stats.new += 1
    stats.written.append(a.id)
    terms = text_terms(a)
    values = {"rid": rid, **row(a, digest, ref, terms)}
    cur = con.execute(_insert_sql(tuple(values)), tuple(values.values()))
    rid = cur.lastrowid
    assert rid is not None
    write_merge_rows(con, rid, a)
    loc = a.location
    con.executemany(
        "INSERT INTO activity_categories (rid, slug) VALUES (?, ?)",
        [(rid, slug) for slug in a.categories],
    )
    if loc.lat is not None and loc.lon is not None:
        con.execute(
            "INSERT INTO activity_geo VALUES (?, ?, ?, ?, ?)",
            (rid, loc.lat, loc.lat, loc.lon, loc.lon),
        )
    con.execute(
        "INSERT INTO activity_fts (rowid, title_terms, body_terms) VALUES (?, ?, ?)",
        (rid, *terms),
    )


@lru_cache(maxsize=8)
def _insert_sql(columns: tuple[str, ...]) -> str:
    """The row's INSERT, its values by position (binding some forty values by name cost
    more than the rest of the statement's Python side)."""
    return (f"INSERT INTO activities ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' * len(columns))})")


def delete_rid(con: sqlite3.Connection, rid: int) -> None:
    con.execute("DELETE FROM activity_towns WHERE rid = ?", (rid,))
    con.execute("DELETE FROM activity_members WHERE rid = ?", (rid,))
    con.execute("DELETE FROM activity_fts WHERE rowid = ?", (rid,))
    con.execute("DELETE FROM activity_geo WHERE rid = ?", (rid,))
    con.execute("DELETE FROM activity_categories WHERE rid = ?", (rid,))
    con.execute("DELETE FROM activities WHERE rid = ?", (rid,))


def delete(con: sqlite3.Connection, ids: Iterable[str]) -> int:
    n = 0
    for activity_id in ids:
        found = con.execute("SELECT rid FROM activities WHERE id = ?", (activity_id,)).fetchone()
        if found:
            delete_rid(con, found[0])
            n += 1
    return n


def set_status(con: sqlite3.Connection, ids: Iterable[str], status: Status) -> int:
    n = 0
    for activity_id in ids:
        found = con.execute("SELECT doc FROM activities WHERE id = ?", (activity_id,)).fetchone()
        if not found:
            continue
        doc = Activity.model_validate_json(found[0]).model_copy(update={"status": status})
        con.execute(
            "UPDATE activities SET status = ?, doc = ? WHERE id = ?",
            (status.value, doc.model_dump_json(), activity_id),
        )
        n += 1
    return n


def upsert_organizations(con: sqlite3.Connection, organizations: Iterable[Organization]
                         ) -> WriteStats:
    stats = WriteStats()
    for org in organizations:
        old = con.execute("SELECT doc FROM organizations WHERE id = ?", (org.id,)).fetchone()
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


def stale_next_starts(con: sqlite3.Connection, now: str, limit: int | None = None
                      ) -> list[tuple[int, str]]:
    """Rows whose stored next start is not exact for `now` (UTC ISO): a meeting has passed
    since it was computed, or it was computed after `now`. Both found by an index."""
    return con.execute(
        """SELECT rid, json_extract(doc, '$.schedule') FROM activities
           WHERE rid IN (SELECT rid FROM activities WHERE next_start < :now
                         UNION SELECT rid FROM activities WHERE next_ref > :now)
           LIMIT :limit""", {"now": now, "limit": -1 if limit is None else limit}).fetchall()


def refresh_next_starts(con: sqlite3.Connection, stale: list[tuple[int, str]], now: str
                        ) -> int:
    """Store the next start as of `now` for the `stale` rows (rid, schedule JSON)."""
    con.executemany(
        "UPDATE activities SET next_start = ?, next_ref = ? WHERE rid = ?",
        [(next_key(Schedule.model_validate_json(s), now), now, rid) for rid, s in stale])
    return len(stale)
