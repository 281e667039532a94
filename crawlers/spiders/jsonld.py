"""Generic spider: walks a site from its listings and sitemaps, and takes the schema.org
Events and Organizations its pages publish as JSON-LD or microdata."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from scrapy.http import TextResponse

from crawlers.extract import as_list, flat_text, item_key, structured_data
from crawlers.items import ActivityItem, OrganizationItem
from crawlers.spiders.base import SourceSpider
from normalize.activity import is_event, is_organization


class JsonLdSpider(SourceSpider):
    name = "jsonld"

    def parse_page(self, response: TextResponse) -> Iterator[Any]:
        yield from self.structured_items(response)

    def structured_items(self, response: TextResponse) -> Iterator[Any]:
        found = structured_data(response, self.problem)
        # Events without a url or identifier of their own are the page's own event when it
        # has one; on a page of several (a concert calendar in microdata), each is known by
        # its title, date and place, never all by the page's address.
        anonymous = sum(1 for d in _events(found) if _origin(d) is None)
        for data in found:
            if is_event(data):
                yield self._event(response, data, several=anonymous > 1)
            elif is_organization(data):
                yield OrganizationItem(raw=self.raw(response.url, structured=data),
                                       data=dict(data))
                for event in as_list(data.get("event")):
                    if isinstance(event, Mapping) and is_event(event):
                        org = {k: data.get(k) for k in ("name", "url", "email", "telephone")}
                        yield self._event(response, {"organizer": org, **event},
                                          several=anonymous > 1)

    def _event(self, response: TextResponse, data: Mapping[str, Any], *, several: bool
               ) -> ActivityItem:
        origin = _origin(data)
        if origin is None and several:
            origin = item_key(self.source.name, flat_text(data.get("name")) or "",
                              flat_text(data.get("startDate")), _place(data.get("location")))
        return ActivityItem(raw=self.raw(response.url, origin=origin, structured=data))


def _events(found: list[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
    """The events of a page, also those an organisation lists."""
    for data in found:
        if is_event(data):
            yield data
        elif is_organization(data):
            yield from (e for e in as_list(data.get("event"))
                        if isinstance(e, Mapping) and is_event(e))


def _place(location: object) -> str | None:
    if isinstance(location, Mapping):
        return flat_text(location.get("name")) or flat_text(location.get("address"))
    return flat_text(location)


def _origin(data: Mapping[str, Any]) -> str | None:
    value = data.get("identifier") or data.get("@id") or data.get("url")
    if isinstance(value, Mapping):
        value = value.get("value") or value.get("@id")
    if isinstance(value, list):
        value = value[0] if value else None
    return str(value).strip() if value not in (None, "") else None
