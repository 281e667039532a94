"""iCal feeds: association calendars exported from booking systems and Google Calendar.

An event's `STATUS` (RFC 5545 §3.8.1.11: TENTATIVE, CONFIRMED or CANCELLED for a VEVENT) is
handed on as it is, in `calendar["status"]`, for normalize's status reading
(`normalize/event_status.py`): a cancelled event is indexed as cancelled, not left out. An
override (RFC 5545 §3.8.4.4: the same UID with a `RECURRENCE-ID` naming the original start of
one meeting) replaces that meeting: moved, it leaves its old time for its new one; cancelled
(its own `STATUS:CANCELLED`, as Google Calendar writes a deleted meeting of a series, or a
summary that says so, "AFLYST: Strikkeklub") it is no meeting of the series at all, like an
EXDATE, and is counted and named (`skipped.cancelled_occurrence`). `recurring-ical-events`
(github niccokunzmann/python-recurring-ical-events, test/test_issue_18_cancel_status.py)
expands such an override as an occurrence that keeps `STATUS:CANCELLED`; leaving it out is
the reader's part, done here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
from scrapy.http import Response

from core.schema import EventStatus
from crawlers.items import ActivityItem
from crawlers.spiders.base import SourceSpider
from normalize.event_status import parse_event_status

DEFAULT_TZ = "Europe/Copenhagen"
CANCELLED = "CANCELLED"


@dataclass
class _Changes:
    """What a series' overrides change: meetings moved (old start, new start) and meetings
    cancelled (their original start)."""

    moved: list[tuple[str, str]] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)


def _cancelled(ev: icalendar.cal.Component) -> bool:
    """Cancelled by its STATUS, or by its summary in Danish ("AFLYST: Strikkeklub")."""
    if str(ev.get("STATUS") or "").strip().upper() == CANCELLED:
        return True
    summary = str(ev.get("SUMMARY") or "")
    return parse_event_status(summary).value is EventStatus.cancelled


def _overrides(events: list[icalendar.cal.Component], tz: ZoneInfo
               ) -> tuple[dict[str, _Changes], list[str]]:
    """UID → the changes its overrides (RECURRENCE-ID) make to the series; and the UIDs of
    overrides whose times cannot be read (reported; their series stays as its rule says)."""
    out: dict[str, _Changes] = {}
    broken: list[str] = []
    for ev in events:
        if ev.get("RECURRENCE-ID") is None or not ev.get("UID"):
            continue
        try:
            old = _iso(ev.decoded("RECURRENCE-ID"), tz)
            new = _iso(ev.decoded("DTSTART"), tz) if ev.get("DTSTART") else None
        except (ValueError, TypeError, KeyError):
            old = None
        if not old:
            broken.append(str(ev["UID"]))
            continue
        change = out.setdefault(str(ev["UID"]), _Changes())
        if _cancelled(ev):
            change.cancelled.append(old)
            continue
        if new and new != old:
            # An override at the same time changes only its texts: the meeting stays (an
            # EXDATE and an RDATE of one time would remove it).
            change.moved.append((old, new))
    return out, broken


class ICalReading(SourceSpider):
    """Reads iCalendar feeds; mixed into every spider whose sites link to them."""

    #: Not a spider of its own: without a name Scrapy's spider loader passes it by.
    name = ""

    def parse_ical(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """A feed is one document: no links to follow, and it need not be served as text."""
        self.count("fkort/pages")
        try:
            cal = icalendar.Calendar.from_ical(response.body)
        except (ValueError, IndexError, KeyError) as exc:
            self.problem("broken_ical", response.url, str(exc)[:200])
            return
        if isinstance(cal, list):  # several VCALENDARs in one file
            cals = cal
        else:
            cals = [cal]
        for one in cals:
            yield from self.admitted(response, self._events(one, response.url))

    def _events(self, cal: icalendar.Calendar, url: str) -> Iterator[ActivityItem]:
        tz = _zone(str(cal.get("X-WR-TIMEZONE") or DEFAULT_TZ))
        events = [c for c in cal.walk("VEVENT")]
        changes, broken = _overrides(events, tz)
        for uid in broken:
            self.problem("broken_ical_event", url, f"{uid}: RECURRENCE-ID or DTSTART unreadable")
        for ev in events:
            if ev.get("RECURRENCE-ID") is not None:
                continue
            uid = str(ev.get("UID") or "")
            title = str(ev.get("SUMMARY") or "").strip()
            if ev.get("DTSTART") is None:
                self.problem("ical_event_without_start", url, f"{uid or title}")
                continue
            change = changes.get(uid, _Changes())
            try:
                calendar = _calendar(ev, tz, change)
            except (ValueError, TypeError, KeyError) as exc:
                self.problem("broken_ical_event", url, f"{uid or title}: {exc}"[:200])
                continue
            page = str(ev.get("URL") or url)
            for when in change.cancelled:
                # A cancelled meeting of a series is no date of it (as an EXDATE), named.
                self.skip("cancelled_occurrence", page, f"{uid or title}: {when}")
            texts = {
                "title": title,
                "description": str(ev.get("DESCRIPTION") or ""),
                "where": str(ev.get("LOCATION") or ""),
                "category": _categories(ev.get("CATEGORIES")),
                "organizer": _organizer(ev.get("ORGANIZER")),
            }
            yield ActivityItem(raw=self.raw(page, origin=uid or None, calendar=calendar,
                                            texts={k: v for k, v in texts.items() if v}))


class ICalSpider(ICalReading):
    name = "ical"

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        yield from self.parse_ical(response)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TZ)


def _iso(value: Any, tz: ZoneInfo) -> str | None:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=tz)).isoformat()
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=tz).isoformat()
    return None


def _dates(prop: Any, tz: ZoneInfo) -> list[str]:
    out: list[str] = []
    for item in prop if isinstance(prop, list) else [prop]:
        for d in getattr(item, "dts", []):
            if (iso := _iso(d.dt, tz)) is not None:
                out.append(iso)
    return out


def _calendar(ev: icalendar.cal.Component, tz: ZoneInfo, change: _Changes) -> dict[str, Any]:
    start = ev.decoded("DTSTART")
    all_day = isinstance(start, date) and not isinstance(start, datetime)
    end: Any = ev.decoded("DTEND") if ev.get("DTEND") is not None else None
    if end is None and ev.get("DURATION") is not None:
        end = start + ev.decoded("DURATION")
    last_day = None
    if all_day and isinstance(end, date):
        # An all-day event's DTEND is the day after its last (RFC 5545, exclusive): not an end
        # time. An event over several days keeps its last day, so that no day is lost.
        if (end - start).days > 1:
            last_day = (end - timedelta(days=1)).isoformat()
        end = None
    rrule = ev.get("RRULE")
    exdates = _dates(ev.get("EXDATE"), tz) if ev.get("EXDATE") is not None else []
    rdates = _dates(ev.get("RDATE"), tz) if ev.get("RDATE") is not None else []
    for old, new in change.moved:
        exdates.append(old)
        rdates.append(new)
    exdates.extend(d for d in change.cancelled if d not in exdates)
    return {
        # As the feed says it (RFC 5545: TENTATIVE, CONFIRMED, CANCELLED), read by normalize.
        "status": str(ev.get("STATUS") or "").strip() or None,
        "dtstart": _iso(start, tz),
        "dtend": _iso(end, tz) if isinstance(end, date) else None,
        "rrule": rrule.to_ical().decode() if rrule is not None else None,
        "exdates": exdates,
        "rdates": rdates,
        "all_day": all_day,
        "last_day": last_day,
        "duration_s": (end - start).total_seconds() if isinstance(end, datetime)
        and isinstance(start, datetime) else None,
    }


def _categories(prop: Any) -> str:
    out: list[str] = []
    for item in prop if isinstance(prop, list) else [prop]:
        if item is None:
            continue
        cats = getattr(item, "cats", None)
        out.extend(str(c) for c in cats) if cats is not None else out.append(str(item))
    return ", ".join(out)


def _organizer(prop: Any) -> str:
    if prop is None:
        return ""
    name = prop.params.get("CN") if hasattr(prop, "params") else None
    return str(name or "").strip()

