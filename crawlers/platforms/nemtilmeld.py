"""NemTilmeld (nemtilmeld.dk), the sign-up and payment system of many Danish associations,
municipalities and parishes: one subdomain per organiser (`<konto>.nemtilmeld.dk`), its front
page listing the coming events, one page per event at `/<number>/`.

There is no public API documentation; what the preset relies on was read from public material
(docs/sources.md, "NemTilmeld", says what each piece is and how sure it is):

- the URL layout: event pages at `https://<konto>.nemtilmeld.dk/<id>/` (links on public sites,
  e.g. `sif-fodbold.nemtilmeld.dk/81/`, `vejlemodhudcancer.nemtilmeld.dk/6/`), the front page
  as the list of events, terms at `/legal/terms/event/<id>/raw`, help at `/support/guides/`
  (pages of nemtilmeld.dk and its customers' subdomains);
- two public scrapers of NemTilmeld subdomains (Scleroseforeningen's, found by find_string
  "nemtilmeld_event" and "sclerose-bornholm.nemtilmeld.dk"): they take the event links from the
  front page (the first path part a number) and the description from the element with class
  `js-nemtilmeld_event_field-description`;
- NemTilmeld's guide "Sådan opretter du en ny bruger" (nemtilmeld.dk/support/guides/127/):
  a user's public contact details are shown on the sign-up pages of the events they are
  responsible for. That is a person: the preset reads no contact field.

The event pages' schema.org JSON-LD (Event, offers, location) is read as the `jsonld` family
reads any; the sign-up box's text ("Der er ikke flere pladser", "Venteliste", "Udsolgt",
"Tilmeldingen er lukket") is read with `selectors_fill` for what the JSON-LD leaves unsaid.
The sign-up box's markup (`.event-signup`) was found in no public material: it is this
project's fixture's, and must be checked against a live page before a source goes live.
"""

from __future__ import annotations

from typing import Any

#: The preset (see crawlers.platforms).
NAME = "nemtilmeld"

#: An event's page: a number as the only path part (`/1482/`), on the organiser's subdomain.
EVENT_PAGE = r"^https?://[^/?#]+/\d+/?$"

PRESET: dict[str, Any] = {
    "kind": "municipal",
    "spider": "municipal",
    "options": {
        "detail": [EVENT_PAGE],
        # The front page links to the events; an event page links to nothing we read.
        "max_depth": 1,
        "selectors_fill": True,
        # An event page shows its responsible user's contact details (guide 127), often a
        # private person's: read, never stored, not even in the HTTP cache.
        "dont_cache": [EVENT_PAGE],
    },
    "selectors": {
        "title": "h1",
        "description": ".js-nemtilmeld_event_field-description",
        # Every event on NemTilmeld is signed up for; the box says whether places are left.
        "signup": ".event-signup",
        "status": ".event-signup",
    },
}
