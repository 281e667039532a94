"""DN's events search crawled on 127.0.0.1 with a `[[source]]` of only name, platform, the
municipality's search and its municipality, into the index: the search is paged until the
empty page, every listed event's own record is asked for, private and untitled events are
counted and named in the run report, a cancelled event is hidden from search and readable by
id, full and waiting-list events keep their places' state, hidden addresses and sign-up
e-mails are stored nowhere; then a second run in which one event's record fails: the run is
degraded, names the failure, and keeps that event as it was. The spider on the saved
answers: test_dn.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.schema import Activity, Availability, EventStatus, activity_id
from fkort.sites import SiteServer
from index import SearchQuery
from index.backends.sqlite import SQLiteBackend
from tests.conftest import crawl
from tests.crawlers.test_dn import NEVER_KEPT, SITE, SOURCES

#: The run report, the activities in search by title, the backend's reading of every listed
#: id, the server's requests, the bytes of every file the crawl wrote.
Crawled = tuple[dict[str, Any], dict[str, Activity], dict[str, Activity | None],
                list[str], bytes]

LISTED = ("48211", "48230", "48244", "48252", "48260", "48270", "48275", "48281", "48286",
          "48290")


def _id(origin: str) -> str:
    return activity_id("dn-holstebro", origin)


def _read(db: Path) -> tuple[dict[str, Activity], dict[str, Activity | None]]:
    backend = SQLiteBackend(db)
    hits = backend.search(SearchQuery(limit=100)).hits
    by_id = {origin: backend.get(_id(origin)) for origin in LISTED}
    backend.close()
    return {h.activity.title: h.activity for h in hits}, by_id


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    tmp: Path = tmp_path_factory.mktemp("dn")
    with SiteServer(SITE) as dn:
        proc, (report,) = crawl(SOURCES, tmp, {"dn": dn.base_url})
        assert proc.returncode == 0, proc.stderr[-3000:]
        found, by_id = _read(tmp / "crawl.db")
        stored = b"".join(p.read_bytes() for p in tmp.rglob("*") if p.is_file()
                          and p.name != "sources.toml")
        yield report, found, by_id, [p for p, _ in dn.requests], stored


def test_run(crawled: Crawled) -> None:
    report = crawled[0]
    assert (report["status"], report["pages"], report["new"], report["problems"]) == (
        "ok", 12, 8, [])


def test_skipped_counted_and_named_in_the_report(crawled: Crawled) -> None:
    report = crawled[0]
    assert report["skipped"] == {"private": 1, "item_without_title": 1}
    assert sorted((s["reason"], s["detail"]) for s in report["skipped_items"]) == [
        ("item_without_title", "48281"), ("private", "48270")]


def test_search_until_the_empty_page_and_each_event_by_its_id(crawled: Crawled) -> None:
    asked = crawled[3]
    assert asked[0] == "/robots.txt"
    assert [p for p in asked if "/search" in p] == [
        "/api/events/search?municipalityCodes=0661&pageIndex=0&pageSize=50",
        "/api/events/search?municipalityCodes=0661&pageIndex=1&pageSize=50"]
    assert sorted(p for p in asked if "/search" not in p and p != "/robots.txt") == [
        f"/api/events/{i}" for i in LISTED]


def test_in_search(crawled: Crawled) -> None:
    # The cancelled clean-up is not among them; the two nature-care days are one title.
    assert sorted(crawled[1]) == [
        "Foredrag: Ulven er tilbage i Vestjylland", "Fugletur ved Felsted Havn",
        "Julebuketter af naturens egne materialer", "Naturplejedag på Sevel Hede",
        "Vinterlejr med bål og stjernekig", "Vintervandring ved Stubbergård Sø"]


def test_each_date_is_its_own_activity(crawled: Crawled) -> None:
    by_id = crawled[2]
    days = [by_id[i] for i in ("48260", "48275")]
    assert [a.schedule.start.isoformat() for a in days if a and a.schedule.start] == [
        "2026-11-28T09:30:00+01:00", "2027-01-09T09:30:00+01:00"]


def test_cancelled_hidden_from_search_but_readable_by_id(crawled: Crawled) -> None:
    cleanup = crawled[2]["48230"]
    assert cleanup is not None and cleanup.event_status is EventStatus.cancelled
    assert cleanup.title == "Affaldsindsamling langs Storåen"


def test_skipped_events_are_not_stored(crawled: Crawled) -> None:
    assert (crawled[2]["48270"], crawled[2]["48281"]) == (None, None)


def test_full_and_waiting_list(crawled: Crawled) -> None:
    found = crawled[1]
    assert found["Julebuketter af naturens egne materialer"].availability is Availability.full
    assert found["Fugletur ved Felsted Havn"].availability is Availability.waitlist


def test_indexed_fields(crawled: Crawled) -> None:
    walk = crawled[1]["Vintervandring ved Stubbergård Sø"]
    loc = walk.location
    assert (walk.schedule.start.isoformat() if walk.schedule.start else None,
            walk.schedule.end.isoformat() if walk.schedule.end else None) == (
        "2026-12-06T10:00:00+01:00", "2026-12-06T12:30:00+01:00")
    assert (loc.name, loc.address, loc.postcode, loc.city) == (
        "P-pladsen ved Stubbergård Sø", "Stubbergårdvej 7", "7830", "Vinderup")
    assert (walk.price.is_free, walk.organizer.name, walk.source.url) == (
        True, "DN Holstebro", "https://arrangementer.dn.dk/arrangementer/48211")
    camp = crawled[1]["Vinterlejr med bål og stjernekig"]
    assert (camp.price.amount_dkk, camp.location.address, camp.location.municipality) == (
        250, None, "Holstebro")


def test_hidden_addresses_and_sign_up_emails_stored_nowhere(crawled: Crawled) -> None:
    stored = crawled[4]
    assert [s for s in NEVER_KEPT if s.encode() in stored] == []


def test_a_failing_record_degrades_the_run_and_keeps_the_event(tmp_path: Path) -> None:
    with SiteServer(SITE) as dn:
        bases = {"dn": dn.base_url}
        first, _ = crawl(SOURCES, tmp_path, bases)
        assert first.returncode == 0, first.stderr[-3000:]
        dn.faults["/api/events/48211"] = ("status", 500)
        proc, (report,) = crawl(SOURCES, tmp_path, bases)
    assert report["status"] == "degraded" and proc.returncode != 0
    assert [(p["reason"], p["url"].split("/", 3)[-1]) for p in report["problems"]] == [
        ("http_500", "api/events/48211")]
    assert [k["url"] for k in report["kept_items"]] == [
        "https://arrangementer.dn.dk/arrangementer/48211"]
    found, _ = _read(tmp_path / "crawl.db")
    assert "Vintervandring ved Stubbergård Sø" in found  # kept from the first run
    assert report["unchanged"] == 7  # the other seven, read again
