"""Generic spider: walks a site from its listings and sitemaps, and takes the schema.org
Events and Organizations its pages publish as JSON-LD or microdata."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urldefrag, urlparse

import extruct
import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.sitemap import Sitemap
from twisted.python.failure import Failure

from crawlers.items import ActivityItem, OrganizationItem
from crawlers.sources import SourceConfig
from fkort import clock
from fkort.schema import RawActivity, Source
from normalize.activity import is_event, is_organization

_SKIP_EXT = re.compile(r"\.(?:jpe?g|png|gif|svg|webp|pdf|docx?|xlsx?|zip|mp[34]|css|js)$", re.I)


class JsonLdSpider(scrapy.Spider):
    name = "jsonld"

    def __init__(self, source: SourceConfig, **kwargs: Any) -> None:
        super().__init__(name=self.name, **kwargs)
        self.source = source
        self.allowed_domains = source.allowed_domains or sorted(
            {urlparse(u).hostname or "" for u in source.start_urls}
        )
        self._follow = [re.compile(p) for p in source.options.follow]
        self._deny = [re.compile(p) for p in source.options.deny]

    # -- requests ------------------------------------------------------------------------
    async def start(self) -> Any:
        for url in self.source.options.sitemap_urls:
            yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.on_error)
        for url in self.source.start_urls:
            yield scrapy.Request(url, callback=self.parse, errback=self.on_error,
                                 meta={"fk_depth": 0})

    def _wanted(self, url: str) -> bool:
        if _SKIP_EXT.search(urlparse(url).path):
            return False
        if any(rx.search(url) for rx in self._deny):
            return False
        return any(rx.search(url) for rx in self._follow)

    def on_error(self, failure: Failure) -> None:
        """A page that could not be fetched is counted per reason; the crawl goes on."""
        request = failure.request  # type: ignore[attr-defined]
        if isinstance(failure.value, IgnoreRequest) and not isinstance(failure.value, HttpError):
            # robots.txt said no: obeyed, counted, and not an error of the source.
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("fkort/skipped/robots_txt")
            return
        if isinstance(failure.value, HttpError):
            reason = f"http_{failure.value.response.status}"
        else:
            reason = failure.type.__name__ if failure.type else "error"
        self._problem(reason, request.url, str(failure.value)[:200])

    def _problem(self, reason: str, url: str, detail: str = "") -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"fkort/errors/{reason}")
        self.logger.warning("Problem %s at %s %s", reason, url, detail)
        problems = self.crawler.stats.get_value("fkort/problems") or []
        problems.append({"reason": reason, "url": url, "detail": detail})
        self.crawler.stats.set_value("fkort/problems", problems)

    # -- callbacks -----------------------------------------------------------------------
    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        try:
            sitemap = Sitemap(response.body)
        except Exception as exc:  # lxml raises several types on broken XML
            self._problem("broken_sitemap", response.url, str(exc)[:200])
            return
        for entry in sitemap:
            loc = entry.get("loc", "")
            if sitemap.type == "sitemapindex":
                yield response.follow(loc, callback=self.parse_sitemap, errback=self.on_error)
            elif loc and self._wanted(loc):
                yield response.follow(loc, callback=self.parse, errback=self.on_error,
                                      meta={"fk_depth": self.source.options.max_depth})

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            ctype = response.headers.get("Content-Type") or b""
            self._problem("not_text", response.url, ctype.decode("latin-1"))
            return
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("fkort/pages")
        for data in self._structured(response):
            if is_event(data):
                yield ActivityItem(raw=self._raw(response, data))
            elif is_organization(data):
                yield OrganizationItem(raw=self._raw(response, data), data=dict(data))
                for event in _as_list(data.get("event")):
                    if isinstance(event, Mapping) and is_event(event):
                        event = {"organizer": {k: data.get(k) for k in ("name", "url", "email",
                                 "telephone")}, **event}
                        yield ActivityItem(raw=self._raw(response, event))
        yield from self._links(response)

    def _raw(self, response: Response, data: Mapping[str, Any]) -> RawActivity:
        origin = data.get("identifier") or data.get("@id") or data.get("url")
        return RawActivity(
            source=Source(
                name=self.source.name,
                kind=self.source.kind,
                url=urldefrag(response.url)[0],
                fetched_at=clock.now(),
            ),
            origin_id=_origin(origin) or urldefrag(response.url)[0],
            structured=dict(data),
            municipality=self.source.options.municipality,
        )

    def _links(self, response: TextResponse) -> Iterator[scrapy.Request]:
        depth = response.meta.get("fk_depth", 0)
        if depth >= self.source.options.max_depth:
            return
        for href in response.css("a::attr(href)").getall():
            url = urldefrag(response.urljoin(href.strip()))[0]
            if url.startswith(("http://", "https://")) and self._wanted(url):
                yield scrapy.Request(url, callback=self.parse, errback=self.on_error,
                                     meta={"fk_depth": depth + 1})

    # -- structured data -----------------------------------------------------------------
    def _structured(self, response: TextResponse) -> list[Mapping[str, Any]]:
        found: list[Mapping[str, Any]] = []
        for i, block in enumerate(response.xpath(
            '//script[@type="application/ld+json"]/text()'
        ).getall()):
            try:
                parsed = json.loads(block)
            except json.JSONDecodeError as exc:
                self._problem("broken_jsonld", response.url, f"block {i + 1}: {exc}")
                continue
            found.extend(_flatten(parsed))
        try:
            micro = extruct.extract(
                response.text, base_url=response.url, syntaxes=["microdata"], uniform=True,
                errors="strict",
            ).get("microdata", [])
        except Exception as exc:  # extruct/lxml raise many types on odd markup
            self._problem("broken_microdata", response.url, str(exc)[:200])
            micro = []
        found.extend(_flatten(micro))
        return found


def _as_list(value: object) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _flatten(data: object) -> Iterator[Mapping[str, Any]]:
    """Top-level schema.org objects of a JSON-LD document (lists and @graph unpacked)."""
    for item in _as_list(data):
        if isinstance(item, Mapping):
            if "@graph" in item:
                yield from _flatten(item["@graph"])
            else:
                yield item


def _origin(value: object) -> str | None:
    if isinstance(value, Mapping):
        value = value.get("value") or value.get("@id")
    if isinstance(value, list):
        value = value[0] if value else None
    return str(value).strip() if value not in (None, "") else None
