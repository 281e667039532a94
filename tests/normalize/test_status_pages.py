"""Cancelled and full on pages nobody cleaned up: a municipal page whose title says "AFLYST",
a series page with one cancelled meeting and a waiting list, and JSON-LD events with
`eventStatus` EventCancelled and a sold-out offer; read by the spiders, normalised, indexed."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from core.clock import TZ
from core.schema import Activity, Availability, EventStatus, ScheduleKind
from crawlers.sources import SourceConfig
from crawlers.spiders.jsonld import JsonLdSpider
from crawlers.spiders.municipal import MunicipalSpider
from index import SearchQuery
from index.backends.sqlite import SQLiteBackend
from tests.conftest import FILES
from tests.crawlers import pages

SITE = FILES / "status"
NOW = datetime(2026, 11, 22, 12, tzinfo=TZ)
SELECTORS = {
    "title": "h1.page-title", "description": ".field--name-body",
    "when": ".field--name-field-tidspunkt .field__item",
    "where": ".field--name-field-sted .field__item",
    "price": ".field--name-field-pris .field__item",
    "signup": ".field--name-field-tilmelding .field__item",
    "organizer": ".field--name-field-arrangoer .field__item",
}
KOMMUNE = SourceConfig(name="kommune", kind="municipal", start_urls=["https://kommune.example/"],
                       selectors=SELECTORS, options={"municipality": "Lemvig"})
KULTURHUS = SourceConfig(name="kulturhus", kind="municipal",
                         start_urls=["https://kulturhus.example/"])


def _municipal(page: str) -> Activity:
    spider = pages.spider(MunicipalSpider, KOMMUNE)
    response = pages.response(SITE / "kommune" / page, f"https://kommune.example/{page}",
                              fk_depth=1, fk_detail=True)
    (activity,) = pages.normalize(pages.parse(spider.parse, response))
    return activity


def _jsonld(page: str) -> Activity:
    spider = pages.spider(JsonLdSpider, KULTURHUS)
    response = pages.response(SITE / "jsonld" / page, f"https://kulturhus.example/{page}",
                              fk_depth=1)
    (activity,) = pages.normalize(pages.parse(spider.parse, response))
    return activity


@pytest.fixture(scope="module")
def read() -> dict[str, Activity]:
    return {
        "aflyst": _municipal("aktivitet/julekoncert-aflyst.html"),
        "venteliste": _municipal("aktivitet/strikkecafe-venteliste.html"),
        "koncert": _jsonld("koncert-aflyst.html"),
        "udsolgt": _jsonld("foredrag-udsolgt.html"),
    }


def test_municipal_page_saying_aflyst(read: dict[str, Activity]) -> None:
    a = read["aflyst"]
    assert a.event_status is EventStatus.cancelled
    assert a.event_status_text == "AFLYST: Julekoncert med seniorkoret"
    assert a.title == "AFLYST: Julekoncert med seniorkoret"  # the source's words are kept


def test_series_with_one_cancelled_meeting_and_a_waiting_list(read: dict[str, Activity]
                                                              ) -> None:
    a = read["venteliste"]
    assert a.schedule.kind is ScheduleKind.recurring
    assert a.event_status is EventStatus.unknown  # the series goes on; last year's is no news
    assert [d.isoformat() for d in a.schedule.exdates] == ["2026-12-08T14:00:00+01:00"]
    assert a.availability is Availability.waitlist
    assert a.availability_text is not None and "venteliste" in a.availability_text


def test_jsonld_event_status_cancelled(read: dict[str, Activity]) -> None:
    a = read["koncert"]
    assert a.event_status is EventStatus.cancelled
    assert a.event_status_text == "https://schema.org/EventCancelled"
    assert a.availability is Availability.available  # the offer says so; still cancelled


def test_jsonld_sold_out_offer(read: dict[str, Activity]) -> None:
    a = read["udsolgt"]
    assert (a.event_status, a.availability) == (EventStatus.scheduled, Availability.full)


def test_indexed_cancelled_is_no_hit_but_readable(read: dict[str, Activity],
                                                  tmp_path: Path) -> None:
    backend = SQLiteBackend(tmp_path / "t.db")
    try:
        backend.upsert(read.values())
        hits = {h.activity.id for h in backend.search(SearchQuery(now=NOW, limit=50)).hits}
        assert hits == {read["venteliste"].id, read["udsolgt"].id}
        got = backend.get(read["aflyst"].id)
        assert got is not None and got.event_status is EventStatus.cancelled
    finally:
        backend.close()


def test_a_status_badge_selector_is_read() -> None:
    """A site whose state sits in a badge of its own: the `status` selector reads it."""
    source = KOMMUNE.model_copy(update={"selectors": {**SELECTORS,
                                                      "status": ".event-badge"}})
    spider = pages.spider(MunicipalSpider, source)
    page = "aktivitet/julestue-badge.html"
    response = pages.response(SITE / "kommune" / page, f"https://kommune.example/{page}",
                              fk_depth=1, fk_detail=True)
    (activity,) = pages.normalize(pages.parse(spider.parse, response))
    assert activity.title == "Julestue i Aktivitetshuset"
    assert activity.event_status is EventStatus.cancelled
    assert activity.event_status_text == "Aflyst"
