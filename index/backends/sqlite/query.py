"""A search as SQL: hard filters, the soft filters of `index.filters` (stated misfits out,
unknowns ranked after the fits), order, page and category facets."""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from itertools import combinations
from typing import Any

from core.clock import TZ
from core.schema import NOT_TAKING_PLACE, Activity, Schedule
from index.backends.sqlite.schema import (
    CATEGORY_BITS,
    NO_NEXT,
    PLACE_INDEX,
    SEARCH_INDEX,
    category_bits,
    lat_band,
    next_key,
    span_columns,
    utc,
)
from index.contract import TOTAL_EXACT_UP_TO, Hit, SearchQuery, SearchResult, Sort, capped_total
from index.filters import AnyOf, AtMost, Flag, Rule, Span, matched, used
from normalize import question
from normalize.geo import EARTH_RADIUS_KM, distance_km

#: Cancelled and postponed are never hits (as SQL values: the enum's own, never user text).
_NOT_TAKING_PLACE = ", ".join(f"'{s.value}'" for s in sorted(NOT_TAKING_PLACE))

#: bm25 weights of the FTS columns: a word in the title counts three times one in the text.
_BM25 = "bm25(activity_fts, 3.0, 1.0)"

#: Great-circle nearness in SQL (C speed) for filtering and ordering: the haversine of the
#: arc between the query's point and the place, the same arc a search engine's geo_distance
#: uses (mean Earth radius), which grows with it, so a circle is `<= haversine(radius)` and
#: nearest first is its order. Written with (1 - cos x) / 2 for sin²(x / 2): three calls per
#: row instead of fifteen. Shown distances are computed exactly (ellipsoid) for the returned
#: page only.
_HAV_SQL = ("((1 - cos((a.lat - :plat) * :rad)) / 2 + "
            ":cos_plat * cos(a.lat * :rad) * (1 - cos((a.lon - :plon) * :rad)) / 2)")


def _haversine_of(km: float) -> float:
    """The haversine of an arc of `km` on the mean Earth (what `_HAV_SQL` gives at it).

    >>> round(_haversine_of(15) * 1e7, 4)
    13.8582
    """
    return math.sin(km / EARTH_RADIUS_KM / 2) ** 2


#: For typo tolerance: the index's terms one edit from a stem that the index does not hold
#: (as a prefix); nothing for a known stem. None: no lookups.
Typos = Callable[[str], set[str]] | None

#: Terms of fewer letters match whole words only: a one- or two-letter prefix would expand
#: to a large share of the vocabulary (the FTS5 prefix indexes start at two letters).
MIN_PREFIX = 3
#: At most this many groups of what was typed are searched (the rest cannot narrow much more,
#: and each costs a doclist).
MAX_TERMS = 8


#: One group of what was typed: its alternatives, each a term and whether it is a prefix.
Group = list[tuple[str, bool]]


@dataclass
class TextQuery:
    """What a typed text asks of the index, by the plan of `normalize.question`: at least
    `minimum` of the `required` groups, each matched by any of its alternatives (a stem as a
    prefix or exactly, and, for a typed word the index does not hold, the index's terms one
    edit away, when typo look-ups are given); the `optional` groups only add to bm25().
    Prefixes are bounded (MIN_PREFIX) and so is the number of groups (MAX_TERMS). FTS5 reads
    it as a MATCH expression (`fts`), the place index as `instr` tests on its terms
    (`place_sql`); both match the same rows (tests/index/test_sqlite_place_text.py)."""

    required: list[Group]
    minimum: int
    optional: list[Group]

    @property
    def fts(self) -> str:
        """The FTS5 MATCH expression. User text never reaches FTS5 syntax: only stems of
        letters, each quoted."""
        req = [_fts_group(g) for g in self.required]
        if self.minimum >= len(req):
            expr = " AND ".join(req)
        else:
            expr = " OR ".join("(" + " AND ".join(c) + ")"
                               for c in combinations(req, self.minimum))
        if self.optional:
            opt = " OR ".join(_fts_group(g) for g in self.optional)
            expr = f"({expr}) OR (({expr}) AND ({opt}))"
        return expr

    def place_sql(self, params: dict[str, Any]) -> str:
        """The same match as SQL over `a.terms` (`schema.place_terms`: each term once, each
        with a space before and after): a prefix is found after a space, a whole term between
        two. The optional groups cannot change whether a row matches, only its score."""
        groups = []
        for i, g in enumerate(self.required):
            alts = []
            for j, (term, prefix) in enumerate(_covering(g)):
                params[f"tx{i}_{j}"] = f" {term}" if prefix else f" {term} "
                alts.append(f"instr(a.terms, :tx{i}_{j}) > 0")
            groups.append("(" + " OR ".join(alts) + ")")
        if self.minimum >= len(groups):
            return "(" + " AND ".join(groups) + ")"
        params["tx_min"] = self.minimum
        return "((" + " + ".join(groups) + ") >= :tx_min)"


