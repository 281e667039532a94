"""The churchdesk platform (ChurchDesk's calendar widget, a Next.js page with its events in
`__NEXT_DATA__`) on the Holstebro fixture widget, parsed under the frozen clock: a source with
only `name`, `platform` and the widget's address; the pages asked one after the other by the
number in their URL until the JSON's last; church services and an item without a title skipped,
counted and named; each field the format states read; the contributor (a pastor, a speaker)
never kept (the crawl through the fixture server: test_churchdesk_crawl.py)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest
from scrapy.http import Request

from core.schema import Availability, EventStatus, SourceKind
from crawlers.platforms import churchdesk
from crawlers.sources import SourceConfig
from crawlers.spiders.municipal import MunicipalSpider
from tests.conftest import FILES, TZ
from tests.crawlers import pages

SITE = FILES / "churchdesk" / "holstebro"  # the host widget.churchdesk.com
BASE = "https://widget.churchdesk.com"
WIDGET = "/da/w/1234/event/hstbEksempel"

SOURCES = f"""
[[source]]
name = "holstebro-kirker"
platform = "churchdesk"
start_urls = ["{{churchdesk}}{WIDGET}/1/1000001"]
"""

#: The people the fixture's `contributor` fields name (and one description names).
PEOPLE = ("Karen Vestergaard Bøgh", "Mette Lund Kjær", "Poul Erik Fjordside",
          "Anders Kirkegaard Østergaard", "Jytte Sønderby")

SOURCE = pages.sources(SOURCES, {"churchdesk": BASE})["holstebro-kirker"]


def _url(page: int) -> str:
    return f"{BASE}{WIDGET}/{page}/1000001"


def _read(source: SourceConfig) -> tuple[MunicipalSpider, list[Request], list[Any]]:
    """The spider, the requests it made (the start's first) and all it yielded, each page
    read from the fixture as the page its request asked for."""
    spider = pages.spider(MunicipalSpider, source)
    asked = [spider.page_request(u, depth=0) for u in source.start_urls]
    out: list[Any] = []
    for request in asked:
        page = request.url.removeprefix(BASE).split("?")[0]
        got = pages.parse(spider.parse, pages.response(SITE / page.lstrip("/") / "index.html",
                                                       request.url, **request.meta))
        out.extend(got)
        asked.extend(pages.requests(got))
    return spider, asked, out


SPIDER, ASKED, OUT = _read(SOURCE)
ACTIVITIES = pages.normalize(pages.activities(OUT))
BY_TITLE = {a.title: a for a in ACTIVITIES}
KNIT = sorted((a for a in ACTIVITIES if a.title == "Strikkecafé i Sognehuset"),
              key=lambda a: a.schedule.start or datetime.max.replace(tzinfo=TZ))
CONCERT = BY_TITLE["Julekoncert med Vinderup Kirkekor"]
TALK = BY_TITLE["Sogneeftermiddag: Livet ved Nissum Fjord"]
DINNER = BY_TITLE["Fællesspisning i Sognegården"]
COURSE = BY_TITLE["Kirkehøjskole: Tro og tvivl"]
BABIES = BY_TITLE["Babysalmesang"]
FILM = BY_TITLE["Filmaften i Vinderup Sognehus"]


def _at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026 if month == 12 else 2027, month, day, hour, minute, tzinfo=TZ)


def test_the_platform_fills_in_the_source() -> None:
    assert (SOURCE.spider, SOURCE.kind, SOURCE.script_data is not None) == (
        "municipal", SourceKind.municipal, True)
    assert SOURCE.allowed_domains == [] and SPIDER.allowed_domains == ["widget.churchdesk.com"]


def test_pages_asked_by_the_number_in_their_url_until_the_last() -> None:
    assert [r.url for r in ASKED] == [_url(1), _url(2), _url(3)]


def test_pages_not_kept_in_the_http_cache() -> None:
    # They hold the contributors' names: never on disk.
    assert all(r.meta["dont_cache"] for r in ASKED)


def test_every_event_but_the_skipped_read() -> None:
    assert sorted(a.title for a in ACTIVITIES) == [
        "Babysalmesang", "Filmaften i Vinderup Sognehus", "Fællesspisning i Sognegården",
        "Julekoncert med Vinderup Kirkekor", "Kirkehøjskole: Tro og tvivl",
        "Sogneeftermiddag: Livet ved Nissum Fjord", "Strikkecafé i Sognehuset",
        "Strikkecafé i Sognehuset", "Strikkecafé i Sognehuset"]
    assert pages.problems(SPIDER) == []


def test_church_services_and_the_untitled_item_skipped_counted_and_named() -> None:
    assert (pages.stat(SPIDER, "fkort/skipped/church_service"),
            pages.stat(SPIDER, "fkort/skipped/item_without_title")) == (2, 1)
    named = [(s["reason"], s["url"], s["detail"])
             for s in pages.stat(SPIDER, "fkort/skipped_items")]
    assert named == [
        ("church_service", _url(1), "Gudstjeneste 2. søndag i advent (880102)"),
        ("item_without_title", _url(3), "id 880110"),
        ("church_service", _url(3), "Julegudstjeneste for dagplejebørn (880111)")]


def test_ids_are_churchdesks() -> None:
    origins = [i.raw.origin_id for i in pages.activities(OUT)]
    assert origins == ["880101", "880103", "880104", "880105", "880106", "880107", "880108",
                       "880109", "880112"]
    assert len({a.id for a in ACTIVITIES}) == 9


def test_each_date_of_the_weekly_cafe_is_an_event_of_its_own() -> None:
    # ChurchDesk lists a series as separate events (no series id): one activity each.
    assert [(a.schedule.start, a.schedule.end) for a in KNIT] == [
        (_at(12, 1, 14), _at(12, 1, 16)), (_at(12, 8, 14), _at(12, 8, 16)),
        (_at(12, 15, 14), _at(12, 15, 16))]


@pytest.mark.parametrize(("title", "start", "end"), [
    ("Julekoncert med Vinderup Kirkekor", _at(12, 9, 19, 30), None),  # hideEndTime
    ("Sogneeftermiddag: Livet ved Nissum Fjord", _at(12, 10, 14, 30), _at(12, 10, 16, 30)),
    ("Fællesspisning i Sognegården", _at(12, 11, 18), _at(12, 11, 20, 30)),
    ("Babysalmesang", _at(1, 7, 10, 30), None),
    ("Filmaften i Vinderup Sognehus", _at(12, 18, 19), _at(12, 18, 22)),
])
def test_start_and_end_from_utc_to_copenhagen(title: str, start: datetime,
                                              end: datetime | None) -> None:
    sched = BY_TITLE[title].schedule
    assert (sched.start, sched.end, sched.time_known) == (start, end, True)


def test_an_all_day_course_over_three_days_has_its_days_and_no_time() -> None:
    sched = COURSE.schedule
    assert (sched.start, sched.end, sched.time_known) == (
        _at(1, 15, 0), _at(1, 17, 0), False)


def test_prices() -> None:
    assert (KNIT[0].price.is_free, KNIT[0].price.amount_dkk) == (True, 0.0)
    assert (CONCERT.price.amount_dkk, CONCERT.price.text) == (
        75.0, "75 kr. – billetter ved indgangen")
    assert FILM.price.amount_dkk == 20.0  # a number: kroner
    assert DINNER.price.text == "45 kr. for voksne, børn under 12 år gratis"
    # No price field: unknown, not free.
    assert [(a.price.amount_dkk, a.price.is_free) for a in (COURSE, BABIES)] == [
        (None, None), (None, None)]


@pytest.mark.parametrize(("title", "place"), [
    ("Strikkecafé i Sognehuset",
     ("Sognehuset ved Holstebro Kirke", "Kirkestræde 9", "7500", "Holstebro")),
    ("Julekoncert med Vinderup Kirkekor", ("Vinderup Kirke", "Kirkevej 2", "7830", "Vinderup")),
    ("Sogneeftermiddag: Livet ved Nissum Fjord",
     ("Ulfborg Sognehus", "Vesterhavsvej 4", "6990", "Ulfborg")),
    # "Struervej  17": the double space is the page's; read as one.
    ("Fællesspisning i Sognegården", ("Sognegården", "Struervej 17", "7500", "Holstebro")),
    # No address parts, only `location` as text.
    ("Kirkehøjskole: Tro og tvivl",
     ("Ulfborg Kirkecenter", "Vesterhavsvej 6", "6990", "Ulfborg")),
])
def test_places(title: str, place: tuple[str, str, str, str]) -> None:
    loc = BY_TITLE[title].location
    assert (loc.name, loc.address, loc.postcode, loc.city) == place


def test_cancelled_by_cancelled_at() -> None:
    assert TALK.event_status is EventStatus.cancelled
    others = [a.event_status for a in ACTIVITIES if a is not TALK]
    assert EventStatus.cancelled not in others


def test_full_dinner_has_a_waiting_list() -> None:
    assert DINNER.availability is Availability.waitlist
    assert DINNER.availability_text == (
        "Der er ikke flere pladser – skriv dig på venteliste hos kirkekontoret.")
    assert CONCERT.availability is Availability.unknown


def test_organiser_is_the_parish_never_the_contributor() -> None:
    assert [(a.title, a.organizer.name) for a in (KNIT[0], CONCERT, TALK, BABIES, COURSE)] == [
        ("Strikkecafé i Sognehuset", "Holstebro Sogn"),
        ("Julekoncert med Vinderup Kirkekor", "Vinderup Sogn"),
        ("Sogneeftermiddag: Livet ved Nissum Fjord", "Ulfborg Sogn"),
        ("Babysalmesang", "Vinderup Sogn"),
        ("Kirkehøjskole: Tro og tvivl", None)]  # no parish given: unknown


def test_descriptions_from_html_and_summary() -> None:
    assert KNIT[0].description is not None and KNIT[0].description.startswith(
        "Vi strikker, hækler og får en kop kaffe sammen. Alle er velkomne")
    assert "<p>" not in (KNIT[0].description or "")
    assert COURSE.description == "Tre dage med foredrag, sang og samtale."  # summary only
    assert BABIES.description is None


def test_no_contributor_kept_in_any_item() -> None:
    kept = json.dumps([i.raw.model_dump(mode="json") for i in pages.activities(OUT)]
                      + [a.model_dump(mode="json") for a in ACTIVITIES]
                      + (pages.stat(SPIDER, "fkort/skipped_items") or []), ensure_ascii=False)
    assert [p for p in PEOPLE if p in kept] == []
    # The speaker named in the description is cut out, the rest of it kept.
    assert TALK.description == (
        "Lokalhistoriker fortæller om fiskere og færgefolk ved fjorden. Kaffe 30 kr.")


def test_the_links_are_the_events_pages() -> None:
    assert CONCERT.source.url == "https://www.holstebro-sogne.example/b/julekoncert-880103"
    # No `url`: the widget page it was read from.
    assert COURSE.source.url == _url(2)


def test_a_parish_may_name_its_own_service_categories() -> None:
    skip = {"church_service": {"eventCategories.*.title": ["Koncert"]}}
    entry = {"name": "x", "platform": "churchdesk", "start_urls": [_url(1)],
             "script_data": {"skip": skip}}
    source = SourceConfig.model_validate(entry)
    assert source.script_data is not None
    assert source.script_data.skip == skip
    # The preset's fields are kept under what the entry sets.
    assert source.script_data.fields == churchdesk.PRESET["script_data"]["fields"]
    _, _, out = _read(source)
    titles = {a.title for a in pages.normalize(pages.activities(out))}
    # The entry's `skip` replaces the preset's: its words are then the only ones.
    assert "Julekoncert med Vinderup Kirkekor" not in titles
    assert "Gudstjeneste 2. søndag i advent" in titles


def test_page_limit_is_a_reported_problem() -> None:
    paging = {**churchdesk.PRESET["script_data"]["paging"], "max_pages": 2}
    source = SourceConfig.model_validate({"name": "x", "platform": "churchdesk",
                                          "start_urls": [_url(1)],
                                          "script_data": {"paging": paging}})
    spider, asked, _ = _read(source)
    assert [r.url for r in asked] == [_url(1), _url(2)]
    assert pages.problems(spider) == [("page_limit", "1000001")]


def test_paging_needs_one_group_for_the_number() -> None:
    with pytest.raises(ValueError, match="exactly one group"):
        SourceConfig.model_validate({
            "name": "x", "platform": "churchdesk", "start_urls": [_url(1)],
            "script_data": {"paging": {"in_url": "/event/", "page": "a", "last": "b"}}})
