"""Honours `Crawl-delay` in robots.txt: Scrapy reads robots.txt for Allow/Disallow only.

Scrapy's robots parser reads the directive (`RobotParser.crawl_delay`, Scrapy 2.18+) but
nothing uses it, and AutoThrottle would shorten any delay set by hand. So, once a host's
robots.txt is parsed (the `robots_parsed` signal), its download slot gets the asked delay,
without random jitter (which would go below it), and its requests are kept out of
AutoThrottle's adjustment. `FKORT_CRAWL_DELAY_MAX` caps the delay where the operator says so
(tests on this machine); a capped delay is logged as a warning.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

logger = logging.getLogger(__name__)


class RobotsCrawlDelayMiddleware:
    """Downloader middleware (after RobotsTxtMiddleware): each host's Crawl-delay as the least
    pause between two requests to it."""

    def __init__(self, crawler: Crawler) -> None:
        if not crawler.settings.getbool("ROBOTSTXT_OBEY"):
            raise NotConfigured
        self.crawler = crawler
        self.user_agent = str(crawler.settings.get("ROBOTSTXT_USER_AGENT")
                              or crawler.settings.get("USER_AGENT") or "*")
        self.cap = crawler.settings.getfloat("FKORT_CRAWL_DELAY_MAX", 0.0) or None
        #: The delay kept per download slot (host).
        self.delays: dict[str, float] = {}
        crawler.signals.connect(self.robots_parsed, signal=signals.robots_parsed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RobotsCrawlDelayMiddleware:
        return cls(crawler)

    def robots_parsed(self, robotparser: Any, request: Request) -> None:
        asked = robotparser.crawl_delay(self.user_agent)
        if not asked or asked <= 0:
            return
        key = self._downloader().get_slot_key(request)
        delay = float(asked)
        if self.cap is not None and delay > self.cap:
            logger.warning("robots.txt of %s asks Crawl-delay %g s; capped to %g s by "
                           "FKORT_CRAWL_DELAY_MAX", key, delay, self.cap)
            delay = self.cap
        else:
            logger.info("robots.txt of %s asks Crawl-delay %g s: honoured", key, delay)
        self.delays[key] = delay
        stats = self.crawler.stats
        if stats is not None:
            stats.set_value(f"fkort/crawl_delay/{key}", float(asked))
        # Slots made later (after an idle one is collected) start with the delay too.
        self._downloader().per_slot_settings.setdefault(key, {}).update(
            {"delay": delay, "jitter": 0.0})
        self._hold(key)

    def process_request(self, request: Request, spider: Any = None) -> None:
        key = self._downloader().get_slot_key(request)
        if key in self.delays:
            request.meta["autothrottle_dont_adjust_delay"] = True
            self._hold(key)

    def _hold(self, key: str) -> None:
        slot = self._downloader().slots.get(key)
        if slot is not None:
            slot.delay = max(slot.delay, self.delays[key])
            slot.jitter = 0.0

    def _downloader(self) -> Any:
        assert self.crawler.engine is not None
        return self.crawler.engine.downloader
