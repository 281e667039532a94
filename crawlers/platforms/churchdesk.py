"""ChurchDesk (churchdesk.com), the church-administration system many Danish parishes use: its
public calendar widget, a Next.js page at widget.churchdesk.com whose events sit in
`<script id="__NEXT_DATA__">` under `props.pageProps.widget` (`items`, `pageNumber`, `total`,
`totalPages`, `pageSize`; a few events a page), the page number in the URL path:
`/[da/]w/<organisation id>/event/<widget id>/<page>/...` as the parish's site embeds it (an
iframe), so a source's start URL is that embed address with page 1.

No public documentation of the widget's JSON exists; the format is read from public code that
reads it or ChurchDesk's own API: github LeoWattenberg/aeroevents (scripts/sources/churchdesk.ts,
tests/sources/churchdesk.test.ts, tests/sources/fixtures/churchdesk-page-1.html: the widget's
URL, `props.pageProps.widget`, the item fields `id`, `title`, `startDate`/`endDate` (UTC,
"...Z"), `allDay`, `hideEndTime`, `cancelledAt`, `description` (HTML), `summary`, `price`
(text), `url`, `locationName`, `location`, `locationObj.{address,zipcode,city}`,
`contributor`, `eventCategories[].title`); a Python reader of the same page (the widget URL
with `/<page>/-/-/-/-/-?frameId=`, `totalPages`/`pageNumber`, `churches[].name`; a class
ChruchdeskCalParser found by code search, its repository not named); the WordPress plugin
VE_Events (github hau-git/ve-events-wordpress-plugin, src/Import/ChurchDesk/Mapper.php,
CalendarViewSource.php, PullApiSource.php: the same event shape in ChurchDesk's v3 API,
`categories[].title`, `parishes`, `price` as free text); numero2/contao-churchdesk
(src/API/ChurchDeskApi.php, src/Import/CalendarEventsImport.php: the v3 API, which needs a
partner token and is therefore not used here). docs/sources.md, "ChurchDesk", says more.

Church services are no community offers: an event in a category "Gudstjeneste" (also
"Gudstjenester", "Højmesse") is skipped and counted (`skipped.church_service`); a parish that
names its categories otherwise sets its own `skip`. `contributor` (the pastor or another
person taking part) is read by no field and cut out of the texts of its event (`redact`). An
event with `cancelledAt` set is cancelled.
"""

from __future__ import annotations

from typing import Any

#: The preset (see crawlers.platforms).
NAME = "churchdesk"

#: Category titles of church services: the one aeroevents' fixture of an Ærø parish widget
#: shows ("Gudstjeneste"), and the usual Danish names for the same (categories are each
#: parish's own words; no list of ChurchDesk's defaults was found).
CHURCH_SERVICES = ["Gudstjeneste", "Gudstjenester", "Højmesse"]

PRESET: dict[str, Any] = {
    "kind": "municipal",
    "spider": "municipal",
    "script_data": {
        "selector": "script#__NEXT_DATA__",
        "items": "props.pageProps.widget.items",
        "fields": {
            "id": "id",
            "title": "title",
            "description": ["description", "summary"],
            "start": "startDate",
            "end": "endDate",
            "all_day": "allDay",
            "end_hidden": "hideEndTime",
            "place": "locationName",
            "street": "locationObj.address",
            "postcode": "locationObj.zipcode",
            "city": "locationObj.city",
            # Only when the event has no address of parts: "Kirkestræde 1, 7500 Holstebro".
            "where": "location",
            "price": "price",
            "link": "url",
            "organizer": "parishes.0.title",
            "category": ["eventCategories.*.title", "categories.*.title"],
        },
        "skip": {
            "church_service": {
                "eventCategories.*.title": CHURCH_SERVICES,
                "categories.*.title": CHURCH_SERVICES,
            },
        },
        "redact": ["contributor"],
        "status_if_set": {"cancelledAt": "Cancelled"},
        "paging": {
            "in_url": r"/event/[^/?#]+/(\d+)",
            "page": "props.pageProps.widget.pageNumber",
            "last": "props.pageProps.widget.totalPages",
        },
    },
}
