"""The dpl-cms platform (the Danish public libraries' CMS) on a saved answer of its events API,
parsed once under the frozen clock: a source with only `name`, `platform` and the library
site's address; occurrences of one series as one activity; price in kroner; the platform's
state handed on as `texts["status"]` (the crawl with robots.txt: test_dpl_cms_crawl.py)."""

from __future__ import annotations

import pytest

from core.schema import Activity, SourceKind
from crawlers.items import ActivityItem
from crawlers.platforms import PLATFORMS
from crawlers.sources import SourceConfig
from crawlers.spiders.jsonapi import JsonApiSpider
from tests.conftest import FILES
from tests.crawlers import pages

SITE = FILES / "dpl-cms" / "holstebro"
BASE = "https://www.holstebrobibliotek.dk"
API = f"{BASE}/api/v1/events?_format=json"

SOURCES = """
[[source]]
name = "holstebro-bibliotek"
platform = "dpl-cms"
start_urls = ["{library}"]
"""

SOURCE = pages.sources(SOURCES, {"library": BASE})["holstebro-bibliotek"]
SPIDER = pages.spider(JsonApiSpider, SOURCE)
(START,) = [SPIDER.page_request(u, depth=0) for u in SOURCE.start_urls]
OUT = pages.parse(SPIDER.parse, pages.response(SITE / "api/v1/events/_format=json.json", API))
ITEMS = pages.activities(OUT)
EVENTS = {a.title: a for a in pages.normalize(ITEMS)}
KNIT = EVENTS["Strikkecafé på biblioteket"]
CRIME = EVENTS["Krimiaften: Mord i Vestjylland"]




def test_the_platform_fills_in_the_source() -> None:
    assert (SOURCE.spider, SOURCE.kind, SOURCE.json_api is not None) == (
        "jsonapi", SourceKind.municipal, True)


def test_an_entry_overrides_the_preset_key_by_key() -> None:
    own = SourceConfig.model_validate({
        "name": "x", "platform": "dpl-cms", "start_urls": [BASE],
        "json": {"price_unit": 0.01, "fields": {"title": "name"}},
        "options": {"municipality": "Holstebro"}})
    assert own.json_api is not None
    assert (own.json_api.price_unit, own.json_api.fields["title"],
            own.json_api.fields["start"], own.json_api.endpoint, own.options.municipality) == (
        0.01, "name", "date_time.start", "/api/v1/events?_format=json", "Holstebro")
    assert PLATFORMS["dpl-cms"]["json"]["fields"]["title"] == "title"  # the preset unchanged


def test_the_events_endpoint_below_the_site() -> None:
    assert (START.method, START.url) == ("GET", API)


def test_one_page_read_no_further_request() -> None:
    assert pages.stat(SPIDER, "fkort/pages") == 1 and pages.requests(OUT) == []


def test_occurrences_of_a_series_are_one_activity() -> None:
    assert len(ITEMS) == 6  # 9 records: a series of 4 is one activity


def test_series_id_is_the_origin() -> None:
    assert pages.item_named(ITEMS, "Strikkecafé på biblioteket").raw.origin_id == (
        "9b0f3c2d-6e5a-4f1b-8c7d-1a2b3c4da001")


def test_series_start() -> None:
    assert KNIT.schedule.start == pages.at("2026-12-03", 14)


def test_series_end_of_the_first_meeting() -> None:
    assert KNIT.schedule.end == pages.at("2026-12-03", 16)


def test_series_further_dates_without_the_cancelled_one() -> None:
    assert KNIT.schedule.dates == [pages.at("2026-12-10", 14), pages.at("2027-01-07", 14)]


def test_series_cancelled_meeting_is_handed_on_as_skipped() -> None:
    assert pages.item_named(ITEMS, "Strikkecafé på biblioteket").raw.calendar["exdates"] == [  # type: ignore[index]
        "2026-12-17T14:00:00+01:00"]


def test_cancelled_meeting_is_counted() -> None:
    assert pages.stat(SPIDER, "fkort/skipped/cancelled_occurrence") == 1


def test_series_time_is_known() -> None:
    assert KNIT.schedule.time_known


def test_series_page_is_its_first_meeting() -> None:
    assert KNIT.source.url == f"{BASE}/arrangementer/voksne/strikkecafe-pa-biblioteket-1"


def test_free_series() -> None:
    assert (KNIT.price.amount_dkk, KNIT.price.is_free) == (0.0, True)


def test_price_in_kroner_the_lowest_category() -> None:
    assert (CRIME.price.amount_dkk, CRIME.price.is_free) == (40.0, False)


def test_no_ticket_categories_price_unknown() -> None:
    price = EVENTS["Sprogcafé – snak dansk over en kop kaffe"].price
    assert (price.amount_dkk, price.is_free) == (None, None)


def test_one_off_start_and_end() -> None:
    assert (CRIME.schedule.kind.value, CRIME.schedule.start, CRIME.schedule.end) == (
        "once", pages.at("2026-12-08", 19), pages.at("2026-12-08", 21))


def test_place() -> None:
    loc = CRIME.location
    assert (loc.name, loc.address, loc.postcode, loc.city) == (
        "Holstebro Bibliotek, Salen", "Dronningens Gade 2", "7500", "Holstebro")


def test_place_of_a_branch_from_branches() -> None:
    loc = EVENTS["Læseklub for voksne i Vinderup"].location
    assert (loc.name, loc.address, loc.postcode, loc.city) == (
        "Vinderup Bibliotek", "Søndergade 24", "7830", "Vinderup")


def test_description() -> None:
    assert (CRIME.description or "").startswith("En aften om krimier")


def test_tags_as_keywords() -> None:
    assert pages.item_named(ITEMS, "Krimiaften: Mord i Vestjylland").raw.structured["keywords"] == (  # type: ignore[index]
        "Litteratur, Foredrag")


@pytest.mark.parametrize(("title", "state"), [
    ("Strikkecafé på biblioteket", "Active"),
    ("Krimiaften: Mord i Vestjylland", "SoldOut"),
    ("Filmklub: Danske klassikere", "Cancelled"),
    ("Julehygge med højtlæsning", "Occurred"),
    ("Læseklub for voksne i Vinderup", "TicketSaleNotOpen"),
])
def test_state_is_handed_on_as_status(title: str, state: str) -> None:
    assert pages.item_named(ITEMS, title).raw.texts["status"] == state


def test_no_problems() -> None:
    assert pages.problems(SPIDER) == []


# -- invariants ------------------------------------------------------------------------------

@pytest.mark.parametrize("activity", EVENTS.values(), ids=lambda a: a.title)
def test_id_is_namespaced_by_the_source(activity: Activity) -> None:
    assert activity.id.startswith("holstebro-bibliotek:")


@pytest.mark.parametrize("activity", EVENTS.values(), ids=lambda a: a.title)
def test_every_event_has_a_start_with_its_time(activity: Activity) -> None:
    assert activity.schedule.start is not None and activity.schedule.time_known


@pytest.mark.parametrize("activity", EVENTS.values(), ids=lambda a: a.title)
def test_every_event_has_a_postcode(activity: Activity) -> None:
    assert activity.location.postcode in ("7500", "7830")


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i.raw.origin_id)
def test_every_page_is_the_events_own(item: ActivityItem) -> None:
    assert item.raw.source.url.startswith(f"{BASE}/arrangementer/")


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i.raw.origin_id)
def test_found_on_the_api_page(item: ActivityItem) -> None:
    assert item.found_at == API
