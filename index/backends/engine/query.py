"""A search as the engines' query DSL: the same filters, order and facets as the embedded
backend; the soft filters of `index.filters` as clauses and as the "unknowns" sort key."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.clock import TZ
from core.schema import NOT_TAKING_PLACE
from index.backends.engine.mapping import known_field, utc
from index.contract import SearchQuery, Sort
from index.filters import AnyOf, AtMost, Flag, Rule, Span, used
from normalize import analysis


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


def text_clauses(text: str) -> list[dict[str, Any]] | None:
    """Every typed word, stemmed, as a prefix of an index term (as the embedded backend)."""
    terms = analysis.query_terms(text)
    if not terms:
        return None
    return [{"bool": {"should": [{"prefix": {"terms_title": t}},
                                 {"prefix": {"terms_body": t}}], "minimum_should_match": 1}}
            for t in terms]


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
if (doc['occurrences'].size() == 0) { return Long.MAX_VALUE; }
for (def d : doc['occurrences']) { long t = d.toInstant().toEpochMilli();
  if (t >= params.now) { return t; } }
return Long.MAX_VALUE;
"""


def _text(q: SearchQuery, filters: list[dict[str, Any]], should: list[dict[str, Any]]) -> None:
    if not q.text:
        return
    clauses = text_clauses(q.text)
    if clauses is None:
        filters.append({"bool": {"must_not": [{"match_all": {}}]}})
        return
    filters.extend(clauses)
    # Scoring as on the embedded backend: a term in the title counts three times.
    for t in analysis.query_terms(q.text):
        should.append({"constant_score": {"filter": {"prefix": {"terms_title": t}},
                                          "boost": 3.0}})
        should.append({"constant_score": {"filter": {"prefix": {"terms_body": t}},
                                          "boost": 1.0}})
    should.append({"multi_match": {"query": q.text, "fields": ["title^3", "body"],
                                   "boost": 0.1}})


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


def build_search(q: SearchQuery, now: datetime) -> dict[str, Any]:
    """The request body for a search: the same filters, order and facets as the embedded
    backend."""
    day_start = now.astimezone(TZ).replace(hour=0, minute=0, second=0, microsecond=0)
    filters: list[dict[str, Any]] = [
        term("status", "active"),
        {"bool": {"should": [{"bool": {"must_not": [exists("last_start")]}},
                             {"range": {"last_start": {"gte": utc(day_start)}}}]}},
    ]
    should: list[dict[str, Any]] = []
    _text(q, filters, should)
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
        "track_total_hits": True,
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
