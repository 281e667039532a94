"""Search-engine backends (OpenSearch, Elasticsearch 8): one mapping, one query builder.

Only client construction differs between the two. Documents carry the same Danish index
terms as the embedded backend (`normalize.analysis`), so free text matches the same
activities on every backend; the `danish`-analysed text fields add relevance. Writes go to a
versioned index behind an alias: a rebuild fills a new index and then swaps the alias in one
step, so searches never see a half-built index.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from core.clock import TZ
from core.schema import Activity, Organization, Status
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
)
from normalize import analysis, schedule
from normalize.geo import distance_km

_FLAGS = ("wheelchair", "step_free", "accessible_toilet", "hearing_loop", "parking")
#: Occurrences stored per activity, for weekday and "next" (re-computed at each write).
OCCURRENCES = 30

SETTINGS: dict[str, Any] = {
    "number_of_shards": 1,
    "number_of_replicas": 0,
    "analysis": {"analyzer": {"terms": {"type": "custom", "tokenizer": "whitespace"}}},
}
MAPPING: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "id": {"type": "keyword"},
        "doc": {"type": "object", "enabled": False},
        "title": {"type": "text", "analyzer": "danish",
                  "fields": {"raw": {"type": "keyword", "ignore_above": 512}}},
        "body": {"type": "text", "analyzer": "danish"},
        "terms_title": {"type": "text", "analyzer": "terms", "index_prefixes": {}},
        "terms_body": {"type": "text", "analyzer": "terms", "index_prefixes": {}},
        "location": {"type": "geo_point"},
        "age": {"type": "integer_range"},
        "age_known": {"type": "boolean"},
        "price": {"type": "scaled_float", "scaling_factor": 100},
        "is_free": {"type": "boolean"},
        **{flag: {"type": "boolean"} for flag in _FLAGS},
        "drop_in": {"type": "boolean"},
        "weekdays": {"type": "integer"},
        "day_parts": {"type": "keyword"},
        "organizer_fold": {"type": "keyword"},
        "occurrences": {"type": "date"},
        "last_start": {"type": "date"},
        "categories": {"type": "keyword"},
        "municipality": {"type": "keyword"},
        "source_kind": {"type": "keyword"},
        "source_name": {"type": "keyword"},
        "organization_id": {"type": "keyword"},
        "status": {"type": "keyword"},
        "content_hash": {"type": "keyword"},
    },
}
ORG_MAPPING: dict[str, Any] = {"dynamic": False, "properties": {
    "id": {"type": "keyword"}, "name": {"type": "text", "analyzer": "danish"},
    "name_fold": {"type": "keyword"},
    "doc": {"type": "object", "enabled": False}}}


def _utc(dt: datetime | None) -> str | None:
    return None if dt is None else dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def to_document(a: Activity, now: datetime) -> dict[str, Any]:
    """The engine's document for an activity."""
    loc, sch = a.location, a.schedule
    body = " ".join(t for t in (a.description, a.organizer.name, loc.name, loc.city,
                                " ".join(a.categories)) if t)
    age: dict[str, int] = {}
    if a.age.min is not None:
        age["gte"] = a.age.min
    if a.age.max is not None:
        age["lte"] = a.age.max
    days = schedule.weekdays(sch)
    after = min(now, sch.start) if sch.start else now
    occurrences = schedule.next_occurrences(sch, after, OCCURRENCES)
    doc: dict[str, Any] = {
        "id": a.id,
        "doc": a.model_dump(mode="json"),
        "title": a.title,
        "body": body,
        "terms_title": analysis.index_terms(a.title),
        "terms_body": analysis.index_terms(body),
        "location": {"lat": loc.lat, "lon": loc.lon} if loc.lat is not None else None,
        "age": age or None,
        "age_known": bool(age),
        "price": a.price.amount_dkk,
        "is_free": a.price.is_free,
        **{flag: getattr(a.accessibility, flag) for flag in _FLAGS},
        "drop_in": a.drop_in,
        "weekdays": sorted(days) or None,
        "day_parts": sorted(schedule.day_parts(sch)) or None,
        "organizer_fold": fold(a.organizer.name) if a.organizer.name else None,
        "occurrences": [_utc(d) for d in occurrences] or None,
        "last_start": _utc(schedule.last_start(sch)),
        "categories": a.categories,
        "municipality": loc.municipality.casefold() if loc.municipality else None,
        "source_kind": a.source.kind.value,
        "source_name": a.source.name,
        "organization_id": a.organization_id,
        "status": a.status.value,
        "content_hash": content_hash(a),
    }
    return {k: v for k, v in doc.items() if v is not None}