def _covering(g: Group) -> Group:
    """The alternatives of a group that no other one covers (a term or prefix that starts
    with another alternative's prefix matches nothing more): the same rows, fewer tests.

    >>> _covering([("gåtur", False), ("vandr", True), ("vandring", False), ("vandr", True)])
    [('gåtur', False), ('vandr', True)]
    """
    prefixes = {t for t, prefix in g if prefix}
    kept: Group = []
    for term, prefix in g:
        covered = any(term.startswith(p) and (p != term or not prefix) for p in prefixes)
        if not covered and (term, prefix) not in kept:
            kept.append((term, prefix))
    return kept


def text_query(text: str, typos: Typos = None) -> TextQuery | None:
    """What `text` asks (`TextQuery`); None when nothing searchable was typed."""
    p = question.plan(text)
    if p is None:
        return None
    req = [_group(g, typos) for g in p.required[:MAX_TERMS]]
    optional = [_group(g, typos) for g in p.optional[:max(0, MAX_TERMS - len(req))]]
    return TextQuery(req, min(p.minimum, len(req)), optional)


def fts_query(text: str, typos: Typos = None) -> str | None:
    """FTS5 MATCH expression for what a user typed (`TextQuery.fts`).

    >>> fts_query('Strikker "OR" spil*')
    '(("strik"*) AND ("or")) OR (("strik"*) AND ("spil"*)) OR (("or") AND ("spil"*))'
    >>> fts_query("strikker, spil")
    '("strik"*) AND ("spil"*)'
    >>> fts_query("min mor er lige blevet enke").startswith('(("sorg"* OR "sorggrup" OR')
    True
    >>> fts_query("!!!") is None
    True
    """
    t = text_query(text, typos)
    return None if t is None else t.fts


def _group(g: question.Group, typos: Typos) -> Group:
    alts: Group = []
    for t in g.terms:
        alts.append((t.stem, t.prefix and len(t.stem) >= MIN_PREFIX))
        if t.fuzzy and typos is not None:
            alts.extend((v, False) for v in sorted(typos(t.stem)))
    return alts


def _fts_group(g: Group) -> str:
    return "(" + " OR ".join(f'"{t}"*' if prefix else f'"{t}"' for t, prefix in g) + ")"


def _typos(con: sqlite3.Connection) -> Typos:
    """Typo tolerance from FTS5's vocabulary, only for stems the index does not hold: a scan
    of the vocabulary (about 16 ms at 300k terms) is paid only for a word that would find
    nothing as typed."""
    def typos(stem: str) -> set[str]:
        # Whether the index holds a term that starts with the stem. The stem itself first:
        # the first entry of its doclist (the vocabulary counts the whole doclist of the
        # first term it gives: 4 ms for a common "strik" at 500k activities).
        if con.execute("SELECT 1 FROM activity_fts WHERE activity_fts MATCH ? LIMIT 1",
                       (f'"{stem}"',)).fetchone():
            return set()
        con.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.activity_vocab "
                    "USING fts5vocab(main, activity_fts, row)")
        # Then one seek in the vocabulary (a MATCH of a prefix longer than FTS5's prefix
        # indexes merges the doclists of every such term first: 2 ms for "strik" at 100k
        # activities).
        after = stem[:-1] + chr(ord(stem[-1]) + 1)
        if con.execute("SELECT 1 FROM temp.activity_vocab WHERE term >= ? AND term < ? "
                       "LIMIT 1", (stem, after)).fetchone():
            return set()
        edits = sorted(question.one_edit(stem))
        marks = ",".join("?" * len(edits))
        rows = con.execute(f"SELECT term FROM temp.activity_vocab WHERE term IN ({marks})",
                           edits).fetchall()
        return {r[0] for r in rows}

    return typos


@dataclass
class _Plan:
    """How one search finds its ids: the FROM clause, and whether the text drives it (FTS5
    first) or the place does (the place index, each place's terms checked)."""

    joins: str
    text_first: bool


