"""A host map: requests to a configured host are sent to another address instead, as a hosts
file would, while every other part of the crawl sees the real URL.

For offline end-to-end crawls of the real sources file (tests, a staging copy of a site):
`FKORT_HOST_MAP="www.holstebrobibliotek.dk=http://127.0.0.1:8765,
*.nemtilmeld.dk=http://127.0.0.1:8766"` (or `fkort crawl --set FKORT_HOST_MAP=...`).
The request to `https://www.holstebrobibliotek.dk/api/v1/events?_format=json` is downloaded
from `http://127.0.0.1:8765/api/v1/events?_format=json`; its response carries the real URL
again, so robots.txt, the allowed domains, the HTTP cache, activity ids and their links are
those of the real site. A target may end in a path, which is put before the request's
(`es.sogn.dk=http://127.0.0.1:8765/sogn`). Only the download is redirected: the map lives in
the download handler, below every middleware.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from scrapy import Request
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.http import Response
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

logger = logging.getLogger(__name__)


class HostMapError(ValueError):
    """The host map cannot be read; the message says which part and why."""


def parse(text: str | None) -> dict[str, str]:
    """`host=target` pairs, separated by commas or white space; `*.example.dk` maps every
    subdomain of example.dk.

    >>> parse("a.dk=http://127.0.0.1:1, *.b.dk=http://127.0.0.1:2/b/")
    {'a.dk': 'http://127.0.0.1:1', '*.b.dk': 'http://127.0.0.1:2/b'}
    >>> parse("a.dk")
    Traceback (most recent call last):
    ...
    crawlers.hostmap.HostMapError: host map: 'a.dk' is not host=http://address[:port]
    """
    out: dict[str, str] = {}
    for pair in (text or "").replace(",", " ").split():
        host, sep, target = pair.partition("=")
        parts = urlsplit(target)
        if not sep or not host or parts.scheme not in ("http", "https") or not parts.netloc:
            raise HostMapError(f"host map: {pair!r} is not host=http://address[:port]")
        out[host.strip().lower()] = target.rstrip("/")
    return out


def target_of(url: str, mapping: dict[str, str]) -> str | None:
    """Where a URL is downloaded from under the map, or None when its host is not mapped.

    >>> m = {"bib.dk": "http://127.0.0.1:9", "*.nem.dk": "http://127.0.0.1:8/nem"}
    >>> target_of("https://bib.dk/api/v1/events?_format=json", m)
    'http://127.0.0.1:9/api/v1/events?_format=json'
    >>> target_of("https://klub.nem.dk/", m)
    'http://127.0.0.1:8/nem/'
    >>> target_of("https://other.dk/", m) is None
    True
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    base = mapping.get(host)
    if base is None:
        base = next((t for h, t in mapping.items()
                     if h.startswith("*.") and host.endswith(h[1:])), None)
    if base is None:
        return None
    to = urlsplit(base)
    return urlunsplit((to.scheme, to.netloc, to.path + (parts.path or "/"), parts.query, ""))


class _HostMapped:
    """The host map over a download handler's `download_request`."""

    host_map: dict[str, str]

    def _read_map(self, crawler: Any) -> None:
        self.host_map = parse(crawler.settings.get("FKORT_HOST_MAP"))
        if self.host_map:
            logger.warning("host map in use: %s", ", ".join(
                f"{h} -> {t}" for h, t in sorted(self.host_map.items())))

    async def _mapped(self, request: Request, download: Any) -> Response:
        target = target_of(request.url, self.host_map) if self.host_map else None
        if target is None:
            response: Response = await download(request)
            return response
        # The real host in the Host header, as a hosts file would leave it: a server with
        # several sites (a test's fixture server too) answers as that site.
        headers = request.headers.copy()
        headers[b"Host"] = urlsplit(request.url).netloc
        mapped: Response = await download(request.replace(url=target, headers=headers))
        return mapped.replace(url=request.url)


class HostMapDownloadHandler(_HostMapped, HTTP11DownloadHandler):
    """Scrapy's own HTTP handler with the host map: every source that needs no browser. No
    Playwright driver is started for such a crawl. Without a map it is exactly its parent."""

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        self._read_map(crawler)

    async def download_request(self, request: Request) -> Response:
        return await self._mapped(request, super().download_request)


class HostMapBrowserDownloadHandler(_HostMapped, ScrapyPlaywrightDownloadHandler):  # type: ignore[misc]
    """scrapy-playwright's handler with the host map: only the crawlers of sources that
    render (`render = true`, crawlers.run sets it per source); its requests without
    `playwright` in their meta still go through Scrapy's own downloader."""

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        self._read_map(crawler)

    async def download_request(self, request: Request) -> Response:
        return await self._mapped(request, super().download_request)