def _exists(field: str) -> dict[str, Any]:
    return {"exists": {"field": field}}


def _term(field: str, value: Any) -> dict[str, Any]:
    return {"term": {field: value}}


def soft_clauses(q: SearchQuery) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """Per soft filter in use: (stated misfit, stated fit), as queries."""
    out: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
    for name in q.soft_filters():
        if name == "age":
            out[name] = ({"bool": {"filter": [_exists("age")],
                                   "must_not": [_term("age", q.age)]}}, _exists("age"))
        elif name == "max_price":
            out[name] = ({"range": {"price": {"gt": q.max_price}}},
                         {"bool": {"should": [_exists("price"), _term("is_free", True)]}})
        elif name == "free":
            out[name] = (_term("is_free", False), _term("is_free", True))
        elif name == "weekday":
            out[name] = ({"bool": {"filter": [_exists("weekdays")],
                                   "must_not": [{"terms": {"weekdays": q.weekdays}}]}},
                         _exists("weekdays"))
        elif name == "time_of_day":
            out[name] = ({"bool": {"filter": [_exists("day_parts")],
                                   "must_not": [{"terms": {"day_parts": q.time_of_day}}]}},
                         _exists("day_parts"))
        elif name == "drop_in":
            out[name] = (_term("drop_in", not q.drop_in), _term("drop_in", bool(q.drop_in)))
        else:
            out[name] = (_term(name, False), _term(name, True))
    return out


def text_clauses(text: str) -> list[dict[str, Any]] | None:
    """Every typed word, stemmed, as a prefix of an index term (as the embedded backend)."""
    terms = analysis.query_terms(text)
    if not terms:
        return None
    return [{"bool": {"should": [{"prefix": {"terms_title": t}},
                                 {"prefix": {"terms_body": t}}], "minimum_should_match": 1}}
            for t in terms]


_UNKNOWNS = """
int n = 0;
for (def f : params.fields) {
  if (f == 'max_price') {
    if (doc['price'].size() == 0 && !(doc['is_free'].size() > 0 && doc['is_free'].value)) { n++; }
  } else if (f == 'free') {
    if (!(doc['is_free'].size() > 0 && doc['is_free'].value)) { n++; }
  } else if (f == 'age') {
    if (!(doc['age_known'].size() > 0 && doc['age_known'].value)) { n++; }
  } else if (f == 'weekday') {
    if (doc['weekdays'].size() == 0) { n++; }
  } else if (f == 'time_of_day') {
    if (doc['day_parts'].size() == 0) { n++; }
  } else if (f == 'drop_in') {
    if (doc['drop_in'].size() == 0) { n++; }
  } else if (doc[f].size() == 0) { n++; }
}
return n;
"""
_NEXT = """
if (doc['occurrences'].size() == 0) { return Long.MAX_VALUE; }
for (def d : doc['occurrences']) { long t = d.toInstant().toEpochMilli();
  if (t >= params.now) { return t; } }
return Long.MAX_VALUE;
"""


