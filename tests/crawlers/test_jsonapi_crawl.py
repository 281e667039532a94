"""The JSON API family crawled on 127.0.0.1 into the index: an association portal paged by
query whose robots.txt asks `Crawl-delay: 1` (honoured: a second between its requests), and a
calendar searched by POST (the body arrives); the spider on saved answers: test_jsonapi.py."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.schema import Activity
from fkort.sites import SiteServer
from index import SearchQuery
from index.backends.sqlite import SQLiteBackend
from tests.conftest import crawl
from tests.crawlers.test_jsonapi import KALENDER, PORTAL, SOURCES


class Timed(list[tuple[str, str, float]]):
    """A server's request log with the moment each request came."""

    def append(self, entry: Any) -> None:
        super().append((*entry, time.monotonic()))


#: The run reports by source, the activities indexed by title, the portal's and the
#: calendar's servers.
Crawled = tuple[dict[str, dict[str, Any]], dict[str, Activity], SiteServer, SiteServer]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    tmp: Path = tmp_path_factory.mktemp("jsonapi")
    with SiteServer(PORTAL) as portal, SiteServer(KALENDER) as kalender:
        portal.requests = Timed()
        proc, reports = crawl(SOURCES, tmp, {"portal": portal.base_url,
                                             "kalender": kalender.base_url})
        assert proc.returncode == 0, proc.stderr[-3000:]
        backend = SQLiteBackend(tmp / "crawl.db")
        hits = backend.search(SearchQuery(limit=100)).hits
        backend.close()
        yield ({r["source"]: r for r in reports}, {h.activity.title: h.activity for h in hits},
               portal, kalender)


def test_portal_run(crawled: Crawled) -> None:
    report = crawled[0]["foreningsportal"]
    assert (report["status"], report["pages"], report["new"], report["problems"]) == (
        "ok", 3, 4, [])


def test_calendar_run(crawled: Crawled) -> None:
    report = crawled[0]["kalender"]
    assert (report["status"], report["pages"], report["new"]) == ("ok", 1, 2)


def test_the_page_after_the_empty_one_is_never_asked_for(crawled: Crawled) -> None:
    portal = crawled[2]
    assert [p for p, *_ in portal.requests if p.startswith("/api/")] == [
        "/api/aktiviteter?side=1", "/api/aktiviteter?side=2", "/api/aktiviteter?side=3"]


def test_crawl_delay_is_honoured(crawled: Crawled) -> None:
    times = [t for _, _, t in crawled[2].requests]
    assert len(times) == 4  # robots.txt and three pages
    assert min(b - a for a, b in zip(times, times[1:], strict=False)) >= 0.9


def test_post_body_arrives(crawled: Crawled) -> None:
    ((path, body),) = crawled[3].posted
    assert (path, json.loads(body)) == ("/api/soeg.json",
                                        {"kommune": "Holstebro", "type": "arrangement"})


def test_series_indexed_as_one_activity(crawled: Crawled) -> None:
    petanque = crawled[1]["Petanque i Byparken"]
    assert [d.day for d in (petanque.schedule.start, *petanque.schedule.dates)
            if d is not None] == [2, 9]


def test_indexed_fields(crawled: Crawled) -> None:
    dinner = crawled[1]["Fællesspisning i Medborgerhuset"]
    assert (dinner.price.amount_dkk, dinner.location.address, dinner.organizer.name) == (
        45.0, "Nørregade 21", "Medborgerhusets Venner")
