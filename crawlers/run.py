"""Runs crawls of configured sources in one process and reports per source."""

from __future__ import annotations

import importlib
import logging
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings

from core import clock
from core.settings import get_settings
from crawlers.evidence import evidence_of
from crawlers.logs import use_json_lines
from crawlers.sources import SourceConfig
from crawlers.spiders.facebook import FacebookSpider
from crawlers.spiders.ical import ICalSpider
from crawlers.spiders.jsonapi import JsonApiSpider
from crawlers.spiders.jsonld import JsonLdSpider
from crawlers.spiders.municipal import MunicipalSpider
from crawlers.spiders.portal import PortalSpider
from index import IndexBackend, open_index
from records.evidence import RunEvidence
from records.merging import merge_changed
from records.request_store import load_overrides
from records.runlog import Run, RunLog
from records.sweep import SweepOutcome, SweepPolicy, SweepRun, sweep_source

logger = logging.getLogger(__name__)

#: Spider classes by the `spider` name a source names in sources.toml.
SPIDERS: dict[str, type[Spider]] = {
    cls.name: cls
    for cls in (JsonLdSpider, MunicipalSpider, ICalSpider, PortalSpider, FacebookSpider,
                JsonApiSpider)
}


@dataclass
class SourceReport:
    """What one crawl of one source did."""

    source: str
    #: ok: every page read. degraded: some pages failed; what they held before is kept.
    #: guarded: the sweep guard held back; nothing marked stale. failed: nothing read.
    status: str
    #: Why the status is not ok, in one line (for the summary, `fkort sources`, the API).
    reason: str | None = None
    pages: int = 0
    items: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    dropped: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)  # e.g. robots_txt: obeyed, not errors
    #: Items left out by the source's configuration (its title filter), each named.
    skipped_items: list[dict[str, str]] = field(default_factory=list)
    #: Activities indexed as cancelled or postponed (no search hit, readable by id), by
    #: status, and each named: id, title, url, status and the words it was read from.
    not_taking_place: dict[str, int] = field(default_factory=dict)
    not_taking_place_items: list[dict[str, str]] = field(default_factory=list)
    problems: list[dict[str, str]] = field(default_factory=list)
    dropped_items: list[dict[str, str]] = field(default_factory=list)
    finish_reason: str | None = None
    #: Activities of the source that this run marked stale (the site says they are gone), and
    #: which: id, title, url, page, why (page_gone, not_on_page, not_linked, ...).
    gone: int = 0
    gone_items: list[dict[str, str]] = field(default_factory=list)
    #: Activities not found because of an error (their page or its listing failed): the
    #: last good version stays in search. Named with the failure and the page it hit.
    kept: int = 0
    kept_items: list[dict[str, str]] = field(default_factory=list)
    #: Not found and said gone by the site, to go stale after FKORT_STALE_AFTER_RUNS runs.
    missing_items: list[dict[str, str]] = field(default_factory=list)
    #: Why nothing was marked stale, when the run was not trusted to ("guarded"), and what
    #: would have gone.
    guard: str | None = None
    held_items: list[dict[str, str]] = field(default_factory=list)
    #: Pages that could not be fetched (after retries): address and reason.
    failed_pages: list[dict[str, str]] = field(default_factory=list)
    #: What was read correctly only after a repair (a lying charset), by kind, and where.
    repaired: dict[str, int] = field(default_factory=dict)
    repairs: list[dict[str, str]] = field(default_factory=list)
    #: The operator switched robots.txt off for this source (option ignore_robots_txt).
    robots_txt_ignored: bool = False
    #: Pages the HTTP cache answered without asking (never, since every page is revalidated),
    #: and pages the site confirmed unchanged (304).
    cached: int = 0
    revalidated: int = 0
    #: Requests tried again after a 5xx, a timeout or a broken connection.
    retried: int = 0
    #: Merged records this run's merge step made or changed (all sources together).
    merged: int = 0
    #: The ids of the activities found and the run's page outcomes (for the sweep; not part
    #: of the printed report).
    seen: list[str] = field(default_factory=list, repr=False)
    evidence: RunEvidence = field(default_factory=RunEvidence, repr=False)
    #: The ids of the activities this run wrote (new or changed), for the merge step.
    written: list[str] = field(default_factory=list, repr=False)

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        del out["seen"], out["evidence"], out["written"]
        return out

    def changed_ids(self) -> list[str]:
        """The activities this run changed: written (new or changed) or gone stale."""
        return sorted({*self.written, *(g["id"] for g in self.gone_items)})

    def settle(self, outcome: SweepOutcome) -> None:
        """Take the sweep's verdict: status, what went stale, what was kept and why."""
        self.status, self.guard, self.gone = outcome.status, outcome.guard, outcome.gone
        self.gone_items, self.missing_items = outcome.gone_items, outcome.missing_items
        self.kept_items, self.held_items = outcome.kept_items, outcome.held_items
        self.kept = len(outcome.kept_items) + outcome.kept_unchecked
        if self.status == "ok" and self.errors.get("duplicate_id"):
            # Two items of one page with one id: one of them is not in the index.
            self.status = "degraded"
        self.reason = self._why()

    def _why(self) -> str | None:
        failures = _tally(p["reason"] for p in self.failed_pages)
        if self.status == "failed":
            what = f": {failures}" if failures else ""
            return (f"no page could be read{what}; all {self.kept} activities kept"
                    if self.pages == 0 else f"the crawl broke off ({self.finish_reason}); "
                    f"{self.kept} activities kept")
        parts = []
        if self.guard:
            parts.append(self.guard)
        if self.failed_pages:
            parts.append(f"{len(self.failed_pages)} page(s) failed ({failures})")
        if self.errors.get("duplicate_id"):
            parts.append(f"{self.errors['duplicate_id']} item(s) had the id of another item "
                         "of their page (duplicate_id); only the first was kept")
        if self.kept_items:
            parts.append(f"{len(self.kept_items)} activities kept from earlier runs because "
                         f"of errors ({_tally(k['why'] for k in self.kept_items)})")
        return "; ".join(parts) or None


