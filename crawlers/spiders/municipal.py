"""Municipal pages: "Aktiviteter"/"Fællesskaber"/"Det sker" listings and association
directories. Structured data when a page has it; otherwise the fields its site's selectors
(in sources.toml) point at."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain
from typing import Any
from urllib.parse import unquote

from scrapy.http import TextResponse

from crawlers.extract import attr_of, select, text_of
from crawlers.items import ActivityItem, OrganizationItem
from crawlers.spiders.ical import ICalReading
from crawlers.spiders.jsonld import JsonLdSpider
from crawlers.spiders.listing import ListingReading

#: Fields a site's selectors may name, as the normaliser reads them.
FIELDS = ("title", "description", "when", "where", "price", "age", "accessibility", "signup",
          "organizer", "contact", "category", "status")


class MunicipalSpider(JsonLdSpider, ICalReading, ListingReading):
    name = "municipal"

    def parse_page(self, response: TextResponse) -> Iterator[Any]:
        # Calendars the page links to ("Abonnér på kalenderen") are read as feeds.
        for href in response.xpath("//a/@href").getall():
            href = href.strip()
            if href.lower().startswith("webcal://"):
                href = "https://" + href[len("webcal://"):]
            if href.lower().split("?")[0].endswith(".ics"):
                yield response.follow(href, callback=self.parse_ical, errback=self.on_error)
        found = 0
        for item in chain(self._filled(response, list(self.structured_items(response))),
                          self.script_items(response), self.listing_items(response)):
            found += 1
            yield item
        if not found and self.source.selectors:
            for item in self._selected_activity(response):
                found += 1
                yield item
        if self.source.organizations:
            for item in self._organizations(response):
                found += 1
                yield item
        if not found and self.is_detail(response.url, response):
            # A detail page that gives nothing: the site changed, or the page is not one.
            self.problem("selectors_matched_nothing", response.url,
                         "no structured data and no title by the configured selector")
            if listing := response.meta.get("fk_listing"):
                # What its listing showed of it is still known: kept, not lost.
                yield ActivityItem(raw=self.raw(response.url, texts=listing))

    def _filled(self, response: TextResponse, found: list[Any]) -> list[Any]:
        """With `selectors_fill`, the one activity a page's structured data gives takes the
        page's selector texts too, for what the structured data leaves unsaid (normalize reads
        structured data first). Several activities on one page are left as they are: which of
        them a "Venteliste" belongs to is not known."""
        if not (self.source.options.selectors_fill and self.source.selectors):
            return found
        activities = [i for i in found if isinstance(i, ActivityItem)]
        if len(activities) == 1:
            # The page's own texts win over the source's defaults, which fill only the unsaid.
            activities[0].raw.texts = {**activities[0].raw.texts, **self._texts(response)}
        return found

    def _texts(self, response: TextResponse) -> dict[str, str]:
        """The texts the source's selectors find on a page, by field."""
        sel = self.source.selectors
        texts = {f: t for f in FIELDS if f in sel and (t := text_of(response, sel[f]))}
        if "contact" in sel and (links := contact_links(response, sel["contact"])):
            # A link's text may say only "Skriv til os": its address is the contact.
            known = texts.get("contact") or ""
            texts["contact"] = "\n".join([known, *(x for x in links if x not in known)]).strip()
        return texts

    def _selected_activity(self, response: TextResponse) -> Iterator[ActivityItem]:
        title_query = self.source.selectors.get("title")
        if not title_query or not self.is_detail(response.url, response):
            return
        texts = self._texts(response)
        # A page with a title but neither time nor place (a news article in the same CMS
        # template) is no activity; what its listing showed counts (merged in `admitted`).
        stated = {**response.meta.get("fk_listing", {}), **texts}
        if "title" not in stated or not ({"when", "where"} & stated.keys()):
            return
        yield ActivityItem(raw=self.raw(response.url, texts=texts))

    def _organizations(self, response: TextResponse) -> Iterator[OrganizationItem]:
        conf = self.source.organizations
        for block in select(response, conf.get("item", "xpath:/nonexistent")):
            name = text_of(block, conf["name"]) if "name" in conf else None
            if not name:
                continue
            data: dict[str, Any] = {"@type": "Organization", "name": " ".join(name.split())}
            if "url" in conf and (href := attr_of(block, conf["url"], "href")):
                data["url"] = response.urljoin(href)
            for field, key in (("email", "email"), ("phone", "telephone"),
                               ("address", "address"), ("description", "description")):
                if field in conf and (value := text_of(block, conf[field])):
                    data[key] = " ".join(value.split())
            yield OrganizationItem(raw=self.raw(response.url, structured=data), data=data)


def contact_links(response: TextResponse, query: str) -> list[str]:
    """The addresses of the mailto: and tel: links in a field, in page order."""
    found: list[str] = []
    for node in select(response, query):
        if isinstance(node.root, str):
            continue
        for href in node.xpath("descendant-or-self::a/@href").getall():
            scheme, _, rest = href.strip().partition(":")
            if scheme.lower() in ("mailto", "tel") and (value := unquote(rest.split("?")[0])):
                found.append(value.strip())
    return found
