"""The JSON API family on saved answers, parsed once under the frozen clock: an association
portal paged by `?side=N` whose answers claim more pages than there are (an empty page ends
the paging), a calendar searched by POST that answers a bare array, a page limit, cursor and
offset paging (the crawl through the local server: test_jsonapi_crawl.py)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from scrapy import Request
from scrapy.http import TextResponse
from twisted.python.failure import Failure

from core.schema import Activity
from crawlers.items import ActivityItem
from crawlers.sources import SourceConfig
from crawlers.spiders.jsonapi import JsonApiSpider, pick
from tests.conftest import FILES, TZ
from tests.crawlers import pages

PORTAL = FILES / "jsonapi" / "foreningsportal"
KALENDER = FILES / "jsonapi" / "kalender"

SOURCES = """
[[source]]
name = "foreningsportal"
kind = "portal"
spider = "jsonapi"
start_urls = ["{portal}/api/aktiviteter"]
[source.json]
items = "data.items"
paging = "page"
page_param = "side"
first = 1
price_unit = 0.01
[source.json.fields]
id = "id"
series = "serie"
title = "navn"
description = "beskrivelse"
start = "tid.start"
end = "tid.slut"
all_day = "heldag"
place = "sted.navn"
street = "sted.adresse.vej"
postcode = "sted.adresse.postnr"
city = "sted.adresse.by"
lat = "sted.lat"
lon = "sted.lon"
price = "pris.beloeb"
status = "status"
url = "link"
organizer = "arrangoer"
category = "kategorier"

