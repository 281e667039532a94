"""The dn platform (Danmarks Naturfredningsforening's events search, arrangementer.dn.dk) on
saved answers in its format as public evidence shows it (tests/files/dn/holstebro/README.md),
parsed under the frozen clock: a source with only `name`, `platform`, the municipality's
search and its municipality; 0-based paging that ends on the empty page whatever
`hasNextPage` says; each event's own record asked for; private events and events without a
title skipped and named; cancelled, full and waiting-list events; hidden addresses and
sign-up e-mails never kept (the crawl through the fixture server: test_dn_crawl.py)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from scrapy import Request

from core.schema import Availability, EventStatus, SourceKind
from crawlers.spiders.jsonapi import JsonApiSpider
from tests.conftest import FILES, TZ
from tests.crawlers import pages

SITE = FILES / "dn" / "holstebro"  # the host func-dn-events-production-003.azurewebsites.net
BASE = "https://func-dn-events-production-003.azurewebsites.net"
SEARCH = f"{BASE}/api/events/search?municipalityCodes=0661"
ANSWERS = SITE / "api/events/search"

SOURCES = """
[[source]]
name = "dn-holstebro"
platform = "dn"
start_urls = ["{dn}/api/events/search?municipalityCodes=0661"]

[source.options]
municipality = "Holstebro"

