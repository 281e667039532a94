"""Platform presets: what a `[[source]]` with `platform = "<name>"` means, as data.

A source that names a platform needs only `name` and `start_urls` (the site's base URL); the
preset fills in the spider, the kind and the spider's configuration. Anything the entry sets
itself wins over the preset (a `[source.json]` table is merged key by key, its `fields` too).
Each preset is written from the platform's public documentation; docs/sources.md says which.
"""

from __future__ import annotations

from typing import Any

from crawlers.platforms import dn, dpl_cms, sogn, tribe_events

#: Presets by platform name, one module each (its docstring says which documentation it is
#: built from).
PLATFORMS: dict[str, dict[str, Any]] = {
    module.NAME: module.PRESET for module in (dn, dpl_cms, sogn, tribe_events)
}


def preset(name: str) -> dict[str, Any]:
    """The preset of a platform; ValueError naming the known ones for any other name."""
    if name not in PLATFORMS:
        raise ValueError(f"unknown platform {name!r}; known: {', '.join(sorted(PLATFORMS))}")
    return PLATFORMS[name]


def apply(entry: dict[str, Any]) -> dict[str, Any]:
    """A `[[source]]` entry with its platform's preset filled in under what it sets itself."""
    base = preset(str(entry["platform"]))
    out = {**base, **entry}
    if "json" in base:
        own = entry.get("json") or {}
        json = {**base["json"], **own}
        json["fields"] = {**base["json"].get("fields", {}), **own.get("fields", {})}
        out["json"] = json
    return out
