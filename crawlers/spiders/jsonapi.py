"""JSON APIs by configuration (`[source.json]`): items at a path or a bare array, each field
at a path, GET or POST, paging by page, offset or cursor that ends on an empty page.

Occurrences that share a series id become one activity whose dates are the occurrences'
(handed to normalize as `calendar`, as the iCal spider hands its events); a cancelled
occurrence of a series is left out of its dates and counted.

An API whose list gives little more than ids (`detail`) is asked for each item's own record;
the activities are made when every page and every record is in.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urljoin

import scrapy
from scrapy.http import JsonRequest, Response
from twisted.python.failure import Failure
from w3lib.url import add_or_replace_parameters

from crawlers.evidence import page_key
from crawlers.extract import compared as _norm
from crawlers.extract import cut_out as _cut
from crawlers.extract import pick
from crawlers.items import ActivityItem
from crawlers.sources import JsonApiConfig, SourceConfig
from crawlers.spiders.base import SourceSpider

#: Status values (lower case; schema.org's by their last part) that say an occurrence will
#: not take place: left out of its series' dates.
CANCELLED = {"cancelled", "canceled", "eventcancelled", "aflyst"}


@dataclass
class Occurrence:
    """One record of the API, its fields read, and the page it was on."""

    fields: dict[str, Any]
    page: str

    def text(self, name: str) -> str:
        value = self.fields.get(name)
        if isinstance(value, list):
            return ", ".join(_s(v) for v in value if _s(v))
        return _s(value)

    @property
    def cancelled(self) -> bool:
        return self.text("status").rsplit("/", 1)[-1].casefold() in CANCELLED


class JsonApiSpider(SourceSpider):
    name = "jsonapi"

    def __init__(self, source: SourceConfig, **kwargs: Any) -> None:
        super().__init__(source, **kwargs)
        self.api = source.json_api or JsonApiConfig()
        #: Every record read, in order: activities are made when the last page is in, since
        #: a series' occurrences may be spread over several pages.
        self.occurrences: list[Occurrence] = []
        #: Paging chains still running (one per start URL).
        self.running = len(source.start_urls)

    # -- requests ------------------------------------------------------------------------
    def page_request(self, url: str, depth: int, **meta: Any) -> scrapy.Request:
        endpoint = _fill(self.api.endpoint, self.source.json_vars()) if self.api.endpoint else ""
        base = urljoin(url, endpoint) if endpoint else url
        first = {"none": None, "cursor": None}.get(self.api.paging, self.api.first)
        return self.api_request(base, first, 1)

    def api_request(self, base: str, position: Any, pages: int) -> scrapy.Request:
        """The request for one page: its page number, offset or cursor as a parameter."""
        api = self.api
        params: dict[str, Any] = {} if position is None else {api.page_param: position}
        if api.size_param and api.paging != "none":
            params[api.size_param] = api.page_size
        meta: dict[str, Any] = {"fk_depth": 0, "fk_base": base, "fk_position": position,
                                "fk_pages": pages, **self._request_meta()}
        body = _fill(api.body, self.source.json_vars())
        if api.method == "POST":
            return JsonRequest(base, data={**body, **params}, callback=self.parse,
                               errback=self.on_page_error, meta=meta, dont_filter=True)
        url = add_or_replace_parameters(base, {k: str(v) for k, v in params.items()})
        if body:
            # A search asked by GET with a JSON body (Elasticsearch; its POST may be closed).
            return JsonRequest(url, method="GET", data=body, callback=self.parse,
                               errback=self.on_page_error, meta=meta, dont_filter=True)
        # Never dropped as a duplicate: a chain whose request vanished would never end (a
        # cursor that comes round again is stopped by max_pages instead).
        return scrapy.Request(url, callback=self.parse, errback=self.on_page_error, meta=meta,
                              dont_filter=True)

    def _request_meta(self) -> dict[str, Any]:
        meta: dict[str, Any] = {}
        if self.source.options.ignore_robots_txt:
            meta["dont_obey_robotstxt"] = True
        if self.api.redact or self.api.withhold:
            # An answer that holds what must never be stored is not kept in the HTTP cache.
            meta["dont_cache"] = True
        return meta

    def detail_request(self, page_url: str, record: Mapping[str, Any]) -> scrapy.Request | None:
        """The request for one list item's own record; None when the item lacks a value the
        address needs."""
        url = _template(self.api.detail or "", record)
        if url is None:
            return None
        self.running += 1
        return scrapy.Request(urljoin(page_url, url), callback=self.parse_detail,
                              errback=self.on_page_error, dont_filter=True,
                              meta={"fk_depth": 0, "fk_record": record, **self._request_meta()})

    # -- pages ---------------------------------------------------------------------------
    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        self.count("fkort/pages")
        data, records = self._records(response)
        page = page_key(response.request) if response.request is not None else response.url
        for record in records:
            if self._left_out(record, response.url):
                continue
            detail = self.detail_request(response.url, record) if self.api.detail else None
            if detail is not None:
                yield detail
            else:
                self.occurrences.append(Occurrence(self._fields(record), page))
        # The page's own length steps the offset: skipped records were on it too.
        nxt = self._next(response, data, records) if records else None
        if nxt is not None:
            yield nxt
        else:
            yield from self._chain_ended()

    def parse_detail(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """One item's own record: its values win, the list's fill what it leaves unsaid. A
        record that cannot be read is reported, and the item is not made from the list alone
        (what its page gave before is kept: the page was not read)."""
        self.count("fkort/pages")
        try:
            data = json.loads(response.body)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            self.problem("broken_json", response.url, str(exc)[:200])
            data = None
        if isinstance(data, Mapping):
            listed = response.meta.get("fk_record") or {}
            record = {**listed, **{k: v for k, v in data.items() if v is not None}}
            if not self._left_out(record, response.url):
                page = page_key(response.request) if response.request else response.url
                self.occurrences.append(Occurrence(self._fields(record), page))
        elif data is not None:
            self.problem("json_without_items", response.url, "the record is no object")
        yield from self._chain_ended()

    def _left_out(self, record: Mapping[str, Any], url: str) -> bool:
        """Whether `skip` leaves the record out (counted and named)."""
        reason = self._skipped(record)
        if reason:
            self.skip(reason, url, _s(record.get("_id") or record.get("id")))
        return reason is not None

    def on_page_error(self, failure: Failure) -> Iterator[Any]:
        """A page that could not be fetched ends its chain; what was read is still handed on."""
        self.on_error(failure)
        yield from self._chain_ended()

    def _records(self, response: Response) -> tuple[Any, list[Mapping[str, Any]]]:
        try:
            data = json.loads(response.body)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            self.problem("broken_json", response.url, str(exc)[:200])
            return None, []
        items = pick(data, self.api.items)
        if not isinstance(items, list):
            self.problem("json_without_items", response.url, self.api.items or "(top level)")
            return data, []
        return data, [x for x in items if isinstance(x, Mapping)]

    def _skipped(self, record: Mapping[str, Any]) -> str | None:
        """The reason (`[source.json] skip`) a record is left out for, else None."""
        for reason, rule in self.api.skip.items():
            for path, values in rule.items():
                if _norm(pick(record, path)) in {_norm(v) for v in values}:
                    return reason
        return None

    def _fields(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """Each configured field's value: the first of its paths that gives one; then what
        set flags state, less what they withhold, and the item's page."""
        out: dict[str, Any] = {}
        for name, paths in self.api.fields.items():
            for path in [paths] if isinstance(paths, str) else paths:
                value = _joined(record, path) if " + " in path else pick(record, path)
                if value not in (None, "", []):
                    out[name] = value
                    break
        for path, texts in self.api.flags.items():
            if _set(pick(record, path)):
                for name, text in texts.items():
                    out.setdefault(name, text)
        for path, names in self.api.withhold.items():
            if _set(pick(record, path)):
                out = {k: v for k, v in out.items() if k not in names}
        link = _template(self.api.link, record) if self.api.link else None
        if link and "url" not in out:
            out["url"] = link
        for path in self.api.redact:
            secret = _s(pick(record, path))
            if len(secret) > 2:
                out = {k: _cut(v, secret) for k, v in out.items()}
        return out

    def _next(self, response: Response, data: Any, records: list[Any]) -> scrapy.Request | None:
        """The next page's request, or None when paging is over. An empty page (or a missing
        cursor) ends it, or the last page a configured `total_pages` names: a `hasNextPage`
        or a total is never trusted to go on."""
        api, meta = self.api, response.meta
        if api.paging == "none":
            return None
        if api.paging == "cursor":
            position: Any = pick(data, api.cursor or "")
            if position in (None, "") or position == meta["fk_position"]:
                return None
        elif self._past_last(data, meta["fk_position"]):
            return None
        else:
            step = 1 if api.paging == "page" else len(records)
            position = meta["fk_position"] + step
        if meta["fk_pages"] >= api.max_pages:
            # What lies beyond is not read: the page is reported, and what it led to kept.
            self.problem("page_limit", response.url, f"stopped after {api.max_pages} pages")
            return None
        return self.api_request(meta["fk_base"], position, meta["fk_pages"] + 1)

    def _past_last(self, data: Any, position: Any) -> bool:
        """Whether the page just read is the last the answer's page count (`total_pages`)
        names: only ever a reason to stop, never to go on."""
        if self.api.paging != "page" or not self.api.total_pages:
            return False
        total = pick(data, self.api.total_pages)
        try:
            return int(position) - self.api.first + 1 >= int(str(total))
        except (TypeError, ValueError):
            return False

    def _chain_ended(self) -> Iterator[ActivityItem]:
        self.running -= 1
        if self.running == 0:
            yield from self._activities()

    # -- activities ----------------------------------------------------------------------
    def _activities(self) -> Iterator[ActivityItem]:
        """One activity per series (or per record without one); an id met twice is reported,
        never an overwrite."""
        groups: dict[str, list[Occurrence]] = {}
        for i, occ in enumerate(self.occurrences):
            groups.setdefault(occ.text("series") or f"\0{i}", []).append(occ)
        seen: set[str] = set()
        for series, group in groups.items():
            item = self._activity(series if not series.startswith("\0") else "", group)
            if item is None:
                continue
            origin = item.raw.origin_id or ""
            if origin in seen:
                self.problem("duplicate_id", item.raw.source.url, origin)
                continue
            seen.add(origin)
            yield item

    def _activity(self, series: str, group: list[Occurrence]) -> ActivityItem | None:
        group = sorted(group, key=lambda o: o.text("start") or "\uffff")
        live = [o for o in group if not o.cancelled]
        # A cancelled meeting of a series is no date of it; a series all cancelled is kept
        # whole, with its status, for normalize to say so.
        shown = live or group
        dropped = [o for o in group if o not in shown]
        for _ in dropped:
            self.count("fkort/skipped/cancelled_occurrence")
        first = shown[0]
        title = first.text("title")
        if not title:
            # Counted and named in the run report, by the record's id (else its page).
            self.skip("item_without_title", first.page, first.text("id") or first.page)
            return None
        url = urljoin(first.page, first.text("url")) if first.text("url") else first.page
        origin = series or first.text("id") or first.text("url") or _digest(
            self.source.name, title, first.text("start"), first.text("place"))
        structured, texts = self._structured(first), _texts(shown)
        if "offers" not in structured and first.text("price"):
            # A price in words ("50 kr.", "Gratis"): read by normalize's price reader.
            texts["price"] = first.text("price")
        raw = self.raw(url, origin=origin, structured=structured, texts=texts,
                       calendar=_calendar(shown, dropped))
        return ActivityItem(raw=raw, found_at=first.page)

    def _structured(self, occ: Occurrence) -> dict[str, Any]:
        """The record as a schema.org Event, the form normalize reads."""
        event: dict[str, Any] = {"@type": "Event", "name": occ.text("title")}
        if occ.text("description"):
            event["description"] = occ.text("description")
        if occ.fields.get("category"):
            event["keywords"] = occ.text("category")
        place = _place(occ)
        if place:
            event["location"] = place
        if occ.text("email") or occ.text("phone"):
            # The organiser's published contact, as schema.org's organizer carries it.
            org = {"@type": "Organization", "name": occ.text("organizer"),
                   "email": occ.text("email"), "telephone": occ.text("phone")}
            event["organizer"] = {k: v for k, v in org.items() if v}
        offers = self._offers(occ.fields.get("price"))
        if offers:
            event["offers"] = offers
        return event

    def _offers(self, value: Any) -> list[dict[str, Any]]:
        out = []
        for raw in value if isinstance(value, list) else [value]:
            try:
                amount = float(str(raw).replace(",", "."))
            except ValueError:
                continue
            out.append({"price": round(amount * self.api.price_unit, 2), "priceCurrency": "DKK"})
        return out


