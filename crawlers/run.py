"""Runs crawls of configured sources in one process and reports per source."""

from __future__ import annotations

import importlib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings

from crawlers.sources import SourceConfig
from crawlers.spiders.facebook import FacebookSpider
from crawlers.spiders.ical import ICalSpider
from crawlers.spiders.jsonld import JsonLdSpider
from crawlers.spiders.municipal import MunicipalSpider
from crawlers.spiders.portal import PortalSpider

#: Spider classes by the `spider` name a source names in sources.toml.
SPIDERS: dict[str, type] = {
    cls.name: cls
    for cls in (JsonLdSpider, MunicipalSpider, ICalSpider, PortalSpider, FacebookSpider)
}


@dataclass
class SourceReport:
    """What one crawl of one source did."""

    source: str
    status: str  # ok | failed
    pages: int = 0
    items: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    dropped: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)  # e.g. robots_txt: obeyed, not errors
    problems: list[dict[str, str]] = field(default_factory=list)
    dropped_items: list[dict[str, str]] = field(default_factory=list)
    finish_reason: str | None = None
    #: The operator switched robots.txt off for this source (option ignore_robots_txt).
    robots_txt_ignored: bool = False

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def scrapy_settings(module: str, overrides: dict[str, Any] | None = None) -> Settings:
    settings = Settings()
    settings.setmodule(importlib.import_module(module), priority="project")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


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
    process = CrawlerProcess(settings)
    crawlers: list[tuple[SourceConfig, Crawler]] = []
    for source in sources:
        spider_cls = SPIDERS.get(source.spider)
        if spider_cls is None:
            raise ValueError(f"source {source.name}: unknown spider {source.spider!r}")
        crawler = process.create_crawler(spider_cls)
        process.crawl(crawler, source=source)
        crawlers.append((source, crawler))
    process.start()
    return [_report(source, crawler) for source, crawler in crawlers]


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
        problems=list(stats.get("fkort/problems", [])),
        dropped_items=list(stats.get("fkort/dropped_items", [])),
        finish_reason=stats.get("finish_reason"),
        robots_txt_ignored=bool(stats.get("fkort/robots_txt_ignored")),
    )
