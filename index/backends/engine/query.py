"""A search as the engines' query DSL: the same filters, order and facets as the embedded
backend; the soft filters of `index.filters` as clauses and as the "unknowns" sort key."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.clock import TZ
from core.schema import NOT_TAKING_PLACE
from index.backends.engine.mapping import known_field, utc
from index.contract import TOTAL_EXACT_UP_TO, SearchQuery, Sort
from index.filters import AnyOf, AtMost, Flag, Rule, Span, used
from normalize import question


def exists(field: str) -> dict[str, Any]:
    return {"exists": {"field": field}}


def term(field: str, value: Any) -> dict[str, Any]:
    return {"term": {field: value}}


def _clauses(rule: Rule, asked: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """One rule as (stated misfit, stated at all) queries (see `index.filters` for what each
    kind means)."""
    match rule:
        case Flag(field=f):
            return term(f, not asked), exists(f)
        case Span(field=f):  # a term on a range field: the range holds the number
            return {"bool": {"filter": [exists(f)], "must_not": [term(f, asked)]}}, exists(f)
        case AtMost(field=f, zero_if=zero):
            stated = [exists(f), *([term(zero.field, True)] if zero else [])]
            return {"range": {f: {"gt": asked}}}, {"bool": {"should": stated}}
        case AnyOf(field=f):
            return ({"bool": {"filter": [exists(f)], "must_not": [{"terms": {f: list(asked)}}]}},
                    exists(f))


def _stated_test(rule: Rule) -> list[tuple[str, bool]]:
    """When a document states a rule's value, for the sort script: any of these fields has a
    value (and, where the flag says so, the value true)."""
    match rule:
        case Span():
            return [(known_field(rule), True)]
        case AtMost(zero_if=zero) if zero is not None:
            return [(rule.field, False), (zero.field, True)]
        case _:
            return [(rule.field, False)]


def soft_clauses(q: SearchQuery) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """Per soft filter in use: (stated misfit, stated at all), as queries."""
    return {f.name: _clauses(f.rule, asked) for f, asked in used(q)}


def text_clauses(text: str, typos: frozenset[str] = frozenset()
                 ) -> list[dict[str, Any]] | None:
    """The citizen's words by the plan of `normalize.question`, as on the embedded backend:
    at least `minimum` of the required groups (each any of its terms, in the title or the
    text), as filters; None when nothing searchable was typed. `typos`: the stems the index
    does not hold (`unknown_stems`), which match the terms one edit away instead."""
    p = question.plan(text)
    if p is None:
        return None
    return [{"bool": {"should": [_group(g, typos, scoring=False) for g in p.required],
                      "minimum_should_match": p.minimum}}]


def fuzzy_stems(text: str) -> list[str]:
    """The stems of typed words long enough for typo tolerance."""
    p = question.plan(text)
    return [] if p is None else [t.stem for g in p.groups for t in g.terms if t.fuzzy]


def known_stem_query(stem: str) -> dict[str, Any]:
    """Whether the index holds a stem (as a prefix of a term), in any document."""
    return {"bool": {"should": [{"prefix": {"terms_title": stem}},
                                {"prefix": {"terms_body": stem}}]}}


def _group(g: question.Group, typos: frozenset[str], scoring: bool) -> dict[str, Any]:
    """One group: any of its terms in either field; a prefix as prefix (scored by BM25 over its
    most frequent expansions when `scoring`), an exact term as a term, and, for a typed word
    of five letters or more that the index does not hold, the terms one edit away
    (Damerau)."""
    alts: list[dict[str, Any]] = []
    for t in g.terms:
        for field, boost in (("terms_title", 3.0), ("terms_body", 1.0)):
            if t.prefix:
                prefix: dict[str, Any] = {"value": t.stem}
                if scoring:
                    prefix.update(rewrite="top_terms_64", boost=boost)
                alts.append({"prefix": {field: prefix}})
            else:
                alts.append({"term": {field: {"value": t.stem, "boost": boost}}})
            if t.fuzzy and t.stem in typos:
                alts.append({"fuzzy": {field: {"value": t.stem, "fuzziness": 1,
                                               "transpositions": True, "boost": boost}}})
    return {"bool": {"should": alts, "minimum_should_match": 1}}


#: How many soft filters a document meets only as unknown: per filter, the fields any of
#: which states it (`_stated_test`).
_UNKNOWNS = """
int n = 0;
for (def alternatives : params.stated) {
  boolean stated = false;
  for (def t : alternatives) {
    def values = doc[t[0]];
    if (values.size() > 0 && (!t[1] || values.value)) { stated = true; }
  }
  if (!stated) { n++; }
}
return n;
"""
_NEXT = """
def starts = doc['starts'].size() > 0 ? doc['starts'] : null;
if (starts != null) {
  for (def t : starts) { if (t >= params.now) { return t; } }
  return Long.MAX_VALUE;
}
// A document written by an older version: its indexed dates.
for (def d : doc['occurrences']) { long t = d.toInstant().toEpochMilli();
  if (t >= params.now) { return t; } }