def build_search(q: SearchQuery, now: datetime) -> dict[str, Any]:
    """The request body for a search: the same filters, order and facets as the embedded
    backend."""
    day_start = now.astimezone(TZ).replace(hour=0, minute=0, second=0, microsecond=0)
    filters: list[dict[str, Any]] = [
        _term("status", "active"),
        {"bool": {"should": [{"bool": {"must_not": [_exists("last_start")]}},
                             {"range": {"last_start": {"gte": _utc(day_start)}}}]}},
    ]
    must: list[dict[str, Any]] = []
    should: list[dict[str, Any]] = []
    if q.text:
        clauses = text_clauses(q.text)
        if clauses is None:
            filters.append({"bool": {"must_not": [{"match_all": {}}]}})
        else:
            filters.extend(clauses)
            # Scoring as on the embedded backend: a term in the title counts three times.
            for t in analysis.query_terms(q.text):
                should.append({"constant_score": {"filter": {"prefix": {"terms_title": t}},
                                                  "boost": 3.0}})
                should.append({"constant_score": {"filter": {"prefix": {"terms_body": t}},
                                                  "boost": 1.0}})
            should.append({"multi_match": {"query": q.text, "fields": ["title^3", "body"],
                                           "boost": 0.1}})
    if q.has_point and q.radius_km is not None:
        filters.append({"geo_distance": {"distance": f"{q.radius_km}km",
                                         "location": {"lat": q.lat, "lon": q.lon}}})
    elif q.has_point and q.effective_sort() is Sort.distance:
        filters.append(_exists("location"))
    if q.municipality:
        filters.append(_term("municipality", q.municipality.casefold()))
    must_not: list[dict[str, Any]] = []
    soft = soft_clauses(q)
    for no, yes in soft.values():
        must_not.append(no)
        if q.strict:
            filters.append(yes)
    query = {"bool": {"filter": filters, "must_not": must_not, "must": must, "should": should}}
    sort: list[Any] = [{"_script": {"type": "number", "order": "asc", "script": {
        "source": _UNKNOWNS, "params": {"fields": list(soft)}}}}]
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
    body: dict[str, Any] = {
        "query": query,
        "sort": sort,
        "from": q.offset,
        "size": q.limit,
        "track_total_hits": True,
        "aggs": {"categories": {"terms": {"field": "categories", "size": 50}}},
    }
    if q.categories:
        # Facets count under every filter but the category one, as on the embedded backend.
        body["post_filter"] = {"terms": {"categories": q.categories}}
    return body


def matched(a: Activity, q: SearchQuery) -> dict[str, Match]:
    """Which soft filters an activity met as stated, and which only as unknown."""
    out: dict[str, Match] = {}
    for name in q.soft_filters():
        if name == "age":
            ok = a.age.min is not None or a.age.max is not None
        elif name == "max_price":
            ok = a.price.amount_dkk is not None or a.price.is_free is True
        elif name == "free":
            ok = a.price.is_free is True
        elif name == "weekday":
            ok = bool(schedule.weekdays(a.schedule))
        elif name == "time_of_day":
            ok = bool(schedule.day_parts(a.schedule))
        elif name == "drop_in":
            ok = a.drop_in is not None
        else:
            ok = getattr(a.accessibility, name) is not None
        out[name] = "yes" if ok else "unknown"
    return out