def _place(occ: Occurrence) -> dict[str, Any]:
    address = {k: occ.text(f) for k, f in (("streetAddress", "street"), ("postalCode",
               "postcode"), ("addressLocality", "city")) if occ.text(f)}
    place: dict[str, Any] = {"@type": "Place"}
    if occ.text("place"):
        place["name"] = occ.text("place")
    if address:
        place["address"] = address
    if occ.text("lat") and occ.text("lon"):
        place["geo"] = {"latitude": occ.text("lat"), "longitude": occ.text("lon")}
    return place if len(place) > 1 else {}


def _texts(shown: list[Occurrence]) -> dict[str, str]:
    """What normalize reads as text: the organiser, the age, the sign-up, and the platform's
    own status
    (`status`, as the API says it: one value for all meetings, else none)."""
    first = shown[0]
    texts = {"organizer": first.text("organizer"), "age": first.text("age"),
             "signup": first.text("signup")}
    states = {o.text("status") for o in shown}
    if len(states) == 1:
        texts["status"] = states.pop()
    return {k: v for k, v in texts.items() if v}


def _calendar(shown: list[Occurrence], dropped: list[Occurrence]) -> dict[str, Any] | None:
    first = shown[0]
    start = first.text("start")
    if not start:
        return None
    # A date without a clock time is a day with the time unknown.
    all_day = _truthy(first.fields.get("all_day")) or "T" not in start and " " not in start
    # An end equal to the start is no end given (sogn.dk's `noenddate` events).
    end = first.text("end")
    return {"dtstart": start, "dtend": end if end and end != start else None,
            "rdates": [o.text("start") for o in shown[1:] if o.text("start")],
            "exdates": [o.text("start") for o in dropped if o.text("start")],
            "all_day": all_day}


