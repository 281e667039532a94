"""iCal feeds: association calendars exported from booking systems and Google Calendar."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
from scrapy.http import Response

from crawlers.items import ActivityItem
from crawlers.spiders.base import SourceSpider

DEFAULT_TZ = "Europe/Copenhagen"


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
        # Moved meetings (RECURRENCE-ID) change their series: skip the old time, add the new.
        moved: dict[str, list[tuple[str, str]]] = {}
        for ev in events:
            if ev.get("RECURRENCE-ID") is not None and ev.get("UID"):
                old = _iso(ev.decoded("RECURRENCE-ID"), tz)
                new = _iso(ev.decoded("DTSTART"), tz) if ev.get("DTSTART") else None
                if old and new:
                    moved.setdefault(str(ev["UID"]), []).append((old, new))
        for ev in events:
            if ev.get("RECURRENCE-ID") is not None:
                continue
            uid = str(ev.get("UID") or "")
            title = str(ev.get("SUMMARY") or "").strip()
            if str(ev.get("STATUS") or "").upper() == "CANCELLED":
                self.count("fkort/skipped/cancelled")
                continue
            if ev.get("DTSTART") is None:
                self.problem("ical_event_without_start", url, f"{uid or title}")
                continue
            try:
                calendar = _calendar(ev, tz, moved.get(uid, []))
            except (ValueError, TypeError, KeyError) as exc:
                self.problem("broken_ical_event", url, f"{uid or title}: {exc}"[:200])
                continue
            texts = {
                "title": title,
                "description": str(ev.get("DESCRIPTION") or ""),
                "where": str(ev.get("LOCATION") or ""),
                "category": _categories(ev.get("CATEGORIES")),
                "organizer": _organizer(ev.get("ORGANIZER")),
            }
            page = str(ev.get("URL") or url)
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


def _calendar(
    ev: icalendar.cal.Component, tz: ZoneInfo, moved: list[tuple[str, str]]
) -> dict[str, Any]:
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
    for old, new in moved:
        exdates.append(old)
        rdates.append(new)
    return {
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

