"""Reading a public Facebook event page's first HTML: og tags and the event data Facebook
embeds as JSON in its script tags (as plain JSON blocks, or inside JavaScript calls).

Facebook changes this markup often, so nothing here depends on where in the nesting the data
sits: every JSON object in every script is decoded, objects that carry event fields are found
by their keys, and the ones with the page's event id are merged. What cannot be read is
reported as a problem (login wall, removed, no event data), never guessed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from parsel import Selector

from core.clock import TZ

#: The event id in an event's address, also after a slug ("/events/<place>/<title>/<id>/").
_EVENT_URL_ID = re.compile(r"/events/(?:[^/?#]+/)*?(\d+)(?=[/?#]|$)")
_OBJ_START = re.compile(r"[(,:\[=]\s*(\{\")")
_LOGIN = re.compile(r"log\s*ind\s+på\s+facebook|du\s+skal\s+logge\s+ind|log\s+in\s+to\s+facebook"
                    r"|you\s+must\s+log\s+in|login_form|id=\"loginform\"", re.I)
_REMOVED = re.compile(r"ikke\s+tilgængeligt?\s+lige\s+nu|indholdet\s+er\s+ikke\s+tilgængeligt"
                      r"|content\s+isn'?t\s+available|this\s+content\s+isn'?t\s+available"
                      r"|siden\s+findes\s+ikke|page\s+isn'?t\s+available", re.I)


class FacebookPageProblem(ValueError):
    """The page holds no readable public event; `reason` says why."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


@dataclass
class FacebookEvent:
    id: str | None
    title: str
    url: str
    description: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    day_time_sentence: str | None = None
    place_name: str | None = None
    address: str | None = None
    lat: float | None = None
    lon: float | None = None
    is_online: bool = False
    is_past: bool = False
    is_canceled: bool = False
    #: The host's name as the page shows it (any profile type: organisations often host from
    #: a "User" profile); never a profile's contact details.
    creator: str | None = None
    creator_is_page: bool | None = None
    #: A series' meetings (child events and the page's neighbouring siblings), in order.
    child_starts: list[datetime] = field(default_factory=list)


def json_objects(html: str) -> Iterator[Any]:
    """Every JSON value in the page's script tags: whole JSON blocks, and objects passed to
    JavaScript calls (`handle({...})`)."""
    decoder = json.JSONDecoder()
    for script in Selector(text=html).xpath("//script/text()").getall():
        text = script.strip()
        if not text:
            continue
        if text[0] in "{[":
            try:
                yield json.loads(text)
                continue
            except json.JSONDecodeError:
                pass
        pos = 0
        while m := _OBJ_START.search(text, pos):
            start = m.start(1)
            try:
                value, end = decoder.raw_decode(text, start)
            except json.JSONDecodeError:
                pos = start + 1
                continue
            yield value
            pos = end


def _walk(value: Any) -> Iterator[dict[str, Any]]:
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            yield node
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def _ts(value: Any) -> datetime | None:
    if isinstance(value, int | float) and value > 0:
        return datetime.fromtimestamp(value, TZ)
    return None


