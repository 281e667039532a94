"""A NemTilmeld organiser's subdomain crawled on 127.0.0.1 with a `[[source]]` of only name,
platform, start URL, municipality and a title filter, into the index: robots.txt first, then
the front page and every event page it links to; a cancelled event hidden from search and
readable by id; full and waiting list from the sign-up box; the title-filtered event and the
broken page counted and named in the run report; no contact person stored. The spider on the
saved pages: test_nemtilmeld.py."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from core.schema import Activity, Availability, EventStatus
from fkort.sites import SiteServer
from index import SearchQuery
from index.backends.sqlite import SQLiteBackend
from tests.conftest import FROZEN_NOW, crawl
from tests.crawlers.test_nemtilmeld import EVENT_IDS, SITE, SOURCES

#: The run report, the activities found by search and all stored (by title), the site's
#: server, the bytes of every file the crawl wrote (the HTTP cache too: event pages, which
#: name a contact person, are never kept in it), the index's path.
Crawled = tuple[dict[str, Any], dict[str, Activity], dict[str, Activity], SiteServer, bytes,
                Path]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    tmp: Path = tmp_path_factory.mktemp("nemtilmeld")
    with SiteServer(SITE) as site:
        proc, (report,) = crawl(SOURCES, tmp, {"site": site.base_url})
        # 3: pages had problems (the broken JSON-LD), the rest was indexed.
        assert proc.returncode == 3, proc.stderr[-3000:]
        backend = SQLiteBackend(tmp / "crawl.db")
        # Searched at the crawl's instant (FKORT_NOW), not the machine's.
        hits = backend.search(SearchQuery(limit=100, now=datetime.fromisoformat(FROZEN_NOW))).hits
        stored = {a.title: a for a in backend.all_activities()}
        backend.close()
        written = b"".join(p.read_bytes() for p in tmp.rglob("*") if p.is_file())
        yield (report, {h.activity.title: h.activity for h in hits}, stored, site, written,
               tmp / "crawl.db")


def test_run(crawled: Crawled) -> None:
    report = crawled[0]
    assert (report["status"], report["pages"], report["new"], report["dropped"]) == (
        "ok", 9, 6, 0)


def test_robots_txt_first_then_the_front_page_then_each_event_page(crawled: Crawled) -> None:
    paths = [p for p, *_ in crawled[3].requests]
    assert paths[:2] == ["/robots.txt", "/"]
    assert sorted(paths[2:]) == sorted(f"/{n}/" for n in EVENT_IDS)


def test_skipped_item_counted_and_named(crawled: Crawled) -> None:
    report = crawled[0]
    assert report["skipped"] == {"title_filter": 1}
    (named,) = report["skipped_items"]
    assert (named["reason"], named["url"].rsplit(":", 1)[-1].split("/", 1)[-1]) == (
        "title_filter", "1541/")
    assert "Internt: Frivilligmøde for besøgsvenner" in named["detail"]


def test_the_broken_page_is_named_and_the_rest_indexed(crawled: Crawled) -> None:
    report = crawled[0]
    assert report["errors"] == {"broken_jsonld": 1, "selectors_matched_nothing": 1}
    assert {p["url"].rsplit("/", 2)[-2] for p in report["problems"]} == {"1545"}


def test_cancelled_hidden_from_search_readable_by_id(crawled: Crawled) -> None:
    _, found, stored, *_ = crawled
    supper = stored["Fællesspisning i Medborgerhuset"]
    assert supper.event_status is EventStatus.cancelled
    assert supper.title not in found
    backend = SQLiteBackend(crawled[5])
    by_id = backend.get(supper.id)
    backend.close()
    assert by_id is not None
    assert (by_id.title, by_id.event_status) == (supper.title, EventStatus.cancelled)


def test_indexed_titles(crawled: Crawled) -> None:
    assert sorted(crawled[1]) == sorted([
        "Strikkecafé på Vinderup Bibliotek", "Julefrokost for seniorer i Ulfborg",
        "Gåtur langs Storå", "Foredrag: Livet på heden i Vestjylland",
        "Banko i Vinderup Hallen"])


def test_series_dates_end_price_place_organiser(crawled: Crawled) -> None:
    knit = crawled[1]["Strikkecafé på Vinderup Bibliotek"]
    assert (knit.schedule.start.isoformat(), knit.schedule.end.isoformat(), knit.schedule.rrule,
            knit.price.is_free, knit.location.name, knit.location.address,
            knit.location.postcode, knit.location.city, knit.organizer.name) == (
        "2026-12-01T14:00:00+01:00", "2026-12-01T16:00:00+01:00",
        "FREQ=WEEKLY;INTERVAL=1;BYDAY=TU;UNTIL=20270126T225959Z", True,
        "Vinderup Bibliotek", "Søndergade 26", "7830", "Vinderup",
        "Holstebro Kommune, Aktivitet og Fællesskab")


@pytest.mark.parametrize(("title", "places"), [
    ("Julefrokost for seniorer i Ulfborg", Availability.waitlist),
    ("Foredrag: Livet på heden i Vestjylland", Availability.full),
    ("Banko i Vinderup Hallen", Availability.unknown),
])
def test_availability_indexed(crawled: Crawled, title: str, places: Availability) -> None:
    assert crawled[1][title].availability is places


def test_price_indexed(crawled: Crawled) -> None:
    assert {t: a.price.amount_dkk for t, a in crawled[1].items()} == {
        "Strikkecafé på Vinderup Bibliotek": 0.0, "Julefrokost for seniorer i Ulfborg": 150.0,
        "Gåtur langs Storå": 0.0, "Foredrag: Livet på heden i Vestjylland": 75.0,
        "Banko i Vinderup Hallen": 40.0}


def test_no_contact_person_stored(crawled: Crawled) -> None:
    written = crawled[4]
    for private in ("Birthe Mikkelsen", "21 43 65 87", "bimi-privat", "Karen Søgaard",
                    "40 12 77 31"):
        assert private.encode() not in written
