"""Danmarks Naturfredningsforening's events (arrangementer.dn.dk): the public events search
behind the site, searched by municipality code, then each event's own record.

DN publishes no documentation of this API. What the preset rests on is the closest public
evidence found (docs/sources.md, "DN"): a third-party adapter and its source notes in a public
repository of an Ærø community calendar (TypeScript `SOURCE_REGISTRY["dn-aeroe"]` adapter and
its "Kildeinventar og implementeringsnoter"; the search tools' file ids 68387738336 and
68317261588; repository name not shown by the index). They document:

- the API under `https://func-dn-events-production-003.azurewebsites.net/api`;
- `GET /events/search?municipalityCodes=0492&pageIndex=0&pageSize=50`: `{currentPage,
  totalPages, totalItems, itemsPerPage, items: [{id, ...}], hasNextPage}`, 0-based pages;
  `hasNextPage` was true on the last non-empty page, so paging stops on an empty page (and
  `totalPages` is not trusted either);
- `GET /events/<id>`: `id` (number), `title`, `start`/`end` (ISO 8601 with an offset),
  `cancelledAt` (null or a time), `private`, `occupied` (full), `hideAddress`,
  `description` (else `teaser`), `locationDirections` (the meeting place), `address`
  (`streetName`, `houseNumber`, `letter`, `floor`, `door`, `postalCode`, `city`,
  `municipalityCode`), `signupType`/`signupTypeData`/`signupInfo`/`useSignupInfo`, `price`
  (a number, or text), `url`, `updated`, coordinates and the local department (names not
  given);
- the public page of an event: `https://arrangementer.dn.dk/arrangementer/<id>`;
- municipality codes as four digits with a leading zero ("0492", Ærø).

Assumed, not documented: the local department's name at `department.name` (a source may set
`[source.defaults] organizer = "DN Holstebro"` for events where it gives none); a `price` of
0 is free as stated, none is unknown. Not read: coordinates (names unknown; the address is
geocoded), `floor`/`door`, `signupTypeData` (an e-mail or phone that may be a volunteer's
own), `url` (a sign-up link, not the event's page), the event types.
"""

from __future__ import annotations

from typing import Any

#: The preset (see crawlers.platforms).
NAME = "dn"

PRESET: dict[str, Any] = {
    "kind": "municipal",
    "spider": "jsonapi",
    "json": {
        # The start URL is the municipality's search: .../api/events/search?municipalityCodes=0661
        "items": "items",
        "paging": "page",
        "page_param": "pageIndex",
        "first": 0,
        "size_param": "pageSize",
        "page_size": 50,
        "max_pages": 100,
        "detail": "/api/events/{id}",
        "link": "https://arrangementer.dn.dk/arrangementer/{id}",
        "skip": {"private": {"private": [True]}},
        # In this order: a cancelled event that was full is cancelled.
        "flags": {
            "cancelledAt": {"status": "Aflyst"},
            "occupied": {"status": "Fuldt booket"},
        },
        # An address DN does not show the public (often a volunteer's home) is not kept.
        "withhold": {"hideAddress": ["street", "postcode", "city"]},
        "fields": {
            "id": "id",
            "title": "title",
            "description": ["description", "teaser"],
            "start": "start",
            "end": "end",
            "place": "locationDirections",
            "street": "address.streetName + address.houseNumber + address.letter",
            "postcode": "address.postalCode",
            "city": "address.city",
            "price": "price",
            "signup": "signupInfo",
            "organizer": "department.name",
        },
    },
}
