"""Public Facebook event pages, listed in sources.toml or submitted by associations.

Login walls, removed events, past events and online-only events are reported, not indexed.
The host is named as the page shows it, whatever its profile type (associations often host
from a "User" profile); only the name is taken, never a profile's contact details. A series'
dates (child events, neighbouring siblings) become one activity with all its coming dates.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from scrapy.http import TextResponse

from core import clock
from crawlers.facebook_page import FacebookEvent, FacebookPageProblem, parse_event_page
from crawlers.items import ActivityItem
from crawlers.spiders.base import SourceSpider


class FacebookSpider(SourceSpider):
    name = "facebook"

    def parse_page(self, response: TextResponse) -> Iterator[Any]:
        try:
            event = parse_event_page(response.text, response.url)
        except FacebookPageProblem as exc:
            self.problem(exc.reason, response.url, str(exc))
            return
        if event.is_canceled:
            self.problem("canceled_event", response.url, event.title)
            return
        if event.is_online:
            self.problem("online_only", response.url, event.title)
            return
        now = clock.now()
        last = max([d for d in (event.end, event.start, *event.child_starts) if d], default=None)
        if event.is_past or (last is not None and last < now):
            self.problem("past_event", response.url, event.title)
            return
        yield ActivityItem(raw=self.raw(event.url, origin=event.id, structured=_schema_org(event),
                                        calendar=_series(event, now)))


def _schema_org(e: FacebookEvent) -> dict[str, Any]:
    place: dict[str, Any] = {"@type": "Place", "name": e.place_name}
    if e.address:
        place["address"] = e.address
    if e.lat is not None and e.lon is not None:
        place["geo"] = {"latitude": e.lat, "longitude": e.lon}
    data: dict[str, Any] = {
        "@type": "Event",
        "name": e.title,
        "description": e.description,
        "startDate": e.start.isoformat() if e.start else None,
        "endDate": e.end.isoformat() if e.end else None,
        "location": place,
        "identifier": e.id,
        "url": e.url,
    }
    if e.creator:
        # The host's name only: no url, phone or e-mail of the profile.
        data["organizer"] = {"@type": "Organization", "name": e.creator}
    return data


def _series(e: FacebookEvent, now: datetime) -> dict[str, Any] | None:
    """A series' coming meetings (its child events and siblings) as a list of dates, the way
    the iCal spider hands them to the normaliser: `dtstart` and `rdates`."""
    coming = [d for d in e.child_starts if d >= now]
    if len(e.child_starts) < 2 or not coming:
        return None
    first, *rest = coming
    length = (e.end - e.start) if e.start and e.end else None
    return {
        "dtstart": first.isoformat(),
        "dtend": (first + length).isoformat() if length else None,
        "rdates": [d.isoformat() for d in rest],
    }
