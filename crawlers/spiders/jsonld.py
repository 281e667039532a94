"""Generic spider: walks a site from its listings and sitemaps, and takes the schema.org
Events and Organizations its pages publish as JSON-LD or microdata."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from scrapy.http import TextResponse

from crawlers.extract import as_list, structured_data
from crawlers.items import ActivityItem, OrganizationItem
from crawlers.spiders.base import SourceSpider
from normalize.activity import is_event, is_organization


class JsonLdSpider(SourceSpider):
    name = "jsonld"

    def parse_page(self, response: TextResponse) -> Iterator[Any]:
        yield from self.structured_items(response)

    def structured_items(self, response: TextResponse) -> Iterator[Any]:
        for data in structured_data(response, self.problem):
            if is_event(data):
                yield ActivityItem(raw=self.raw(response.url, origin=_origin(data),
                                                structured=data))
            elif is_organization(data):
                yield OrganizationItem(raw=self.raw(response.url, structured=data),
                                       data=dict(data))
                for event in as_list(data.get("event")):
                    if isinstance(event, Mapping) and is_event(event):
                        org = {k: data.get(k) for k in ("name", "url", "email", "telephone")}
                        event = {"organizer": org, **event}
                        yield ActivityItem(raw=self.raw(response.url, origin=_origin(event),
                                                        structured=event))


def _origin(data: Mapping[str, Any]) -> str | None:
    value = data.get("identifier") or data.get("@id") or data.get("url")
    if isinstance(value, Mapping):
        value = value.get("value") or value.get("@id")
    if isinstance(value, list):
        value = value[0] if value else None
    return str(value).strip() if value not in (None, "") else None
