"""Reading what a page holds: schema.org structured data, and fields by CSS/XPath selector."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import extruct
from parsel import Selector, SelectorList
from scrapy.http import TextResponse

Report = Callable[[str, str, str], None]

_POSTCODE = re.compile(r"^\d{4}$")


def as_list(value: object) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def dig(data: Any, path: str) -> Any:
    """Value at a dotted path ("area.postcode"), or None."""
    for key in path.split("."):
        if isinstance(data, Mapping):
            data = data.get(key)
        elif isinstance(data, list) and key.isdigit() and int(key) < len(data):
            data = data[int(key)]
        else:
            return None
    return data


def pick(data: Any, path: str) -> Any:
    """Value at a dotted path; a number picks from a list, `*` takes every element (a list of
    what the rest of the path gives for each). None when the path leads nowhere.

    >>> pick({"a": [{"b": 1}, {"b": 2}]}, "a.*.b")
    [1, 2]
    >>> pick({"a": ["x", "y"]}, "a.1"), pick([1, 2], ""), pick({"a": 1}, "b")
    ('y', [1, 2], None)
    """
    if not path:
        return data
    key, _, rest = path.partition(".")
    if key == "*":
        if not isinstance(data, list):
            return None
        found = [pick(x, rest) for x in data]
        return [x for x in found if x is not None]
    if isinstance(data, Mapping):
        return pick(data.get(key), rest) if key in data else None
    if isinstance(data, list) and key.isdigit() and int(key) < len(data):
        return pick(data[int(key)], rest)
    return None


def cut_out(value: Any, secret: str) -> Any:
    """A field's value with `secret` cut out of its text (a list's texts too)."""
    if isinstance(value, list):
        return [cut_out(v, secret) for v in value]
    if not isinstance(value, str) or secret.casefold() not in value.casefold():
        return value
    return " ".join(re.sub(re.escape(secret), "", value, flags=re.I).split())


def compared(value: Any) -> str:
    """A value as text for comparing: JSON's true/false, numbers and strings alike."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip().casefold()


def flatten(data: object) -> Iterator[Mapping[str, Any]]:
    """Top-level schema.org objects of a JSON-LD document (lists and @graph unpacked)."""
    for item in as_list(data):
        if isinstance(item, Mapping):
            if "@graph" in item:
                yield from flatten(item["@graph"])
            else:
                yield item


def structured_data(response: TextResponse, report: Report) -> list[Mapping[str, Any]]:
    """schema.org objects from JSON-LD and microdata; broken blocks are reported and skipped."""
    found: list[Mapping[str, Any]] = []
    blocks = response.xpath('//script[@type="application/ld+json"]/text()').getall()
    for i, block in enumerate(blocks):
        try:
            parsed = json.loads(block)
        except json.JSONDecodeError as exc:
            report("broken_jsonld", response.url, f"block {i + 1}: {exc}")
            continue
        found.extend(flatten(parsed))
    if "itemscope" in response.text:
        try:
            micro = extruct.extract(response.text, base_url=response.url, syntaxes=["microdata"],
                                    uniform=True, errors="strict").get("microdata", [])
        except Exception as exc:  # extruct/lxml raise many types on odd markup
            report("broken_microdata", response.url, str(exc)[:200])
            micro = []
        found.extend(flatten(micro))
    return found


def select(scope: Selector | TextResponse, query: str) -> SelectorList[Selector]:
    """CSS by default; "xpath:..." for XPath."""
    if query.startswith("xpath:"):
        return scope.xpath(query.removeprefix("xpath:"))
    return scope.css(query)


def text_of(scope: Selector | TextResponse, query: str) -> str | None:
    """The text a selector matches, one line per text node, or None when it matches nothing."""
    matched = select(scope, query)
    if not matched:
        return None
    lines: list[str] = []
    for node in matched:
        if isinstance(node.root, str):
            lines.append(node.root)
        else:
            lines.extend(t for t in node.xpath(".//text()[not(ancestor::script)]").getall())
    text = "\n".join(line.strip() for line in lines if line.strip())
    return text or None


def attr_of(scope: Selector | TextResponse, query: str, name: str) -> str | None:
    node = select(scope, query)
    value = node.attrib.get(name) if node else None
    return value.strip() if value else None


def flat_text(value: object) -> str | None:
    """A JSON value as one line of text: strings and numbers as they are, the leaves of an
    object or a list joined with ", " ({"name": "Kirkesalen", "address": {"city": "Skive"}}
    → "Kirkesalen, Skive"), None when it holds no text."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str | int | float):
        text = " ".join(str(value).split())
        return text or None
    # schema.org's "@type": "Place" is no part of a place's name.
    leaves = ([v for k, v in value.items() if not str(k).startswith("@")]
              if isinstance(value, Mapping) else as_list(value))
    parts: list[str] = []
    for text in (t for t in (flat_text(v) for v in leaves) if t):
        if parts and _POSTCODE.match(parts[-1]):
            # A Danish postcode and its town are one part of an address: "6950 Ringkøbing".
            parts[-1] = f"{parts[-1]} {text}"
        else:
            parts.append(text)
    return ", ".join(parts) or None


def item_key(source: str, title: str, first_date: str | None, place: str | None) -> str:
    """The id of an item that has neither its own link nor an identifier: a hash of its
    source, title, first date and place as written (whitespace and case aside), so that it is
    the same in every run while the item says the same."""
    basis = "\x1f".join(" ".join((part or "").split()).casefold()
                        for part in (source, title, first_date, place))
    return "item:" + hashlib.sha256(basis.encode("utf-8")).hexdigest()[:24]
