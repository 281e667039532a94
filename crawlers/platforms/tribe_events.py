"""The Events Calendar (StellarWP, formerly Modern Tribe), a WordPress plugin common on
association sites (github the-events-calendar/the-events-calendar: its REST API's Swagger
documentation, Event/Venue/Organizer definitions, Archive_Event and Post_Repository). GET /wp-
json/tribe/events/v1/events answers {events, total, total_pages, next_rest_url}, upcoming
events only, at most 50 a page; a page past the last answers 404, so paging stops at
`total_pages` (or on an empty page). Dates are "YYYY-MM-DD HH:MM:SS" in the event's time zone
(the site's: Copenhagen on Danish sites); an event without venue or organiser has `[]` there.
"""

from __future__ import annotations

from typing import Any

#: The preset (see crawlers.platforms).
NAME = "tribe-events"

PRESET: dict[str, Any] = {
    "kind": "municipal",
    "spider": "jsonapi",
    "json": {
        "endpoint": "/wp-json/tribe/events/v1/events",
        "items": "events",
        "paging": "page",
        "page_param": "page",
        "first": 1,
        "size_param": "per_page",
        "page_size": 50,
        "total_pages": "total_pages",
        "fields": {
            "id": "id",
            "title": "title",
            "description": ["description", "excerpt"],
            "start": "start_date",
            "end": "end_date",
            "all_day": "all_day",
            "place": "venue.venue",
            "street": "venue.address",
            "postcode": "venue.zip",
            "city": "venue.city",
            "lat": "venue.geo_lat",
            "lon": "venue.geo_lng",
            "price": "cost",
            "url": "url",
            "category": "categories.*.name",
            "organizer": "organizer.0.organizer",
            "email": "organizer.0.email",
            "phone": "organizer.0.phone",
        },
    },
}
