"""Reading what a page holds: schema.org structured data, and fields by CSS/XPath selector."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import extruct
from parsel import Selector, SelectorList
from scrapy.http import TextResponse

Report = Callable[[str, str, str], None]


def as_list(value: object) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


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
