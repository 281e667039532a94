"""Our iCal expansion against an independent one: every series in the fixture feeds, read by
the spider and normalised as a crawl does, must meet on the same days and times as
`recurring-ical-events` (the reference implementation of RFC 5545 expansion over icalendar)
says — with RRULE, INTERVAL, COUNT, UNTIL, EXDATE, RDATE, moved meetings (RECURRENCE-ID),
floating and UTC times and all-day events. A meeting the feed cancels (`STATUS:CANCELLED`,
or a summary that begins "AFLYST", on the event or on one meeting's override) is no meeting:
`recurring-ical-events` gives it with its status, and the reference leaves it out; a cancelled
one-off is an activity all the same, cancelled (test_ical.py), with no meetings to compare."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import icalendar
import pytest
import recurring_ical_events
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from core.clock import TZ
from core.schema import Activity, EventStatus
from crawlers.items import ActivityItem
from crawlers.sources import SourceConfig
from crawlers.spiders.ical import ICalSpider
from normalize.activity import build_activity
from normalize.schedule import next_occurrences
from tests.conftest import FILES

FEEDS = ["seniorcenter.ics", "google-forening.ics"]
#: A summary that cancels its event, as associations write it ("AFLYST: Strikkeklub").
AFLYST = re.compile(r"^\s*aflyst\b", re.IGNORECASE)
#: The window both expansions are compared over: a winter and a spring.
START = datetime(2026, 11, 22, tzinfo=TZ)
END = START + timedelta(days=180)


def _ours(feed: str) -> dict[str, Activity]:
    """UID → the activity a crawl makes of that event (read in-process, no server)."""
    source = SourceConfig.model_validate({
        "name": "vestervang", "kind": "ical", "spider": "ical",
        "start_urls": [f"https://kalender.example.dk/{feed}"],
        "options": {"municipality": "Viborg"},
    })
    spider = ICalSpider.from_crawler(get_crawler(ICalSpider), source=source)
    url = f"https://kalender.example.dk/{feed}"
    response = Response(url, body=(FILES / "ical" / feed).read_bytes())
    out: dict[str, Activity] = {}
    for item in spider.parse_ical(response):
        assert isinstance(item, ActivityItem)
        out[item.raw.origin_id or ""] = build_activity(item.raw, now=START)
    return out


def _local(value: date | datetime) -> datetime | date:
    """An occurrence as Copenhagen wall time (floating times are local already)."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=TZ)).astimezone(TZ)
    return value


def _reference(feed: str) -> dict[str, list[str]]:
    """UID → the starts `recurring-ical-events` expands the event to, in the window."""
    cal = icalendar.Calendar.from_ical((FILES / "ical" / feed).read_bytes())
    out: dict[str, list[str]] = {}
    for ev in recurring_ical_events.of(cal).between(START, END):
        if _cancelled(ev):
            continue
        start = _local(ev.decoded("DTSTART"))
        text = (start.strftime("%Y-%m-%dT%H:%M") if isinstance(start, datetime)
                else start.isoformat())
        out.setdefault(str(ev["UID"]), []).append(text)
    return {uid: sorted(starts) for uid, starts in out.items()}


def _cancelled(ev: icalendar.cal.Component) -> bool:
    return (str(ev.get("STATUS") or "").upper() == "CANCELLED"
            or bool(AFLYST.search(str(ev.get("SUMMARY") or ""))))


def _expanded(activity: Activity) -> list[str]:
    if activity.event_status is EventStatus.cancelled:  # its meetings are none
        return []
    fmt = "%Y-%m-%dT%H:%M" if activity.schedule.time_known else "%Y-%m-%d"
    found = [d for d in next_occurrences(activity.schedule, START, 500) if d < END]
    return sorted(d.strftime(fmt) for d in found)


def _series(feed: str) -> list[str]:
    """The UIDs of the feed's events, cancelled ones too (moved and cancelled meetings belong
    to theirs)."""
    cal = icalendar.Calendar.from_ical((FILES / "ical" / feed).read_bytes())
    return sorted({str(ev["UID"]) for ev in cal.walk("VEVENT")
                   if ev.get("RECURRENCE-ID") is None})


CASES = [(feed, uid) for feed in FEEDS for uid in _series(feed)]


@pytest.fixture(scope="module")
def ours() -> dict[str, dict[str, Activity]]:
    return {feed: _ours(feed) for feed in FEEDS}


@pytest.fixture(scope="module")
def reference() -> dict[str, dict[str, list[str]]]:
    return {feed: _reference(feed) for feed in FEEDS}


@pytest.mark.parametrize(("feed", "uid"), CASES, ids=[uid.split("@")[0] for _, uid in CASES])
def test_same_meetings_as_the_reference(ours: dict[str, dict[str, Activity]],
                                        reference: dict[str, dict[str, list[str]]],
                                        feed: str, uid: str) -> None:
    assert _expanded(ours[feed][uid]) == reference[feed].get(uid, [])


def test_every_series_is_read(ours: dict[str, dict[str, Activity]]) -> None:
    """Every series the feeds hold became an activity, so none is left out of the check."""
    for feed in FEEDS:
        assert sorted(ours[feed]) == _series(feed), feed