class EngineBackend:
    """The contract on a search engine; subclasses make the client."""

    name = "engine"
    #: The client library's "not found" exception.
    not_found: type[Exception] = LookupError

    def __init__(self, client: Any, alias: str = "fkort-activities", **_: Any) -> None:
        self.client = client
        self.alias = alias
        self.org_index = f"{alias}.organizations"

    # -- indices -----------------------------------------------------------------------
    def _new_index(self) -> str:
        name = f"{self.alias}-{time.strftime('%Y%m%d%H%M%S')}-{time.monotonic_ns() % 10**6}"
        self.client.indices.create(index=name, body={"settings": SETTINGS, "mappings": MAPPING})
        return name

    def _ensure(self) -> None:
        if getattr(self, "_ready", False):
            return
        if not self.client.indices.exists_alias(name=self.alias):
            index = self._new_index()
            self.client.indices.put_alias(index=index, name=self.alias)
        else:
            # An index made by an older version: add the fields this one writes (adding
            # fields is allowed on a live index; existing documents get them on re-index).
            self.client.indices.put_mapping(index=self.alias,
                                            body={"properties": MAPPING["properties"]})
        if not self.client.indices.exists(index=self.org_index):
            self.client.indices.create(index=self.org_index, body={
                "settings": {"number_of_shards": 1, "number_of_replicas": 0},
                "mappings": ORG_MAPPING})
        else:
            self.client.indices.put_mapping(index=self.org_index,
                                            body={"properties": ORG_MAPPING["properties"]})
        self._ready = True

    def current_index(self) -> str | None:
        if not self.client.indices.exists_alias(name=self.alias):
            return None
        return str(next(iter(self.client.indices.get_alias(name=self.alias))))

    # -- writes -------------------------------------------------------------------------
    def _bulk(self, index: str, activities: Iterable[Activity], now: datetime,
              refresh: str | bool = "wait_for") -> WriteStats:
        stats = WriteStats()
        actions: list[dict[str, Any]] = []
        for a in activities:
            actions.append({"index": {"_index": index, "_id": a.id}})
            actions.append(to_document(a, now))
        if not actions:
            return stats
        resp = self.client.bulk(body=actions, refresh=refresh)
        for item in resp.get("items", []):
            op = item.get("index", {})
            if op.get("error"):
                reason = op["error"].get("reason") or str(op["error"])
                stats.errors.append((str(op.get("_id")), reason))
            elif op.get("result") == "created":
                stats.new += 1
            else:
                stats.changed += 1
        return stats

    def upsert(self, activities: Iterable[Activity]) -> WriteStats:
        self._ensure()
        items = list(activities)
        existing = self._get_many([a.id for a in items])
        kept = []
        stats = WriteStats()
        for a in items:
            old = existing.get(a.id)
            if old is not None:
                a = carry_over(old, a)
                if content_hash(old) == content_hash(a) and old.status == a.status:
                    stats.unchanged += 1  # nothing new: no write
                    continue
            kept.append(a)
        stats += self._bulk(self.alias, kept, datetime.now(TZ))
        return stats

    def rebuild(self, activities: Iterable[Activity]) -> WriteStats:
        """Fill a new index, then point the alias at it in one step; the old one is deleted.
        If anything fails on the way, the alias still points at the last complete index."""
        self._ensure()
        old = self.current_index()
        new = self._new_index()
        try:
            stats = WriteStats()
            batch: list[Activity] = []
            for a in activities:
                batch.append(a)
                if len(batch) >= 1000:
                    # Nobody searches the new index yet: no refresh until it is complete.
                    stats += self._bulk(new, batch, datetime.now(TZ), refresh=False)
                    batch = []
            stats += self._bulk(new, batch, datetime.now(TZ), refresh=False)
            self.client.indices.refresh(index=new)
        except Exception:
            try:  # best effort: the engine may be the thing that went away
                self.client.indices.delete(index=new, ignore_unavailable=True)
            except Exception:  # noqa: BLE001 - the original error is the one to report
                pass
            raise
        actions = [{"add": {"index": new, "alias": self.alias}}]
        if old:
            actions.insert(0, {"remove": {"index": old, "alias": self.alias}})
        self.client.indices.update_aliases(body={"actions": actions})
        if old:
            self.client.indices.delete(index=old, ignore_unavailable=True)
        return stats

    def upsert_organizations(self, organizations: Iterable[Organization]) -> WriteStats:
        self._ensure()
        stats = WriteStats()
        for org in organizations:
            stored = self.get_organization(org.id)
            if stored is not None:
                merged = merge_organization(stored, org)
                if merged is None:
                    stats.unchanged += 1  # nothing new: no write
                    continue
                org = merged
            self.client.index(index=self.org_index, id=org.id, refresh="wait_for",
                              body={"id": org.id, "name": org.name,
                                    "name_fold": fold(org.name),
                                    "doc": org.model_dump(mode="json")})
            stats.new += 1
        return stats

    def delete(self, ids: Iterable[str]) -> int:
        self._ensure()
        n = 0
        for activity_id in ids:
            try:
                resp = self.client.delete(index=self.alias, id=activity_id, refresh="wait_for")
            except self.not_found:
                continue
            n += resp.get("result") == "deleted"
        return n

    def set_status(self, ids: Iterable[str], status: Status) -> int:
        self._ensure()
        changed = [a.model_copy(update={"status": status})
                   for a in self._get_many(list(ids)).values() if a.status != status]
        stats = self._bulk(self.alias, changed, datetime.now(TZ))
        return stats.new + stats.changed

    # -- reads --------------------------------------------------------------------------
    def _get_many(self, ids: list[str]) -> dict[str, Activity]:
        if not ids:
            return {}
        resp = self.client.mget(index=self.alias, body={"ids": ids})
        return {d["_id"]: Activity.model_validate(d["_source"]["doc"])
                for d in resp.get("docs", []) if d.get("found")}

    def get(self, activity_id: str) -> Activity | None:
        self._ensure()
        return self._get_many([activity_id]).get(activity_id)

    def get_organization(self, org_id: str) -> Organization | None:
        self._ensure()
        try:
            resp = self.client.get(index=self.org_index, id=org_id)
        except self.not_found:
            return None
        return Organization.model_validate(resp["_source"]["doc"]) if resp.get("found") else None

    def organization_activities(self, org_id: str) -> list[Activity]:
        self._ensure()
        resp = self.client.search(index=self.alias, body={
            "query": {"term": {"organization_id": org_id}},
            "sort": [{"title.raw": "asc"}, {"id": "asc"}], "size": 1000})
        return [Activity.model_validate(h["_source"]["doc"]) for h in resp["hits"]["hits"]]

    def search_organizations(self, text: str, limit: int = 20, offset: int = 0
                             ) -> OrganizationResult:
        self._ensure()
        words = fold(text).split()
        if not words:
            return OrganizationResult(total=0, organizations=[])
        # Every typed word a part of the folded name (as `name_matches`).
        parts = [{"wildcard": {"name_fold": {"value": f"*{w}*"}}} for w in words]
        resp = self.client.search(index=self.org_index, body={
            "query": {"bool": {"filter": parts}}, "size": 10000})
        found = {h["_source"]["id"]: Organization.model_validate(h["_source"]["doc"])
                 for h in resp["hits"]["hits"]}
        # Associations known only as the organiser named on their activities.
        organizer = [{"wildcard": {"organizer_fold": {"value": f"*{w}*"}}} for w in words]
        resp = self.client.search(index=self.alias, body={
            "size": 0,
            "query": {"bool": {"filter": [_term("status", "active"),
                                          _exists("organization_id"), *organizer]}},
            "aggs": {"orgs": {"terms": {"field": "organization_id", "size": 10000},
                              "aggs": {"first": {"top_hits": {
                                  "size": 1, "sort": [{"id": "asc"}]}}}}}})
        buckets = resp.get("aggregations", {}).get("orgs", {}).get("buckets", [])
        candidates = {b["key"]: b["first"]["hits"]["hits"][0]["_source"]["doc"]
                      for b in buckets if b["key"] not in found}
        if candidates:
            known = self.client.mget(index=self.org_index, body={"ids": list(candidates)})
            for d in known.get("docs", []):
                if d.get("found"):
                    candidates.pop(d["_id"], None)
        for org_id, doc in candidates.items():
            organizer_doc = doc.get("organizer") or {}
            found[org_id] = Organization(id=org_id, name=organizer_doc.get("name") or org_id,
                                         url=organizer_doc.get("url"))
        ordered = sorted(found.values(), key=lambda o: (fold(o.name), o.id))
        return OrganizationResult(total=len(ordered),
                                  organizations=ordered[offset:offset + limit])

    def count(self) -> int:
        self._ensure()
        return int(self.client.count(index=self.alias)["count"])

    def search(self, q: SearchQuery) -> SearchResult:
        self._ensure()
        now = q.now or datetime.now(TZ)
        resp = self.client.search(index=self.alias, body=build_search(q, now))
        hits = []
        for h in resp["hits"]["hits"]:
            a = Activity.model_validate(h["_source"]["doc"])
            dist = None
            if q.has_point and a.location.lat is not None and a.location.lon is not None:
                assert q.lat is not None and q.lon is not None
                dist = round(distance_km(a.location.lat, a.location.lon, q.lat, q.lon), 3)
            hits.append(Hit(activity=a, distance_km=dist, score=h.get("_score"),
                            matched=matched(a, q)))
        total = resp["hits"]["total"]
        buckets = resp.get("aggregations", {}).get("categories", {}).get("buckets", [])
        return SearchResult(
            total=int(total["value"] if isinstance(total, dict) else total),
            hits=hits,
            facets={"categories": {b["key"]: int(b["doc_count"]) for b in sorted(
                buckets, key=lambda b: b["key"])}},
        )

    def _scan(self, query: dict[str, Any]) -> Iterator[Activity]:
        """Every matching document, page by page (search_after on the id)."""
        after: list[Any] | None = None
        while True:
            body: dict[str, Any] = {"query": query, "size": 1000, "sort": [{"id": "asc"}],
                                    "_source": ["doc"]}
            if after is not None:
                body["search_after"] = after
            hits = self.client.search(index=self.alias, body=body)["hits"]["hits"]
            for h in hits:
                yield Activity.model_validate(h["_source"]["doc"])
            if len(hits) < 1000:
                return
            after = hits[-1]["sort"]

    def source_last_seen(self, source_name: str) -> dict[str, tuple[datetime, Status]]:
        """Each activity of a source: when it was last seen, and its status."""
        self._ensure()
        return {a.id: (a.last_seen, a.status)
                for a in self._scan({"term": {"source_name": source_name}})}

    def all_activities(self) -> Iterator[Activity]:
        self._ensure()
        yield from self._scan({"match_all": {}})

    def close(self) -> None:
        self.client.close()
