"""The aeldresagen platform (Ældre Sagen's local departments on aeldresagen.dk) on the saved
pages of tests/files/aeldresagen/holstebro/, parsed once under the frozen clock: a source of
only `name`, `platform`, two departments' list pages and the municipality; each card followed
to its page, the page's labelled facts read, each department the organiser of its activities
(the crawl into the index: test_aeldresagen_crawl.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.schema import Activity, Availability, EventStatus, ScheduleKind, SourceKind
from crawlers.platforms import PLATFORMS
from crawlers.sources import SourceConfig
from crawlers.spiders.municipal import MunicipalSpider
from tests.conftest import FILES
from tests.crawlers import pages

SITE = FILES / "aeldresagen" / "holstebro"
BASE = "https://www.aeldresagen.dk"
DEPARTMENTS = ("holstebro", "vinderup")

SOURCES = """
[[source]]
name = "aeldresagen-holstebro"
platform = "aeldresagen"
start_urls = ["{site}/lokalafdelinger/holstebro/aktiviteter-og-kurser",
              "{site}/lokalafdelinger/vinderup/aktiviteter-og-kurser"]
[source.options]
municipality = "Holstebro"
"""

#: The volunteers named as contact persons on the pages: never kept.
CONTACTS = ("Gunnar Østergaard", "21 43 65 87", "Birthe Kjærgaard", "51 92 33 70",
            "birthe.kjaergaard@privat.dk")

SOURCE = pages.sources(SOURCES, {"site": BASE})["aeldresagen-holstebro"]
SPIDER = pages.spider(MunicipalSpider, SOURCE)
LISTINGS = pages.parse(SPIDER.parse, *(
    pages.response(SITE / "lokalafdelinger" / d / "aktiviteter-og-kurser" / "index.html",
                   f"{BASE}/lokalafdelinger/{d}/aktiviteter-og-kurser") for d in DEPARTMENTS))
DETAILS = pages.requests(LISTINGS)
OUT = pages.parse(SPIDER.parse, *(
    pages.response(SITE / r.url.removeprefix(BASE + "/") / "index.html", r.url, **r.meta)
    for r in DETAILS))
ITEMS = pages.activities(OUT)
EVENTS = {a.title: a for a in pages.normalize(ITEMS)}
WALK = EVENTS["Stavgang i Plantagen"]
MEAL = EVENTS["Spis sammen på Aktivitetscentret"]
TALK = EVENTS["AFLYST: Foredrag om Holstebros købstadshistorie"]
LUNCH = EVENTS["Julefrokost for medlemmer"]
CAFE = EVENTS["IT-café: hjælp til MitID og telefon"]
KROLF = EVENTS["Krolf ved Vinderup Hallen"]
TRIP = EVENTS["Bustur til Ulfborg og Vesterhavet"]



def _skipped() -> list[tuple[str, str, str]]:
    return [(s["reason"], s["url"].removeprefix(BASE), s["detail"])
            for s in pages.stat(SPIDER, "fkort/skipped_items") or []]


def test_the_platform_fills_in_the_source() -> None:
    assert (SOURCE.spider, SOURCE.kind, SOURCE.items is not None, SOURCE.items and
            SOURCE.items.follow_link, SOURCE.defaults.organizer) == (
        "municipal", SourceKind.municipal, True, True, "Ældre Sagen")


def test_an_entry_overrides_the_preset_table_by_table_key_by_key() -> None:
    own = SourceConfig.model_validate({
        "name": "x", "platform": "aeldresagen", "start_urls": [BASE],
        "items": {"follow_link": False}, "defaults": {"municipality": "Assens"},
        "selectors": {"price": ".pris"}})
    assert own.items is not None
    assert (own.items.follow_link, own.items.item, own.defaults.organizer,
            own.options.municipality, own.selectors["price"], own.selectors["when"]) == (
        False, PLATFORMS["aeldresagen"]["items"]["item"], "Ældre Sagen", "Assens", ".pris",
        PLATFORMS["aeldresagen"]["selectors"]["when"])
    assert PLATFORMS["aeldresagen"]["items"]["follow_link"] is True  # the preset unchanged


def test_each_card_with_a_title_is_followed_to_its_page() -> None:
    assert sorted(r.url.removeprefix(BASE) for r in DETAILS) == sorted(
        [f"/aktiviteter-og-kurser/kommune/holstebro/holstebro/{x}" for x in (
            "451203317-stavgang-i-plantagen", "451203402-spis-sammen",
            "451203455-foredrag-holstebros-historie", "451203510-julefrokost",
            "451203588-it-cafe", "451203601-bestyrelsesmoede")]
        + [f"/aktiviteter-og-kurser/kommune/holstebro/vinderup/{x}" for x in (
            "451377120-krolf", "451377164-bustur-ulfborg")])


def test_pages_read_without_problems() -> None:
    assert (pages.stat(SPIDER, "fkort/pages"), pages.problems(SPIDER)) == (10, [])


def test_a_card_without_a_title_and_a_board_meeting_are_skipped_and_named() -> None:
    assert _skipped() == [
        ("item_without_title", "/lokalafdelinger/holstebro/aktiviteter-og-kurser",
         "item 7 of the page"),
        ("title_filter", "/aktiviteter-og-kurser/kommune/holstebro/holstebro/"
         "451203601-bestyrelsesmoede",
         "'Bestyrelsesmøde december': excluded by 'bestyrelsesm[øo]de'")]


def test_a_list_showing_fewer_cards_than_it_states_is_reported(tmp_path: Path) -> None:
    listing = SITE / "lokalafdelinger" / "vinderup" / "aktiviteter-og-kurser" / "index.html"
    page = tmp_path / "index.html"
    page.write_text(listing.read_text(encoding="utf-8").replace(">2</span>", ">14</span>"),
                    encoding="utf-8")
    spider = pages.spider(MunicipalSpider, SOURCE)
    out = pages.parse(spider.parse, pages.response(
        page, f"{BASE}/lokalafdelinger/vinderup/aktiviteter-og-kurser"))
    assert len(pages.requests(out)) == 2  # the cards it shows are still read
    assert [(p["reason"], p["detail"]) for p in pages.stat(spider, "fkort/problems")] == [
        ("listing_incomplete", "the page states 14 items; 2 found")]


def test_seven_activities() -> None:
    assert sorted(EVENTS) == sorted(
        [WALK.title, MEAL.title, TALK.title, LUNCH.title, CAFE.title, KROLF.title, TRIP.title])
    assert len(ITEMS) == 7


def test_the_page_address_with_its_numeric_id_is_the_origin() -> None:
    assert {i.raw.origin_id.rsplit("/", 1)[-1].split("-")[0] for i in ITEMS} == {
        "451203317", "451203402", "451203455", "451203510", "451203588", "451377120",
        "451377164"}


def test_title_whitespace_folded() -> None:
    assert CAFE.title == "IT-café: hjælp til MitID og telefon"


def test_weekly_activity_from_its_next_occurrence() -> None:
    s = WALK.schedule
    assert (s.kind, s.rrule, s.start, s.end) == (
        ScheduleKind.recurring, "FREQ=WEEKLY;BYDAY=TU", pages.at("2026-11-24", 9, 30),
        pages.at("2026-11-24", 11))


def test_every_other_week() -> None:
    s = KROLF.schedule
    assert (s.rrule, s.start, s.end) == ("FREQ=WEEKLY;INTERVAL=2;BYDAY=WE",
                                         pages.at("2026-11-25", 14), pages.at("2026-11-25", 16))


def test_each_date_of_a_series() -> None:
    s = MEAL.schedule
    assert [s.start, *s.dates] == [pages.at("2026-12-03", 12), pages.at("2027-01-14", 12),
                                   pages.at("2027-02-11", 12)]
    assert s.end == pages.at("2026-12-03", 14)


@pytest.mark.parametrize(("event", "start", "end"), [
    ("AFLYST: Foredrag om Holstebros købstadshistorie", ("2026-12-09", 14, 0),
     ("2026-12-09", 16, 0)),
    ("Julefrokost for medlemmer", ("2026-12-11", 12, 30), ("2026-12-11", 17, 0)),
    ("IT-café: hjælp til MitID og telefon", ("2026-12-10", 10, 0), ("2026-12-10", 12, 0)),
    ("Bustur til Ulfborg og Vesterhavet", ("2027-01-16", 9, 0), ("2027-01-16", 16, 30)),
])
def test_one_off_start_and_end(event: str, start: tuple[str, int, int],
                               end: tuple[str, int, int]) -> None:
    s = EVENTS[event].schedule
    assert (s.kind, s.start, s.end) == (ScheduleKind.once, pages.at(*start), pages.at(*end))


def test_free() -> None:
    assert (WALK.price.is_free, WALK.price.amount_dkk) == (True, 0.0)


@pytest.mark.parametrize(("event", "amount"), [
    ("Spis sammen på Aktivitetscentret", 95.0), ("Julefrokost for medlemmer", 325.0),
    ("Krolf ved Vinderup Hallen", 20.0), ("Bustur til Ulfborg og Vesterhavet", 445.0),
    ("AFLYST: Foredrag om Holstebros købstadshistorie", 75.0)])  # a newcomer: a non-member
def test_priced(event: str, amount: float) -> None:
    assert (EVENTS[event].price.amount_dkk, EVENTS[event].price.is_free) == (amount, False)


def test_no_price_stated_is_unknown() -> None:
    assert (CAFE.price.amount_dkk, CAFE.price.is_free) == (None, None)


def test_place_with_odd_whitespace() -> None:
    loc = MEAL.location
    assert (loc.name, loc.address, loc.postcode, loc.city) == (
        "Aktivitetscentret Nørreland", "Nørregade 61", "7500", "Holstebro")


def test_place_in_another_town_of_the_municipality() -> None:
    loc = TRIP.location
    assert (loc.name, loc.address, loc.postcode, loc.city) == (
        "Busholdepladsen ved Vinderup Station", "Stationsvej 1", "7830", "Vinderup")


def test_no_meeting_place_stated_is_unknown() -> None:
    assert (CAFE.location.name, CAFE.location.address, CAFE.location.text) == (None, None, None)


def test_cancelled() -> None:
    assert TALK.event_status is EventStatus.cancelled


def test_full_with_a_waiting_list() -> None:
    assert LUNCH.availability is Availability.waitlist


def test_the_others_are_neither_cancelled_nor_full() -> None:
    others = [a for a in EVENTS.values() if a not in (TALK, LUNCH)]
    assert {(a.event_status, a.availability) for a in others} == {
        (EventStatus.unknown, Availability.unknown)}


def test_each_department_organises_its_activities() -> None:
    assert {a.title: a.organizer.name for a in EVENTS.values()} == {
        **{a.title: "Ældre Sagen Holstebro" for a in (WALK, MEAL, TALK, LUNCH, CAFE)},
        **{a.title: "Ældre Sagen Vinderup" for a in (KROLF, TRIP)}}


def test_an_age_only_where_the_page_states_one() -> None:
    assert KROLF.age.min == 60  # "Seniorer over 60 år"
    assert {a.title for a in EVENTS.values() if a.age.min or a.age.max} == {KROLF.title}


def test_members_of_aeldre_sagen_is_no_age() -> None:
    assert (LUNCH.age.min, LUNCH.age.max) == (None, None)


def test_sign_up_or_drop_in() -> None:
    assert {a.title: a.drop_in for a in (WALK, MEAL, TRIP)} == {
        WALK.title: True, MEAL.title: False, TRIP.title: False}


def test_activity_pages_never_kept_in_the_http_cache_lists_are() -> None:
    starts = [SPIDER.page_request(u, depth=0) for u in SOURCE.start_urls]
    assert [r.meta.get("dont_cache") for r in starts] == [None, None]
    assert {r.meta.get("dont_cache") for r in DETAILS} == {True}


def test_no_contact_person_kept() -> None:
    texts = json.dumps([i.raw.texts for i in ITEMS], ensure_ascii=False)
    records = json.dumps([a.model_dump(mode="json") for a in EVENTS.values()],
                         ensure_ascii=False)
    assert [c for c in CONTACTS if c in texts or c in records] == []


@pytest.mark.parametrize("activity", EVENTS.values(), ids=list(EVENTS))
def test_every_activity(activity: Activity) -> None:
    assert activity.schedule.start is not None and activity.schedule.start.tzinfo is not None
    assert (activity.organizer.name or "").startswith("Ældre Sagen ")
    assert activity.source.url.startswith(f"{BASE}/aktiviteter-og-kurser/kommune/holstebro/")
