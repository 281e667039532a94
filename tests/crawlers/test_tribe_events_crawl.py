"""An association's WordPress site with The Events Calendar crawled on 127.0.0.1 with a
`[[source]]` of only name, platform, start URL and a page size, into the index: robots.txt,
then two pages of the events API and no third (past `total_pages` the plugin answers 404).
The spider on the saved answers: test_tribe_events.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.schema import Activity
from fkort.sites import SiteServer
from index import SearchQuery
from index.backends.sqlite import SQLiteBackend
from tests.conftest import crawl
from tests.crawlers.test_tribe_events import SITE, SOURCES

#: The run report, the activities indexed by title, the club's server.
Crawled = tuple[dict[str, Any], dict[str, Activity], SiteServer]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    tmp: Path = tmp_path_factory.mktemp("tribe-events")
    with SiteServer(SITE) as club:
        proc, (report,) = crawl(SOURCES, tmp, {"club": club.base_url})
        assert proc.returncode == 0, proc.stderr[-3000:]
        backend = SQLiteBackend(tmp / "crawl.db")
        hits = backend.search(SearchQuery(limit=100)).hits
        backend.close()
        yield report, {h.activity.title: h.activity for h in hits}, club


def test_club_run(crawled: Crawled) -> None:
    report = crawled[0]
    assert (report["status"], report["pages"], report["new"], report["problems"]) == (
        "ok", 2, 7, [])


def test_robots_txt_then_two_pages_and_no_third(crawled: Crawled) -> None:
    assert [p for p, *_ in crawled[2].requests] == [
        "/robots.txt", "/wp-json/tribe/events/v1/events?page=1&per_page=4",
        "/wp-json/tribe/events/v1/events?page=2&per_page=4"]


def test_indexed_fields(crawled: Crawled) -> None:
    bridge = crawled[1]["Bridge for begyndere"]
    assert (bridge.price.amount_dkk, bridge.location.address, bridge.location.postcode,
            bridge.organizer.name, bridge.organizer.email) == (
        50.0, "Nørregade 5", "7830", "Vinderup Bridgeklub", "bridge@vinderup-seniorklub.dk")


def test_all_day_indexed_as_time_unknown(crawled: Crawled) -> None:
    assert not crawled[1]["Julemarked i Seniorklubben"].schedule.time_known


def test_event_without_venue_indexed(crawled: Crawled) -> None:
    assert crawled[1]["Gåtur langs Vinderup Å"].location.address is None
