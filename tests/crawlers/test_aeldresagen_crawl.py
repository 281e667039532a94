"""aeldresagen.dk for Holstebro Kommune (tests/files/aeldresagen/holstebro/) crawled on
127.0.0.1 with a `[[source]]` of only name, platform, two departments' list pages and the
municipality, into the index: robots.txt read first and obeyed, each card's page read, the
cancelled talk kept but out of the search, the full lunch on its waiting list, the card without
a title and the board meeting counted and named as skipped, and no volunteer's name or number
stored anywhere. The spider on the saved pages: test_aeldresagen.py."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.schema import Activity, Availability, EventStatus
from fkort.sites import SiteServer
from index import SearchQuery
from index.backends.sqlite import SQLiteBackend
from tests.conftest import TZ, crawl
from tests.crawlers.test_aeldresagen import CONTACTS, SITE, SOURCES

#: The run report, every activity stored (by title), the titles the search finds, the site's
#: server, and the bytes of everything the crawl wrote.
Crawled = tuple[dict[str, Any], dict[str, Activity], set[str], SiteServer, bytes]

TALK = "AFLYST: Foredrag om Holstebros købstadshistorie"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    tmp: Path = tmp_path_factory.mktemp("aeldresagen")
    with SiteServer(SITE) as site:
        proc, (report,) = crawl(SOURCES, tmp, {"site": site.base_url})
        assert proc.returncode == 0, proc.stderr[-3000:]
        backend = SQLiteBackend(tmp / "crawl.db")
        stored = {a.title: a for a in backend.all_activities()}
        found = {h.activity.title for h in backend.search(SearchQuery(limit=100)).hits}
        by_id = {a.id: backend.get(a.id) for a in stored.values()}
        backend.close()
        assert all(by_id.values())
        written = b"".join(p.read_bytes() for p in tmp.rglob("*") if p.is_file())
        yield report, stored, found, site, written


def test_run(crawled: Crawled) -> None:
    report = crawled[0]
    assert (report["status"], report["pages"], report["new"], report["problems"]) == (
        "ok", 10, 7, [])


def test_skipped_counted_and_named_in_the_report(crawled: Crawled) -> None:
    report = crawled[0]
    assert report["skipped"] == {"item_without_title": 1, "title_filter": 1}
    named = [(s["reason"], s["url"].rsplit("/", 1)[-1]) for s in report["skipped_items"]]
    assert sorted(named) == [("item_without_title", "aktiviteter-og-kurser"),
                             ("title_filter", "451203601-bestyrelsesmoede")]


def test_robots_txt_first_and_only_the_pages_needed(crawled: Crawled) -> None:
    paths = [p for p, *_ in crawled[3].requests]
    assert paths[0] == "/robots.txt" and paths.count("/robots.txt") == 1
    assert sorted(paths[1:]) == sorted(
        ["/lokalafdelinger/holstebro/aktiviteter-og-kurser",
         "/lokalafdelinger/vinderup/aktiviteter-og-kurser"]
        + [f"/aktiviteter-og-kurser/kommune/holstebro/holstebro/{x}" for x in (
            "451203317-stavgang-i-plantagen", "451203402-spis-sammen",
            "451203455-foredrag-holstebros-historie", "451203510-julefrokost",
            "451203588-it-cafe", "451203601-bestyrelsesmoede")]
        + [f"/aktiviteter-og-kurser/kommune/holstebro/vinderup/{x}" for x in (
            "451377120-krolf", "451377164-bustur-ulfborg")])


def test_cancelled_kept_readable_by_id_but_not_found(crawled: Crawled) -> None:
    _, stored, found, *_ = crawled
    assert stored[TALK].event_status is EventStatus.cancelled
    assert TALK not in found
    assert found == set(stored) - {TALK}


def test_full_lunch_on_its_waiting_list(crawled: Crawled) -> None:
    assert crawled[1]["Julefrokost for medlemmer"].availability is Availability.waitlist


def test_series_dates_stored(crawled: Crawled) -> None:
    meal = crawled[1]["Spis sammen på Aktivitetscentret"].schedule
    assert [d.astimezone(TZ).isoformat() for d in (meal.start, *meal.dates)
            if d is not None] == ["2026-12-03T12:00:00+01:00", "2027-01-14T12:00:00+01:00",
                                  "2027-02-11T12:00:00+01:00"]
    assert meal.end is not None and meal.end.astimezone(TZ).isoformat() == (
        "2026-12-03T14:00:00+01:00")


def test_weekly_walk_stored(crawled: Crawled) -> None:
    walk = crawled[1]["Stavgang i Plantagen"]
    assert (walk.schedule.rrule, walk.price.is_free) == ("FREQ=WEEKLY;BYDAY=TU", True)


def test_place_price_and_organiser_stored(crawled: Crawled) -> None:
    trip = crawled[1]["Bustur til Ulfborg og Vesterhavet"]
    loc = trip.location
    assert (loc.name, loc.address, loc.postcode, loc.city, loc.municipality) == (
        "Busholdepladsen ved Vinderup Station", "Stationsvej 1", "7830", "Vinderup",
        "Holstebro")
    assert (trip.price.amount_dkk, trip.organizer.name) == (445.0, "Ældre Sagen Vinderup")
    assert {a.organizer.name for a in crawled[1].values()} == {
        "Ældre Sagen Holstebro", "Ældre Sagen Vinderup"}


def test_no_volunteer_contact_stored_anywhere(crawled: Crawled) -> None:
    _, stored, *_, written = crawled
    records = json.dumps([a.model_dump(mode="json") for a in stored.values()],
                         ensure_ascii=False)
    assert [c for c in CONTACTS if c in records] == []
    assert [c for c in CONTACTS if c.encode() in written] == []