def search(con: sqlite3.Connection, q: SearchQuery, now: datetime) -> SearchResult:
    """The matching ids are computed once: the page, the total and (when asked) the facets
    all come from that one set. The total is counted up to `TOTAL_EXACT_UP_TO` unless the
    query counts exactly (`capped_total`)."""
    text = text_query(q.text, _typos(con)) if q.text else None
    plan = _plan(q, text)
    sort = q.effective_sort()
    order = {Sort.distance: "dist", Sort.relevance: "rank" if text else "nxt"}.get(sort, "nxt")
    cte, params, in_next_order = _candidates(con, q, now, plan, text, order)
    ids = "cand WHERE dist <= :radius" if q.radius_km is not None else "cand"
    order_by = f"unknowns, {order}, aid" if order != "nxt" else (
        "unknowns, nxt, aid" if _soft(q) else "nxt, aid")
    facets = None
    if q.facets:
        rows, counted, facets = _with_facets(con, cte, ids, order_by, params)
    elif order_by == "nxt, aid" and in_next_order:
        rows, counted = _page_in_next_order(con, q, cte, ids, params)
    elif order == "dist" and q.radius_km is not None and not plan.text_first:
        rows, counted = _page_nearest(con, q, now, plan, text, order_by)
    else:
        rows, counted = _page(con, q, cte, ids, order_by, params)
    total, exact = capped_total(counted, q)
    docs = _docs(con, [r[0] for r in rows])
    hits = []
    for rid, dist, rank in rows:
        activity = Activity.model_validate_json(docs[rid])
        if dist is not None:
            dist = _exact_km(activity, q)
        hits.append(Hit(
            activity=activity,
            distance_km=None if dist is None else round(dist, 3),
            score=None if rank is None else round(-rank, 4),
            matched=matched(activity, q),
        ))
    return SearchResult(total=total, total_exact=exact, hits=hits,
                        facets={} if facets is None else {"categories": facets})


def _candidates(con: sqlite3.Connection, q: SearchQuery, now: datetime, plan: _Plan,
                text: TextQuery | None, order: str, materialized: bool | None = None
                ) -> tuple[str, dict[str, Any], bool]:
    """The candidates as a CTE (`cand`: rid, id, nearness, bm25, unknowns, sort key, category
    hit), its parameters, and whether it is read in the order of the next-start index.
    `materialized`: None lets the search's shape decide (kept once when read twice)."""
    where, params = _where(q, now, plan, text, categories=not q.facets)
    dist_sql = _HAV_SQL if q.has_point else "NULL"
    rank_sql = _BM25 if plan.text_first and text else "NULL"
    params.update(plat=q.lat, plon=q.lon, now=utc(now), limit=q.limit, offset=q.offset,
                  rad=math.pi / 180, count_to=TOTAL_EXACT_UP_TO + 1,
                  cos_plat=None if q.lat is None else math.cos(math.radians(q.lat)),
                  radius=None if q.radius_km is None else _haversine_of(q.radius_km))
    hit_sql = _category_test(q, plan, params) if q.facets else "1"
    # The candidates are kept once (each row's nearness computed once); the circle, the
    # page and the total are taken from them.
    next_sql = _next_sql(con, params) if order == "nxt" else "NULL"
    in_next_order = order == "nxt" and next_sql == "a.next_start" and plan.joins == _ALL
    if materialized is None:
        materialized = not (in_next_order and not _soft(q))
    cte = f"""WITH cand AS {"" if materialized else "NOT "}MATERIALIZED (
        SELECT a.rid AS rid, a.id AS aid, {dist_sql} AS dist, {rank_sql} AS rank,
               {_unknowns(q)} AS unknowns, {next_sql} AS nxt, {hit_sql} AS hit
        FROM {plan.joins}
        WHERE {" AND ".join(where)})"""
    return cte, params, in_next_order


def _count_sql(q: SearchQuery, ids: str) -> str:
    """How the total is counted: every id, or up to one past `TOTAL_EXACT_UP_TO` (the rest
    of the matches are never visited)."""
    if q.counts_exactly():
        return f"SELECT count(*) FROM {ids}"
    return f"SELECT count(*) FROM (SELECT 1 FROM {ids} LIMIT :count_to)"


#: The nearest page and a capped total are first looked for in a circle of this share of
#: the search's area, then in circles four times larger (`_page_nearest`).
FIRST_RING_SHARE = 1 / 64