[source.defaults]
organizer = "DN Holstebro"
"""

#: What the answers hold that must never be kept: hidden addresses (a volunteer's home) and
#: the e-mail addresses to sign up with.
NEVER_KEPT = ("Hvidbjergvej", "Rughavevej", "fugletur@example.dk", "lejr@example.dk")


def _crawl(sources: str) -> tuple[JsonApiSpider, Request, list[Request], list[Any]]:
    """The spider, its first request, every request it made, and everything it yielded,
    answering each request from the fixture folder as the server would."""
    source = pages.sources(sources, {"dn": BASE})["dn-holstebro"]
    spider = pages.spider(JsonApiSpider, source)
    (start,) = [spider.page_request(u, depth=0) for u in source.start_urls]
    queue: list[Request] = [start]
    asked: list[Request] = []
    out: list[Any] = []
    while queue:
        request = queue.pop(0)
        asked.append(request)
        path = request.url.removeprefix(BASE + "/")
        if "?" in path:
            path, query = path.split("?", 1)
            path = f"{path}/{query}.json"
        callback = request.callback or spider.parse
        found = pages.parse(callback, pages.response(
            SITE / path, request.url, content_type="application/json; charset=utf-8",
            **request.meta))
        queue += pages.requests(found)
        out += found
    return spider, start, asked, out


SPIDER, START, ASKED, OUT = _crawl(SOURCES)
ITEMS = pages.activities(OUT)
ACTIVITIES = pages.normalize(ITEMS)
BY_ID = {i.raw.origin_id: a for i, a in zip(ITEMS, ACTIVITIES, strict=True)}
WALK, CLEANUP, WREATHS, BIRDS = BY_ID["48211"], BY_ID["48230"], BY_ID["48244"], BY_ID["48252"]
TALK, CAMP = BY_ID["48286"], BY_ID["48290"]


def _at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TZ)


def test_the_platform_fills_in_the_source() -> None:
    source = SPIDER.source
    assert (source.spider, source.kind, source.json_api is not None) == (
        "jsonapi", SourceKind.municipal, True)


def test_the_search_is_paged_from_0_until_the_empty_page() -> None:
    searches = [r.url for r in ASKED if "/search" in r.url]
    assert searches == [f"{SEARCH}&pageIndex=0&pageSize=50", f"{SEARCH}&pageIndex=1&pageSize=50"]
    # The first page says `hasNextPage: true` and the second is empty: asked, and no further.
    assert json.loads((ANSWERS / "municipalityCodes=0661&pageIndex=0&pageSize=50.json")
                      .read_text(encoding="utf-8"))["hasNextPage"] is True
    assert START.url == searches[0]


def test_each_listed_event_is_asked_for_by_its_id() -> None:
    listed = json.loads((ANSWERS / "municipalityCodes=0661&pageIndex=0&pageSize=50.json")
                        .read_text(encoding="utf-8"))["items"]
    details = sorted(r.url for r in ASKED if "/search" not in r.url)
    assert details == sorted(f"{BASE}/api/events/{x['id']}" for x in listed)
    assert pages.stat(SPIDER, "fkort/pages") == len(details) + 2


def test_answers_with_hidden_addresses_are_not_cached() -> None:
    assert all(r.meta.get("dont_cache") for r in ASKED)


def test_private_and_untitled_events_are_skipped_counted_and_named() -> None:
    named = {(s["reason"], s["detail"]) for s in pages.stat(SPIDER, "fkort/skipped_items")}
    assert named == {("private", "48270"), ("item_without_title", "48281")}
    assert (pages.stat(SPIDER, "fkort/skipped/private"),
            pages.stat(SPIDER, "fkort/skipped/item_without_title")) == (1, 1)
    assert "48270" not in BY_ID and "48281" not in BY_ID


def test_titles() -> None:
    assert sorted({a.title for a in ACTIVITIES}) == [
        "Affaldsindsamling langs Storåen", "Foredrag: Ulven er tilbage i Vestjylland",
        "Fugletur ved Felsted Havn", "Julebuketter af naturens egne materialer",
        "Naturplejedag på Sevel Hede", "Vinterlejr med bål og stjernekig",
        "Vintervandring ved Stubbergård Sø"]


def test_start_and_end_with_their_offsets() -> None:
    assert (WALK.schedule.start, WALK.schedule.end) == (_at(2026, 12, 6, 10),
                                                        _at(2026, 12, 6, 12, 30))
    # Given in UTC ("...T18:00:00Z"): 19:00 in Denmark.
    assert (TALK.schedule.start, TALK.schedule.end) == (_at(2026, 12, 9, 19),
                                                        _at(2026, 12, 9, 21))


def test_an_event_over_two_days_keeps_its_end() -> None:
    assert (CAMP.schedule.start, CAMP.schedule.end) == (_at(2027, 1, 16, 10),
                                                        _at(2027, 1, 17, 14))


def test_the_same_day_on_two_dates_is_two_activities_each_with_its_date() -> None:
    # DN gives every date its own event and id, and no series: nothing is merged by guess.
    days = sorted((a.schedule.start, a.source.url) for a in ACTIVITIES
                  if a.title == "Naturplejedag på Sevel Hede")
    assert days == [
        (_at(2026, 11, 28, 9, 30), "https://arrangementer.dn.dk/arrangementer/48260"),
        (_at(2027, 1, 9, 9, 30), "https://arrangementer.dn.dk/arrangementer/48275")]


def test_price_free_priced_and_unknown() -> None:
    assert (WALK.price.is_free, WALK.price.amount_dkk) == (True, 0)
    assert (WREATHS.price.is_free, WREATHS.price.amount_dkk) == (False, 50)
    assert CAMP.price.amount_dkk == 250
    assert (TALK.price.amount_dkk, TALK.price.is_free) == (None, None)  # none given: unknown


def test_place_is_the_meeting_point_with_its_address() -> None:
    loc = WALK.location
    assert (loc.name, loc.address, loc.postcode, loc.city) == (
        "P-pladsen ved Stubbergård Sø", "Stubbergårdvej 7", "7830", "Vinderup")
    # Written with a tab, a leading space and a double one: read as words.
    assert (BIRDS.title, BIRDS.location.city) == ("Fugletur ved Felsted Havn", "Ulfborg")
    talk = TALK.location
    assert (talk.name, talk.address, talk.postcode, talk.city) == (
        "Medborgerhuset, salen på 1. sal", "Struervej 14 B", "7500", "Holstebro")


def test_a_hidden_address_is_not_kept() -> None:
    loc = CAMP.location
    assert (loc.name, loc.address, loc.postcode) == (
        "Shelterpladsen – adressen sendes ved tilmelding", None, None)
    assert loc.municipality == "Holstebro"  # the search's own municipality
    stored = json.dumps([i.raw.model_dump(mode="json") for i in ITEMS], ensure_ascii=False)
    stored += json.dumps([a.model_dump(mode="json") for a in ACTIVITIES], ensure_ascii=False)
    assert [s for s in NEVER_KEPT if s in stored] == []


def test_cancelled() -> None:
    assert CLEANUP.event_status is EventStatus.cancelled
    assert {a.event_status for a in ACTIVITIES if a is not CLEANUP} == {EventStatus.unknown}


def test_full_and_waiting_list() -> None:
    assert WREATHS.availability is Availability.full  # `occupied`
    assert BIRDS.availability is Availability.waitlist  # its sign-up text says so
    assert WALK.availability is Availability.unknown


def test_sign_up_text_is_read() -> None:
    assert CAMP.drop_in is False and "Tilmelding nødvendig" in (CAMP.drop_in_text or "")


def test_organiser_from_the_record_else_the_sources_default() -> None:
    assert WALK.organizer.name == "DN Holstebro"
    assert TALK.organizer.name == "DN Holstebro"  # the record names none: the default
    (_, _, _, bare) = _crawl(SOURCES.split("[source.defaults]")[0])
    untold = [i for i in pages.activities(bare) if i.raw.origin_id == "48286"]
    assert [a.organizer.name for a in pages.normalize(untold)] == [None]


def test_description_else_the_teaser_with_whitespace_cleaned() -> None:
    assert "taler om søens historie" in (WALK.description or "")
    assert "  " not in (WALK.description or "")
    assert TALK.description == ("Biolog fortæller om ulvene i Nørre Kongerslev og Klelund - "
                                "og om livet med dem.")


def test_the_public_page_is_the_link() -> None:
    assert {a.source.url for a in ACTIVITIES} == {
        f"https://arrangementer.dn.dk/arrangementer/{i}" for i in BY_ID}
