"""Item pipelines: interpret each extracted item (normalize), then store it (index)."""

from __future__ import annotations

import logging
from typing import Any

from pydantic import ValidationError
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from core import clock
from core.schema import NOT_TAKING_PLACE, Activity, Organization
from core.settings import get_settings
from crawlers.evidence import evidence_of
from crawlers.items import (
    ActivityItem,
    NormalizedItem,
    NormalizedOrganization,
    OrganizationItem,
)
from index import IndexBackend, WriteStats, open_index
from normalize.activity import NotAnActivity, build_activity, build_organization
from normalize.geo.chain import make_geocoder
from records.overrides import Overrides
from records.request_store import load_overrides

logger = logging.getLogger(__name__)


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "item"
        return f"invalid {where}: {first['msg']}"
    return str(exc)


class NormalizePipeline:
    """Extracted item → `Activity`. Items that cannot be read are dropped with a reason."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NormalizePipeline:
        return cls(crawler)

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        stats = self.crawler.stats
        assert stats is not None
        try:
            if isinstance(item, ActivityItem):
                out: Any = NormalizedItem(build_activity(item.raw, now=clock.now()),
                                          found_at=item.found_at)
            elif isinstance(item, OrganizationItem):
                out = NormalizedOrganization(build_organization(item.data, item.raw))
                _note_unread_contact(stats, item.data, out.organization)
            else:
                return item
        except (NotAnActivity, ValidationError, ValueError) as exc:
            reason = _reason(exc)
            url = item.raw.source.url
            stats.inc_value("fkort/dropped")
            stats.inc_value(f"fkort/dropped/{reason.split(':')[0]}")
            dropped = stats.get_value("fkort/dropped_items") or []
            dropped.append({"url": url, "reason": reason})
            stats.set_value("fkort/dropped_items", dropped)
            evidence = evidence_of(self.crawler.spider)
            found_at = getattr(item, "found_at", None)
            if evidence is not None and found_at:
                # Its page was not fully read: what it held before is kept, not swept.
                evidence.note_problem(found_at, f"dropped: {reason}")
            raise DropItem(f"{reason} ({url})") from exc
        if isinstance(out, NormalizedItem) and out.activity.event_status in NOT_TAKING_PLACE:
            _note_not_taking_place(stats, out.activity)
        return out


def _note_unread_contact(stats: Any, data: Any, org: Organization) -> None:
    """An association's e-mail or phone its page gives that is no address or number ("ring
    til formanden") is not kept: counted and named (the association and the field, never the
    text) in the run report."""
    for key, field in (("email", "email"), ("telephone", "phone")):
        given = data.get(key)
        if isinstance(given, str) and given.strip() and getattr(org, field) is None:
            stats.inc_value("fkort/skipped/unreadable_contact")
            named = stats.get_value("fkort/skipped_items") or []
            named.append({"reason": "unreadable_contact",
                          "url": org.source.url if org.source else "",
                          "detail": f"{org.name}: {field}"})
            stats.set_value("fkort/skipped_items", named)


def _note_not_taking_place(stats: Any, activity: Activity) -> None:
    """A cancelled or postponed activity is indexed (readable by id, no search hit): counted
    and named in the run report with the words it was read from."""
    status = activity.event_status.value
    stats.inc_value(f"fkort/not_taking_place/{status}")
    named = stats.get_value("fkort/not_taking_place_items") or []
    named.append({"id": activity.id, "title": activity.title, "url": activity.source.url,
                  "status": status, "text": activity.event_status_text or ""})
    stats.set_value("fkort/not_taking_place_items", named)


class GeocodePipeline:
    """Gives every activity coordinates, a precision and a municipality where it can."""

    def __init__(self, crawler: Crawler) -> None:
        self.geocoder = make_geocoder(get_settings(), with_cache=True)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> GeocodePipeline:
        return cls(crawler)

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        if isinstance(item, NormalizedItem):
            located = self.geocoder.locate(item.activity.location)
            item.activity = item.activity.model_copy(update={"location": located})
        return item

    def close_spider(self, spider: Spider | None = None) -> None:
        self.geocoder.close()


class IndexPipeline:
    """Writes activities to the index in batches, one transaction per batch."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.batch_size = max(1, crawler.settings.getint("FKORT_INDEX_BATCH", 200))
        self.backend: IndexBackend | None = None
        self.buffer: list[Any] = []
        self.orgs: list[Any] = []
        self.totals = WriteStats()
        #: Every activity this run found, written or not: the sweep's evidence.
        self.seen: set[str] = set()
        self.overrides = Overrides()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IndexPipeline:
        return cls(crawler)

    def open_spider(self, spider: Spider | None = None) -> None:
        from pathlib import Path

        s = self.crawler.settings
        settings = get_settings().model_copy(update={
            "db_path": Path(s.get("FKORT_DB_PATH", "data/fkort.db"))})
        self.backend = open_index(settings, s.get("FKORT_BACKEND"))
        # Approved corrections and removals: applied to every crawled record before it is
        # written, so a re-crawl never undoes them.
        self.overrides = load_overrides(settings.data_dir)

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        if isinstance(item, NormalizedItem):
            self.seen.add(item.activity.id)
            evidence = evidence_of(self.crawler.spider)
            if evidence is not None and item.found_at:
                evidence.found_at[item.activity.id] = item.found_at
            self.buffer.append(self.overrides.apply(item.activity))
            if len(self.buffer) >= self.batch_size:
                self._flush()
        elif isinstance(item, NormalizedOrganization):
            self.orgs.append(self.overrides.apply_organization(item.organization))
        return item

    def _flush(self) -> None:
        assert self.backend is not None
        if self.orgs:
            self.backend.upsert_organizations(self.orgs)
            self.orgs = []
        if not self.buffer:
            return
        self.totals += self.backend.upsert(self.buffer)
        self.buffer = []
        stats = self.crawler.stats
        assert stats is not None
        for key in ("new", "changed", "unchanged"):
            stats.set_value(f"fkort/items/{key}", getattr(self.totals, key))
        for activity_id, reason in self.totals.errors:
            logger.error("Index refused %s: %s", activity_id, reason)
        stats.set_value("fkort/index_errors", len(self.totals.errors))

    def close_spider(self, spider: Spider | None = None) -> None:
        if self.backend is not None:
            self._flush()
            self.backend.close()
        assert self.crawler.stats is not None
        self.crawler.stats.set_value("fkort/seen", sorted(self.seen))
        # What this run wrote (new or changed): the merge step looks only around these.
        self.crawler.stats.set_value("fkort/written", sorted(set(self.totals.written)))
