"""Downloader middlewares: retries that wait longer after each failure; charset repair."""

from __future__ import annotations

import asyncio
from typing import Any

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response, TextResponse
from scrapy.utils.response import response_status_message


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry, with an exponential pause before each new try (honours Retry-After)."""

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.base = settings.getfloat("RETRY_BACKOFF_BASE", 2.0)
        self.cap = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)

    def _delay(self, request: Request, response: Response | None = None) -> float:
        tries = int(request.meta.get("retry_times", 0))
        delay: float = min(self.cap, self.base * (2**tries))
        after = response.headers.get(b"Retry-After") if response is not None else None
        if after and after.strip().isdigit():
            delay = min(self.cap, max(delay, float(after.strip())))
        return delay

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        await asyncio.sleep(self._delay(request, response))
        return retry

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception, spider: Any = None
    ) -> Request | None:
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get("dont_retry"):
            return None
        retry = self._retry(request, exception)
        if retry is None:
            return None
        await asyncio.sleep(self._delay(request))
        return retry


class CharsetMiddleware:
    """Pages that say UTF-8 (or say nothing) but are Windows-1252 are read as Windows-1252.

    Older municipal CMSes serve Latin bytes under a UTF-8 header; decoded as UTF-8, every
    æ/ø/å would turn into a replacement character. Each repair is counted and named in the
    run report (`repaired`), so that a site's lie is seen, though nothing was lost to it.
    """

    def __init__(self, stats: Any = None) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> CharsetMiddleware:
        return cls(crawler.stats)

    def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Response:
        if not isinstance(response, TextResponse) or not response.body:
            return response
        try:
            response.body.decode("utf-8")
        except UnicodeDecodeError:
            declared = response.encoding.lower().replace("-", "").replace("_", "")
            if declared in ("utf8", "ascii", "usascii"):
                self._repaired(response.url, f"declared {response.encoding}, read as cp1252")
                return response.replace(encoding="cp1252")
        return response

    def _repaired(self, url: str, detail: str) -> None:
        if self.stats is None:
            return
        self.stats.inc_value("fkort/repaired/charset")
        repairs = self.stats.get_value("fkort/repairs") or []
        repairs.append({"reason": "charset", "url": url, "detail": detail})
        self.stats.set_value("fkort/repairs", repairs)
