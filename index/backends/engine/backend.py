"""Search-engine backends (OpenSearch, Elasticsearch 8): one mapping, one query builder.

Only client construction differs between the two (`opensearch.py`, `elasticsearch.py`). The
parts: `mapping` (index settings, mapping, documents), `writes` (alias, writes, rebuild),
`query` (the search as query DSL); this module adds the reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from core.clock import TZ
from core.schema import Activity, Organization, Status
from core.text import fold
from index.backends.engine.query import (
    build_search,
    exists,
    fuzzy_stems,
    known_stem_query,
    term,
)
from index.backends.engine.writes import EngineWrites
from index.contract import Hit, OrganizationResult, SearchQuery, SearchResult
from index.filters import matched
from normalize.geo import distance_km
from normalize.matching import Reach


class EngineBackend(EngineWrites):
    """The contract on a search engine; subclasses make the client."""

    name = "engine"

    def get(self, activity_id: str) -> Activity | None:
        self._ensure()
        return self._get_many([activity_id]).get(activity_id)

    def get_organization(self, org_id: str) -> Organization | None:
        self._ensure()
        return self._stored_organization(org_id)

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
            "query": {"bool": {"filter": [term("status", "active"),
                                          exists("organization_id"), *organizer]}},
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
        resp = self.client.search(index=self.alias,
                                  body=build_search(q, now, self._unknown_stems(q)))
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
        exact = not isinstance(total, dict) or total.get("relation", "eq") == "eq"
        return SearchResult(
            total=int(total["value"] if isinstance(total, dict) else total),
            total_exact=exact,
            hits=hits,
            facets={"categories": {b["key"]: int(b["doc_count"]) for b in sorted(
                buckets, key=lambda b: b["key"])}} if q.facets else {},
        )

    def _unknown_stems(self, q: SearchQuery) -> frozenset[str]:
        """Typed stems (of words long enough for typo tolerance) that no document holds: only
        these match the terms one edit away, as on the embedded backend."""
        stems = fuzzy_stems(q.text) if q.text else []
        if not stems:
            return frozenset()
        # One request for all of them: a count per stem, over the whole index.
        resp = self.client.search(index=self.alias, body={
            "size": 0, "track_total_hits": False,
            "aggs": {"known": {"filters": {"filters": {
                str(i): known_stem_query(s) for i, s in enumerate(stems)}}}}})
        buckets = resp["aggregations"]["known"]["buckets"]
        return frozenset(s for i, s in enumerate(stems) if not buckets[str(i)]["doc_count"])

    def refresh_next_starts(self, now: datetime, limit: int | None = None) -> int:
        """Nothing to do: the engine's sort script reads the stored occurrences at `now`."""
        return 0

    def source_last_seen(self, source_name: str) -> dict[str, tuple[datetime, Status]]:
        """Each activity of a source: when it was last seen, and its status."""
        self._ensure()
        return {a.id: (a.last_seen, a.status)
                for a in self._scan({"term": {"source_name": source_name}})}

    def all_activities(self) -> Iterator[Activity]:
        self._ensure()
        yield from self._scan({"match_all": {}})

    # -- the merge step's look-ups -----------------------------------------------------------
    def get_many(self, ids: Iterable[str]) -> dict[str, Activity]:
        self._ensure()
        found: dict[str, Activity] = {}
        wanted = list(ids)
        for i in range(0, len(wanted), 1000):
            found.update(self._get_many(wanted[i:i + 1000]))
        return found

    def merged_with(self, member_ids: Iterable[str]) -> list[Activity]:
        self._ensure()
        wanted = sorted(set(member_ids))
        found: dict[str, Activity] = {}
        for i in range(0, len(wanted), 1000):
            found.update((a.id, a) for a in self._scan(
                {"terms": {"merged_from": wanted[i:i + 1000]}}))
        return sorted(found.values(), key=lambda a: a.id)

    def records_near(self, reach: Reach) -> list[Activity]:
        self._ensure()
        places: list[dict[str, Any]] = []
        if reach.box is not None:
            south, west, north, east = reach.box
            places.append({"geo_bounding_box": {"location": {
                "top_left": {"lat": north, "lon": west},
                "bottom_right": {"lat": south, "lon": east}}}})
        if reach.town:
            places.append({"bool": {"filter": [
                term("town", reach.town), *([term("precise", False)] if reach.coarse_only
                                            else [])]}})
        if not places or not reach.words:
            return []
        return list(self._scan({"bool": {"filter": [
            {"terms": {"terms_title": list(reach.words)}},
            {"bool": {"should": places, "minimum_should_match": 1}}]}}))

    def close(self) -> None:
        self.client.close()