return Long.MAX_VALUE;
"""


def _text(q: SearchQuery, filters: list[dict[str, Any]], should: list[dict[str, Any]],
          typos: frozenset[str]) -> None:
    if not q.text:
        return
    clauses = text_clauses(q.text, typos)
    if clauses is None:
        filters.append({"bool": {"must_not": [{"match_all": {}}]}})
        return
    filters.extend(clauses)
    # Scoring as on the embedded backend: BM25 over every group's terms, required or not, a
    # term in the title three times one in the text.
    p = question.plan(q.text)
    assert p is not None
    should.extend(_group(g, typos, scoring=True) for g in p.groups)


def _sort(q: SearchQuery, now: datetime) -> list[Any]:
    stated = [_stated_test(f.rule) for f, _ in used(q)]
    sort: list[Any] = [{"_script": {"type": "number", "order": "asc", "script": {
        "source": _UNKNOWNS, "params": {"stated": stated}}}}]
    order = q.effective_sort()
    if order is Sort.distance and q.has_point:
        sort.append({"_geo_distance": {"location": {"lat": q.lat, "lon": q.lon}, "order": "asc",
                                       "unit": "km", "distance_type": "arc"}})
    elif order is Sort.relevance and q.text:
        sort.append({"_score": "desc"})
    else:
        sort.append({"_script": {"type": "number", "order": "asc", "script": {
            "source": _NEXT, "params": {"now": int(now.timestamp() * 1000)}}}})
    sort.append({"id": "asc"})
    return sort


def build_search(q: SearchQuery, now: datetime, typos: frozenset[str] = frozenset()
                 ) -> dict[str, Any]:
    """The request body for a search: the same filters, order and facets as the embedded
    backend. `typos`: typed stems the index does not hold (see `text_clauses`)."""
    day_start = now.astimezone(TZ).replace(hour=0, minute=0, second=0, microsecond=0)
    filters: list[dict[str, Any]] = [
        term("status", "active"),
        {"bool": {"should": [{"bool": {"must_not": [exists("last_start")]}},
                             {"range": {"last_start": {"gte": utc(day_start)}}}]}},
    ]
    should: list[dict[str, Any]] = []
    _text(q, filters, should, typos)
    if q.has_point and q.radius_km is not None:
        filters.append({"geo_distance": {"distance": f"{q.radius_km}km",
                                         "location": {"lat": q.lat, "lon": q.lon}}})
    elif q.has_point and q.effective_sort() is Sort.distance:
        filters.append(exists("location"))
    if q.municipality:
        filters.append(term("municipality", q.municipality.casefold()))
    # Soft filters: stated misfits are out; unknowns stay unless strict.
    # Cancelled and postponed are never hits (a document written before the field has none).
    must_not: list[dict[str, Any]] = [
        {"terms": {"event_status": sorted(s.value for s in NOT_TAKING_PLACE)}}]
    for misfit, stated in soft_clauses(q).values():
        must_not.append(misfit)
        if q.strict:
            filters.append(stated)
    query = {"bool": {"filter": filters, "must_not": must_not, "must": [], "should": should}}
    body: dict[str, Any] = {
        "query": query,
        "sort": _sort(q, now),
        "from": q.offset,
        "size": q.limit,
        # Exactly up to the contract's bound (beyond it "gte"), as on the embedded backend.
        "track_total_hits": True if q.counts_exactly() else TOTAL_EXACT_UP_TO,
    }
    if q.facets:
        body["aggs"] = {"categories": {"terms": {"field": "categories", "size": 50}}}
        if q.categories:
            # Facets count under every filter but the category one, as on the embedded
            # backend.
            body["post_filter"] = {"terms": {"categories": q.categories}}
    elif q.categories:
        filters.append({"terms": {"categories": q.categories}})
    return body
