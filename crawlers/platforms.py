"""Platform presets: what a `[[source]]` with `platform = "<name>"` means, as data.

A source that names a platform needs only `name` and `start_urls` (the site's base URL); the
preset fills in the spider, the kind and the spider's configuration. Anything the entry sets
itself wins over the preset (a `[source.json]` table is merged key by key, its `fields` too).
Each preset is written from the platform's public documentation; docs/sources.md says which.
"""

from __future__ import annotations

from typing import Any

#: Presets by platform name.
PLATFORMS: dict[str, dict[str, Any]] = {
    # DPL CMS, the Danish public libraries' CMS (github danskernesdigitalebibliotek/dpl-cms,
    # openapi.json and dpl_event's EventsResource/EventRestMapper): GET /api/v1/events
    # answers a bare array with one record per occurrence, all of them at once (no paging).
    # Occurrences of one series share series.uuid. `ticket_categories[].price.value` is in
    # kroner although the spec says "minor unit": the code fills it with the decimal field an
    # editor types kroner into (docs/sources.md, "DPL CMS").
    "dpl-cms": {
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
    },
    # The Events Calendar (StellarWP, formerly Modern Tribe), a WordPress plugin common on
    # association sites (github the-events-calendar/the-events-calendar: its REST API's
    # Swagger documentation, Event/Venue/Organizer definitions, Archive_Event and
    # Post_Repository). GET /wp-json/tribe/events/v1/events answers {events, total,
    # total_pages, next_rest_url}, upcoming events only, at most 50 a page; a page past the
    # last answers 404, so paging stops at `total_pages` (or on an empty page). Dates are
    # "YYYY-MM-DD HH:MM:SS" in the event's time zone (the site's: Copenhagen on Danish
    # sites); an event without venue or organiser has `[]` there.
    "tribe-events": {
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
    },
    # sogn.dk's open search over every parish's events (github folkekirkensit/
    # Sogn.dk-Webservice-dokumentation, README): Elasticsearch 5.1 at es.sogn.dk, index
    # `sognekalender`, type `event`. Searched by GET with a JSON body (public POST is closed),
    # `from`/`size` in the URL, the hits at `hits.hits`, each record under `_source`. The
    # body asks for the municipality's (`kommunenavn`) coming events that are neither church
    # services (`eventtype` 1) nor deleted; `skip` drops any that come anyway. No field reads
    # `person` (the pastor) and nothing asks the `priest` type.
    "sogn": {
        "kind": "municipal",
        "spider": "jsonapi",
        "json": {
            "endpoint": "/sognekalender/event/_search",
            "items": "hits.hits",
            "body": {
                "query": {"bool": {
                    "filter": [
                        {"term": {"deleted": False}},
                        {"match": {"kommunenavn": {"query": "{municipality}",
                                                   "operator": "and"}}},
                        {"range": {"startdate": {"gte": "now/d"}}},
                    ],
                    "must_not": [{"term": {"eventtype": 1}}],
                }},
                "sort": [{"startdate": "asc"}, {"id": "asc"}],
            },
            "paging": "offset",
            "page_param": "from",
            "first": 0,
            "size_param": "size",
            "page_size": 100,
            # Elasticsearch answers at most 10 000 hits of one search (from + size).
            "max_pages": 100,
            "skip": {
                "church_service": {"_source.eventtype": [1]},
                "deleted": {"_source.deleted": [True]},
            },
            # `person` is read only to be cut out of the texts (a parish may name its pastor
            # in a description too).
            "redact": ["_source.person"],
            "fields": {
                "id": "_source.id",
                "title": "_source.title",
                "description": ["_source.description", "_source.shortdescription"],
                "start": "_source.startdate",
                "end": "_source.enddate",
                "place": ["_source.locationname", "_source.organisername"],
                "street": "_source.address1",
                "postcode": "_source.zip",
                "city": "_source.city",
                "url": "_source.moreurl",
                "organizer": "_source.organisername",
                "category": "_source.category",
            },
        },
    },
}


def preset(name: str) -> dict[str, Any]:
    """The preset of a platform; ValueError naming the known ones for any other name."""
    if name not in PLATFORMS:
        raise ValueError(f"unknown platform {name!r}; known: {', '.join(sorted(PLATFORMS))}")
    return PLATFORMS[name]


def apply(entry: dict[str, Any]) -> dict[str, Any]:
    """A `[[source]]` entry with its platform's preset filled in under what it sets itself."""
    base = preset(str(entry["platform"]))
    out = {**base, **entry}
    if "json" in base:
        own = entry.get("json") or {}
        json = {**base["json"], **own}
        json["fields"] = {**base["json"].get("fields", {}), **own.get("fields", {})}
        out["json"] = json
    return out
