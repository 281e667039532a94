"""A search as SQL: hard filters, the soft filters of `index.filters` (stated misfits out,
unknowns ranked after the fits), order, page and category facets."""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache
from itertools import combinations
from typing import Any

from core.clock import TZ
from core.schema import NOT_TAKING_PLACE, Activity, Schedule, ScheduleKind
from index.backends.sqlite.schema import span_columns, utc
from index.contract import Hit, SearchQuery, SearchResult, Sort
from index.filters import AnyOf, AtMost, Flag, Rule, Span, matched, used
from normalize import question, schedule
from normalize.geo import EARTH_RADIUS_KM, distance_km

#: Cancelled and postponed are never hits (as SQL values: the enum's own, never user text).
_NOT_TAKING_PLACE = ", ".join(f"'{s.value}'" for s in sorted(NOT_TAKING_PLACE))

#: bm25 weights of the FTS columns: a word in the title counts three times one in the text.
_BM25 = "bm25(activity_fts, 3.0, 1.0)"

#: Great-circle distance in SQL (C speed) for filtering and ordering: the same arc a search
#: engine's geo_distance uses (mean Earth radius). Shown distances are computed exactly
#: (ellipsoid) for the returned page only.
_ARC_SQL = (
    f"(2 * {EARTH_RADIUS_KM} * asin(min(1, sqrt("
    "sin(radians(:plat - a.lat) / 2) * sin(radians(:plat - a.lat) / 2) + "
    "cos(radians(a.lat)) * cos(radians(:plat)) * "
    "sin(radians(:plon - a.lon) / 2) * sin(radians(:plon - a.lon) / 2)))))"
)


#: For typo tolerance: the index's terms one edit from a stem that the index does not hold
#: (as a prefix); nothing for a known stem. None: no lookups.
Typos = Callable[[str], set[str]] | None


def fts_query(text: str, typos: Typos = None) -> str | None:
    """FTS5 MATCH expression for what a user typed, by the plan of `normalize.question`: each
    group any of its terms (a stem as a prefix or exactly, and, for a typed word the index does
    not hold, the index's terms one edit away, when `typos` looks them up), at least `minimum`
    of the required groups, and the optional groups beside them so that bm25() counts them.

    User text never reaches FTS5 syntax: only stems of letters, each quoted.

    >>> fts_query('Strikker "OR" spil*')
    '(("strik"*) AND ("or")) OR (("strik"*) AND ("spil"*)) OR (("or") AND ("spil"*))'
    >>> fts_query("strikker, spil")
    '("strik"*) AND ("spil"*)'
    >>> fts_query("min mor er lige blevet enke").startswith('(("sorg"* OR "sorggrup" OR')
    True
    >>> fts_query("!!!") is None
    True
    """
    # Assumes the SQLite-scale work (wt-sqlite-scale) keeps taking the MATCH expression from
    # here as one string: how the expression is built is this function's business only.
    p = question.plan(text)
    if p is None:
        return None
    req = [_fts_group(g, typos) for g in p.required]
    if p.minimum >= len(req):
        expr = " AND ".join(req)
    else:
        expr = " OR ".join("(" + " AND ".join(c) + ")"
                           for c in combinations(req, p.minimum))
    if p.optional:
        opt = " OR ".join(_fts_group(g, typos) for g in p.optional)
        expr = f"({expr}) OR (({expr}) AND ({opt}))"
    return expr


def _fts_group(g: question.Group, typos: Typos) -> str:
    alts: list[str] = []
    for t in g.terms:
        alts.append(f'"{t.stem}"*' if t.prefix else f'"{t.stem}"')
        if t.fuzzy and typos is not None:
            alts.extend(f'"{v}"' for v in sorted(typos(t.stem)))
    return "(" + " OR ".join(alts) + ")"


def _typos(con: sqlite3.Connection) -> Typos:
    """Typo tolerance from FTS5's vocabulary, only for stems the index does not hold: a scan
    of the vocabulary (about 16 ms at 300k terms) is paid only for a word that would find
    nothing as typed."""
    def typos(stem: str) -> set[str]:
        if con.execute("SELECT 1 FROM activity_fts WHERE activity_fts MATCH ? LIMIT 1",
                       (f'"{stem}"*',)).fetchone():
            return set()
        con.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.activity_vocab "
                    "USING fts5vocab(main, activity_fts, row)")
        edits = sorted(question.one_edit(stem))
        marks = ",".join("?" * len(edits))
        rows = con.execute(f"SELECT term FROM temp.activity_vocab WHERE term IN ({marks})",
                           edits).fetchall()
        return {r[0] for r in rows}

    return typos


def search(con: sqlite3.Connection, q: SearchQuery, now: datetime) -> SearchResult:
    where, params, joins = _where(q, now)
    sort = q.effective_sort()
    fts = fts_query(q.text, _typos(con)) if q.text else None
    dist_sql = _ARC_SQL if q.has_point else "NULL"
    rank_sql = _BM25 if fts and not _text_by_place(q) else "NULL"
    next_sql = "NULL"
    if sort is Sort.distance:
        order = "dist"
    elif sort is Sort.relevance and fts:
        order = "rank"
    else:
        order = "nxt IS NULL, nxt"
        next_sql = "fk_next(a.sched_kind, a.first_start, a.rrule, a.sched, :now)"
    params.update(plat=q.lat, plon=q.lon, now=utc(now))
    select = f"""
        SELECT a.doc, a.id AS aid, {dist_sql} AS dist, {rank_sql} AS rank,
               {_unknowns(q)} AS unknowns, {next_sql} AS nxt
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
    if fts is not None:
        params["fts"] = fts
    rows = con.execute(sql, params).fetchall()
    total = int(con.execute(count_sql, params).fetchone()[0])
    facets = _facets(con, q, now)
    hits = []
    for doc, _aid, dist, rank, _unknowns_n, _nxt in rows:
        activity = Activity.model_validate_json(doc)
        if dist is not None:
            dist = _exact_km(activity, q)
        hits.append(Hit(
            activity=activity,
            distance_km=None if dist is None else round(dist, 3),
            score=None if rank is None else round(-rank, 4),
            matched=matched(activity, q),
        ))
    return SearchResult(total=total, hits=hits, facets={"categories": facets})


def _exact_km(activity: Activity, q: SearchQuery) -> float | None:
    """The distance shown: on the ellipsoid, from the query's point."""
    lat, lon = activity.location.lat, activity.location.lon
    if lat is None or lon is None or q.lat is None or q.lon is None:
        return None
    return distance_km(lat, lon, q.lat, q.lon)


