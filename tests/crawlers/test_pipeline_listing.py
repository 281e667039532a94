"""Listing sites crawled on 127.0.0.1, through the pipeline into the index: a hundred rows
without links, cards linking to their pages, microdata Events without urls, two lectures with
one id, script data and an iCal feed of room bookings (the spider on saved pages:
test_listing.py)."""

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
from tests.crawlers.test_listing import SITES, SOURCES

#: The run report by source, the exit code, and the index the crawl wrote.
Crawled = tuple[dict[str, Any], int, Path]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    tmp = tmp_path_factory.mktemp("listing")
    folders = {"bridge": "bridgeklub", "sejl": "sejlklub", "koncert": "koncerter",
               "kirke": "kirke", "spejder": "spejder", "klubhus": "klubhus"}
    servers = {key: SiteServer(SITES / folder) for key, folder in folders.items()}
    for server in servers.values():
        server.__enter__()
    try:
        proc, report = crawl(SOURCES, tmp, {k: s.base_url for k, s in servers.items()},
                             env={"FKORT_DATA_DIR": str(tmp / "data")})
    finally:
        for server in servers.values():
            server.__exit__(None, None, None)
    assert report, proc.stderr[-3000:]
    yield {r["source"]: r for r in report}, proc.returncode, tmp / "crawl.db"


def _search(db: Path, **query: Any) -> list[Activity]:
    b = SQLiteBackend(db)
    try:
        hits = b.search(SearchQuery(limit=1000, now=None, **query)).hits
    finally:
        b.close()
    return [h.activity for h in hits]


@pytest.fixture(scope="module")
def indexed(crawled: Crawled) -> dict[str, list[Activity]]:
    _, _, db = crawled
    out: dict[str, list[Activity]] = {}
    for a in _search(db):
        out.setdefault(a.source.name, []).append(a)
    return out


def test_a_hundred_rows_without_links_are_a_hundred_activities(
        crawled: Crawled, indexed: dict[str, list[Activity]]) -> None:
    report, _, _ = crawled
    assert report["bridgeklub"]["new"] == 100
    assert report["bridgeklub"]["status"] == "ok"
    assert len(indexed["bridgeklub"]) == 100


def test_microdata_events_without_urls_are_each_indexed(
        crawled: Crawled, indexed: dict[str, list[Activity]]) -> None:
    report, _, _ = crawled
    assert report["koncerter"]["new"] == 6 and report["koncerter"]["status"] == "ok"
    assert len(indexed["koncerter"]) == 6


def test_two_items_with_one_id_are_reported_and_the_run_degraded(crawled: Crawled) -> None:
    report, _, _ = crawled
    lectures = report["foredrag"]
    assert lectures["status"] == "degraded"
    assert lectures["errors"] == {"duplicate_id": 1}
    assert "duplicate_id" in (lectures["reason"] or "")
    (problem,) = lectures["problems"]
    assert "Fra skillingsvise til slagersang" in problem["detail"]
    assert lectures["new"] == 2


def test_a_degraded_run_sets_the_exit_code(crawled: Crawled) -> None:
    _, code, _ = crawled
    assert code == 5


def test_listing_fields_reach_the_detail_item(indexed: dict[str, list[Activity]]) -> None:
    (talk,) = [a for a in indexed["sejlklub"] if a.title.startswith("Vinterforedrag")]
    assert talk.price.amount_dkk == 40.0
    assert talk.schedule.start is not None and talk.schedule.start.hour == 19
    assert talk.source.url.endswith("/arrangement/vinterfoedrag.html")


def test_a_date_only_item_survives_a_time_of_day_filter_as_unknown(crawled: Crawled) -> None:
    _, _, db = crawled
    b = SQLiteBackend(db)
    try:
        hits = b.search(SearchQuery(limit=1000, now=None, time_of_day=["aften"])).hits
    finally:
        b.close()
    matched = {h.activity.title: h.matched.get("time_of_day") for h in hits}
    assert matched["Forårskoncert med Vinderup Kammerkor"] == "unknown"
    assert matched["Luciaoptog i kirken"] == "unknown"
    assert matched["Jazz på havnen: Kvartet Kattegat"] == "yes"
    assert "Nytårskoncert med Vinderup Brassband" not in matched  # 15:00: not an evening


def test_room_bookings_are_skipped_and_named(crawled: Crawled,
                                             indexed: dict[str, list[Activity]]) -> None:
    report, _, _ = crawled
    club = report["klubhus"]
    assert club["status"] == "ok" and club["skipped"] == {"title_filter": 3}
    assert len(club["skipped_items"]) == 3
    assert sorted(a.title for a in indexed["klubhus"]) == ["Fællesspisning i klubhuset",
                                                           "Strik og snak"]


def test_script_data_is_indexed(indexed: dict[str, list[Activity]]) -> None:
    assert len(indexed["kirke"]) == 3
    assert len(indexed["spejder"]) == 2