def _joined(record: Any, path: str) -> str | None:
    """The texts of the parts of a path joined by " + ", joined by spaces (None: none)."""
    parts = [_s(pick(record, part.strip())) for part in path.split(" + ")]
    return " ".join(p for p in parts if p) or None


_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


def _template(template: str, record: Any) -> str | None:
    """The template with each `{path}` replaced by the record's value there (None when one
    gives nothing).

    >>> _template("/api/events/{id}", {"id": 48211}), _template("/x/{id}", {})
    ('/api/events/48211', None)
    """
    values = {m: _s(pick(record, m)) for m in _PLACEHOLDER.findall(template)}
    if not all(values.values()):
        return None
    return _PLACEHOLDER.sub(lambda m: quote(values[m.group(1)], safe=""), template)


def _set(value: Any) -> bool:
    """Whether a flag is set: any value but null, false, 0, "false" or an empty one."""
    if isinstance(value, str):
        return value.strip().casefold() not in ("", "false", "0", "nej")
    return value not in (None, False, 0, [], {})


def _fill(body: Any, values: Mapping[str, str]) -> Any:
    """The body with each `{name}` of `values` replaced in every string of it."""
    if isinstance(body, str):
        for name, value in values.items():
            body = body.replace("{" + name + "}", value)
        return body
    if isinstance(body, Mapping):
        return {k: _fill(v, values) for k, v in body.items()}
    if isinstance(body, list):
        return [_fill(v, values) for v in body]
    return body


def _truthy(value: Any) -> bool:
    return value is True or str(value).casefold() in ("true", "1", "yes", "ja")


def _digest(*parts: str) -> str:
    return "h-" + hashlib.sha1("\x1f".join(parts).encode()).hexdigest()[:16]


def _s(value: Any) -> str:
    return "" if value is None or isinstance(value, Mapping) else str(value).strip()