def _page_nearest(con: sqlite3.Connection, q: SearchQuery, now: datetime, plan: _Plan,
                  text: TextQuery | None, order_by: str) -> tuple[list[Row], int]:
    """Nearest first in a circle, the place driving (text and interests are checked on
    each place in the place index). Both the page and the total are looked for in circles
    around the same point, from `FIRST_RING_SHARE` of the area up, each next one four times
    larger, up to the whole circle:

    - the total: a smaller circle that holds more than `TOTAL_EXACT_UP_TO` hits says the
      whole one does (a capped total is that bound); otherwise the whole circle is counted,
      up to the bound (all of it when the query counts exactly: only the whole circle is
      counted then);
    - the page: a smaller circle's page is the whole circle's when it is full and each of
      its rows meets every soft filter as stated (no unknowns, the first sort key): every
      row outside it is farther than every row in it. Otherwise the page is taken from the
      whole circle.

    So a search near a big town reads the places of a small circle, however many the
    country holds around it; one in the country reads its circle about once and a third."""
    assert q.radius_km is not None
    need = q.offset + q.limit
    rows: list[Row] | None = [] if need == 0 else None
    counted: int | None = None
    share = FIRST_RING_SHARE
    while rows is None or counted is None:
        whole = share >= 1.0
        ring = q if whole else q.model_copy(
            update={"radius_km": q.radius_km * math.sqrt(share)})
        cte, params, _ = _candidates(con, ring, now, plan, text, "dist", materialized=False)
        if counted is None and (whole or not q.counts_exactly()):
            n = int(con.execute(f"{cte} {_count_sql(q, 'cand WHERE dist <= :radius')}",
                                params).fetchone()[0])
            if whole or n > TOTAL_EXACT_UP_TO:
                counted = n
                if n == 0:
                    return [], 0
        if rows is None:
            params["need"] = need
            found = con.execute(f"""{cte} SELECT rid, dist, rank, unknowns FROM cand
                                    WHERE dist <= :radius ORDER BY {order_by}
                                    LIMIT :need""", params).fetchall()
            if whole or (len(found) == need and found[-1][3] == 0):
                rows = [(r, d, k) for r, d, k, _ in found[q.offset:]]
        # An exact count needs the whole circle: there at once when the page is found.
        share = 1.0 if rows is not None and q.counts_exactly() else min(1.0, share * 4)
    return rows, counted


Row = tuple[int, float | None, float | None]  # rid, arc distance, bm25


def _page(con: sqlite3.Connection, q: SearchQuery, cte: str, ids: str, order_by: str,
          params: dict[str, Any]) -> tuple[list[Row], int]:
    """The page and the total from the matching ids, computed once (`cand` is
    materialized): the total counts them, the page is the first of them in order (a
    bounded sort: a window count over the same rows would sort them all)."""
    count = _count_sql(q, ids)
    found = con.execute(
        f"""{cte} SELECT rid, dist, rank, ({count}) FROM {ids}
            ORDER BY {order_by} LIMIT :limit OFFSET :offset""", params).fetchall()
    if found:
        return [(r, d, k) for r, d, k, _ in found], int(found[0][3])
    if not params["offset"]:
        return [], 0
    # A page past the end holds no row to carry the count.
    return [], int(con.execute(f"{cte} {count}", params).fetchone()[0])


def _page_in_next_order(con: sqlite3.Connection, q: SearchQuery, cte: str, ids: str,
                        params: dict[str, Any]) -> tuple[list[Row], int]:
    """`sort=next` with nothing else to order by: the page is read in the order of the
    next-start index (no sort of every hit), the total counted over the same ids (a scan of
    the narrow search index, up to the cap unless counted exactly)."""
    rows = con.execute(f"""{cte} SELECT rid, dist, rank FROM {ids}
                           ORDER BY nxt, aid LIMIT :limit OFFSET :offset""", params).fetchall()
    total = int(con.execute(f"{cte} {_count_sql(q, ids)}", params).fetchone()[0])
    return rows, total


