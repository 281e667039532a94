"""The nemtilmeld platform on the saved pages of an organiser's subdomain
(tests/files/nemtilmeld/holstebro/), parsed once under the frozen clock: a source with only
`name`, `platform`, the start URL, its municipality and a title filter; the front page's links
to the event pages; each event page's JSON-LD with the sign-up box's text filling what it
leaves unsaid (`selectors_fill`); a contact person never read (the crawl into the index:
test_nemtilmeld_crawl.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from scrapy.http import HtmlResponse, Request

from core.schema import Activity, Availability, EventStatus, ScheduleKind, SourceKind
from crawlers.items import ActivityItem
from crawlers.platforms import PLATFORMS
from crawlers.platforms.nemtilmeld import EVENT_PAGE
from crawlers.sources import SourceConfig
from crawlers.spiders.municipal import MunicipalSpider
from normalize.schedule import next_occurrences
from tests.conftest import FILES
from tests.crawlers import pages

SITE = FILES / "nemtilmeld" / "holstebro"
BASE = "https://holstebro.nemtilmeld.dk"
#: The event pages the front page links to, in its order.
EVENT_IDS = ("1482", "1490", "1503", "1511", "1520", "1534", "1541", "1545")

SOURCES = """
[[source]]
name = "holstebro-nemtilmeld"
platform = "nemtilmeld"
start_urls = ["{site}"]
[source.options]
municipality = "Holstebro"
[source.titles]
exclude = ["^internt:"]
"""

SOURCE = pages.sources(SOURCES, {"site": BASE})["holstebro-nemtilmeld"]
SPIDER = pages.spider(MunicipalSpider, SOURCE)
FRONT = pages.parse(SPIDER.parse, pages.response(SITE / "index.html", f"{BASE}/"))
OUT = pages.parse(SPIDER.parse, *(
    pages.response(SITE / n / "index.html", f"{BASE}/{n}/", fk_depth=1) for n in EVENT_IDS))
ITEMS = pages.activities(OUT)
EVENTS = {a.title: a for a in pages.normalize(ITEMS)}
KNIT = EVENTS["Strikkecafé på Vinderup Bibliotek"]
LUNCH = EVENTS["Julefrokost for seniorer i Ulfborg"]
SUPPER = EVENTS["Fællesspisning i Medborgerhuset"]
WALK = EVENTS["Gåtur langs Storå"]
TALK = EVENTS["Foredrag: Livet på heden i Vestjylland"]
BINGO = EVENTS["Banko i Vinderup Hallen"]



def _item(title: str) -> ActivityItem:
    (item,) = [i for i in ITEMS if " ".join(str((i.raw.structured or {}).get("name")).split())
               == title]
    return item


def test_the_platform_fills_in_the_source() -> None:
    assert (SOURCE.spider, SOURCE.kind, SOURCE.options.detail, SOURCE.options.selectors_fill,
            SOURCE.selectors["status"]) == (
        "municipal", SourceKind.municipal, [EVENT_PAGE], True, ".event-signup")


def test_the_entrys_options_merge_with_the_presets() -> None:
    # The entry sets its municipality; the preset's detail pages and depth stay.
    assert (SOURCE.options.municipality, SOURCE.options.max_depth) == ("Holstebro", 1)
    own = SourceConfig.model_validate({
        "name": "x", "platform": "nemtilmeld", "start_urls": [BASE],
        "selectors": {"status": ".status"}, "options": {"max_depth": 2}})
    assert (own.selectors["status"], own.selectors["title"], own.options.max_depth,
            own.options.detail) == (".status", "h1", 2, [EVENT_PAGE])
    assert PLATFORMS["nemtilmeld"]["selectors"]["status"] == ".event-signup"  # unchanged


@pytest.mark.parametrize(("url", "event"), [
    (f"{BASE}/1482/", True), (f"{BASE}/1482", True), ("http://127.0.0.1:8080/7/", True),
    (f"{BASE}/", False), (f"{BASE}/1482/signup/", False), (f"{BASE}/1482/?lang=en", False),
    (f"{BASE}/legal/terms/event/1490/raw", False), (f"{BASE}/support/guides/127/", False),
])
def test_event_pages_are_a_number_below_the_subdomain(url: str, event: bool) -> None:
    assert SPIDER.is_detail(url) is event


def test_the_front_page_leads_to_every_event_page_and_nothing_else() -> None:
    assert [r.url for r in pages.requests(FRONT)] == [f"{BASE}/{n}/" for n in EVENT_IDS]
    assert pages.activities(FRONT) == []


def test_one_activity_per_event_page_less_the_filtered_and_the_broken() -> None:
    assert sorted(EVENTS) == sorted([
        "Strikkecafé på Vinderup Bibliotek", "Julefrokost for seniorer i Ulfborg",
        "Fællesspisning i Medborgerhuset", "Gåtur langs Storå",
        "Foredrag: Livet på heden i Vestjylland", "Banko i Vinderup Hallen"])


def test_the_title_filter_skip_is_counted_and_named() -> None:
    assert pages.stat(SPIDER, "fkort/skipped/title_filter") == 1
    (named,) = pages.stat(SPIDER, "fkort/skipped_items")
    assert (named["reason"], named["url"]) == ("title_filter", f"{BASE}/1541/")
    assert "Internt: Frivilligmøde for besøgsvenner" in named["detail"]


def test_a_page_whose_jsonld_does_not_parse_is_reported_not_fatal() -> None:
    assert pages.problems(SPIDER) == [("broken_jsonld", "1545"),
                                      ("selectors_matched_nothing", "1545")]


def test_titles_with_odd_whitespace_are_cleaned() -> None:
    assert "Julefrokost for seniorer i Ulfborg" in EVENTS and "Gåtur langs Storå" in EVENTS


def test_the_page_address_or_its_url_is_the_id() -> None:
    assert _item("Strikkecafé på Vinderup Bibliotek").raw.origin_id == f"{BASE}/1482/"
    # No `url` in its JSON-LD: the page's own address.
    assert _item("Gåtur langs Storå").raw.origin_id == f"{BASE}/1511/"


def test_every_date_of_the_weekly_series() -> None:
    sched = KNIT.schedule
    assert (sched.kind, sched.rrule) == (
        ScheduleKind.recurring, "FREQ=WEEKLY;INTERVAL=1;BYDAY=TU;UNTIL=20270126T225959Z")
    dates = next_occurrences(sched, pages.at("2026-11-22", 0), count=20)
    assert dates == [pages.at("2026-12-01", 14) + timedelta(weeks=w) for w in range(9)]
    assert sched.end == pages.at("2026-12-01", 16)


def test_start_and_end_of_a_one_off() -> None:
    assert (LUNCH.schedule.kind, LUNCH.schedule.start, LUNCH.schedule.end) == (
        ScheduleKind.once, pages.at("2026-12-10", 12), pages.at("2026-12-10", 15, 30))


def test_no_end_stays_unknown() -> None:
    assert (WALK.schedule.start, WALK.schedule.end) == (pages.at("2026-11-28", 10), None)


@pytest.mark.parametrize(("title", "amount", "free"), [
    ("Strikkecafé på Vinderup Bibliotek", 0.0, True),
    ("Gåtur langs Storå", 0.0, True),                 # isAccessibleForFree, no offers
    ("Julefrokost for seniorer i Ulfborg", 150.0, False),
    ("Foredrag: Livet på heden i Vestjylland", 75.0, False),  # a non-member's of two offers
    ("Banko i Vinderup Hallen", 40.0, False),
])
def test_price(title: str, amount: float, free: bool) -> None:
    assert (EVENTS[title].price.amount_dkk, EVENTS[title].price.is_free) == (amount, free)


def test_place_name_street_postcode_city() -> None:
    assert [(a.location.name, a.location.address, a.location.postcode, a.location.city)
            for a in (KNIT, LUNCH, TALK)] == [
        ("Vinderup Bibliotek", "Søndergade 26", "7830", "Vinderup"),
        ("Ulfborg Kulturcenter", "Østergade 3", "6990", "Ulfborg"),
        ("Sognegården", "Struervej 52", "7500", "Holstebro")]


def test_organiser_from_the_jsonld_and_unknown_when_it_names_none() -> None:
    assert (KNIT.organizer.name, TALK.organizer.name, WALK.organizer.name) == (
        "Holstebro Kommune, Aktivitet og Fællesskab", "Holstebro Lokalhistoriske Forening",
        None)


def test_cancelled_from_the_jsonld() -> None:
    assert SUPPER.event_status is EventStatus.cancelled


@pytest.mark.parametrize(("title", "places", "words"), [
    ("Julefrokost for seniorer i Ulfborg", Availability.waitlist,
     "Der er ikke flere pladser – skriv dig på venteliste."),
    ("Foredrag: Livet på heden i Vestjylland", Availability.full, "UDSOLGT"),
    # Registration closed says nothing of places: unknown, not a guess.
    ("Banko i Vinderup Hallen", Availability.unknown, None),
    ("Strikkecafé på Vinderup Bibliotek", Availability.unknown, None),
])
def test_places_from_the_sign_up_box_when_the_jsonld_says_nothing(
        title: str, places: Availability, words: str | None) -> None:
    assert (EVENTS[title].availability, EVENTS[title].availability_text) == (places, words)


def test_sign_up_is_required_for_every_event() -> None:
    assert {a.title: a.drop_in for a in EVENTS.values()} == dict.fromkeys(EVENTS, False)


def test_the_contact_person_is_never_read() -> None:
    kept = " ".join([*(str(i.raw.model_dump()) for i in ITEMS),
                     *(a.model_dump_json() for a in EVENTS.values())])
    for private in ("Birthe Mikkelsen", "21 43 65 87", "bimi-privat", "Karen Søgaard",
                    "40 12 77 31"):
        assert private not in kept


# -- selectors_fill, the generic option the preset turns on ---------------------------------

_TWO_EVENTS = """<html><head><script type="application/ld+json">[
  {"@type": "Event", "name": "Kortspil", "startDate": "2026-12-01T14:00:00+01:00"},
  {"@type": "Event", "name": "Brætspil", "startDate": "2026-12-02T14:00:00+01:00"}]
</script></head><body><h1>To arrangementer</h1>
<div class="event-signup">Udsolgt</div></body></html>"""


def _parsed(source: SourceConfig, url: str, body: bytes) -> list[Activity]:
    spider = pages.spider(MunicipalSpider, source)
    response = HtmlResponse(url=url, body=body, encoding="utf-8",
                            request=Request(url, meta={"fk_depth": 1}))
    return pages.normalize(pages.parse(spider.parse, response))


def test_without_selectors_fill_the_box_is_not_read() -> None:
    plain = SOURCE.model_copy(update={"options": SOURCE.options.model_copy(
        update={"selectors_fill": False})})
    (lunch,) = _parsed(plain, f"{BASE}/1490/", (SITE / "1490" / "index.html").read_bytes()
                       .replace(b"{BASE}", BASE.encode()))
    assert lunch.availability is Availability.unknown


def test_a_page_of_several_structured_events_is_not_filled() -> None:
    found = _parsed(SOURCE, f"{BASE}/77/", _TWO_EVENTS.encode())
    assert sorted((a.title, a.availability) for a in found) == [
        ("Brætspil", Availability.unknown), ("Kortspil", Availability.unknown)]