def _facets(con: sqlite3.Connection, q: SearchQuery, now: datetime) -> dict[str, int]:
    # Counts per category under every filter except the category filter itself, so the
    # page can show how many the other interests would give.
    unfiltered = q.model_copy(update={"categories": []})
    where, params, joins = _where(unfiltered, now)
    params.update(plat=q.lat, plon=q.lon, radius=q.radius_km)
    if q.text:
        params["fts"] = fts_query(q.text, _typos(con))
    dist = f" AND {_ARC_SQL} <= :radius" if q.radius_km is not None else ""
    rows = con.execute(
        f"""SELECT c.slug, count(*) FROM activities a {joins}
            JOIN activity_categories c ON c.rid = a.rid
            WHERE {" AND ".join(where)} {dist}
            GROUP BY c.slug ORDER BY c.slug""",
        params,
    ).fetchall()
    return {slug: n for slug, n in rows}


def _where(q: SearchQuery, now: datetime) -> tuple[list[str], dict[str, Any], str]:
    where = ["a.status = 'active'", f"IFNULL(a.event_status, '') NOT IN ({_NOT_TAKING_PLACE})",
             "(a.last_start IS NULL OR a.last_start >= :now_day)"]
    # A one-off is shown the whole day it happens.
    day_start = now.astimezone(TZ).replace(hour=0, minute=0, second=0, microsecond=0)
    params: dict[str, Any] = {"now_day": utc(day_start)}
    joins = ""
    if q.text:
        fts = fts_query(q.text)
        if fts is None:
            where.append("0")  # nothing searchable was typed: nothing matches
        elif _text_by_place(q):
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
    for misfit, stated, values in _soft(q):
        # IFNULL: an unknown (NULL) value is not a stated misfit.
        where.append(f"NOT IFNULL(({misfit}), 0)")
        if q.strict:
            where.append(f"({stated})")
        params.update(values)
    return where, params, joins


def _soft(q: SearchQuery) -> list[tuple[str, str, dict[str, Any]]]:
    """Per soft filter in use: (stated misfit, stated at all) as SQL, and their parameters."""
    return [_conditions(f.rule, asked, f"soft_{f.name}") for f, asked in used(q)]


def _conditions(rule: Rule, asked: Any, p: str) -> tuple[str, str, dict[str, Any]]:
    """One rule's SQL (see `index.filters` for what each kind means); `p` names its
    parameter. A misfit condition may be NULL where the value is not stated."""
    match rule:
        case Flag(field=f):
            return f"a.{f} <> :{p}", f"a.{f} IS NOT NULL", {p: int(asked)}
        case Span():
            low, high = span_columns(rule.field)
            return (f"(a.{low} IS NOT NULL AND a.{low} > :{p}) OR "
                    f"(a.{high} IS NOT NULL AND a.{high} < :{p})",
                    f"(a.{low} IS NOT NULL OR a.{high} IS NOT NULL)", {p: asked})
        case AtMost(field=f, zero_if=zero):
            stated = f"a.{f} IS NOT NULL" + (f" OR a.{zero.field} = 1" if zero else "")
            return f"a.{f} > :{p}", f"({stated})", {p: asked}
        case AnyOf(field=f):
            return f"(a.{f} & :{p}) = 0", f"a.{f} IS NOT NULL", {p: rule.bits(asked)}


def _unknowns(q: SearchQuery) -> str:
    """How many soft filters a row meets only as unknown (the first sort key)."""
    soft = _soft(q)
    if not soft:
        return "0"
    return "(" + " + ".join(f"(CASE WHEN {stated} THEN 0 ELSE 1 END)"
                            for _, stated, _ in soft) + ")"


def _text_by_place(q: SearchQuery) -> bool:
    """Whether a text search near a point is better driven by the place than by the text."""
    return bool(q.text and q.has_point and q.radius_km is not None
                and q.effective_sort() is not Sort.relevance)


@lru_cache(maxsize=100_000)
def next_start(kind: str, first_start: str | None, rrule: str | None, sched: str | None,
               now: str) -> str | None:
    """Next start (UTC ISO) at or after `now`, for ordering by "next"; None when unknown.
    A schedule with further rules or dates comes whole in `sched` (JSON); otherwise its first
    rule is enough. (The SQL function `fk_next`.)"""
    if first_start is None:
        return None
    try:
        sched_ = (Schedule.model_validate_json(sched) if sched else Schedule(
            kind=ScheduleKind(kind), start=datetime.fromisoformat(first_start), rrule=rrule))
    except ValueError:
        return None
    after = datetime.fromisoformat(now).replace(tzinfo=UTC)
    nxt = schedule.next_occurrences(sched_, after, 1)
    return utc(nxt[0]) if nxt else None