def _with_facets(con: sqlite3.Connection, cte: str, ids: str, order_by: str,
                 params: dict[str, Any]) -> tuple[list[Row], int, dict[str, int]]:
    """The page, the total and the category facets from the matching ids, kept once in a
    temporary table. The set is taken without the category filter (`hit` says who meets
    it), so the facets can count what the other interests would give. The counts walk the
    set and look each rid up in `activity_categories` (CROSS JOIN keeps that order: never a
    scan of the whole table)."""
    con.execute("""CREATE TEMP TABLE IF NOT EXISTS fk_ids (
        rid INTEGER PRIMARY KEY, aid TEXT, dist REAL, rank REAL, unknowns INTEGER, nxt TEXT,
        hit INTEGER)""")
    con.execute("DELETE FROM temp.fk_ids")
    con.execute(f"""{cte} INSERT INTO temp.fk_ids
                    SELECT rid, aid, dist, rank, unknowns, nxt, hit FROM {ids}""", params)
    rows = con.execute(
        f"""SELECT rid, dist, rank FROM temp.fk_ids WHERE hit
            ORDER BY {order_by} LIMIT :limit OFFSET :offset""", params).fetchall()
    total = int(con.execute("SELECT count(*) FROM temp.fk_ids WHERE hit").fetchone()[0])
    facets = {slug: n for slug, n in con.execute(
        """SELECT c.slug, count(*) FROM temp.fk_ids h
           CROSS JOIN activity_categories c ON c.rid = h.rid
           GROUP BY c.slug ORDER BY c.slug""")}
    con.execute("DELETE FROM temp.fk_ids")
    return rows, total, facets


def _docs(con: sqlite3.Connection, rids: list[int]) -> dict[int, str]:
    """The stored records of the page's rows only."""
    if not rids:
        return {}
    marks = ",".join("?" * len(rids))
    return dict(con.execute(f"SELECT rid, doc FROM activities WHERE rid IN ({marks})", rids))


def _next_sql(con: sqlite3.Connection, params: dict[str, Any]) -> str:
    """The sort key of `sort=next`: the stored, indexed next start. Rows for which it is not
    exact at this `now` (normally none: the backend refreshes them before a search, see
    `SQLiteBackend.refresh_next_starts`; more remain only for a `now` before the stored
    one, or past the refresh's bound) get it computed in the query."""
    stale = con.execute("""SELECT 1 FROM activities WHERE next_start < :now
                           UNION ALL SELECT 1 FROM activities WHERE next_ref > :now LIMIT 1""",
                        {"now": params["now"]}).fetchone()
    if stale is None:
        return "a.next_start"
    return ("(CASE WHEN a.next_ref <= :now AND a.next_start >= :now THEN a.next_start "
            "ELSE fk_next(json_extract(a.doc, '$.schedule'), :now) END)")


def _exact_km(activity: Activity, q: SearchQuery) -> float | None:
    """The distance shown: on the ellipsoid, from the query's point."""
    lat, lon = activity.location.lat, activity.location.lon
    if lat is None or lon is None or q.lat is None or q.lon is None:
        return None
    return distance_km(lat, lon, q.lat, q.lon)


def _box(q: SearchQuery) -> dict[str, float]:
    """The box around the query's circle (the R*Tree's pre-filter)."""
    assert q.lat is not None and q.lon is not None and q.radius_km is not None
    dlat = q.radius_km / 110.574
    dlon = q.radius_km / (111.320 * max(math.cos(math.radians(q.lat)), 0.01))
    return {"lat0": q.lat - dlat, "lat1": q.lat + dlat, "lon0": q.lon - dlon,
            "lon1": q.lon + dlon}


#: Every activity, in whatever order serves the search best (the next-start index for
#: `sort=next`).
_ALL = "activities a"
#: The place first: the activities in the box, read from the search index that is ordered
#: by place. (Measured with EXPLAIN QUERY PLAN at 100k activities: walking the R*Tree and
#: then reading each of its rids took 12-16 times as long as this range of one index.)
_BY_PLACE = f"activities a INDEXED BY {PLACE_INDEX}"


def _plan(q: SearchQuery, text: TextQuery | None) -> _Plan:
    """Which of text and place drives the search. Relevance needs the text's own scores,
    and a search with no circle has no place to start from, so the text drives those
    (FTS5). A search in a circle ordered by distance or next start is driven by the place:
    the place index holds each place's terms and interests, so the text and the categories
    are checked on each place there, and the total stops at the cap; a common word near a
    big town then costs the places read until the cap, not every match in the country, and
    a rare word no more than the places in the box (measured in docs/sqlite-search.md)."""
    place = q.has_point and q.radius_km is not None
    if text is None or not q.text:
        if place:
            return _Plan(_BY_PLACE, text_first=False)
        # Categories give a set of rids, each read through the narrow index; with no such
        # set the planner is free to walk the next-start index for `sort=next`.
        return _Plan(f"activities a INDEXED BY {SEARCH_INDEX}" if q.categories
                     else _ALL, text_first=False)
    if not place or q.effective_sort() is Sort.relevance:
        return _Plan(f"activity_fts CROSS JOIN activities a INDEXED BY {SEARCH_INDEX} "
                     "ON a.rid = activity_fts.rowid", text_first=True)
    return _Plan(_BY_PLACE, text_first=False)


