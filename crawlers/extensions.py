"""Crawl extensions: a progress line for long runs."""

from __future__ import annotations

import sys
import time
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured


class Progress:
    """Writes "source: N pages, M activities" to stderr at most once a second."""

    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.last = 0.0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        if not crawler.settings.getbool("FKORT_PROGRESS", True):
            raise NotConfigured
        ext = cls(crawler, crawler.settings.getfloat("FKORT_PROGRESS_INTERVAL", 1.0))
        crawler.signals.connect(ext.tick, signal=signals.item_scraped)
        crawler.signals.connect(ext.tick, signal=signals.response_received)
        return ext

    def tick(self, *args: Any, **kwargs: Any) -> None:
        now = time.monotonic()
        if now - self.last < self.interval:
            return
        self.last = now
        stats = self.crawler.stats
        assert stats is not None and self.crawler.spider is not None
        print(
            f"  {self.crawler.spider.source.name}: "  # type: ignore[attr-defined]
            f"{stats.get_value('fkort/pages', 0)} sider, "
            f"{stats.get_value('item_scraped_count', 0)} aktiviteter",
            file=sys.stderr,
            flush=True,
        )