def _tally(reasons: Any) -> str:
    """"http_500 ×2, TimeoutError" from reasons."""
    counts: dict[str, int] = {}
    for r in reasons:
        counts[r] = counts.get(r, 0) + 1
    return ", ".join(f"{r} ×{n}" if n > 1 else r for r, n in sorted(counts.items()))


def scrapy_settings(module: str, overrides: dict[str, Any] | None = None) -> Settings:
    settings = Settings()
    settings.setmodule(importlib.import_module(module), priority="project")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def _spider_class(source: SourceConfig, settings: Settings) -> type[Spider]:
    """The source's spider class; for a source with its own `download_delay`, or one that
    renders (the browser's download handler), a subclass whose settings say so (Scrapy reads
    a crawler's own settings from its spider class)."""
    spider_cls = SPIDERS.get(source.spider)
    if spider_cls is None:
        raise ValueError(f"source {source.name}: unknown spider {source.spider!r}")
    own: dict[str, Any] = {}
    if source.options.download_delay is not None:
        # At least this delay: without Scrapy's random jitter, which would go below it.
        own["DOWNLOAD_DELAY"] = source.options.download_delay
        own["DOWNLOAD_DELAY_JITTER"] = 0.0
    if source.options.render:
        own["DOWNLOAD_HANDLERS"] = settings.getdict("BROWSER_HANDLERS")
    if not own:
        return spider_cls
    own = {**(spider_cls.custom_settings or {}), **own}
    return type(spider_cls.__name__, (spider_cls,), {"custom_settings": own})


def crawl(
    sources: list[SourceConfig],
    *,
    db_path: Path,
    backend: str = "sqlite",
    settings_module: str = "crawlers.settings.prod",
    overrides: dict[str, Any] | None = None,
) -> list[SourceReport]:
    """Crawl the sources side by side; returns one report per source, in the given order."""
    base = {"FKORT_DB_PATH": str(db_path), "FKORT_BACKEND": backend, **(overrides or {})}
    settings = scrapy_settings(settings_module, base)
    if settings.getbool("FKORT_LOG_JSON"):
        # Scrapy's own root handler is off; one that writes JSON lines takes its place.
        use_json_lines(settings.get("LOG_LEVEL", "INFO"))
        settings.set("LOG_ENABLED", False, priority="cmdline")
    process = CrawlerProcess(settings)
    crawlers: list[tuple[SourceConfig, Crawler]] = []
    for source in sources:
        crawler = process.create_crawler(_spider_class(source, settings))
        process.crawl(crawler, source=source)
        crawlers.append((source, crawler))
    started = clock.now()
    process.start()
    reports = [_report(source, crawler) for source, crawler in crawlers]
    _sweep(reports, started, db_path, backend)
    return reports


