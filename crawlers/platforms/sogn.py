"""sogn.dk's open search over every parish's events (github
folkekirkensit/Sogn.dk-Webservice-dokumentation, README): Elasticsearch 5.1 at es.sogn.dk,
index `sognekalender`, type `event`. Searched by GET with a JSON body (public POST is closed),
`from`/`size` in the URL, the hits at `hits.hits`, each record under `_source`. The body asks
for the municipality's (`kommunenavn`) coming events that are neither church services
(`eventtype` 1) nor deleted; `skip` drops any that come anyway. No field reads `person` (the
pastor) and nothing asks the `priest` type.
"""

from __future__ import annotations

from typing import Any

#: The preset (see crawlers.platforms).
NAME = "sogn"

PRESET: dict[str, Any] = {
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
}
