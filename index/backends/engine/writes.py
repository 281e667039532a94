"""The engines' indices and writes: versioned indices behind an alias, created or brought up
to the mapping on first use; bulk writes; and a rebuild that fills a new index and then swaps
the alias in one step, so searches never see a half-built index. A rebuild first removes what
earlier interrupted rebuilds left behind (their half-built indices), and only that."""

from __future__ import annotations

import json
import logging
import re
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from itertools import islice
from typing import Any

from core.clock import TZ
from core.errors import IndexUnavailable
from core.schema import Activity, Organization, Status
from core.text import fold
from index.backends.engine.mapping import (
    BULK_LOAD_SETTINGS,
    LIVE_SETTINGS,
    MAPPING,
    ORG_MAPPING,
    SETTINGS,
    document_json,
)
from index.contract import WriteStats, carry_over, content_hash, merge_organization

logger = logging.getLogger(__name__)

#: Documents per bulk request (some 3 KB each), and bulk requests in flight at once.
BULK_DOCS = 500
IN_FLIGHT = 2
#: Bulk requests built ahead while a rebuild's new index is being created (a few MB).
AHEAD = 8
#: What a bulk answer needs to say (not each item's shard and version details).
_BULK_ANSWER = "errors,items.*._id,items.*.result,items.*.error"


