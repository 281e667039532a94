"""Listing pages with many activities: one per match of a source's `[source.items]`
selector, or one per entry of JSON in a script or an attribute (`[source.script_data]`)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from parsel import Selector
from scrapy.http import TextResponse

from crawlers.extract import (
    as_list,
    compared,
    cut_out,
    flat_text,
    item_key,
    pick,
    select,
    text_of,
)
from crawlers.items import ActivityItem
from crawlers.sources import ListingItems, ScriptData, ScriptPaging
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

    def script_items(self, response: TextResponse) -> Iterator[Any]:
        """One activity per entry of the JSON the configured elements hold; with `paging`,
        the request for the next page when this one says it is not the last."""
        conf = self.source.script_data
        if conf is None:
            return
        for node in select(response, conf.selector):
            data = self._script_json(response, node, conf)
            if data is None:
                continue
            entries = self._script_entries(response, data, conf)
            for entry in entries:
                item = self._script_item(response, entry, conf)
                if item is not None:
                    yield item
            if conf.paging is not None and entries:
                yield from self._script_next(response, data, conf.paging)

    def _script_json(self, response: TextResponse, node: Selector, conf: ScriptData) -> Any:
        body = node.attrib.get(conf.attribute) if conf.attribute else node.xpath(
            "string()").get()
        try:
            return json.loads(body or "")
        except json.JSONDecodeError as exc:
            self.problem("broken_script_data", response.url, f"{conf.selector}: {exc}"[:200])
            return None

    def _script_entries(self, response: TextResponse, data: Any, conf: ScriptData
                        ) -> list[Mapping[str, Any]]:
        entries = pick(data, conf.items)
        if isinstance(entries, Mapping):
            entries = [entries]  # one activity per element (a card's data-event)
        if not isinstance(entries, list):
            self.problem("script_data_without_items", response.url,
                         f"{conf.selector}: nothing at {conf.items!r}")
            return []
        return [e for e in entries if isinstance(e, Mapping)]

    def _script_next(self, response: TextResponse, data: Any, paging: ScriptPaging
                     ) -> Iterator[Any]:
        """The next page's request, while this page's number is below the last's: the
        numbers are the JSON's, the next URL this one's with its number raised by one."""
        try:
            page, last = int(str(pick(data, paging.page))), int(str(pick(data, paging.last)))
        except ValueError:
            return
        found = re.search(paging.in_url, response.url)
        if page >= last or found is None or int(found.group(1)) != page:
            return
        pages = response.meta.get("fk_script_pages", 1)
        if pages >= paging.max_pages:
            self.problem("page_limit", response.url, f"stopped after {pages} pages")
            return
        url = response.url[:found.start(1)] + str(page + 1) + response.url[found.end(1):]
        yield self.page_request(url, response.meta.get("fk_depth", 0),
                                fk_script_pages=pages + 1)

    def _script_item(self, response: TextResponse, entry: Mapping[str, Any], conf: ScriptData
                     ) -> ActivityItem | None:
        values = _script_values(entry, conf)
        title = flat_text(values.get("title"))
        if not title:
            # Named by its id, else by its JSON with what `redact` names cut out.
            shown = flat_text(values.get("id"))
            self.skip("item_without_title", response.url, f"id {shown}" if shown else
                      _redacted(json.dumps(entry, ensure_ascii=False), entry, conf)[:120])
            return None
        if reason := _script_skipped(entry, conf):
            self.skip(reason, response.url, f"{title} ({flat_text(values.get('id')) or ''})")
            return None
        data = _script_event(title, values)
        texts = {f: t for f in TEXT_FIELDS if (t := flat_text(values.get(f)))}
        if "status" not in texts and (state := _state_if_set(entry, conf)):
            texts["status"] = state
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


def _script_values(entry: Mapping[str, Any], conf: ScriptData) -> dict[str, Any]:
    """Each field's value: the first of its paths that gives one, with what `redact` names
    cut out of its texts."""
    values: dict[str, Any] = {}
    for field, paths in conf.fields.items():
        for path in [paths] if isinstance(paths, str) else paths:
            value = pick(entry, path)
            if value not in (None, "", []):
                values[field] = value
                break
    return {k: _redacted(v, entry, conf) for k, v in values.items()}


def _redacted(value: Any, entry: Mapping[str, Any], conf: ScriptData) -> Any:
    """A value with what the entry holds at the `redact` paths cut out of every text in it
    (an object's and a list's too)."""
    for path in conf.redact:
        secret = flat_text(pick(entry, path)) or ""
        if len(secret) > 2:
            value = _cut_all(value, secret)
    return value


def _cut_all(value: Any, secret: str) -> Any:
    if isinstance(value, Mapping):
        return {k: _cut_all(v, secret) for k, v in value.items()}
    if isinstance(value, list):
        return [_cut_all(v, secret) for v in value]
    return cut_out(value, secret)


def _script_skipped(entry: Mapping[str, Any], conf: ScriptData) -> str | None:
    """The reason (`skip`) an entry is left out for, else None."""
    for reason, rule in conf.skip.items():
        for path, values in rule.items():
            found = pick(entry, path)
            wanted = {compared(v) for v in values}
            if any(compared(v) in wanted for v in as_list(found)):
                return reason
    return None


def _state_if_set(entry: Mapping[str, Any], conf: ScriptData) -> str | None:
    for path, state in conf.status_if_set.items():
        if pick(entry, path) not in (None, False, "", [], {}):
            return state
    return None


def _script_event(title: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """The entry as a schema.org Event: its dates (a whole-day one as its date only, an end
    the platform hides as none) and its place."""
    data: dict[str, Any] = {"@type": "Event", "name": title}
    all_day = _truthy(values.get("all_day"))
    hidden_end = _truthy(values.get("end_hidden"))
    for field, prop in (("start", "startDate"), ("end", "endDate")):
        value = flat_text(values.get(field))
        if value is None or field == "end" and hidden_end:
            continue
        # A whole-day event's time is none: its date as written, the time unknown.
        data[prop] = value[:10] if all_day and len(value) > 10 else value
    address = {k: t for k, f in (("streetAddress", "street"), ("postalCode", "postcode"),
                                 ("addressLocality", "city"))
               if (t := flat_text(values.get(f)))}
    place: dict[str, Any] = {"@type": "Place"}
    if name := flat_text(values.get("place")):
        place["name"] = name
    if address:
        place["address"] = {"@type": "PostalAddress", **address}
    if len(place) > 1:
        data["location"] = place
    return data


def _truthy(value: Any) -> bool:
    return value is True or str(value).casefold() in ("true", "1", "yes", "ja")


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
