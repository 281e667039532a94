"""A DPL CMS library site crawled on 127.0.0.1 with a `[[source]]` of only name, platform and
start URL, into the index; its robots.txt asks `Crawl-delay: 10`, which is honoured (asserted
on the download slot, and in the crawl capped by FKORT_CRAWL_DELAY_MAX so the test need not
wait ten seconds). The spider on the saved answer: test_dpl_cms.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from scrapy import Request
from scrapy.core.downloader import Slot
from scrapy.robotstxt import ProtegoRobotParser
from scrapy.utils.test import get_crawler

from core.schema import Activity
from crawlers.politeness import RobotsCrawlDelayMiddleware
from fkort.sites import SiteServer
from index import SearchQuery
from index.backends.sqlite import SQLiteBackend
from tests.conftest import crawl
from tests.crawlers.test_dpl_cms import SITE, SOURCES
from tests.crawlers.test_jsonapi_crawl import Timed

#: The run report, the activities indexed by title, the library's server, the crawl's log.
Crawled = tuple[dict[str, Any], dict[str, Activity], SiteServer, str]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    tmp: Path = tmp_path_factory.mktemp("dpl-cms")
    with SiteServer(SITE) as library:
        library.requests = Timed()
        proc, (report,) = crawl(SOURCES, tmp, {"library": library.base_url},
                                "--set", "FKORT_CRAWL_DELAY_MAX=1")
        assert proc.returncode == 0, proc.stderr[-3000:]
        backend = SQLiteBackend(tmp / "crawl.db")
        hits = backend.search(SearchQuery(limit=100)).hits
        backend.close()
        yield report, {h.activity.title: h.activity for h in hits}, library, proc.stderr


def _middleware(**settings: Any) -> tuple[RobotsCrawlDelayMiddleware, Slot, dict[str, Any]]:
    """The middleware on a crawler whose downloader has one slot for 127.0.0.1."""
    crawler = get_crawler(settings_dict={"ROBOTSTXT_OBEY": True, **settings})
    slot = Slot(2, 0.0, 0.5)
    per_slot: dict[str, Any] = {}
    crawler.engine = SimpleNamespace(downloader=SimpleNamespace(  # type: ignore[assignment]
        slots={"127.0.0.1": slot}, per_slot_settings=per_slot,
        get_slot_key=lambda request: "127.0.0.1"))
    return RobotsCrawlDelayMiddleware(crawler), slot, per_slot


def test_crawl_delay_from_robots_txt_is_the_slots_delay() -> None:
    mw, slot, per_slot = _middleware()
    robots = ProtegoRobotParser((SITE / "robots.txt").read_bytes(), None)
    mw.robots_parsed(robots, Request("http://127.0.0.1:8080/api/v1/events?_format=json"))
    assert (slot.delay, slot.jitter, per_slot) == (
        10.0, 0.0, {"127.0.0.1": {"delay": 10.0, "jitter": 0.0}})


def test_autothrottle_does_not_shorten_it() -> None:
    mw, slot, _ = _middleware()
    mw.robots_parsed(ProtegoRobotParser(b"User-agent: *\nCrawl-delay: 10\n", None),
                     Request("http://127.0.0.1:8080/"))
    request = Request("http://127.0.0.1:8080/api/v1/events?_format=json")
    slot.delay = 0.3  # as AutoThrottle would set it after a quick answer
    mw.process_request(request)
    assert (slot.delay, request.meta["autothrottle_dont_adjust_delay"]) == (10.0, True)


def test_no_crawl_delay_leaves_the_slot_alone() -> None:
    mw, slot, per_slot = _middleware()
    mw.robots_parsed(ProtegoRobotParser(b"User-agent: *\nDisallow: /admin/\n", None),
                     Request("http://127.0.0.1:8080/"))
    assert (slot.delay, per_slot) == (0.0, {})


def test_the_cap_applies_only_when_set() -> None:
    mw, slot, _ = _middleware(FKORT_CRAWL_DELAY_MAX=2)
    mw.robots_parsed(ProtegoRobotParser(b"User-agent: *\nCrawl-delay: 10\n", None),
                     Request("http://127.0.0.1:8080/"))
    assert slot.delay == 2.0


def test_library_run(crawled: Crawled) -> None:
    report = crawled[0]
    assert (report["status"], report["pages"], report["new"], report["problems"]) == (
        "ok", 1, 6, [])


def test_cancelled_meeting_counted_in_the_report(crawled: Crawled) -> None:
    assert crawled[0]["skipped"] == {"cancelled_occurrence": 1}


def test_robots_txt_first_then_the_events_api(crawled: Crawled) -> None:
    assert [p for p, *_ in crawled[2].requests] == ["/robots.txt", "/api/v1/events?_format=json"]


def test_crawl_delay_read_and_kept_between_requests(crawled: Crawled) -> None:
    (_, _, robots), (_, _, events) = crawled[2].requests
    assert 0.9 <= events - robots < 5  # 10 s asked, capped to 1 s for this test
    assert "asks Crawl-delay 10 s; capped to 1 s" in crawled[3]


def test_series_indexed_with_its_dates(crawled: Crawled) -> None:
    knit = crawled[1]["Strikkecafé på biblioteket"].schedule
    assert [d.isoformat() for d in (knit.start, *knit.dates) if d is not None] == [
        "2026-12-03T14:00:00+01:00", "2026-12-10T14:00:00+01:00",
        "2027-01-07T14:00:00+01:00"]


def test_price_indexed_in_kroner(crawled: Crawled) -> None:
    assert crawled[1]["Krimiaften: Mord i Vestjylland"].price.amount_dkk == 40.0


def test_place_indexed(crawled: Crawled) -> None:
    loc = crawled[1]["Læseklub for voksne i Vinderup"].location
    assert (loc.name, loc.postcode, loc.city) == ("Vinderup Bibliotek", "7830", "Vinderup")

