"""Crawl extensions: progress on long runs.

On a terminal, one line per source redrawn in place with a bar (pages done against pages
known so far: a crawl discovers its pages as it goes, so the bar can move back). Under cron
or systemd (no terminal), a plain line every `FKORT_PROGRESS_INTERVAL` seconds, or a log
record with `event=progress` when the logs are JSON lines.
"""

from __future__ import annotations

import logging
import sys
import time
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

logger = logging.getLogger("fkort.progress")


def bar(done: int, total: int, width: int = 20) -> str:
    """A text bar.

    >>> bar(5, 10, 10)
    '[#####.....]'
    >>> bar(0, 0, 4)
    '[....]'
    """
    filled = 0 if total <= 0 else min(width, round(width * done / total))
    return "[" + "#" * filled + "." * (width - filled) + "]"


class Progress:
    def __init__(self, crawler: Crawler, interval: float, tty: bool, json_lines: bool) -> None:
        self.crawler = crawler
        self.interval = interval
        self.tty = tty
        self.json_lines = json_lines
        self.last = 0.0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        if not crawler.settings.getbool("FKORT_PROGRESS", True):
            raise NotConfigured
        json_lines = crawler.settings.getbool("FKORT_LOG_JSON")
        tty = sys.stderr.isatty() and not json_lines
        interval = crawler.settings.getfloat("FKORT_PROGRESS_INTERVAL", 0.2 if tty else 5.0)
        ext = cls(crawler, interval, tty, json_lines)
        crawler.signals.connect(ext.tick, signal=signals.item_scraped)
        crawler.signals.connect(ext.tick, signal=signals.response_received)
        crawler.signals.connect(ext.done, signal=signals.spider_closed)
        return ext

    def _counts(self) -> tuple[str, int, int, int]:
        stats = self.crawler.stats
        assert stats is not None and self.crawler.spider is not None
        name = self.crawler.spider.source.name  # type: ignore[attr-defined]
        pages = int(stats.get_value("fkort/pages", 0))
        items = int(stats.get_value("item_scraped_count", 0))
        engine = self.crawler.engine
        slot = getattr(engine, "_slot", None) or getattr(engine, "slot", None)
        queued = len(slot.scheduler) + len(slot.inprogress) if slot is not None else 0
        return name, pages, items, queued

    def tick(self, *args: Any, **kwargs: Any) -> None:
        now = time.monotonic()
        if now - self.last < self.interval:
            return
        self.last = now
        self.report(final=False)

    def done(self, *args: Any, **kwargs: Any) -> None:
        if self.tty:
            self.report(final=True)

    def report(self, final: bool) -> None:
        try:
            name, pages, items, queued = self._counts()
        except (AttributeError, TypeError):
            return
        if self.json_lines:
            logger.info("progress", extra={"event": "progress", "pages": pages, "items": items})
        elif self.tty:
            end = "\n" if final else ""
            print(f"\r  {name:<24} {bar(pages, pages + queued)} {pages} sider, {items} "
                  f"aktiviteter", end=end, file=sys.stderr, flush=True)
        else:
            print(f"  {name}: {pages} sider, {items} aktiviteter, {queued} i kø",
                  file=sys.stderr, flush=True)