def _chunks(items: Iterable[Activity], size: int) -> Iterator[list[Activity]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _count(resp: dict[str, Any], stats: WriteStats) -> None:
    """Add one bulk response's outcomes to `stats`: new, changed, or refused and why."""
    for item in resp.get("items", []):
        op = item.get("index", {})
        if op.get("error"):
            reason = op["error"].get("reason") or str(op["error"])
            stats.errors.append((str(op.get("_id")), reason))
            continue
        if op.get("result") == "created":
            stats.new += 1
        else:
            stats.changed += 1
        stats.written.append(str(op.get("_id")))


class EngineWrites:
    """An engine index's alias, mapping and writes; `EngineBackend` adds the reads."""

    #: The client library's "not found" exception.
    not_found: type[Exception] = LookupError
    #: The client's error for a node that does not answer (set by the subclass).
    unreachable: type[Exception] = ConnectionError

    def __init__(self, client: Any, alias: str = "fkort-activities", **_: Any) -> None:
        self.client = client
        self.alias = alias
        self.org_index = f"{alias}.organizations"

    # -- indices -----------------------------------------------------------------------
    def versioned(self, name: str) -> bool:
        """Whether `name` has the form of this alias's versioned indices (`_new_index`):
        the alias, a dash, 14 digits of time, a dash and a number; nothing else matches.

        >>> w = EngineWrites(None, alias="fkort-activities")
        >>> w.versioned("fkort-activities-20261122120000-417")
        True
        >>> [w.versioned(n) for n in ("fkort-activities", "fkort-activities.organizations",
        ...  "fkort-activities-b-20261122120000-417", "fkort-activities-2026-1")]
        [False, False, False, False]
        """
        return re.fullmatch(rf"{re.escape(self.alias)}-\d{{14}}-\d+", name) is not None

    def _new_index(self, settings: dict[str, Any] | None = None) -> str:
        name = self._new_name()
        self._create(name, settings)
        return name

    def _new_name(self) -> str:
        return f"{self.alias}-{time.strftime('%Y%m%d%H%M%S')}-{time.monotonic_ns() % 10**6}"

    def _create(self, name: str, settings: dict[str, Any] | None = None) -> None:
        self.client.indices.create(index=name, body={
            "settings": {**SETTINGS, **(settings or {})}, "mappings": MAPPING})

    def _ensure(self) -> None:
        if getattr(self, "_ready", False):
            return
        try:
            self._prepare()
        except self.unreachable as exc:
            raise IndexUnavailable(
                f"the search engine holding {self.alias!r} does not answer: {exc}") from exc
        self._ready = True

    def _prepare(self) -> None:
        """The alias and both indices exist and have this version's mapping."""
        if not self.client.indices.exists_alias(name=self.alias):
            index = self._new_index()
            self.client.indices.put_alias(index=index, name=self.alias)
        else:
            # An index made by an older version: add the fields this one writes (adding
            # fields is allowed on a live index; existing documents get them on re-index).
            had = self.client.indices.get_mapping(index=self.alias)
            known = {f for m in had.values() for f in m["mappings"].get("properties", {})}
            self.client.indices.put_mapping(index=self.alias,
                                            body={"properties": MAPPING["properties"]})
            if "merged_from" not in known:
                # The merge step's look-ups need these fields on every document: write them
                # all again from their stored records (once).
                self._ready = True
                self._bulk(self.alias, list(self._scan({"match_all": {}})), datetime.now(TZ))
        self._ensure_organizations()

    def _ensure_organizations(self) -> None:
        """The organisations' index, created or brought up to the mapping."""
        if not self.client.indices.exists(index=self.org_index):
            self.client.indices.create(index=self.org_index, body={
                "settings": {"number_of_shards": 1, "number_of_replicas": 0},
                "mappings": ORG_MAPPING})
            return
        # Put the mapping only when it says something new (a put is a cluster-state update,
        # even when it changes nothing).
        had = self.client.indices.get_mapping(index=self.org_index)
        stored = next(iter(had.values()))["mappings"].get("properties", {})
        if any(stored.get(name) != spec for name, spec in ORG_MAPPING["properties"].items()):
            self.client.indices.put_mapping(index=self.org_index,
                                            body={"properties": ORG_MAPPING["properties"]})

    def remove_orphans(self) -> list[str]:
        """Delete the half-built indices that interrupted rebuilds of this alias left behind
        (a killed process, an engine gone away mid-rebuild): this alias's versioned indices
        that no alias points to. Never the index the alias serves, never an index that any
        alias points to, never an index of another alias. Returns the names deleted.

        One rebuild of an alias at a time: a rebuild running in parallel would lose its
        half-built index here."""
        found = self.client.indices.get_alias(index=f"{self.alias}-*")
        orphans = sorted(name for name, info in found.items()
                         if self.versioned(name) and not info.get("aliases"))
        for name in orphans:
            self.client.indices.delete(index=name, ignore_unavailable=True)
            logger.warning("Removed %s, the half-built index of an interrupted rebuild of %s",
                           name, self.alias)
        return orphans

    def current_index(self) -> str | None:
        if not self.client.indices.exists_alias(name=self.alias):
            return None
        return str(next(iter(self.client.indices.get_alias(name=self.alias))))

    def _get_many(self, ids: list[str]) -> dict[str, Activity]:
        if not ids:
            return {}
        resp = self.client.mget(index=self.alias, body={"ids": ids})
        return {d["_id"]: Activity.model_validate(d["_source"]["doc"])
                for d in resp.get("docs", []) if d.get("found")}

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

    def _stored_organization(self, org_id: str) -> Organization | None:
        try:
            resp = self.client.get(index=self.org_index, id=org_id)
        except self.not_found:
            return None
        return Organization.model_validate(resp["_source"]["doc"]) if resp.get("found") else None

    # -- writes -------------------------------------------------------------------------
    def _bulk(self, index: str, activities: Iterable[Activity], now: datetime,
              refresh: bool = True, digests: dict[str, str] | None = None,
              ready: Future[Any] | None = None) -> WriteStats:
        """Write the activities in bulk requests of `BULK_DOCS`, at most `IN_FLIGHT` at a time:
        the next request's documents are built while the engine indexes the last ones (it
        works in its own process). One refresh at the end, when `refresh`, so what was written
        is searchable when this returns (a refresh per request, or waiting for the periodic
        one, cost up to a second a batch). `ready`: the index's creation, still under way;
        until it is done, up to `AHEAD` requests are built and wait for it."""
        stats = WriteStats()
        digests = digests or {}

        def send(lines: list[str]) -> Any:
            if ready is not None:
                ready.result()  # its error, if any, is this request's
            return self.client.bulk(body=lines, index=index, refresh=False,
                                    filter_path=_BULK_ANSWER)

        with ThreadPoolExecutor(max_workers=IN_FLIGHT) as pool:
            pending: deque[Future[Any]] = deque()
            for chunk in _chunks(activities, BULK_DOCS):
                lines: list[str] = []
                for a in chunk:
                    lines.append(f'{{"index":{{"_id":{json.dumps(a.id)}}}}}')
                    lines.append(document_json(a, now, digests.get(a.id)))
                pending.append(pool.submit(send, lines))
                waiting = ready is not None and not ready.done()
                while len(pending) >= (AHEAD if waiting else IN_FLIGHT):
                    _count(pending.popleft().result(), stats)
            while pending:
                _count(pending.popleft().result(), stats)
        if refresh and (stats.new or stats.changed):
            self.client.indices.refresh(index=index)
        return stats

    def upsert(self, activities: Iterable[Activity]) -> WriteStats:
        self._ensure()
        stats = WriteStats()
        for chunk in _chunks(activities, 5 * BULK_DOCS):
            existing = self._get_many([a.id for a in chunk])
            kept = []
            digests: dict[str, str] = {}
            for a in chunk:
                old = existing.get(a.id)
                if old is not None:
                    a = carry_over(old, a)
                    digests[a.id] = content_hash(a)
                    if content_hash(old) == digests[a.id] and old.status == a.status:
                        stats.unchanged += 1  # nothing new: no write
                        continue
                kept.append(a)
            stats += self._bulk(self.alias, kept, datetime.now(TZ), refresh=False,
                                digests=digests)
        if stats.new or stats.changed:
            self.client.indices.refresh(index=self.alias)
        return stats

    def rebuild(self, activities: Iterable[Activity]) -> WriteStats:
        """Fill a new index, then point the alias at it in one step; the old one is deleted.
        If anything fails on the way, the alias still points at the last complete index.
        Half-built indices of earlier interrupted rebuilds are removed first.

        Each change of the engine's indices and aliases is a cluster-state update that the
        engine writes to disk (a tenth of a second to half a second each): a rebuild makes
        only those it needs. It brings no index it is about to replace up to the mapping (nor
        makes one where there was none), creates the organisations' index while it creates
        the new one, and deletes the old index in the same step that moves the alias."""
        self.remove_orphans()
        old = self.current_index()
        new = self._new_name()
        with ThreadPoolExecutor(max_workers=2) as pool:
            # Nobody searches the new index until it is complete: no periodic refresh and a
            # background translog while it is filled; then the live settings and one refresh.
            # The first documents are built while the engine creates it.
            created = pool.submit(self._create, new, BULK_LOAD_SETTINGS)
            organizations = pool.submit(self._ensure_organizations)
            try:
                stats = self._bulk(new, activities, datetime.now(TZ), refresh=False,
                                   ready=created)
                created.result()
                organizations.result()
                self.client.indices.put_settings(index=new, body={"index": LIVE_SETTINGS})
                self.client.indices.refresh(index=new)
            except BaseException:  # an error, or Ctrl-C: either way the new index is unfinished
                created.exception()  # (its creation over first, so that nothing re-creates it)
                try:  # best effort: the engine may be the thing that went away
                    self.client.indices.delete(index=new, ignore_unavailable=True)
                except Exception:  # noqa: BLE001 - the original error is the one to report
                    pass
                raise
        actions: list[dict[str, Any]] = [{"add": {"index": new, "alias": self.alias}}]
        if old:
            # The old index goes in the same step (searches move to the new one with it).
            actions.append({"remove_index": {"index": old}})
        self.client.indices.update_aliases(body={"actions": actions})
        self._ready = True  # the alias points at an index of this mapping
        return stats

    def upsert_organizations(self, organizations: Iterable[Organization]) -> WriteStats:
        self._ensure()
        stats = WriteStats()
        for org in organizations:
            stored = self._stored_organization(org.id)
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
        lines = [json.dumps({"delete": {"_index": self.alias, "_id": i}}) for i in ids]
        if not lines:
            return 0
        resp = self.client.bulk(body=lines, refresh=True)
        return sum(item.get("delete", {}).get("result") == "deleted"
                   for item in resp.get("items", []))

    def set_status(self, ids: Iterable[str], status: Status) -> int:
        self._ensure()
        changed = [a.model_copy(update={"status": status})
                   for a in self._get_many(list(ids)).values() if a.status != status]
        stats = self._bulk(self.alias, changed, datetime.now(TZ))
        return stats.new + stats.changed
