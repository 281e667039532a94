"""What every source spider shares: its source's settings, link following, sitemaps,
problem reports and the raw item it hands on."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import urldefrag, urlparse

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.sitemap import Sitemap
from twisted.python.failure import Failure

from core import clock
from core.schema import RawActivity, Source
from crawlers.evidence import page_key
from crawlers.items import ActivityItem
from crawlers.sources import SourceConfig
from records.evidence import GONE_STATUSES, RunEvidence

_SKIP_EXT = re.compile(r"\.(?:jpe?g|png|gif|svg|webp|pdf|docx?|xlsx?|zip|mp[34]|css|js)$", re.I)


class SourceSpider(scrapy.Spider):
    """Base for one spider per source family; a crawl runs one instance per source."""

    name = "base"

    def __init__(self, source: SourceConfig, **kwargs: Any) -> None:
        super().__init__(name=self.name, **kwargs)
        self.source = source
        self.allowed_domains = source.allowed_domains or sorted(
            {urlparse(u).hostname or "" for u in source.start_urls}
        )
        self._follow = [re.compile(p) for p in source.options.follow]
        self._deny = [re.compile(p) for p in source.options.deny]
        self._detail = [re.compile(p) for p in source.options.detail]
        self._dont_cache = [re.compile(p) for p in source.options.dont_cache]
        #: What this run read, failed to read, and was told is gone: the sweep's evidence.
        self.evidence = RunEvidence()

    # -- requests ------------------------------------------------------------------------
    async def start(self) -> Any:
        if self.source.options.ignore_robots_txt:
            # The operator's explicit choice, kept in the crawl log and the run report.
            self.logger.warning("robots.txt is IGNORED for source %s (option "
                                "ignore_robots_txt)", self.source.name)
            self.count("fkort/robots_txt_ignored")
        for url in self.source.options.sitemap_urls:
            self.evidence.via.setdefault(url, None)
            yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.on_error)
        for url in self.source.start_urls:
            self.evidence.via.setdefault(url, None)
            yield self.page_request(url, depth=0)

    def page_request(self, url: str, depth: int, **meta: Any) -> scrapy.Request:
        meta = {"fk_depth": depth, **meta}
        if any(rx.search(url) for rx in self._dont_cache):
            meta["dont_cache"] = True  # it names private persons: read, never stored
        if self.source.options.ignore_robots_txt:
            meta["dont_obey_robotstxt"] = True
        if self.source.script_data is not None and self.source.script_data.redact:
            # A page that holds what must never be stored is not kept in the HTTP cache.
            meta["dont_cache"] = True
        if self.source.options.render:
            # Only pages that need JavaScript go through the browser (scrapy-playwright).
            meta["playwright"] = True
            if self.source.options.render_wait:
                from scrapy_playwright.page import PageMethod

                meta["playwright_page_methods"] = [
                    PageMethod("wait_for_selector", self.source.options.render_wait)
                ]
        return scrapy.Request(url, callback=self.parse, errback=self.on_error, meta=meta)

    def wanted(self, url: str) -> bool:
        if _SKIP_EXT.search(urlparse(url).path):
            return False
        if any(rx.search(url) for rx in self._deny):
            return False
        return any(rx.search(url) for rx in self._follow) or self.is_detail(url)

    def is_detail(self, url: str, response: Response | None = None) -> bool:
        if response is not None and response.meta.get("fk_detail"):
            return True
        return any(rx.search(url) for rx in self._detail)

    def follow_links(self, response: TextResponse) -> Iterator[scrapy.Request]:
        depth = response.meta.get("fk_depth", 0)
        if depth >= self.source.options.max_depth:
            return
        opts = self.source.options
        for query, detail in ((opts.detail_links, True), (opts.next_page, False)):
            if not query:
                continue
            for href in response.css(query).xpath("@href").getall():
                url = urldefrag(response.urljoin(href.strip()))[0]
                if url.startswith(("http://", "https://")) and not _SKIP_EXT.search(url):
                    yield self.page_request(url, depth + 1, fk_detail=detail)
        if not self._follow and not self._detail:
            return
        for href in response.css("a::attr(href)").getall():
            url = urldefrag(response.urljoin(href.strip()))[0]
            if url.startswith(("http://", "https://")) and self.wanted(url):
                yield self.page_request(url, depth + 1)

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        try:
            sitemap = Sitemap(response.body)
        except Exception as exc:  # lxml raises several types on broken XML
            self.problem("broken_sitemap", response.url, str(exc)[:200])
            return
        for entry in sitemap:
            loc = entry.get("loc", "")
            if sitemap.type == "sitemapindex":
                yield response.follow(loc, callback=self.parse_sitemap, errback=self.on_error)
            elif loc and self.wanted(loc):
                yield self.page_request(loc, depth=self.source.options.max_depth)

    # -- problems ------------------------------------------------------------------------
    def on_error(self, failure: Failure) -> None:
        """A page that could not be fetched is counted per reason; the crawl goes on.

        404 and 410 are the site saying the page is gone; robots.txt saying no is obeyed and
        not an error; anything else is a page-level failure, and what the page held is kept.
        """
        request = failure.request  # type: ignore[attr-defined]
        key = page_key(request)
        value = failure.value
        if isinstance(value, IgnoreRequest) and not isinstance(value, HttpError):
            if "robots" in str(value).casefold():
                # robots.txt said no: obeyed, counted, and not an error of the source.
                self.count("fkort/skipped/robots_txt")
                self.evidence.skipped.setdefault(key, "robots_txt")
                return
            reason = "redirect_loop" if "redirect" in str(value).casefold() else "ignored"
        elif isinstance(value, HttpError):
            reason = f"http_{value.response.status}"
            if value.response.status in GONE_STATUSES:
                self.evidence.gone.add(key)
                self.report_problem(reason, request.url, str(failure.value)[:200])
                return
        else:
            reason = failure.type.__name__ if failure.type else "error"
        self.evidence.failed.setdefault(key, reason)
        self.report_problem(reason, request.url, str(failure.value)[:200])

    def count(self, key: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(key)

    def problem(self, reason: str, url: str, detail: str = "") -> None:
        """Report something wrong with a page that was fetched, for the run summary: unless
        it is the site's own statement (a cancelled event), the page was not fully read and
        the activities found on it before are kept."""
        self.evidence.note_problem(url, reason)
        self.report_problem(reason, url, detail)

    def report_problem(self, reason: str, url: str, detail: str = "") -> None:
        """Report something wrong with a source, for the run summary."""
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"fkort/errors/{reason}")
        self.logger.warning("Problem %s at %s %s", reason, url, detail)
        problems = self.crawler.stats.get_value("fkort/problems") or []
        problems.append({"reason": reason, "url": url, "detail": detail})
        self.crawler.stats.set_value("fkort/problems", problems)

    # -- items ---------------------------------------------------------------------------
    def raw(self, url: str, *, origin: str | None = None, structured: Mapping[str, Any] | None
            = None, texts: Mapping[str, str] | None = None,
            calendar: Mapping[str, Any] | None = None) -> RawActivity:
        page = urldefrag(url)[0]
        defaults = self.source.defaults
        given = dict(texts or {})
        # The source's defaults fill only what the item leaves unsaid (its structured data
        # is read before these texts).
        for field, value in (("organizer", defaults.organizer), ("where", defaults.place)):
            if value and not given.get(field):
                given[field] = value
        return RawActivity(
            source=Source(name=self.source.name, kind=self.source.kind, url=page,
                          fetched_at=clock.now()),
            origin_id=origin or page,
            structured=dict(structured) if structured is not None else None,
            texts=given,
            calendar=dict(calendar) if calendar is not None else None,
            municipality=self.source.options.municipality,
        )

    def admitted(self, response: Response, found: Iterable[Any]) -> Iterator[Any]:
        """What one page or feed gave, less the activities the source's title filter skips
        and any second activity with an id already given on it: two items with one id are
        a reported problem (`duplicate_id`), never one overwriting the other. What the listing
        that linked the page showed fills what the page leaves unsaid."""
        listing: Mapping[str, str] = meta_of(response).get("fk_listing") or {}
        given: dict[str, RawActivity] = {}
        for out in found:
            if not isinstance(out, ActivityItem):
                yield out
                continue
            if listing:
                out.raw.texts = {**listing, **self._stated(out.raw.texts, listing)}
            title = raw_title(out.raw)
            why = self.source.titles.admits(title)
            if why is not None:
                self.skip("title_filter", out.raw.source.url, f"{title!r}: {why}")
                continue
            first = given.setdefault(out.raw.origin_id or out.raw.source.url, out.raw)
            if first is not out.raw:
                self.problem("duplicate_id", response.url,
                             f"id {out.raw.origin_id!r} given twice: {raw_title(first)!r} "
                             f"({first.source.url}) and {title!r} ({out.raw.source.url})")
                continue
            yield out

    def _stated(self, texts: Mapping[str, str], listing: Mapping[str, str]) -> dict[str, str]:
        """A page's texts less what only the source's defaults filled in where its listing
        states the field: the defaults come after both (a department's name on the list page
        is the organiser of each activity it links, not the source's default)."""
        defaults = {"organizer": self.source.defaults.organizer,
                    "where": self.source.defaults.place}
        return {k: v for k, v in texts.items()
                if not (k in listing and defaults.get(k) is not None and v == defaults[k])}

    def skip(self, reason: str, url: str, detail: str) -> None:
        """An item left out by the source's configuration: counted and named in the run
        report, and no error."""
        assert self.crawler.stats is not None
        self.count(f"fkort/skipped/{reason}")
        named = self.crawler.stats.get_value("fkort/skipped_items") or []
        named.append({"reason": reason, "url": url, "detail": detail})
        self.crawler.stats.set_value("fkort/skipped_items", named)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            ctype = response.headers.get("Content-Type") or b""
            self.problem("not_text", response.url, ctype.decode("latin-1"))
            return
        if self.login_wall(response):
            self.problem("login_wall", response.url, "sent to a login form")
            return
        self.count("fkort/pages")
        yield from self.admitted(response, self.parse_page(response))
        yield from self.follow_links(response)

    def login_wall(self, response: TextResponse) -> bool:
        """A page we were redirected to that asks for a password: the page asked for is
        behind a login, and what it held before is kept. (A login box on an ordinary page
        is not a wall: only a redirect to one counts.)"""
        return bool(response.meta.get("redirect_urls")) and bool(
            response.xpath("//input[@type='password']"))

    def parse_page(self, response: TextResponse) -> Iterator[Any]:
        """What one page holds; each family's spider reads its own kind of page."""
        return iter(())


def raw_title(raw: RawActivity) -> str:
    """An item's title as extracted (its structured name, else its title text)."""
    name = (raw.structured or {}).get("name")
    if isinstance(name, list):
        name = name[0] if name else None
    return " ".join(str(name or raw.texts.get("title") or "").split())


def meta_of(response: Response) -> Mapping[str, Any]:
    """The meta of the request behind a response; empty for a response read without one (a
    saved feed)."""
    return response.request.meta if response.request is not None else {}
