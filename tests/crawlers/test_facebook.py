"""Public Facebook event pages: the page parser on fixture pages and real captured pages, and
the spider on the saved pages, parsed once under the frozen clock: what it indexes and what it
reports (the crawl through the pipeline: test_pipeline_facebook.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from core.clock import TZ
from core.schema import Activity
from crawlers.facebook_page import FacebookEvent, FacebookPageProblem, parse_event_page
from crawlers.items import ActivityItem
from crawlers.spiders.facebook import FacebookSpider
from normalize.schedule import next_occurrences
from tests.conftest import FILES, FROZEN_NOW, REPO
from tests.crawlers import pages

PAGES = FILES / "facebook"
REALWORLD = REPO.parent / "shared" / "realworld" / "facebook"
URL = "https://www.facebook.com/events/1/"


def page(name: str) -> FacebookEvent:
    return parse_event_page((PAGES / name).read_text(encoding="utf-8"), URL)


def test_public_one_off() -> None:
    e = page("public-oneoff.html")
    assert e.start is not None and e.end is not None
    assert e.title == "Julebanko i Forsamlingshuset" and e.id == "1193847562038471"
    assert e.start.isoformat() == "2026-12-08T19:00:00+01:00"
    assert e.end.isoformat() == "2026-12-08T22:00:00+01:00"
    assert (e.place_name, e.address) == ("Vemb Forsamlingshus", "Bygaden 22, 7570 Vemb")
    assert (e.lat, e.lon) == (56.354021, 8.345327)
    assert e.creator == "Vemb Borgerforening" and e.creator_is_page is True
    assert "Plader 10 kr. stk." in (e.description or "")
    assert not (e.is_online or e.is_past or e.is_canceled)


def test_recurring_series_has_its_children() -> None:
    e = page("recurring-parent.html")
    assert [d.date().isoformat() for d in e.child_starts] == [
        "2026-12-01", "2026-12-08", "2026-12-15", "2026-12-22", "2026-12-29", "2027-01-05"]
    assert all(d.hour == 10 for d in e.child_starts)


def test_suggested_events_do_not_leak_in() -> None:
    # The page ends with other events' times and places: the event's own must win.
    e = page("past-event.html")
    assert e.start is not None
    assert e.title == "Sankthansfest i Præstegårdshaven"
    assert e.start.isoformat() == "2026-06-14T18:00:00+02:00" and e.is_past


def test_online_only() -> None:
    e = page("online-only.html")
    assert e.is_online and e.lat is None


@pytest.mark.parametrize(("name", "reason"), [("login-wall.html", "login_wall"),
                                              ("removed.html", "removed")])
def test_pages_without_a_public_event(name: str, reason: str) -> None:
    with pytest.raises(FacebookPageProblem) as problem:
        page(name)
    assert problem.value.reason == reason


@pytest.mark.skipif(not REALWORLD.is_dir(), reason="../shared/realworld/facebook is absent")
@pytest.mark.parametrize(("name", "title", "start", "online", "past"), [
    ("spring-markiet.html", "Spring Market 2023", "2023-04-22T15:00:00+00:00", False, False),
    ("monday-night-trivia.html", "Monday Night Trivia!", "2023-04-04T02:00:00+00:00", True, False),
    ("shark-tank-pub-past.html", "80s 90s 00s Night", "2019-11-16T02:00:00+00:00", False, True),
])
def test_real_captured_pages(name: str, title: str, start: str, online: bool, past: bool) -> None:
    from datetime import UTC

    e = parse_event_page((REALWORLD / name).read_text(encoding="utf-8"), URL)
    assert e.title == title
    assert e.start is not None and e.start.astimezone(UTC).isoformat() == start
    assert e.end is None or e.end > e.start
    assert (e.is_online, e.is_past) == (online, past)


def test_real_page_place_and_coordinates() -> None:
    if not REALWORLD.is_dir():
        pytest.skip("../shared/realworld/facebook is absent")
    e = parse_event_page((REALWORLD / "shark-tank-pub-past.html").read_text(encoding="utf-8"),
                         URL)
    assert e.place_name == "Shark Tank Pub"
    assert e.lat == pytest.approx(44.156, abs=0.001) and e.lon == pytest.approx(-77.429, abs=0.001)


def test_a_private_persons_event_has_no_page_as_creator() -> None:
    assert page("past-event.html").creator_is_page is False


# -- the spider ------------------------------------------------------------------------------

SOURCES = """
[[source]]
name = "facebook-events"
kind = "facebook"
spider = "facebook"
start_urls = ["{fb}/public-oneoff.html", "{fb}/recurring-parent.html", "{fb}/login-wall.html",
              "{fb}/removed.html", "{fb}/online-only.html", "{fb}/past-event.html"]