[[source]]
name = "kalender"
kind = "municipal"
spider = "jsonapi"
start_urls = ["{kalender}/api/soeg.json"]
[source.json]
method = "POST"
body = { kommune = "Holstebro", type = "arrangement" }
[source.json.fields]
id = "eventId"
title = "headline"
description = "teaser"
start = "when.from"
end = "when.to"
place = "venue.title"
street = "venue.street"
postcode = "venue.zip"
city = "venue.town"
price = "fee"
status = "eventStatus"
url = "permalink"
"""

BASE = "https://foreninger.example.dk"
CAL = "https://kalender.example.dk"
SOURCE = pages.sources(SOURCES, {"portal": BASE, "kalender": CAL})


def walk(spider: JsonApiSpider, site: Path) -> tuple[list[Any], list[str]]:
    """Everything the spider yields, following its own requests to the saved pages (a page
    with a query is `<path>/<query>.json`, as the fixture server answers); and the URLs
    asked for."""
    todo = [spider.page_request(u, depth=0) for u in spider.source.start_urls]
    out: list[Any] = []
    asked: list[str] = []
    while todo:
        req = todo.pop(0)
        asked.append(req.url)
        parts = urlsplit(req.url)
        path = site / parts.path.lstrip("/")
        file = path / f"{parts.query}.json" if parts.query else path
        got = pages.parse(spider.parse, pages.response(file, req.url, **req.meta))
        out.extend(got)
        todo.extend(pages.requests(got))
    return out, asked


PORTAL_SPIDER = pages.spider(JsonApiSpider, SOURCE["foreningsportal"])
PORTAL_OUT, PORTAL_ASKED = walk(PORTAL_SPIDER, PORTAL)
PORTAL_ITEMS = pages.activities(PORTAL_OUT)
ACTS = {a.title: a for a in pages.normalize(PORTAL_ITEMS)}
PETANQUE = ACTS["Petanque i Byparken"]
DINNER = ACTS["Fællesspisning i Medborgerhuset"]

CAL_SPIDER = pages.spider(JsonApiSpider, SOURCE["kalender"])
(CAL_REQUEST,) = [CAL_SPIDER.page_request(u, depth=0) for u in SOURCE["kalender"].start_urls]
CAL_ITEMS = pages.activities(pages.parse(CAL_SPIDER.parse, pages.response(
    KALENDER / "api" / "soeg.json", f"{CAL}/api/soeg.json", **CAL_REQUEST.meta)))
CAL_ACTS = {a.title: a for a in pages.normalize(CAL_ITEMS)}


def _at(day: str, hour: int) -> datetime:
    y, m, d = (int(x) for x in day.split("-"))
    return datetime(y, m, d, hour, tzinfo=TZ)


def _item(items: Iterable[ActivityItem], title: str) -> ActivityItem:
    (item,) = [i for i in items if (i.raw.structured or {}).get("name") == title]
    return item


# -- paging ----------------------------------------------------------------------------------

def test_pages_until_the_empty_one() -> None:
    assert PORTAL_ASKED == [f"{BASE}/api/aktiviteter?side={n}" for n in (1, 2, 3)]


def test_a_lying_has_next_page_is_not_followed_past_an_empty_page() -> None:
    assert not any("side=4" in u for u in PORTAL_ASKED)


def test_every_page_counted() -> None:
    assert pages.stat(PORTAL_SPIDER, "fkort/pages") == 3


def test_no_problems() -> None:
    assert pages.problems(PORTAL_SPIDER) == []


def test_page_limit_is_reported() -> None:
    limited = SOURCE["foreningsportal"].model_copy(deep=True)
    assert limited.json_api is not None
    limited.json_api.max_pages = 2
    spider = pages.spider(JsonApiSpider, limited)
    out, asked = walk(spider, PORTAL)
    assert (len(asked), pages.problems(spider)) == (2, [("page_limit", "aktiviteter?side=2")])
    assert len(pages.activities(out)) == 4  # what was read is handed on


# -- fields ----------------------------------------------------------------------------------

def test_activities() -> None:
    assert sorted(ACTS) == ["Fællesspisning i Medborgerhuset", "Gåtur langs Storåen",
                            "Julemarked i Aktivitetshuset", "Petanque i Byparken"]


def test_series_across_pages_is_one_activity() -> None:
    assert PETANQUE.schedule.start == _at("2026-12-02", 10)
    assert PETANQUE.schedule.dates == [_at("2026-12-09", 10)]


def test_series_origin() -> None:
    assert _item(PORTAL_ITEMS, "Petanque i Byparken").raw.origin_id == "s-7"


def test_title_and_description() -> None:
    assert (DINNER.description or "").startswith("Vi spiser sammen")


def test_end() -> None:
    assert DINNER.schedule.end == datetime(2026, 12, 4, 20, 30, tzinfo=TZ)


def test_place_with_coordinates() -> None:
    loc = DINNER.location
    assert (loc.name, loc.address, loc.postcode, loc.city, loc.lat, loc.lon) == (
        "Medborgerhuset", "Nørregade 21", "7500", "Holstebro", 56.3601, 8.6155)


def test_price_in_oere_becomes_kroner() -> None:
    assert (DINNER.price.amount_dkk, DINNER.price.is_free) == (45.0, False)


def test_price_zero_is_free() -> None:
    assert PETANQUE.price.is_free is True


def test_no_price_is_unknown() -> None:
    assert ACTS["Gåtur langs Storåen"].price.amount_dkk is None


def test_all_day_date_means_time_unknown() -> None:
    market = ACTS["Julemarked i Aktivitetshuset"].schedule
    assert (market.start, market.time_known) == (_at("2026-12-12", 0), False)


def test_url_relative_to_the_api() -> None:
    assert DINNER.source.url == f"{BASE}/aktivitet/205"


def test_without_a_link_the_api_page_is_the_address() -> None:
    assert ACTS["Julemarked i Aktivitetshuset"].source.url == f"{BASE}/api/aktiviteter?side=2"


def test_without_id_or_link_a_stable_digest() -> None:
    assert (_item(PORTAL_ITEMS, "Gåtur langs Storåen").raw.origin_id or "").startswith("h-")


def test_organizer() -> None:
    assert DINNER.organizer.name == "Medborgerhusets Venner"


def test_status_handed_on() -> None:
    assert _item(PORTAL_ITEMS, "Petanque i Byparken").raw.texts["status"] == "aktiv"


def test_found_on_its_page() -> None:
    assert _item(PORTAL_ITEMS, "Julemarked i Aktivitetshuset").found_at == (
        f"{BASE}/api/aktiviteter?side=2")


# -- POST and a bare array -------------------------------------------------------------------

def test_post_with_the_configured_body() -> None:
    assert (CAL_REQUEST.method, json.loads(CAL_REQUEST.body)) == (
        "POST", {"kommune": "Holstebro", "type": "arrangement"})


def test_post_is_sent_as_json() -> None:
    assert CAL_REQUEST.headers.get("Content-Type") == b"application/json"


def test_bare_array_items() -> None:
    assert sorted(CAL_ACTS) == ["Bankospil for alle", "Seniordans i Hallen"]


def test_naive_times_are_copenhagen_time() -> None:
    assert CAL_ACTS["Seniordans i Hallen"].schedule.start == _at("2026-12-07", 14)


def test_numeric_postcode() -> None:
    assert CAL_ACTS["Seniordans i Hallen"].location.postcode == "7500"


def test_price_as_text() -> None:
    assert CAL_ACTS["Bankospil for alle"].price.amount_dkk == 50.0


def test_schema_org_status_handed_on() -> None:
    assert _item(CAL_ITEMS, "Bankospil for alle").raw.texts["status"] == (
        "https://schema.org/EventCancelled")


# -- cursor and offset paging, a page limit, broken answers ----------------------------------

def _source(json_table: str, fields: str = "") -> SourceConfig:
    return pages.sources(f"""
