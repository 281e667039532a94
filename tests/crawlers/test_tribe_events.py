"""The tribe-events platform (WordPress "The Events Calendar") on saved answers of its REST
API, parsed once under the frozen clock: a source with only `name`, `platform`, the site's
address and a page size; two pages read and no third (the plugin answers 404 past
`total_pages`); every field the format states (the crawl: test_tribe_events_crawl.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.schema import Activity, SourceKind
from crawlers.platforms import PLATFORMS
from crawlers.spiders.jsonapi import JsonApiSpider
from tests.conftest import FILES
from tests.crawlers import pages
from tests.crawlers.test_jsonapi import walk

SITE = FILES / "tribe-events" / "vinderup-seniorklub"
BASE = "https://www.vinderup-seniorklub.dk"
API = f"{BASE}/wp-json/tribe/events/v1/events"

SOURCES = """
[[source]]
name = "vinderup-seniorklub"
platform = "tribe-events"
start_urls = ["{club}"]
[source.json]
page_size = 4
"""

SOURCE = pages.sources(SOURCES, {"club": BASE})["vinderup-seniorklub"]
SPIDER = pages.spider(JsonApiSpider, SOURCE)
OUT, ASKED = walk(SPIDER, SITE)
ITEMS = pages.activities(OUT)
EVENTS = {a.title: a for a in pages.normalize(ITEMS)}
KNIT = EVENTS["Strikkecafé i klubhuset"]
BRIDGE = EVENTS["Bridge for begyndere"]
MARKET = EVENTS["Julemarked i Seniorklubben"]
WALK = EVENTS["Gåtur langs Vinderup Å"]
CLUB_NIGHT = EVENTS["Bridge – klubaften"]




# -- the preset ------------------------------------------------------------------------------

def test_the_platform_fills_in_the_source() -> None:
    api = SOURCE.json_api
    assert api is not None
    assert (SOURCE.spider, SOURCE.kind, api.items, api.paging, api.size_param,
            api.total_pages) == ("jsonapi", SourceKind.municipal, "events", "page",
                                 "per_page", "total_pages")


def test_the_entry_sets_only_the_page_size() -> None:
    assert SOURCE.json_api is not None and SOURCE.json_api.page_size == 4
    assert PLATFORMS["tribe-events"]["json"]["page_size"] == 50  # the plugin's maximum


# -- paging ----------------------------------------------------------------------------------

def test_two_pages_and_no_third() -> None:
    assert ASKED == [f"{API}?page=1&per_page=4", f"{API}?page=2&per_page=4"]


def test_every_page_counted_no_problems() -> None:
    assert (pages.stat(SPIDER, "fkort/pages"), pages.problems(SPIDER)) == (2, [])


def test_every_event_of_both_pages() -> None:
    assert len(ITEMS) == 7 and len(EVENTS) == 7


def _one_page(tmp_path: Path, body: dict[str, object]) -> list[object]:
    spider = pages.spider(JsonApiSpider, SOURCE)
    (start,) = [spider.page_request(u, depth=0) for u in SOURCE.start_urls]
    file = tmp_path / "page.json"
    file.write_text(json.dumps(body), encoding="utf-8")
    return pages.parse(spider.parse, pages.response(file, start.url, **start.meta))


def test_total_pages_never_leads_past_an_empty_page(tmp_path: Path) -> None:
    out = _one_page(tmp_path, {"events": [], "total": 9, "total_pages": 3})
    assert pages.requests(out) == []


def test_without_total_pages_a_full_page_asks_for_the_next(tmp_path: Path) -> None:
    record = json.loads((SITE / "wp-json/tribe/events/v1/events/page=1&per_page=4.json")
                        .read_text(encoding="utf-8"))["events"][0]
    (nxt,) = pages.requests(_one_page(tmp_path, {"events": [record]}))
    assert nxt.url == f"{API}?page=2&per_page=4"


# -- fields ----------------------------------------------------------------------------------

def test_post_id_is_the_origin() -> None:
    assert pages.item_named(ITEMS, "Strikkecafé i klubhuset").raw.origin_id == "1201"


def test_id_is_namespaced_by_the_source() -> None:
    assert KNIT.id.startswith("vinderup-seniorklub:")


def test_title_with_an_html_entity() -> None:
    assert "Foredrag: Vestjylland i 1950’erne" in EVENTS


def test_description_html_as_text() -> None:
    assert KNIT.description == (
        "Tag dit strikketøj med og få en snak over kaffen. Alle kan være med – også "
        "begyndere. Vi har garn og pinde, hvis du mangler.")


def test_start_and_end_local_time() -> None:
    assert (KNIT.schedule.kind.value, KNIT.schedule.start, KNIT.schedule.end,
            KNIT.schedule.time_known) == (
        "once", pages.at("2026-12-03", 14), pages.at("2026-12-03", 16, 30), True)


def test_winter_time_of_january_events() -> None:
    assert CLUB_NIGHT.schedule.start == pages.at("2027-01-05", 19)


def test_all_day_is_time_unknown() -> None:
    assert (MARKET.schedule.start, MARKET.schedule.time_known) == (pages.at("2026-12-12", 0), False)


def test_the_events_page() -> None:
    assert KNIT.source.url == f"{BASE}/arrangement/strikkecafe-i-klubhuset/"


@pytest.mark.parametrize(("title", "amount", "free"), [
    ("Strikkecafé i klubhuset", 0.0, True),
    ("Bridge for begyndere", 50.0, False),
    ("Bridge – klubaften", 25.0, False),
    ("Foredrag: Vestjylland i 1950’erne", 40.0, False),
    ("Julemarked i Seniorklubben", None, None),
])
def test_cost_read_by_the_price_reader(title: str, amount: float | None,
                                       free: bool | None) -> None:
    price = EVENTS[title].price
    assert (price.amount_dkk, price.is_free) == (amount, free)


def test_venue_address() -> None:
    loc = BRIDGE.location
    assert (loc.name, loc.address, loc.postcode, loc.city) == (
        "Medborgerhuset", "Nørregade 5", "7830", "Vinderup")


def test_venue_coordinates() -> None:
    assert (KNIT.location.lat, KNIT.location.lon) == (56.4812, 8.7801)


def test_organiser_with_email_and_phone() -> None:
    org = KNIT.organizer
    assert (org.name, org.email, org.phone) == (
        "Vinderup Seniorklub", "kontakt@vinderup-seniorklub.dk", "97 44 12 34")


def test_of_two_organisers_the_first() -> None:
    org = CLUB_NIGHT.organizer
    assert (org.name, org.email, org.phone) == (
        "Vinderup Bridgeklub", "bridge@vinderup-seniorklub.dk", "22 33 44 55")


def test_categories_as_keywords() -> None:
    assert pages.item_named(ITEMS, "Bridge for begyndere").raw.structured["keywords"] == (  # type: ignore[index]
        "Bridge, Kortspil")


def test_event_without_venue_has_no_place() -> None:
    loc = WALK.location
    assert (loc.name, loc.address, loc.postcode, loc.lat) == (None, None, None, None)
    walk = pages.item_named(ITEMS, "Gåtur langs Vinderup Å")
    assert "location" not in (walk.raw.structured or {})


def test_event_without_organiser() -> None:
    assert (WALK.organizer.name, WALK.organizer.email) == (None, None)


def test_event_without_venue_is_still_indexed_with_its_time() -> None:
    assert (WALK.schedule.start, WALK.price.is_free) == (pages.at("2026-12-15", 10), True)


@pytest.mark.parametrize("activity", EVENTS.values(), ids=lambda a: a.title)
def test_post_status_publish_is_no_event_status(activity: Activity) -> None:
    # `status` is the WordPress post's ("publish"), not the event's: not mapped.
    assert activity.event_status.value == "unknown"
