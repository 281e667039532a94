"""Listing pages with many activities: one per match of a source's `[source.items]`
selector, or one per entry of JSON in a script or an attribute (`[source.script_data]`)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from parsel import Selector
from scrapy.http import TextResponse

from crawlers.extract import dig, flat_text, item_key, select, text_of
from crawlers.items import ActivityItem
from crawlers.sources import ListingItems, ScriptData
from crawlers.spiders.base import SourceSpider

#: Script-data fields read as the page's texts (the rest become schema.org properties).
TEXT_FIELDS = ("when", "where", "age", "description", "organizer", "category", "status")


class ListingReading(SourceSpider):
    """Reads listings of many activities; mixed into the spiders whose sites have them."""

    #: Not a spider of its own: without a name Scrapy's spider loader passes it by.
    name = ""

    def listing_items(self, response: TextResponse) -> Iterator[Any]:
        """One activity per item of the listing, or a request for its page (`follow_link`)
        carrying what the listing shows of it."""
        conf = self.source.items
        if conf is None:
            return
        blocks = select(response, conf.item)
        if conf.count:
            self._check_count(response, conf.count, len(blocks))
        for n, block in enumerate(blocks, 1):
            texts = _parse_texts(block, conf)
            if not texts.get("title"):
                self.skip("item_without_title", response.url, f"item {n} of the page")
                continue
            link = _parse_link(block, conf.link, response)
            if conf.follow_link and link:
                yield self.page_request(link, response.meta.get("fk_depth", 0) + 1,
                                        fk_detail=True, fk_listing=texts)
                continue
            origin = (_parse_id(block, conf.id) or link
                      or item_key(self.source.name, texts["title"], _first_line(texts),
                                  texts.get("where")))
            yield ActivityItem(raw=self.raw(link or response.url, origin=origin, texts=texts))

    def _check_count(self, response: TextResponse, query: str, found: int) -> None:
        """A page that says it lists more items than it holds (a "Vis flere" button, paging
        the source does not follow) was not fully read: reported, and what it held before is
        kept rather than swept."""
        stated = re.search(r"\d+", text_of(response, query) or "")
        if stated and found < int(stated.group()):
            self.problem("listing_incomplete", response.url,
                         f"the page states {stated.group()} items; {found} found")

    def script_items(self, response: TextResponse) -> Iterator[ActivityItem]:
        """One activity per entry of the JSON the configured elements hold."""
        conf = self.source.script_data
        if conf is None:
            return
        for node in select(response, conf.selector):
            for entry in self._script_entries(response, node, conf):
                item = self._script_item(response, entry, conf)
                if item is not None:
                    yield item

    def _script_entries(self, response: TextResponse, node: Selector, conf: ScriptData
                        ) -> list[Mapping[str, Any]]:
        body = node.attrib.get(conf.attribute) if conf.attribute else node.xpath(
            "string()").get()
        try:
            data = json.loads(body or "")
        except json.JSONDecodeError as exc:
            self.problem("broken_script_data", response.url, f"{conf.selector}: {exc}"[:200])
            return []
        entries = dig(data, conf.items) if conf.items else data
        if isinstance(entries, Mapping):
            entries = [entries]  # one activity per element (a card's data-event)
        if not isinstance(entries, list):
            self.problem("script_data_without_items", response.url,
                         f"{conf.selector}: nothing at {conf.items!r}")
            return []
        return [e for e in entries if isinstance(e, Mapping)]

    def _script_item(self, response: TextResponse, entry: Mapping[str, Any], conf: ScriptData
                     ) -> ActivityItem | None:
        values = {field: dig(entry, path) for field, path in conf.fields.items()}
        title = flat_text(values.get("title"))
        if not title:
            self.skip("item_without_title", response.url, json.dumps(entry)[:120])
            return None
        data: dict[str, Any] = {"@type": "Event", "name": title}
        for field, prop in (("start", "startDate"), ("end", "endDate")):
            if (value := flat_text(values.get(field))) is not None:
                data[prop] = value
        texts = {f: t for f in TEXT_FIELDS if (t := flat_text(values.get(f)))}
        price = values.get("price")
        if isinstance(price, int | float) and not isinstance(price, bool):
            data["offers"] = {"price": price}
        elif (price_text := flat_text(price)) is not None:
            texts["price"] = price_text
        link = flat_text(values.get("link"))
        link = response.urljoin(link) if link else None
        origin = (flat_text(values.get("id")) or link
                  or item_key(self.source.name, title, data.get("startDate") or
                              _first_line(texts), texts.get("where")))
        return ActivityItem(raw=self.raw(link or response.url, origin=origin, structured=data,
                                         texts=texts))


def _parse_texts(block: Selector, conf: ListingItems) -> dict[str, str]:
    return {field: t for field, query in conf.fields().items() if (t := text_of(block, query))}


def _parse_link(block: Selector, query: str | None, response: TextResponse) -> str | None:
    """The item's own page: the href of what `query` selects (or of a link inside it)."""
    if not query:
        return None
    for node in select(block, query):
        href = node.root if isinstance(node.root, str) else (
            node.attrib.get("href") or node.xpath(".//a/@href").get())
        if href and href.strip() and not href.strip().startswith(("#", "javascript:")):
            return response.urljoin(href.strip())
    return None


def _parse_id(block: Selector, query: str | None) -> str | None:
    if not query:
        return None
    text = text_of(block, query)
    return " ".join(text.split()) if text else None


def _first_line(texts: Mapping[str, str]) -> str | None:
    """The item's first date as written: the first line of its time."""
    when = texts.get("when")
    return when.splitlines()[0] if when else None
