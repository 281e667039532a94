"""Facebook event pages (issue 14, item 7): the host is kept whatever its profile type, a
series becomes one activity with all its dates, and an online event gets no place, never one
from another event on the page. On fixture pages written for this project and on the real
captured pages (skipped when absent); the older tests: test_facebook.py."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from crawlers.facebook_page import FacebookEvent, parse_event_page
from crawlers.spiders.facebook import FacebookSpider, _schema_org, _series
from normalize.schedule import next_occurrences
from tests.crawlers import pages
from tests.crawlers.test_facebook import PAGES, REALWORLD

#: An address that names no event of the page: the page's own address (og:url) must win.
ELSEWHERE = "https://www.facebook.com/events/1/"
EVENTS = "https://www.facebook.com/events"
SERIES = "user-host-series.html"
ONLINE = "online-slug.html"
needs_real = pytest.mark.skipif(not REALWORLD.is_dir(),
                                reason="../shared/realworld/facebook is absent")


def page(name: str) -> FacebookEvent:
    return parse_event_page((PAGES / name).read_text(encoding="utf-8"), ELSEWHERE)


def real(name: str) -> FacebookEvent:
    return parse_event_page((REALWORLD / name).read_text(encoding="utf-8"), ELSEWHERE)


def _utc(dates: list[datetime]) -> list[str]:
    return [d.astimezone(UTC).isoformat() for d in dates]


# -- the host ----------------------------------------------------------------------------------

def test_an_association_hosting_from_a_user_profile_is_kept() -> None:
    e = page(SERIES)
    assert (e.creator, e.creator_is_page) == ("Holstebro Strikkeklub", False)


def test_a_page_host_is_still_kept() -> None:
    assert page(ONLINE).creator == "Holstebro Bibliotek"


def test_the_host_is_handed_on_by_name_only() -> None:
    data = _schema_org(page(SERIES))
    assert data["organizer"] == {"@type": "Organization", "name": "Holstebro Strikkeklub"}
    assert "facebook.com/holstebrostrikkeklub" not in str(data)


@needs_real
@pytest.mark.parametrize(("name", "host"), [("spring-markiet.html", "Saskatoon Farm"),
                                            ("monday-night-trivia.html", "Sly Fox Trivia"),
                                            ("shark-tank-pub-past.html", "Loyalist Life")])
def test_real_pages_hosts_from_user_profiles_are_kept(name: str, host: str) -> None:
    e = real(name)
    assert (e.creator, e.creator_is_page) == (host, False)
    organizer = _schema_org(e)["organizer"]
    assert organizer == {"@type": "Organization", "name": host}


# -- series ------------------------------------------------------------------------------------

def test_neighbouring_siblings_are_the_series_dates() -> None:
    e = page(SERIES)
    assert [d.isoformat() for d in e.child_starts] == [
        "2026-11-18T14:00:00+01:00", "2026-12-02T14:00:00+01:00",
        "2026-12-09T14:00:00+01:00", "2026-12-16T14:00:00+01:00"]


def test_a_one_off_has_no_series() -> None:
    assert page("public-oneoff.html").child_starts == []
    assert page(ONLINE).child_starts == []


def test_series_calendar_holds_the_coming_dates() -> None:
    e = page(SERIES)
    calendar = _series(e, datetime(2026, 11, 22, 12, tzinfo=UTC)) or {}
    assert (calendar["dtstart"], calendar["dtend"]) == (
        "2026-12-02T14:00:00+01:00", "2026-12-02T16:00:00+01:00")
    assert calendar["rdates"] == ["2026-12-09T14:00:00+01:00", "2026-12-16T14:00:00+01:00"]


def test_a_series_all_held_has_no_calendar() -> None:
    assert _series(page(SERIES), datetime(2027, 1, 1, tzinfo=UTC)) is None


@needs_real
def test_real_two_day_market_is_one_series() -> None:
    e = real("spring-markiet.html")
    assert _utc(e.child_starts) == ["2023-04-22T15:00:00+00:00", "2023-04-23T15:00:00+00:00"]
    calendar = _series(e, datetime(2023, 4, 1, tzinfo=UTC)) or {}
    assert calendar["dtstart"][:10] == "2023-04-22" and [d[:10] for d in calendar["rdates"]] == [
        "2023-04-23"]


@needs_real
def test_real_weekly_trivia_siblings_are_its_dates() -> None:
    e = real("monday-night-trivia.html")
    assert _utc(e.child_starts) == [
        "2023-03-21T02:00:00+00:00", "2023-03-28T02:00:00+00:00",
        "2023-04-04T02:00:00+00:00", "2023-04-11T02:00:00+00:00"]


@needs_real
def test_real_one_off_has_no_series() -> None:
    assert real("shark-tank-pub-past.html").child_starts == []


# -- online events -----------------------------------------------------------------------------

def test_online_event_gets_no_place_from_the_suggested_events() -> None:
    e = page(ONLINE)
    assert e.id == "1734920586617203" and e.is_online
    assert (e.place_name, e.address, e.lat, e.lon) == (None, None, None, None)


def test_online_pseudo_place_is_not_a_place() -> None:
    e = page("online-only.html")
    assert e.is_online and (e.place_name, e.address) == (None, None)


def test_event_id_is_read_after_a_slug() -> None:
    assert page(SERIES).id == "1468203957716342"


@needs_real
def test_real_online_event_has_no_place() -> None:
    e = real("monday-night-trivia.html")
    assert e.id == "894355941604888" and e.is_online
    assert (e.place_name, e.address, e.lat, e.lon) == (None, None, None, None)
    assert "Saddledome" not in str(_schema_org(e))


@needs_real
@pytest.mark.parametrize(("name", "event_id", "place"), [
    ("spring-markiet.html", "1397213587784677", "Saskatoon Farm"),
    ("shark-tank-pub-past.html", "2416437368638666", "Shark Tank Pub")])
def test_real_pages_keep_their_own_place(name: str, event_id: str, place: str) -> None:
    e = real(name)
    assert (e.id, e.place_name, e.is_online) == (event_id, place, False)
    assert e.lat is not None


# -- the spider --------------------------------------------------------------------------------

SOURCES = """
[[source]]
name = "facebook-hosts"
kind = "facebook"
spider = "facebook"
start_urls = ["{fb}/1468203957716342/", "{fb}/1734920586617203/"]
"""
ASKED = {SERIES: f"{EVENTS}/1468203957716342/", ONLINE: f"{EVENTS}/1734920586617203/"}
SPIDER = pages.spider(FacebookSpider, pages.sources(SOURCES, {"fb": EVENTS})["facebook-hosts"])
OUT = pages.parse(SPIDER.parse, *(pages.response(PAGES / name, url) for name, url in ASKED.items()))
ITEMS = pages.activities(OUT)
EVENT = {a.title: a for a in pages.normalize(ITEMS)}


def test_only_the_series_is_indexed_and_the_online_event_reported() -> None:
    assert sorted(EVENT) == ["Strikkecafé på Biblioteket"]
    stats: list[dict[str, Any]] = pages.stat(SPIDER, "fkort/problems") or []
    assert [(p["reason"], p["url"]) for p in stats] == [("online_only", ASKED[ONLINE])]


def test_series_is_one_activity_with_its_coming_dates() -> None:
    (item,) = ITEMS
    assert item.raw.origin_id == "1468203957716342"
    schedule = EVENT["Strikkecafé på Biblioteket"].schedule
    assert schedule.start is not None and schedule.start.isoformat() == (
        "2026-12-02T14:00:00+01:00")
    meetings = next_occurrences(schedule, schedule.start, 50)
    assert [d.date().isoformat() for d in meetings] == ["2026-12-02", "2026-12-09",
                                                        "2026-12-16"]
    assert schedule.kind.value == "recurring"  # three Wednesdays at 14: a weekly rule


def test_host_from_a_user_profile_is_the_organizer() -> None:
    assert EVENT["Strikkecafé på Biblioteket"].organizer.name == "Holstebro Strikkeklub"


def test_the_series_place_is_its_own() -> None:
    location = EVENT["Strikkecafé på Biblioteket"].location
    assert (location.name, location.lat, location.lon) == (
        "Holstebro Bibliotek", 56.35921, 8.61447)