"""


EVENTS = "https://www.facebook.com/events"
#: Each saved page at the address it was asked for (the event ids are the pages' own; the
#: login wall and the removed event show none).
ASKED = {"public-oneoff.html": f"{EVENTS}/1193847562038471/",
         "recurring-parent.html": f"{EVENTS}/874512396732387/",
         "login-wall.html": f"{EVENTS}/1583920476123984/",
         "removed.html": f"{EVENTS}/1290384756102938/",
         "online-only.html": f"{EVENTS}/1047382915506639/",
         "past-event.html": f"{EVENTS}/1320954876612208/"}
SPIDER = pages.spider(FacebookSpider, pages.sources(SOURCES, {"fb": EVENTS})["facebook-events"])
OUT = pages.parse(SPIDER.parse, *(pages.response(PAGES / name, url) for name, url in ASKED.items()))
ITEMS = pages.activities(OUT)
EVENT = {a.title: a for a in pages.normalize(ITEMS)}


def _item(title: str) -> ActivityItem:
    (item,) = [i for i in ITEMS if (i.raw.structured or {}).get("name") == title]
    return item


def _reported() -> dict[str, str]:
    """The page each problem was reported for, by reason."""
    by_url = {url: name for name, url in ASKED.items()}
    stats: list[dict[str, Any]] = pages.stat(SPIDER, "fkort/problems") or []
    return {p["reason"]: by_url[p["url"]] for p in stats}


def test_only_public_coming_events_are_items() -> None:
    assert sorted(EVENT) == ["Gå-klub ved Limfjorden", "Julebanko i Forsamlingshuset"]


def test_nothing_else_is_handed_on() -> None:
    assert len(OUT) == len(ITEMS)


def test_every_other_page_is_reported_with_its_reason() -> None:
    assert _reported() == {"login_wall": "login-wall.html", "removed": "removed.html",
                           "online_only": "online-only.html", "past_event": "past-event.html"}


def test_title() -> None:
    assert "Julebanko i Forsamlingshuset" in EVENT


def test_origin_is_the_event_id() -> None:
    assert _item("Julebanko i Forsamlingshuset").raw.origin_id == "1193847562038471"


def test_source_url_is_the_events_canonical_address() -> None:
    assert EVENT["Julebanko i Forsamlingshuset"].source.url == (
        f"{EVENTS}/vemb-forsamlingshus/julebanko-i-forsamlingshuset/1193847562038471/")


def test_start() -> None:
    start = EVENT["Julebanko i Forsamlingshuset"].schedule.start
    assert start is not None and start.isoformat() == "2026-12-08T19:00:00+01:00"


def test_end() -> None:
    end = EVENT["Julebanko i Forsamlingshuset"].schedule.end
    assert end is not None and end.isoformat() == "2026-12-08T22:00:00+01:00"


def test_place_name() -> None:
    assert EVENT["Julebanko i Forsamlingshuset"].location.name == "Vemb Forsamlingshus"


def test_address() -> None:
    location = EVENT["Julebanko i Forsamlingshuset"].location
    assert (location.address, location.postcode, location.city) == (
        "Bygaden 22", "7570", "Vemb")


def test_coordinates() -> None:
    location = EVENT["Julebanko i Forsamlingshuset"].location
    assert (location.lat, location.lon, location.precision.value) == (
        56.354021, 8.345327, "address")


def test_organizer_is_the_page_that_created_it() -> None:
    assert EVENT["Julebanko i Forsamlingshuset"].organizer.name == "Vemb Borgerforening"


def test_price_from_the_description() -> None:
    assert EVENT["Julebanko i Forsamlingshuset"].price.amount_dkk == 10.0


def test_one_off_has_no_series() -> None:
    assert _item("Julebanko i Forsamlingshuset").raw.calendar is None


def test_series_meetings() -> None:
    calendar = _item("Gå-klub ved Limfjorden").raw.calendar or {}
    assert (calendar["dtstart"], calendar["dtend"]) == (
        "2026-12-01T10:00:00+01:00", "2026-12-01T11:30:00+01:00")
    assert [d[:10] for d in calendar["rdates"]] == [
        "2026-12-08", "2026-12-15", "2026-12-22", "2026-12-29", "2027-01-05"]


def test_series_dates() -> None:
    # Six weekly meetings: the weekly rule that gives exactly them (weekly_series).
    schedule = EVENT["Gå-klub ved Limfjorden"].schedule
    meetings = next_occurrences(schedule, datetime(2026, 1, 1, tzinfo=TZ), 50)
    assert schedule.kind.value == "recurring" and len(meetings) == 6


# -- invariants ------------------------------------------------------------------------------

@pytest.mark.parametrize("activity", EVENT.values(), ids=lambda a: a.title)
def test_has_a_title(activity: Activity) -> None:
    assert activity.title.strip()


@pytest.mark.parametrize("activity", EVENT.values(), ids=lambda a: a.title)
def test_id_is_namespaced_by_the_source(activity: Activity) -> None:
    assert activity.id.startswith("facebook-events:")
    assert activity.source.name == "facebook-events"


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i.raw.origin_id)
def test_source_url_is_the_events_address(item: ActivityItem) -> None:
    assert item.raw.origin_id and item.raw.origin_id.isdigit()
    assert item.raw.source.url.startswith(EVENTS + "/")
    assert item.raw.source.url.endswith(f"/{item.raw.origin_id}/")


@pytest.mark.parametrize("activity", EVENT.values(), ids=lambda a: a.title)
def test_starts_after_now(activity: Activity) -> None:
    assert activity.schedule.start is not None
    assert activity.schedule.start > datetime.fromisoformat(FROZEN_NOW)


@pytest.mark.parametrize("activity", EVENT.values(), ids=lambda a: a.title)
def test_has_a_place_on_the_map(activity: Activity) -> None:
    assert activity.location.precision.value == "address"


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i.raw.origin_id)
def test_organizer_is_a_page_never_a_person(item: ActivityItem) -> None:
    organizer = (item.raw.structured or {}).get("organizer")
    assert organizer is None or organizer["@type"] == "Organization"
