"""The iCal spider on saved feeds from a booking system and Google Calendar, parsed once under
the frozen clock: recurrence rules, exceptions, overrides, time zones, a cancelled event and a
broken file (the crawl through the pipeline: test_pipeline_ical.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import icalendar
import pytest

from core.clock import TZ
from core.schema import Activity
from crawlers.items import ActivityItem
from crawlers.spiders.ical import ICalSpider
from crawlers.spiders.ical import _calendar as read_event
from normalize.schedule import from_calendar, next_occurrences
from tests.conftest import FILES
from tests.crawlers import pages

FEEDS = FILES / "ical"
AFTER = datetime(2026, 12, 1, tzinfo=TZ)
SOURCES = """
[[source]]
name = "vestervang"
kind = "ical"
spider = "ical"
start_urls = ["{ics}/seniorcenter.ics", "{ics}/google-forening.ics", "{ics}/broken.ics"]
[source.options]
municipality = "Viborg"
"""

#: Each saved feed at an address such a feed has.
ASKED = {
    "seniorcenter.ics": "https://www.seniorcenter-vestervang.dk/kalender/aktiviteter.ics",
    "google-forening.ics":
        "https://calendar.google.com/calendar/ical/humlumforening%40gmail.com/public/basic.ics",
    "broken.ics": "https://www.humlum-petanque.dk/kalender.ics",
}
SOURCE = pages.sources(SOURCES, {"ics": "https://www.seniorcenter-vestervang.dk"})["vestervang"]
SPIDER = pages.spider(ICalSpider, SOURCE)
OUT = pages.parse(SPIDER.parse, *(pages.response(FEEDS / name, url) for name, url in ASKED.items()))
ITEMS = pages.activities(OUT)
BY_UID = {i.raw.origin_id: i for i in ITEMS}
ACTIVITIES = pages.normalize(ITEMS)

WHIST = "hold-1041-whist@seniorcenter-vestervang.dk"
MEAL = "arr-2210-faellesspisning@seniorcenter-vestervang.dk"


def _calendar(uid: str) -> dict[str, Any]:
    return BY_UID[uid].raw.calendar or {}


def _texts(uid: str) -> dict[str, str]:
    return BY_UID[uid].raw.texts


def test_every_event_but_the_cancelled_one() -> None:
    assert len(ITEMS) == 13


def test_cancelled_event_is_counted_as_skipped() -> None:
    assert pages.stat(SPIDER, "fkort/skipped/cancelled") == 1
    assert "Juletur til Ribe" not in {i.raw.texts["title"] for i in ITEMS}


def test_broken_feed_is_reported() -> None:
    assert pages.problems(SPIDER) == [("broken_ical", "kalender.ics")]


def test_every_feed_is_counted() -> None:
    assert pages.stat(SPIDER, "fkort/pages") == 3


def test_feed_has_no_links_to_follow() -> None:
    assert pages.requests(OUT) == []


def test_title() -> None:
    assert _texts(WHIST)["title"] == "Whist og kanasta"


def test_place() -> None:
    assert _texts(WHIST)["where"] == "Cafeen, Seniorcenter Vestervang, Vestervang 2, 8800 Viborg"


def test_organizer_is_its_name_not_its_address() -> None:
    assert _texts(WHIST)["organizer"] == "Seniorcenter Vestervang"


def test_categories() -> None:
    assert _texts(WHIST)["category"] == "Kortspil, Socialt samvær"


def test_description_unescaped() -> None:
    assert "Pris: 20 kr. pr. gang inkl. kaffe og kage." in _texts(WHIST)["description"]


def test_page_is_the_events_url() -> None:
    assert BY_UID[WHIST].raw.source.url.startswith(
        "https://www.conventus.dk/dataudv/www/new_tilmelding.php?foreningsid=14872&gruppe=1041")


def test_page_of_an_event_without_url_is_the_feed() -> None:
    assert BY_UID["4hq2c0a7m1l9t3r8v6k5n0b2pe@google.com"].raw.source.url == ASKED[
        "google-forening.ics"]


def test_rule() -> None:
    assert _calendar(WHIST)["rrule"] == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"


def test_start_in_local_time() -> None:
    assert _calendar(WHIST)["dtstart"] == "2026-09-01T13:00:00+02:00"


def test_end() -> None:
    assert _calendar(WHIST)["dtend"] == "2026-09-01T16:00:00+02:00"


def test_excluded_date() -> None:
    assert _calendar(WHIST)["exdates"] == ["2026-12-22T13:00:00+01:00"]


def test_moved_meeting_leaves_its_old_time() -> None:
    assert _calendar(MEAL)["exdates"] == ["2026-12-19T12:00:00+01:00"]


def test_moved_meeting_gets_its_new_time() -> None:
    assert _calendar(MEAL)["rdates"] == ["2026-12-19T17:30:00+01:00"]


def test_the_override_is_no_event_of_its_own() -> None:
    assert [i.raw.origin_id for i in ITEMS].count(MEAL) == 1


def test_rule_with_until() -> None:
    rule = _calendar("hold-1077-stolegymnastik@seniorcenter-vestervang.dk")["rrule"]
    assert rule == "FREQ=WEEKLY;UNTIL=20270430T215959Z;BYDAY=MO,TH"


def test_rule_with_count() -> None:
    rule = _calendar("hold-1102-smartphone@seniorcenter-vestervang.dk")["rrule"]
    assert rule == "FREQ=WEEKLY;COUNT=8"


def test_no_end_is_not_made_up() -> None:
    assert _calendar("arr-2231-foredrag-viborg@seniorcenter-vestervang.dk")["dtend"] is None


def test_all_day() -> None:
    calendar = _calendar("arr-2224-julemarked@seniorcenter-vestervang.dk")
    assert (calendar["all_day"], calendar["dtend"]) == (True, None)


def test_duration_instead_of_an_end() -> None:
    assert _calendar("hold-1050-krydsord@seniorcenter-vestervang.dk")["duration_s"] == 5400


def test_one_exdate_line_with_two_dates() -> None:
    assert _calendar("hold-1050-krydsord@seniorcenter-vestervang.dk")["exdates"] == [
        "2026-12-25T09:30:00+01:00", "2027-01-01T09:30:00+01:00"]


def test_two_exdate_lines() -> None:
    assert _calendar("9k3m7n1b5v8c2x6z0l4j8h2g6f@google.com")["exdates"] == [
        "2026-12-09T10:00:00+01:00", "2026-12-30T10:00:00+01:00"]


def test_floating_time_read_in_the_calendars_zone() -> None:
    assert _calendar("4hq2c0a7m1l9t3r8v6k5n0b2pe@google.com")["dtstart"] == (
        "2026-09-07T14:00:00+02:00")


def test_utc_time_kept_as_utc() -> None:
    assert _calendar("6e1b9c4a2d8f7g3h5j0k1l6m2n@google.com")["dtstart"] == (
        "2027-02-25T18:00:00+00:00")


def test_series_that_has_ended_has_no_next_meeting() -> None:
    (garden,) = [a for a in ACTIVITIES if a.title == "Haveholdet"]
    assert next_occurrences(garden.schedule, AFTER, 3) == []


def test_next_meeting_of_a_series() -> None:
    (whist,) = [a for a in ACTIVITIES if a.title == "Whist og kanasta"]
    assert next_occurrences(whist.schedule, AFTER, 1) == [datetime(2026, 12, 8, 13, tzinfo=TZ)]


# -- invariants ------------------------------------------------------------------------------

@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i.raw.origin_id)
def test_has_a_title(item: ActivityItem) -> None:
    assert item.raw.texts["title"].strip()


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i.raw.origin_id)
def test_origin_is_the_uid(item: ActivityItem) -> None:
    assert item.raw.origin_id and "@" in item.raw.origin_id


@pytest.mark.parametrize("activity", ACTIVITIES, ids=lambda a: a.title)
def test_id_is_namespaced_by_the_source(activity: Activity) -> None:
    assert activity.id.startswith("vestervang:") and activity.source.name == "vestervang"


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i.raw.origin_id)
def test_source_url_is_a_web_address(item: ActivityItem) -> None:
    assert item.raw.source.url.startswith("https://")


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i.raw.origin_id)
def test_has_a_start(item: ActivityItem) -> None:
    assert datetime.fromisoformat((item.raw.calendar or {})["dtstart"]).tzinfo is not None


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i.raw.origin_id)
def test_has_a_place(item: ActivityItem) -> None:
    assert item.raw.texts["where"]


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i.raw.origin_id)
def test_municipality_of_the_source(item: ActivityItem) -> None:
    assert item.raw.municipality == "Viborg"


def test_an_all_day_event_over_two_days_keeps_its_last_day() -> None:
    ics = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//da\r\nBEGIN:VEVENT\r\n"
           "UID:loppemarked-2026@forening.example\r\nDTSTART;VALUE=DATE:20260523\r\n"
           "DTEND;VALUE=DATE:20260525\r\nSUMMARY:Loppemarked i præstegårdshaven\r\n"
           "END:VEVENT\r\nEND:VCALENDAR\r\n")
    event = icalendar.Calendar.from_ical(ics).walk("VEVENT")[0]
    calendar = read_event(event, TZ, [])
    assert (calendar["all_day"], calendar["dtend"], calendar["last_day"]) == (
        True, None, "2026-05-24")
    s = from_calendar(calendar)
    assert [d.date().isoformat() for d in next_occurrences(s, AFTER.replace(month=5), 5)] == [
        "2026-05-23", "2026-05-24"]
