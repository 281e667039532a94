"""The iCal spider on saved feeds from a booking system and Google Calendar, parsed once under
the frozen clock: recurrence rules, exceptions, overrides, time zones, cancelled, tentative and
postponed events, cancelled meetings of a series, and a broken file (the crawl through the
pipeline: test_pipeline_ical.py).

Cancelled events were once left out (`skipped.cancelled`); they are now handed on with their
STATUS and indexed as cancelled, as every other family does (issue 14, item 3)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import icalendar
import pytest

from core.clock import TZ
from core.schema import NOT_TAKING_PLACE, Activity, EventStatus
from crawlers.items import ActivityItem
from crawlers.spiders.ical import ICalSpider, _Changes
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
CROSSWORD = "hold-1050-krydsord@seniorcenter-vestervang.dk"
KNITTING = "4hq2c0a7m1l9t3r8v6k5n0b2pe@google.com"
TRIP = "2r5t8y1u4i7o0p3a6s9d2f5g8h@google.com"  # STATUS:CANCELLED
CRAFTS = "7c2v5b8n1m4q6w9e3r0t2y5u8i@google.com"  # "AFLYST:  Juleklip og gløgg "
BINGO = "1a4s7d0f3g6h9j2k5l8z1x4c7v@google.com"  # STATUS:TENTATIVE
TALK = "5p8o2i6u9y3t7r1e4w0q6a9s3d@google.com"  # "... – UDSAT", "flyttet til en ny dato"
BY_ID = {i.raw.origin_id: a for i, a in zip(ITEMS, ACTIVITIES, strict=True)}


def _calendar(uid: str) -> dict[str, Any]:
    return BY_UID[uid].raw.calendar or {}


def _texts(uid: str) -> dict[str, str]:
    return BY_UID[uid].raw.texts


def test_every_event_cancelled_ones_too() -> None:
    assert len(ITEMS) == 17
    assert pages.stat(SPIDER, "fkort/skipped/cancelled") is None


def test_cancelled_event_is_handed_on_with_its_status() -> None:
    assert _calendar(TRIP)["status"] == "CANCELLED"
    assert (BY_ID[TRIP].event_status, BY_ID[TRIP].event_status_text) == (
        EventStatus.cancelled, "CANCELLED")


def test_aflyst_in_the_summary_cancels_a_one_off() -> None:
    assert _calendar(CRAFTS)["status"] == "CONFIRMED"  # the feed was not told; its title was
    assert BY_ID[CRAFTS].event_status is EventStatus.cancelled
    assert BY_ID[CRAFTS].event_status_text == "AFLYST: Juleklip og gløgg"


def test_postponed_by_its_text() -> None:
    assert BY_ID[TALK].event_status is EventStatus.postponed


def test_tentative_is_not_cancelled() -> None:
    assert _calendar(BINGO)["status"] == "TENTATIVE"
    assert BY_ID[BINGO].event_status not in NOT_TAKING_PLACE


def test_confirmed_is_scheduled() -> None:
    assert BY_ID[WHIST].event_status is EventStatus.scheduled


def test_cancelled_meeting_of_a_series_is_an_excluded_date() -> None:
    calendar = _calendar(KNITTING)
    assert (calendar["exdates"], calendar["rdates"]) == (["2026-12-14T14:00:00+01:00"], [])
    assert BY_ID[KNITTING].event_status is EventStatus.scheduled  # the series takes place


def test_aflyst_in_an_overrides_summary_cancels_that_meeting() -> None:
    assert "2026-12-11T09:30:00+01:00" in _calendar(CROSSWORD)["exdates"]
    assert BY_ID[CROSSWORD].event_status is EventStatus.scheduled


def test_cancelled_meetings_are_counted_and_named() -> None:
    assert pages.stat(SPIDER, "fkort/skipped/cancelled_occurrence") == 2
    named = sorted((s["reason"], s["detail"]) for s in pages.stat(SPIDER, "fkort/skipped_items"))
    assert named == [("cancelled_occurrence", f"{KNITTING}: 2026-12-14T14:00:00+01:00"),
                     ("cancelled_occurrence", f"{CROSSWORD}: 2026-12-11T09:30:00+01:00")]


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
    assert _calendar(CROSSWORD)["exdates"][:2] == [
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


def test_next_meetings_without_the_cancelled_one() -> None:
    assert next_occurrences(BY_ID[KNITTING].schedule, AFTER, 3) == [
        datetime(2026, 12, 7, 14, tzinfo=TZ), datetime(2026, 12, 21, 14, tzinfo=TZ),
        datetime(2026, 12, 28, 14, tzinfo=TZ)]


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


# -- overrides: a text-only change and an unreadable one --------------------------------------

SERIES = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Google Inc//Google Calendar 70.9054//EN\r
X-WR-TIMEZONE:Europe/Copenhagen\r
BEGIN:VEVENT\r
UID:petanque-mandag@google.com\r
DTSTART:20260907T100000\r
DTEND:20260907T120000\r
RRULE:FREQ=WEEKLY;BYDAY=MO\r
SUMMARY:Petanque ved hallen\r
LOCATION:Humlum Hallen\\, Skolevej 4\\, 7600 Struer\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:petanque-mandag@google.com\r
RECURRENCE-ID:20261207T100000\r
DTSTART:20261207T100000\r
DTEND:20261207T120000\r
SUMMARY:Petanque ved hallen\r
DESCRIPTION:Husk varmt tøj – vi slutter med gløgg.\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:petanque-mandag@google.com\r
RECURRENCE-ID:2026121\r
DTSTART:20261214T100000\r
STATUS:CANCELLED\r
SUMMARY:Petanque ved hallen\r
END:VEVENT\r
END:VCALENDAR\r
"""


def _series(tmp_path: Any) -> tuple[ICalSpider, list[ActivityItem]]:
    feed = tmp_path / "petanque.ics"
    feed.write_text(SERIES, encoding="utf-8")
    spider = pages.spider(ICalSpider, SOURCE)
    out = pages.parse(spider.parse, pages.response(feed, "https://www.humlum-petanque.dk/k.ics"))
    return spider, pages.activities(out)


def test_an_override_that_changes_only_its_text_keeps_the_meeting(tmp_path: Any) -> None:
    _, (item,) = _series(tmp_path)
    (series,) = pages.normalize([item])
    assert datetime(2026, 12, 7, 10, tzinfo=TZ) in next_occurrences(series.schedule, AFTER, 3)


def test_an_unreadable_override_is_reported_and_the_series_kept(tmp_path: Any) -> None:
    spider, (item,) = _series(tmp_path)
    assert pages.problems(spider) == [("broken_ical_event", "k.ics")]
    assert (item.raw.calendar or {})["exdates"] == []  # its meeting cannot be known


def test_an_all_day_event_over_two_days_keeps_its_last_day() -> None:
    ics = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//da\r\nBEGIN:VEVENT\r\n"
           "UID:loppemarked-2026@forening.example\r\nDTSTART;VALUE=DATE:20260523\r\n"
           "DTEND;VALUE=DATE:20260525\r\nSUMMARY:Loppemarked i præstegårdshaven\r\n"
           "END:VEVENT\r\nEND:VCALENDAR\r\n")
    event = icalendar.Calendar.from_ical(ics).walk("VEVENT")[0]
    calendar = read_event(event, TZ, _Changes())
    assert (calendar["all_day"], calendar["dtend"], calendar["last_day"]) == (
        True, None, "2026-05-24")
    s = from_calendar(calendar)
    assert [d.date().isoformat() for d in next_occurrences(s, AFTER.replace(month=5), 5)] == [
        "2026-05-23", "2026-05-24"]
