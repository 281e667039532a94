"""The sogn platform (sogn.dk's open search over every parish's events, Elasticsearch) on saved
answers in its documented format, parsed under the frozen clock: a source with only `name`,
`platform`, the search's address and the municipality; the query sent as a GET's JSON body
with the municipality in it; `from`/`size` paging that ends on an empty page; church services
and deleted records skipped and counted; pastors' names (`person`) never stored (the crawl
through the fixture server: test_sogn_crawl.py)."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from core.schema import SourceKind
from crawlers.platforms import PLATFORMS
from crawlers.sources import SourceConfig
from crawlers.spiders.jsonapi import JsonApiSpider
from tests.conftest import FILES, TZ
from tests.crawlers import pages

SITE = FILES / "sogn" / "es"  # the host es.sogn.dk
BASE = "https://es.sogn.dk"
SEARCH = f"{BASE}/sognekalender/event/_search"
ANSWERS = SITE / "sognekalender/event/_search"

SOURCES = """
[[source]]
name = "holstebro-sogne"
platform = "sogn"
start_urls = ["{sogn}"]

[source.options]
municipality = "Holstebro"
"""

PASTORS = ("Mette Kjærgaard Lund", "Jens Peter Holm")

SOURCE = pages.sources(SOURCES, {"sogn": BASE})["holstebro-sogne"]
SPIDER = pages.spider(JsonApiSpider, SOURCE)
(START,) = [SPIDER.page_request(u, depth=0) for u in SOURCE.start_urls]


def _page(offset: int) -> str:
    return f"{SEARCH}?from={offset}&size=100"


FIRST = pages.parse(SPIDER.parse, pages.response(ANSWERS / "from=0&size=100.json", _page(0),
                                                 **START.meta))
(SECOND_REQUEST,) = pages.requests(FIRST)
SECOND = pages.parse(SPIDER.parse, pages.response(ANSWERS / "from=4&size=100.json", _page(4),
                                                  **SECOND_REQUEST.meta))
(THIRD_REQUEST,) = pages.requests(SECOND)
LAST = pages.parse(SPIDER.parse, pages.response(ANSWERS / "from=6&size=100.json", _page(6),
                                                **THIRD_REQUEST.meta))
ITEMS = pages.activities(LAST)
EVENTS = {a.title: a for a in pages.normalize(ITEMS)}
AFTERNOON = EVENTS["Sogneeftermiddag: Fortællinger fra Vestjylland"]
KNIT = EVENTS["Strikkecafé i Sognehuset"]
CONCERT = EVENTS["De ni læsninger med korsang"]


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=TZ)


def test_the_platform_fills_in_the_source() -> None:
    assert (SOURCE.spider, SOURCE.kind, SOURCE.json_api is not None) == (
        "jsonapi", SourceKind.municipal, True)


def test_the_municipality_is_required() -> None:
    with pytest.raises(ValueError, match=r"\[source.options\] municipality"):
        SourceConfig.model_validate({"name": "x", "platform": "sogn", "start_urls": [BASE]})


def test_the_search_is_a_get_with_a_json_body_paged_in_the_url() -> None:
    assert (START.method, START.url, START.headers.get("Content-Type")) == (
        "GET", _page(0), b"application/json")
    assert START.meta["dont_cache"]  # the answers hold pastors' names: not kept on disk


def test_the_body_asks_for_the_municipality_and_leaves_out_services_and_deleted() -> None:
    query = json.loads(START.body)["query"]["bool"]
    assert {"match": {"kommunenavn": {"query": "Holstebro", "operator": "and"}}} in (
        query["filter"])
    assert {"term": {"deleted": False}} in query["filter"]
    assert query["must_not"] == [{"term": {"eventtype": 1}}]
    assert "{municipality}" in json.dumps(PLATFORMS["sogn"])  # the preset itself unchanged


def test_offset_steps_by_the_page_and_paging_stops_on_an_empty_page() -> None:
    assert (SECOND_REQUEST.url, THIRD_REQUEST.url) == (_page(4), _page(6))
    assert json.loads(SECOND_REQUEST.body) == json.loads(START.body)
    assert pages.requests(LAST) == [] and pages.stat(SPIDER, "fkort/pages") == 3


def test_church_services_and_deleted_records_skipped_and_counted() -> None:
    assert sorted(EVENTS) == ["De ni læsninger med korsang",
                              "Sogneeftermiddag: Fortællinger fra Vestjylland",
                              "Strikkecafé i Sognehuset"]
    assert (pages.stat(SPIDER, "fkort/skipped/church_service"),
            pages.stat(SPIDER, "fkort/skipped/deleted")) == (2, 1)
    named = {(s["reason"], s["detail"]) for s in pages.stat(SPIDER, "fkort/skipped_items")}
    assert named == {("church_service", "3104230"), ("church_service", "3104318"),
                     ("deleted", "3104245")}


def test_title_dates_and_end() -> None:
    assert (AFTERNOON.schedule.start, AFTERNOON.schedule.end) == (_at(2, 14), _at(2, 16))
    assert (CONCERT.schedule.start, CONCERT.schedule.end) == (_at(13, 16), _at(13, 17, 15))
    # No end given (`noenddate`; `enddate` repeats the start): no end, not a zero-length one.
    assert (KNIT.schedule.start, KNIT.schedule.end) == (_at(9, 10), None)


def test_place_is_the_church_or_parish_house_with_its_address() -> None:
    loc = AFTERNOON.location
    assert (loc.name, loc.address, loc.postcode, loc.city) == (
        "Sct. Jørgens Sognegård", "Ringkøbingvej 8", "7500", "Holstebro")
    assert CONCERT.location.name == "Mejrup Kirke"


def test_the_parish_is_the_organiser() -> None:
    assert (AFTERNOON.organizer.name, KNIT.organizer.name) == (
        "Sct. Jørgens Sogn", "Holstebro Sogn")


def test_description_else_the_short_description() -> None:
    assert "Lokalhistoriker Anders Bøgh" in AFTERNOON.description
    assert CONCERT.description == "Julens fortælling i ord og toner"


def test_id_and_link() -> None:
    origins = {i.raw.origin_id for i in ITEMS}
    assert origins == {"3104211", "3104260", "3104302"}
    assert KNIT.source.url == "https://www.holstebrokirke.dk/kalender/strikkecafe"


def test_no_price_in_the_format_so_none_is_made_up() -> None:
    assert all("offers" not in (i.raw.structured or {}) for i in ITEMS)


def test_no_pastor_name_reaches_an_activity() -> None:
    stored = json.dumps([i.raw.model_dump(mode="json") for i in ITEMS], ensure_ascii=False)
    stored += json.dumps([a.model_dump(mode="json") for a in EVENTS.values()],
                         ensure_ascii=False)
    assert not [p for p in PASTORS if p in stored]
    assert "kigger forbi" in KNIT.description  # the sentence stays, the name is cut out


def test_no_field_path_reads_person_or_priest_data() -> None:
    preset = json.dumps(PLATFORMS["sogn"]["json"]["fields"])
    assert "person" not in preset and "priest" not in json.dumps(PLATFORMS["sogn"])