def _text(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("text")
    return value.strip() if isinstance(value, str) and value.strip() else None


def parse_event_page(html: str, url: str) -> FacebookEvent:
    """The event a public event page shows. Raises FacebookPageProblem when there is none."""
    sel = Selector(text=html)
    og = {m.attrib.get("property", ""): m.attrib.get("content", "")
          for m in sel.css('meta[property^="og:"]')}
    page_url = og.get("og:url") or url
    wanted = _EVENT_URL_ID.search(page_url) or _EVENT_URL_ID.search(url)
    event_id, candidates = _about_the_event(html, wanted.group(1) if wanted else None)
    merged = _merged(candidates)
    title = og.get("og:title") or _text(merged.get("name")) or ""
    if not merged or "start_timestamp" not in merged:
        raise _why_no_event(sel, html)
    online = _is_online(merged)
    place = {} if online else _dict(merged.get("event_place"))
    location = _dict(place.get("location"))
    start, end = _ts(merged.get("start_timestamp")), _ts(merged.get("end_timestamp"))
    address = _address(place)
    creator, creator_is_page = _host(merged)
    return FacebookEvent(
        id=event_id or (str(merged["id"]) if merged.get("id") else None),
        title=" ".join(str(title).split()),
        url=page_url,
        description=_text(merged.get("event_description")) or og.get("og:description") or None,
        start=start,
        end=end if end is not None and start is not None and end >= start else None,
        day_time_sentence=_text(merged.get("day_time_sentence")),
        place_name=_text(place.get("name")) or _text(place.get("contextual_name")),
        address=_text(address) or _text(place.get("contextual_name")),
        lat=_float(location.get("latitude")),
        lon=_float(location.get("longitude")),
        is_online=online,
        is_past=bool(merged.get("is_past")),
        is_canceled=bool(merged.get("is_canceled")),
        creator=creator,
        creator_is_page=creator_is_page,
        child_starts=_child_starts(merged),
    )


def _is_online(merged: dict[str, Any]) -> bool:
    """An online event: marked online (`is_online`, an online setup) with no physical place
    of its own (Facebook shows a pseudo-place, "Online event", without a location)."""
    setup = _dict(merged.get("online_event_setup"))
    marked = (merged.get("is_online") is True
              or merged.get("is_online_or_detected_online") is True
              or bool(setup.get("type") or setup.get("third_party_url")))
    return marked and not _dict(merged.get("event_place")).get("location")


def _host(merged: dict[str, Any]) -> tuple[str | None, bool | None]:
    """The host the page shows: the event's creator (any profile type), else its first listed
    host. Only the name is read; a profile's contact details are never taken."""
    creator = _dict(merged.get("event_creator"))
    hosts = merged.get("event_hosts_that_can_view_guestlist")
    if not _text(creator.get("name")) and isinstance(hosts, list) and hosts:
        creator = _dict(hosts[0])
    if not creator:
        return None, None
    return _text(creator.get("name")), creator.get("__typename") == "Page"


def _about_the_event(html: str, event_id: str | None
                     ) -> tuple[str | None, list[dict[str, Any]]]:
    """The page's event id (None when the address names no event of the page) and the
    objects that carry event fields, narrowed to those about that event when it is known."""
    candidates: list[dict[str, Any]] = []
    for value in json_objects(html):
        for node in _walk(value):
            if "start_timestamp" in node or "event_place" in node or "event_description" in node:
                candidates.append(node)
    if event_id and not any(str(n.get("id")) == event_id for n in candidates):
        event_id = None  # the address named no event of this page
    if event_id is None:
        # The event the page displays: the one with the sentence shown under its title.
        shown = next((n for n in candidates if n.get("day_time_sentence") and n.get("id")), None)
        event_id = str(shown["id"]) if shown else None
    if event_id:
        # Objects about this event: its id, or no id at all (deferred parts of a query);
        # "suggested events" at the end of the page carry ids of their own.
        mine = [n for n in candidates if str(n.get("id", event_id)) == event_id]
        candidates = mine or candidates
    return event_id, candidates


def _merged(candidates: list[dict[str, Any]]) -> dict[str, Any]:
    """One event from the objects about it."""
    # Start and end come from one object (a series' objects each carry their own); other
    # fields are filled from every object about the event.
    # The object the page displays carries the sentence shown under the title; a series'
    # other objects each carry their own times, so the end is taken from an object with the
    # same start.
    merged: dict[str, Any] = {}
    timed = [n for n in candidates if "start_timestamp" in n]
    primary = next((n for n in timed if n.get("day_time_sentence")), timed[0] if timed else {})
    for node in [primary, *candidates]:
        _merge(merged, node)
    if primary:
        merged["end_timestamp"] = next(
            (n["end_timestamp"] for n in timed if n.get("start_timestamp") ==
             primary.get("start_timestamp") and n.get("end_timestamp")), None)
    return merged


def _why_no_event(sel: Selector, html: str) -> FacebookPageProblem:
    """What a page without event data shows instead: a login wall, a removed event, or
    nothing we know."""
    page_text = " ".join(sel.xpath("//body//text()").getall())[:20000] + " " + html[:5000]
    if _LOGIN.search(page_text):
        return FacebookPageProblem("login_wall", "the event is not public")
    if _REMOVED.search(page_text):
        return FacebookPageProblem("removed", "the event is not available")
    return FacebookPageProblem("no_event_data", "no event data in the page")


def _child_starts(merged: dict[str, Any]) -> list[datetime]:
    """A series' meetings, in order: the starts of its child events (the parent's
    `child_events`) and of the siblings the page shows next to it
    (`comet_neighboring_siblings`, often only some of them)."""
    nodes: list[Any] = []
    for holder in (merged, _dict(merged.get("parent_event")),
                   _dict(merged.get("parent_if_exists_or_self"))):
        child_events = _dict(holder.get("child_events"))
        nodes.extend(child_events.get("edges") or child_events.get("nodes") or [])
    siblings = merged.get("comet_neighboring_siblings")
    if isinstance(siblings, list):
        nodes.extend(siblings)
    children = {ts for node in _walk(nodes) if (ts := _ts(node.get("start_timestamp")))}
    if children and (own := _ts(merged.get("start_timestamp"))) is not None:
        children.add(own)
    return sorted(children)


def _address(place: dict[str, Any]) -> Any:
    """The place's address as one line: Facebook gives it as text or as street and city."""
    address = place.get("single_line_address") or place.get("address")
    if isinstance(address, dict):
        street = address.get("street") or address.get("text")
        city = _text(_dict(place.get("city")).get("contextual_name"))
        address = ", ".join(x for x in (street, city) if x) or None
    return address


def _merge(into: dict[str, Any], other: dict[str, Any]) -> None:
    """Fill `into` from `other`; nested objects (place, creator, parent) are merged too: the
    page's header holds a short place, its about part the full one."""
    for key, val in other.items():
        if val is None:
            continue
        have = into.get(key)
        if have is None:
            into[key] = dict(val) if isinstance(val, dict) else val
        elif isinstance(have, dict) and isinstance(val, dict):
            _merge(have, val)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _float(value: Any) -> float | None:
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None
