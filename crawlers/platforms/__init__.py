"""Platform presets: what a `[[source]]` with `platform = "<name>"` means, as data.

A source that names a platform needs only `name` and `start_urls` (the site's base URL); the
preset fills in the spider, the kind and the spider's configuration. Anything the entry sets
itself wins over the preset (a table the preset has is merged key by key, its `fields` too).
Each preset is written from the platform's public documentation; docs/sources.md says which.
"""

from __future__ import annotations

from typing import Any

from crawlers.platforms import (
    aeldresagen,
    churchdesk,
    dn,
    dpl_cms,
    nemtilmeld,
    sogn,
    tribe_events,
)

#: Presets by platform name, one module each (its docstring says which documentation it is
#: built from).
PLATFORMS: dict[str, dict[str, Any]] = {
    module.NAME: module.PRESET
    for module in (aeldresagen, churchdesk, dn, dpl_cms, nemtilmeld, sogn, tribe_events)
}


def preset(name: str) -> dict[str, Any]:
    """The preset of a platform; ValueError naming the known ones for any other name."""
    if name not in PLATFORMS:
        raise ValueError(f"unknown platform {name!r}; known: {', '.join(sorted(PLATFORMS))}")
    return PLATFORMS[name]


def apply(entry: dict[str, Any]) -> dict[str, Any]:
    """A `[[source]]` entry with its platform's preset filled in under what it sets itself:
    a table the preset has (`[source.json]`, `[source.options]`, `[source.selectors]`) is
    merged key by key, `[source.json.fields]` too, so an entry that sets its municipality keeps
    the preset's other options. Any other value the entry sets (a JSON `body`) replaces the
    preset's whole."""
    base = preset(str(entry["platform"]))
    out = {**base, **entry}
    for table, value in base.items():
        own = entry.get(table)
        if isinstance(value, dict) and isinstance(own, dict):
            merged = {**value, **own}
            if isinstance(value.get("fields"), dict) and isinstance(own.get("fields"), dict):
                merged["fields"] = {**value["fields"], **own["fields"]}
            out[table] = merged
    return out