[[source]]
name = "api"
kind = "portal"
spider = "jsonapi"
start_urls = ["https://api.example.dk/v2/events"]
[source.json]
{json_table}
[source.json.fields]
title = "name"
id = "id"
{fields}
""", {})["api"]


def _answer(request: Request, body: object) -> TextResponse:
    return TextResponse(request.url, body=json.dumps(body).encode(), encoding="utf-8",
                        headers={"Content-Type": "application/json"},
                        request=Request(request.url, meta=request.meta))


def test_cursor_paging_follows_the_cursor_until_it_repeats() -> None:
    spider = pages.spider(JsonApiSpider, _source('items = "results"\npaging = "cursor"\n'
                                                 'cursor = "next"\npage_param = "after"'))
    first = spider.page_request("https://api.example.dk/v2/events", 0)
    got = pages.parse(spider.parse, _answer(first, {"results": [{"id": 1, "name": "A"}],
                                                    "next": "c2"}))
    (second,) = pages.requests(got)
    assert second.url == "https://api.example.dk/v2/events?after=c2"
    last = pages.parse(spider.parse, _answer(second, {"results": [{"id": 2, "name": "B"}],
                                                      "next": "c2"}))
    assert pages.requests(last) == [] and len(pages.activities(last)) == 2


def test_offset_paging_steps_by_the_items_read() -> None:
    spider = pages.spider(JsonApiSpider, _source('paging = "offset"\nfirst = 0\n'
                                                 'page_param = "from"\nsize_param = "size"\n'
                                                 'page_size = 2\nmethod = "POST"\n'
                                                 'body = { kommunenavn = "Holstebro" }'))
    first = spider.page_request("https://api.example.dk/v2/events", 0)
    got = pages.parse(spider.parse, _answer(first, [{"id": 1, "name": "A"},
                                                    {"id": 2, "name": "B"}]))
    (second,) = pages.requests(got)
    assert json.loads(first.body) == {"kommunenavn": "Holstebro", "from": 0, "size": 2}
    assert json.loads(second.body) == {"kommunenavn": "Holstebro", "from": 2, "size": 2}


def test_broken_json_is_a_problem() -> None:
    spider = pages.spider(JsonApiSpider, _source(""))
    request = spider.page_request("https://api.example.dk/v2/events", 0)
    response = TextResponse(request.url, body=b"<html>Fejl</html>", encoding="utf-8",
                            request=request)
    assert pages.parse(spider.parse, response) == []
    assert pages.problems(spider) == [("broken_json", "events")]


def test_items_not_at_the_path_is_a_problem() -> None:
    spider = pages.spider(JsonApiSpider, _source('items = "data.events"'))
    request = spider.page_request("https://api.example.dk/v2/events", 0)
    pages.parse(spider.parse, _answer(request, {"data": {"total": 0}}))
    assert pages.problems(spider) == [("json_without_items", "events")]


def test_one_id_twice_is_reported_not_overwritten() -> None:
    spider = pages.spider(JsonApiSpider, _source(""))
    request = spider.page_request("https://api.example.dk/v2/events", 0)
    got = pages.parse(spider.parse, _answer(request, [{"id": 7, "name": "A"},
                                                      {"id": 7, "name": "B"}]))
    assert [i.raw.structured["name"] for i in pages.activities(got)] == ["A"]  # type: ignore[index]
    assert pages.problems(spider) == [("duplicate_id", "events")]


# -- each item's own record, flags, withheld fields, joined paths ------------------------------

DETAIL_TABLE = """items = "hits"
detail = "/v2/events/{id}"
link = "https://www.example.dk/arr/{id}"
skip = { private = { "private" = [true] } }
flags = { cancelledAt = { status = "Aflyst" }, full = { status = "Udsolgt" } }
withhold = { hideAddress = ["street", "postcode"] }
"""
DETAIL_FIELDS = """street = "address.street + address.no"
postcode = "address.zip"
signup = "signup"
"""


def _detail_crawl(records: dict[int, object], listed: list[dict[str, Any]]
                  ) -> tuple[JsonApiSpider, list[Request], list[ActivityItem]]:
    """The list answers `listed`; each item's own record is `records[id]` (an Exception:
    that request fails)."""
    spider = pages.spider(JsonApiSpider, _source(DETAIL_TABLE, DETAIL_FIELDS))
    first = spider.page_request("https://api.example.dk/v2/events", 0)
    got = pages.parse(spider.parse, _answer(first, {"hits": listed}))
    details = pages.requests(got)
    out: list[Any] = []
    for request in details:
        record = records[int(request.url.rsplit("/", 1)[-1])]
        if isinstance(record, Exception):
            out += _failed(spider, request, record)
        else:
            out += pages.parse(spider.parse_detail, _answer(request, record))
    return spider, details, pages.activities(out)


def _failed(spider: JsonApiSpider, request: Request, error: Exception) -> list[Any]:
    """What the spider yields when `request` fails with `error` (its errback)."""
    failure = Failure(error)  # type: ignore[no-untyped-call]
    failure.request = request  # type: ignore[attr-defined]
    with pages.frozen_clock():
        return list(spider.on_page_error(failure))


def test_each_item_is_asked_for_by_its_own_address_and_made_when_all_are_in() -> None:
    spider, details, items = _detail_crawl(
        {1: {"id": 1, "name": "Fugletur"}, 2: {"id": 2, "name": "Naturpleje"}},
        [{"id": 1}, {"id": 2}, {"name": "uden id"}])
    assert [r.url for r in details] == ["https://api.example.dk/v2/events/1",
                                        "https://api.example.dk/v2/events/2"]
    names = sorted(i.raw.structured["name"] for i in items)  # type: ignore[index]
    assert names == ["Fugletur", "Naturpleje", "uden id"]  # no id: read from the list


def test_the_record_wins_and_the_list_fills_what_it_leaves_unsaid() -> None:
    _, _, (item,) = _detail_crawl({1: {"id": 1, "name": "Ny titel", "signup": None}},
                                  [{"id": 1, "name": "Gammel titel", "signup": "Tilmelding"}])
    assert (item.raw.structured or {})["name"] == "Ny titel"
    assert item.raw.texts["signup"] == "Tilmelding"


def test_skip_is_checked_on_the_record() -> None:
    spider, _, items = _detail_crawl({1: {"id": 1, "name": "Møde", "private": True}},
                                     [{"id": 1}])
    assert items == [] and pages.stat(spider, "fkort/skipped/private") == 1


def test_a_record_that_fails_is_reported_and_the_others_made() -> None:
    spider, _, items = _detail_crawl({1: ValueError("timeout"), 2: {"id": 2, "name": "B"}},
                                     [{"id": 1, "name": "A"}, {"id": 2}])
    assert [(i.raw.structured or {})["name"] for i in items] == ["B"]
    assert [p["reason"] for p in pages.stat(spider, "fkort/problems")] == ["ValueError"]


def test_a_broken_record_is_a_problem() -> None:
    spider = pages.spider(JsonApiSpider, _source(DETAIL_TABLE, DETAIL_FIELDS))
    first = spider.page_request("https://api.example.dk/v2/events", 0)
    (detail,) = pages.requests(pages.parse(spider.parse, _answer(first, {"hits": [{"id": 1}]})))
    broken = TextResponse(detail.url, body=b"<html>", encoding="utf-8",
                          request=Request(detail.url, meta=detail.meta))
    assert pages.activities(pages.parse(spider.parse_detail, broken)) == []
    assert pages.problems(spider) == [("broken_json", "1")]


def test_link_template_is_the_items_page() -> None:
    _, _, (item,) = _detail_crawl({1: {"id": 1, "name": "A"}}, [{"id": 1}])
    assert item.raw.source.url == "https://www.example.dk/arr/1"


@pytest.mark.parametrize(("record", "status"), [
    ({"cancelledAt": "2026-11-18T09:12:44+01:00", "full": True}, "Aflyst"),
    ({"cancelledAt": None, "full": True}, "Udsolgt"),
    ({"cancelledAt": None, "full": False}, None),
    ({"cancelledAt": "", "full": 0}, None),
])
def test_flags_state_a_fields_text(record: dict[str, Any], status: str | None) -> None:
    _, _, (item,) = _detail_crawl({1: {"id": 1, "name": "A", **record}}, [{"id": 1}])
    assert item.raw.texts.get("status") == status


def test_withheld_fields_are_not_read_and_parts_are_joined() -> None:
    address = {"street": "Vestergade", "no": "3", "zip": "7500"}
    _, _, (shown, hidden) = _detail_crawl(
        {1: {"id": 1, "name": "A", "address": address, "hideAddress": False},
         2: {"id": 2, "name": "B", "address": address, "hideAddress": True}},
        [{"id": 1}, {"id": 2}])
    assert (shown.raw.structured or {})["location"]["address"] == {
        "streetAddress": "Vestergade 3", "postalCode": "7500"}
    assert "location" not in (hidden.raw.structured or {})
    assert "Vestergade" not in json.dumps(hidden.raw.model_dump(mode="json"))


def test_flag_and_withhold_name_known_fields() -> None:
    with pytest.raises(ValueError, match="unknown field"):
        _source('flags = { x = { when = "nu" } }')
    with pytest.raises(ValueError, match="unknown field"):
        _source('withhold = { x = ["adresse"] }')


def test_unknown_field_name_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown field"):
        SourceConfig.model_validate({"name": "x", "kind": "portal", "spider": "jsonapi",
                                     "start_urls": ["https://x.dk"],
                                     "json": {"fields": {"when": "x"}}})


def test_cursor_paging_needs_its_path() -> None:
    with pytest.raises(ValueError, match="cursor"):
        _source('paging = "cursor"')


def test_unknown_platform_is_refused() -> None:
    # The known platforms are named (sorted; more are added over time).
    with pytest.raises(ValueError, match=r"unknown platform 'wordpress'; known: .*\bdpl-cms\b"):
        SourceConfig.model_validate({"name": "x", "platform": "wordpress",
                                     "start_urls": ["https://x.dk"]})


def test_portal_api_dict_unchanged() -> None:
    assert SOURCE["foreningsportal"].api == {}


@pytest.mark.parametrize(("data", "path", "found"), [
    ([{"a": 1}], "", [{"a": 1}]),
    ({"a": {"b": [1, 2]}}, "a.b.1", 2),
    ({"t": [{"p": {"v": 5}}, {"p": {"v": 0}}]}, "t.*.p.v", [5, 0]),
    ({"a": None}, "a.b", None),
    ({"a": "x"}, "a.0", None),
])
def test_pick(data: object, path: str, found: object) -> None:
    assert pick(data, path) == found


# -- invariants ------------------------------------------------------------------------------

@pytest.mark.parametrize("activity", [*ACTS.values(), *CAL_ACTS.values()],
                         ids=lambda a: a.title)
def test_every_activity_has_a_start(activity: Activity) -> None:
    assert activity.schedule.start is not None


@pytest.mark.parametrize("activity", [*ACTS.values(), *CAL_ACTS.values()],
                         ids=lambda a: a.title)
def test_every_activity_has_a_postcode(activity: Activity) -> None:
    assert activity.location.postcode == "7500"
