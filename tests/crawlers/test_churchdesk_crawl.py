"""The Holstebro fixture widget (ChurchDesk's calendar widget) crawled on 127.0.0.1 with a
`[[source]]` of only name, platform and the widget's address, into the index: robots.txt
first, the three pages in order, church services and the untitled item counted and named in
the run report and never indexed, the cancelled talk hidden from search but readable by id,
the full dinner's waiting list kept, and no contributor's name stored anywhere (the index, the
run log, the HTTP cache). The spider on the saved pages: test_churchdesk.py."""

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
from tests.conftest import crawl
from tests.crawlers.test_churchdesk import PEOPLE, SITE, SOURCES, WIDGET

#: The run report, the activities found by search (by title, several for one title), the
#: cancelled talk read by its id, the widget's server, the bytes of every file the run wrote.
Crawled = tuple[dict[str, Any], dict[str, list[Activity]], Activity | None, SiteServer, bytes]

TALK = "Sogneeftermiddag: Livet ved Nissum Fjord"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    tmp: Path = tmp_path_factory.mktemp("churchdesk")
    with SiteServer(SITE) as widget:
        proc, (report,) = crawl(SOURCES, tmp, {"churchdesk": widget.base_url})
        assert proc.returncode == 0, proc.stderr[-3000:]
        backend = SQLiteBackend(tmp / "crawl.db")
        hits = backend.search(SearchQuery(limit=100)).hits
        found: dict[str, list[Activity]] = {}
        for hit in hits:
            found.setdefault(hit.activity.title, []).append(hit.activity)
        # Every id the source stored (the search leaves the cancelled one out), read by id.
        ids = backend.source_last_seen("holstebro-kirker")
        talk = next((a for a in (backend.get(i) for i in ids)
                     if a is not None and a.title == TALK), None)
        backend.close()
        stored = b"".join(p.read_bytes() for p in tmp.rglob("*") if p.is_file())
        yield report, found, talk, widget, stored


def test_run(crawled: Crawled) -> None:
    report = crawled[0]
    assert (report["status"], report["pages"], report["new"], report["problems"]) == (
        "ok", 3, 9, [])


def test_skipped_counted_and_named_in_the_report(crawled: Crawled) -> None:
    report = crawled[0]
    assert report["skipped"] == {"church_service": 2, "item_without_title": 1}
    assert sorted((s["reason"], s["detail"]) for s in report["skipped_items"]) == [
        ("church_service", "Gudstjeneste 2. søndag i advent (880102)"),
        ("church_service", "Julegudstjeneste for dagplejebørn (880111)"),
        ("item_without_title", "id 880110")]


def test_robots_txt_first_then_the_pages_in_order(crawled: Crawled) -> None:
    assert [p for p, _ in crawled[3].requests] == [
        "/robots.txt", f"{WIDGET}/1/1000001", f"{WIDGET}/2/1000001", f"{WIDGET}/3/1000001"]


def test_indexed_without_services_nor_the_cancelled_talk(crawled: Crawled) -> None:
    assert sorted((t, len(a)) for t, a in crawled[1].items()) == [
        ("Babysalmesang", 1), ("Filmaften i Vinderup Sognehus", 1),
        ("Fællesspisning i Sognegården", 1), ("Julekoncert med Vinderup Kirkekor", 1),
        ("Kirkehøjskole: Tro og tvivl", 1), ("Strikkecafé i Sognehuset", 3)]


def test_the_cancelled_talk_readable_by_id(crawled: Crawled) -> None:
    talk = crawled[2]
    assert talk is not None
    assert (talk.event_status, talk.schedule.start and talk.schedule.start.isoformat()) == (
        EventStatus.cancelled, "2026-12-10T14:30:00+01:00")


def test_each_date_of_the_weekly_cafe_indexed(crawled: Crawled) -> None:
    knit = crawled[1]["Strikkecafé i Sognehuset"]
    assert sorted(a.schedule.start.isoformat() for a in knit if a.schedule.start) == [
        "2026-12-01T14:00:00+01:00", "2026-12-08T14:00:00+01:00", "2026-12-15T14:00:00+01:00"]
    assert {(a.price.is_free, a.organizer.name) for a in knit} == {(True, "Holstebro Sogn")}


def test_indexed_fields(crawled: Crawled) -> None:
    (concert,) = crawled[1]["Julekoncert med Vinderup Kirkekor"]
    loc = concert.location
    assert (concert.schedule.start and concert.schedule.start.isoformat(), concert.schedule.end,
            concert.price.amount_dkk, loc.name, loc.address, loc.postcode, loc.city,
            concert.organizer.name) == (
        "2026-12-09T19:30:00+01:00", None, 75.0, "Vinderup Kirke", "Kirkevej 2", "7830",
        "Vinderup", "Vinderup Sogn")
    (course,) = crawled[1]["Kirkehøjskole: Tro og tvivl"]
    assert (course.schedule.time_known, course.schedule.end and course.schedule.end.date()
            .isoformat(), course.price.amount_dkk, course.location.city) == (
        False, "2027-01-17", None, "Ulfborg")


def test_the_full_dinner_has_a_waiting_list(crawled: Crawled) -> None:
    (dinner,) = crawled[1]["Fællesspisning i Sognegården"]
    assert dinner.availability is Availability.waitlist


def test_no_contributor_stored_anywhere(crawled: Crawled) -> None:
    stored = crawled[4]
    assert [p for p in PEOPLE if p.encode() in stored] == []
    texts = json.dumps([a.model_dump(mode="json") for found in crawled[1].values()
                        for a in found], ensure_ascii=False)
    assert [p for p in PEOPLE if p in texts] == []