def _category_test(q: SearchQuery, plan: _Plan, params: dict[str, Any]) -> str:
    """Whether a row has any of the asked categories: by the bits the place index holds
    when the place drives and every asked slug has a bit, else by the (slug, rid) key (no
    scan either way)."""
    if not q.categories:
        return "1"
    if plan.joins == _BY_PLACE and all(c in CATEGORY_BITS for c in q.categories):
        params["cat_bits"] = category_bits(q.categories)
        return "(a.cat_bits & :cat_bits) <> 0"
    return (f"EXISTS (SELECT 1 FROM activity_categories c WHERE c.rid = a.rid "
            f"AND c.slug IN ({_slugs(q, params)}))")


def _slugs(q: SearchQuery, params: dict[str, Any]) -> str:
    """The asked category slugs as bound parameters (put in `params`), for an `IN (...)`."""
    params.update({f"cat{i}": c for i, c in enumerate(q.categories)})
    return ",".join(f":cat{i}" for i in range(len(q.categories)))


def _where(q: SearchQuery, now: datetime, plan: _Plan, text: TextQuery | None,
           categories: bool = True) -> tuple[list[str], dict[str, Any]]:
    where = ["a.status = 'active'", f"IFNULL(a.event_status, '') NOT IN ({_NOT_TAKING_PLACE})",
             "(a.last_start IS NULL OR a.last_start >= :now_day)"]
    # A one-off is shown the whole day it happens.
    day_start = now.astimezone(TZ).replace(hour=0, minute=0, second=0, microsecond=0)
    params: dict[str, Any] = {"now_day": utc(day_start)}
    if q.has_point and q.radius_km is not None:
        params.update(_box(q))
        if not plan.text_first:  # one range of the place index per band of the box
            bands = range(lat_band(params["lat0"]) or 0, (lat_band(params["lat1"]) or 0) + 1)
            params.update({f"band{i}": b for i, b in enumerate(bands)})
            where.append(f"a.lat_band IN ({','.join(f':band{i}' for i in range(len(bands)))})")
        where.append("a.lon BETWEEN :lon0 AND :lon1 AND a.lat BETWEEN :lat0 AND :lat1")
    if q.text:
        where.append(_text_where(plan, text, params))
    elif q.has_point and q.effective_sort() is Sort.distance:
        where.append("a.lat IS NOT NULL")
    if q.categories and categories:
        if plan.joins == _BY_PLACE:
            where.append(_category_test(q, plan, params))
        else:
            # A set from the (slug, rid) key: it drives the search when it is the narrowest.
            where.append(f"a.rid IN (SELECT rid FROM activity_categories "
                         f"WHERE slug IN ({_slugs(q, params)}))")
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
    return where, params


def _text_where(plan: _Plan, text: TextQuery | None, params: dict[str, Any]) -> str:
    """The text's condition (`text`: None when nothing searchable was typed)."""
    if text is None:
        return "0"  # nothing searchable was typed: nothing matches
    if plan.text_first:
        params["fts"] = text.fts
        return "activity_fts MATCH :fts"
    # The place drives: each candidate's terms, held in the place index, are checked
    # (FTS5 cannot check one rowid cheaply: it reads the term's whole doclist each time; a
    # set of every match in the country costs what the country holds).
    return text.place_sql(params)


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


class NextStarts:
    """The SQL function `fk_next(schedule JSON, now)`: an activity's next start at or after
    `now` (UTC ISO), or `NO_NEXT`, for the rows whose stored one is not exact at `now`.

    Cached by schedule, each answer with the time it was computed at: it stays exact for
    every `now` from then until that next start, so a live server (whose `now` moves on with
    every request) still finds it; the cache never keys on `now` itself.
    """

    def __init__(self, size: int = 50_000) -> None:
        self.size = size
        self._known: dict[str, tuple[str, str]] = {}  # schedule → (computed at, next start)

    def __call__(self, sched: str | None, now: str) -> str:
        if sched is None:
            return NO_NEXT
        known = self._known.get(sched)
        if known is not None and known[0] <= now <= known[1]:
            return known[1]
        try:
            key = next_key(Schedule.model_validate_json(sched), now)
        except ValueError:
            return NO_NEXT
        if len(self._known) >= self.size:
            self._known.clear()
        self._known[sched] = (now, key)
        return key
