"""Boblberg-style community portals: posts ("bobler") from a paginated JSON endpoint, or
from pages a browser renders. Private persons' posts are kept only when they announce an
activity, and never with their contact details or names."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from scrapy.http import Response, TextResponse

from crawlers.extract import dig, item_key, select, text_of
from crawlers.items import ActivityItem
from crawlers.spiders.base import SourceSpider
from normalize.portal import announces_activity, scrub_personal


class PortalSpider(SourceSpider):
    name = "portal"

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        ctype = (response.headers.get("Content-Type") or b"").decode("latin-1")
        if self.source.api and ("json" in ctype or response.url.endswith(".json")):
            yield from self._json_page(response)
            return
        yield from super().parse(response, **kwargs)

    def _json_page(self, response: Response) -> Iterator[Any]:
        self.count("fkort/pages")
        api = self.source.api
        try:
            data = json.loads(response.body)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            self.problem("broken_json", response.url, str(exc)[:200])
            return
        items = dig(data, api.get("items", "items"))
        if not isinstance(items, list):
            self.problem("json_without_items", response.url, api.get("items", "items"))
            return
        yield from self.admitted(response, self._json_posts(response, items))
        nxt = dig(data, api["next"]) if "next" in api else None
        if isinstance(nxt, str) and nxt:
            yield response.follow(nxt, callback=self.parse, errback=self.on_error)

    def _json_posts(self, response: Response, items: list[Any]) -> Iterator[ActivityItem]:
        api = self.source.api
        for post in items:
            if isinstance(post, Mapping):
                item = self._post(response, {k: dig(post, p) for k, p in api.items()})
                if item is not None:
                    yield item

    def parse_page(self, response: TextResponse) -> Iterator[Any]:
        """A page the browser rendered: one post per `item` selector match."""
        sel = self.source.selectors
        for block in select(response, sel.get("item", "xpath:/nonexistent")):
            fields = {k: text_of(block, q) for k, q in sel.items() if k != "item"}
            link = block.css("a::attr(href)").get()
            fields["url"] = response.urljoin(link) if link else None
            # A post without a link of its own is known by what it says, never by the
            # page's address (which every such post would share).
            fields.setdefault("id", fields.get("url") or item_key(
                self.source.name, _s(fields.get("title")), _s(fields.get("when")) or None,
                " ".join(_s(fields.get(k)) for k in ("postcode", "city")).strip() or None))
            item = self._post(response, fields)
            if item is not None:
                yield item

    def _post(self, response: Response, f: Mapping[str, Any]) -> ActivityItem | None:
        title, text = _s(f.get("title")), _s(f.get("description"))
        if not title:
            self.count("fkort/skipped/post_without_title")
            return None
        org_types = {t.strip() for t in self.source.api.get("organisation_types",
                                                            "organisation,forening").split(",")}
        by_org = _s(f.get("poster_type")) in org_types
        texts: dict[str, str] = {"title": title}
        if by_org:
            texts["organizer"] = _s(f.get("poster_name"))
            texts["contact"] = " ".join(x for x in (_s(f.get("poster_email")),
                                                     _s(f.get("poster_phone"))) if x)
            texts["description"] = text
        else:
            if not announces_activity(title, text, _s(f.get("category"))):
                # One person seeking another: personal data, not an activity. Not kept.
                self.count("fkort/skipped/private_post")
                return None
            names = [n for n in (_s(f.get("poster_name")),) if n]
            texts["title"] = scrub_personal(title, names)
            texts["description"] = scrub_personal(text, names)
        texts["category"] = _s(f.get("category"))
        texts["where"] = " ".join(x for x in (_s(f.get("postcode")), _s(f.get("city"))) if x)
        ages = (_s(f.get("age_from")), _s(f.get("age_to")))
        if any(ages):
            texts["age"] = f"{ages[0] or ''}-{ages[1] or ''} år" if ages[1] else f"{ages[0]}+"
        url = response.urljoin(_s(f.get("url")) or response.url)
        return ActivityItem(raw=self.raw(url, origin=_s(f.get("id")) or url,
                                         texts={k: v for k, v in texts.items() if v}))


def _s(value: Any) -> str:
    return "" if value is None else str(value).strip()
