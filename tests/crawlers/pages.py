"""Spider tests without a crawl: saved pages as the responses a download would give, spiders
built from their source as a crawl builds them, and parsing under the frozen clock."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import pytest
from scrapy.http import Request, Response
from scrapy.responsetypes import responsetypes
from scrapy.utils.test import get_crawler

from core import clock
from core.clock import TZ
from core.schema import Activity
from crawlers.items import ActivityItem
from crawlers.sources import SourceConfig
from crawlers.spiders.base import SourceSpider
from normalize.activity import build_activity
from tests.conftest import FROZEN_NOW

#: Content types as the fixture sites serve them (fkort.sites).
CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".xml": "application/xml; charset=utf-8",
                 ".json": "application/json; charset=utf-8",
                 ".ics": "text/calendar; charset=utf-8"}

S = TypeVar("S", bound=SourceSpider)


@contextmanager
def frozen_clock() -> Iterator[None]:
    """The instant every test runs at (tests/conftest.py), also outside a test: module-level
    parsing happens while pytest collects."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FKORT_NOW", FROZEN_NOW)
        yield


def sources(toml_body: str, bases: dict[str, str]) -> dict[str, SourceConfig]:
    """The sources of a test's sources.toml text, its {key} placeholders replaced by `bases`."""
    for key, base in bases.items():
        toml_body = toml_body.replace("{" + key + "}", base)
    entries = tomllib.loads(toml_body)["source"]
    return {e["name"]: SourceConfig.model_validate(e) for e in entries}


def spider(cls: type[S], source: SourceConfig) -> S:
    """A spider for one source, built by Scrapy from a crawler as `fkort crawl` builds it."""
    built = cls.from_crawler(get_crawler(cls), source=source)
    assert isinstance(built, cls)
    return built


def response(path: Path, url: str, *, content_type: str | None = None, **meta: Any) -> Response:
    """A saved page as downloaded from `url`: the response class Scrapy would pick, the fixture
    server's content type, and `{BASE}` (written in sitemaps) as the page's own origin."""
    parts = urlsplit(url)
    body = path.read_bytes().replace(b"{BASE}", f"{parts.scheme}://{parts.netloc}".encode())
    ctype = content_type or CONTENT_TYPES.get(path.suffix, "text/plain")
    headers = {b"Content-Type": ctype.encode("latin-1")}
    cls = responsetypes.from_args(headers=headers, url=url, body=body)
    return cls(url=url, body=body, headers=headers, request=Request(url, meta=meta))


def parse(callback: Callable[[Response], Iterable[Any]], *responses: Response) -> list[Any]:
    """Everything a spider callback yields for the responses, read under the frozen clock."""
    with frozen_clock():
        return [out for r in responses for out in callback(r)]


def normalize(items: Iterable[Any]) -> list[Activity]:
    """The activities of the items, read as the normalize pipeline reads them (at the frozen
    clock). An item that is no activity raises NotAnActivity: the pipeline drops it."""
    with frozen_clock():
        return [build_activity(i.raw, now=clock.now()) for i in activities(items)]


def stat(spider: SourceSpider, key: str) -> Any:
    assert spider.crawler.stats is not None
    return spider.crawler.stats.get_value(key)


def problems(spider: SourceSpider) -> list[tuple[str, str]]:
    """(reason, last part of the URL) of each problem the spider reported."""
    return [(p["reason"], p["url"].rstrip("/").rsplit("/", 1)[-1])
            for p in stat(spider, "fkort/problems") or []]


def activities(items: Iterable[Any]) -> list[ActivityItem]:
    return [i for i in items if isinstance(i, ActivityItem)]


def requests(items: Iterable[Any]) -> list[Request]:
    return [i for i in items if isinstance(i, Request)]


def at(day: str, hour: int, minute: int = 0) -> datetime:
    """A Copenhagen time from "YYYY-MM-DD" and a clock time."""
    y, m, d = (int(x) for x in day.split("-"))
    return datetime(y, m, d, hour, minute, tzinfo=TZ)


def item_named(items: Iterable[Any], title: str) -> ActivityItem:
    """The one item whose structured data has this name."""
    (item,) = [i for i in activities(items) if (i.raw.structured or {}).get("name") == title]
    return item
