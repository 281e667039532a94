"""Collects a run's evidence page by page (`records.evidence.RunEvidence`): which pages were
read to the end, which page linked which, and on which page each activity was found. The
spider records failures itself (`SourceSpider.on_error`, `SourceSpider.problem`)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError

from crawlers.items import ActivityItem
from records.evidence import RunEvidence


def page_key(request: Request) -> str:
    """The address a page is known by: the one first asked for, before any redirect."""
    redirects = request.meta.get("redirect_urls")
    return str(redirects[0]) if redirects else request.url


def evidence_of(spider: object) -> RunEvidence | None:
    """The evidence a source spider collects (None for other spiders)."""
    evidence = getattr(spider, "evidence", None)
    return evidence if isinstance(evidence, RunEvidence) else None


class EvidenceMiddleware:
    """Spider middleware: notes each page read to the end, the page behind each request a
    page yields, and the page behind each activity."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> EvidenceMiddleware:
        return cls(crawler)

    def _evidence(self) -> RunEvidence | None:
        return evidence_of(self.crawler.spider)

    def process_spider_input(self, response: Response) -> None:
        evidence = self._evidence()
        if evidence is not None and response.request is not None:
            key = page_key(response.request)
            if key != response.url:
                evidence.aliases[response.url] = key

    def process_spider_output(self, response: Response, result: Iterable[Any]
                              ) -> Iterator[Any]:
        for out in result:
            yield self._note(response, out)
        self._read(response)

    async def process_spider_output_async(self, response: Response, result: AsyncIterator[Any]
                                          ) -> AsyncIterator[Any]:
        async for out in result:
            yield self._note(response, out)
        self._read(response)

    def process_spider_exception(self, response: Response, exception: Exception) -> None:
        evidence = self._evidence()
        if evidence is not None and response.request is not None and \
                not isinstance(exception, HttpError):
            key = page_key(response.request)
            evidence.unread.setdefault(key, f"parse_error: {type(exception).__name__}")

    def _note(self, response: Response, out: Any) -> Any:
        evidence = self._evidence()
        if evidence is None or response.request is None:
            return out
        key = page_key(response.request)
        if isinstance(out, Request):
            evidence.via.setdefault(out.url, key)
        elif isinstance(out, ActivityItem) and out.found_at is None:
            out.found_at = key
        return out

    def _read(self, response: Response) -> None:
        evidence = self._evidence()
        # An errback's output passes here too: only a page that was answered counts as read.
        if evidence is not None and response.request is not None and \
                200 <= response.status < 300:
            evidence.read.add(page_key(response.request))