def _sweep(reports: list[SourceReport], started: datetime, db_path: Path, backend: str) -> None:
    """Record each run; mark stale what the sites say is gone (records.sweep).

    A failed run marks nothing; an activity the run could not reach because of an error is
    kept; a run that would mark too much is held back by the guard: a broken source must never
    wipe good data.
    """
    settings = get_settings()
    log = RunLog(settings.data_dir / "crawls.db")
    index = open_index(settings.model_copy(update={"db_path": db_path}), backend)
    policy = SweepPolicy(stale_after_runs=settings.stale_after_runs,
                         guard_ratio=settings.sweep_guard_ratio,
                         max_share=settings.sweep_max_share)
    finished = clock.now()
    try:
        for r in reports:
            found = r.new + r.changed + r.unchanged
            r.settle(sweep_source(log, index, SweepRun(r.source, r.status, found, r.seen,
                                                       started, r.evidence), policy))
            log.record(Run(r.source, started, finished, r.status, r.pages, found, r.new,
                           r.changed, r.unchanged, r.gone, r.dropped, r.as_dict()))
        _merge(reports, index)
    finally:
        index.close()
        log.close()


def _merge(reports: list[SourceReport], index: IndexBackend) -> None:
    """Merge the same offer found by several sources into one record: the clusters around
    what the run changed (new, changed, gone), looked up across the whole index (a source
    crawled today may duplicate one crawled last week); the rest is as the last merge left it.
    The whole-index pass is `fkort duplicates merge --all`."""
    changed = sorted({i for r in reports for i in r.changed_ids()})
    if not changed:
        return  # nothing changed: the merge would find what it found last time
    try:
        overrides = load_overrides(get_settings().data_dir)
        result = merge_changed(index, changed, clock.now(), overrides)
    except Exception as exc:  # the crawl's data is in; only the merge is left for next time
        logger.exception("merge step failed")
        for r in reports:
            r.problems.append({"reason": "merge_failed", "url": "",
                               "detail": f"{type(exc).__name__}: {exc}"})
        return
    for r in reports:
        r.merged = result.new + result.changed


def _report(source: SourceConfig, crawler: Crawler) -> SourceReport:
    stats: dict[str, Any] = crawler.stats.get_stats() if crawler.stats else {}
    errors = {
        k.removeprefix("fkort/errors/"): int(v)
        for k, v in stats.items()
        if k.startswith("fkort/errors/")
    }
    skipped = {
        k.removeprefix("fkort/skipped/"): int(v)
        for k, v in stats.items()
        if k.startswith("fkort/skipped/")
    }
    pages = int(stats.get("fkort/pages", 0))
    items = int(stats.get("item_scraped_count", 0))
    failed = pages == 0 or stats.get("finish_reason") not in ("finished", None)
    evidence = evidence_of(crawler.spider) or RunEvidence()
    return SourceReport(
        source=source.name,
        status="failed" if failed else "ok",
        pages=pages,
        items=items,
        new=int(stats.get("fkort/items/new", 0)),
        changed=int(stats.get("fkort/items/changed", 0)),
        unchanged=int(stats.get("fkort/items/unchanged", 0)),
        dropped=int(stats.get("fkort/dropped", 0)),
        errors=errors,
        skipped=skipped,
        skipped_items=list(stats.get("fkort/skipped_items", [])),
        not_taking_place={k.removeprefix("fkort/not_taking_place/"): int(v)
                          for k, v in stats.items()
                          if k.startswith("fkort/not_taking_place/")},
        not_taking_place_items=list(stats.get("fkort/not_taking_place_items", [])),
        problems=list(stats.get("fkort/problems", [])),
        dropped_items=list(stats.get("fkort/dropped_items", [])),
        finish_reason=stats.get("finish_reason"),
        robots_txt_ignored=bool(stats.get("fkort/robots_txt_ignored")),
        cached=int(stats.get("httpcache/hit", 0)),
        revalidated=int(stats.get("httpcache/revalidate", 0)),
        retried=int(stats.get("retry/count", 0)),
        seen=list(stats.get("fkort/seen", [])),
        written=list(stats.get("fkort/written", [])),
        evidence=evidence,
        failed_pages=[{"url": url, "reason": why} for url, why in evidence.failed.items()],
        repaired={k.removeprefix("fkort/repaired/"): int(v) for k, v in stats.items()
                  if k.startswith("fkort/repaired/")},
        repairs=list(stats.get("fkort/repairs", [])),
    )
