"""DPL CMS, the Danish public libraries' CMS (github danskernesdigitalebibliotek/dpl-cms,
openapi.json and dpl_event's EventsResource/EventRestMapper): GET /api/v1/events answers a bare
array with one record per occurrence, all of them at once (no paging). Occurrences of one
series share series.uuid. `ticket_categories[].price.value` is in kroner although the spec says
"minor unit": the code fills it with the decimal field an editor types kroner into
(docs/sources.md, "DPL CMS").
"""

from __future__ import annotations

from typing import Any

#: The preset (see crawlers.platforms).
NAME = "dpl-cms"

PRESET: dict[str, Any] = {
    "kind": "municipal",
    "spider": "jsonapi",
    "json": {
        "endpoint": "/api/v1/events?_format=json",
        "items": "",
        "fields": {
            "id": "uuid",
            "series": "series.uuid",
            "title": "title",
            "description": ["description", "body"],
            "start": "date_time.start",
            "end": "date_time.end",
            "place": ["address.location", "branches.0"],
            "street": "address.street",
            "postcode": "address.zip_code",
            "city": "address.city",
            "price": "ticket_categories.*.price.value",
            "status": "state",
            "url": "url",
            "category": "tags.*",
        },
        "price_unit": 1.0,
    },
}
