"""The catalogue of known sources by municipality: what `fkort init --kommune NAME` writes.

`kommuner.toml` (data) names each municipality the catalogue knows, its municipality code
and how sogn.dk writes its name, and the sources found for it by hand: the library's DPL CMS
site, Ældre Sagen's local departments, association sites on a known platform. The sources
every municipality has by its name or code alone (the parishes through sogn.dk, DN's events
by municipality code) are made here from templates. Each entry gets a schedule and a
politeness delay; the platform's preset (crawlers.platforms) does the rest.
"""

from __future__ import annotations

import json
import textwrap
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.text import fold

DATA = Path(__file__).with_name("kommuner.toml")

#: Seconds between two requests to one site when an entry says nothing (robots.txt's
#: Crawl-delay wins when longer).
DEFAULT_DELAY = 2.0


class CatalogueError(ValueError):
    """An unknown municipality, or a catalogue that cannot be read; the message says which."""


@dataclass(frozen=True)
class Kommune:
    name: str
    slug: str
    #: The four-digit municipality code (Danmarks Statistik / DAGI), e.g. "0661".
    code: str
    #: The name as sogn.dk's `kommunenavn` holds it, all of whose words must match.
    sogn: str
    sources: list[dict[str, Any]] = field(default_factory=list)


#: DN's events search (crawlers/platforms/dn.py says where this address was learnt).
DN_SEARCH = ("https://func-dn-events-production-003.azurewebsites.net/api/events/search"
             "?municipalityCodes={code}")


def _templates(k: Kommune) -> list[dict[str, Any]]:
    """The sources a municipality has by its name or code alone."""
    return [
        {"name": f"{k.slug}-sogne", "platform": "sogn", "start_urls": ["https://es.sogn.dk"],
         "schedule": "daily",
         "note": f"The parishes of {k.name} Kommune (folkekirken) via sogn.dk's open search",
         **({"json": {"vars": {"municipality": k.sogn}}} if k.sogn != k.name else {})},
        {"name": f"{k.slug}-dn", "platform": "dn",
         "start_urls": [DN_SEARCH.format(code=k.code)], "schedule": "weekly",
         "note": f"Danmarks Naturfredningsforening's events in {k.name} Kommune, by "
                 f"municipality code {k.code}",
         "check": "the API's address was learnt from a third-party adapter, not from DN: "
                  "see docs/sources.md, DN",
         # The local committee's name where the record gives it; else DN itself.
         "defaults": {"organizer": "Danmarks Naturfredningsforening"}},
    ]


def load(path: Path = DATA) -> dict[str, Kommune]:
    """The catalogue by folded municipality name."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CatalogueError(f"cannot read the catalogue {path}: {exc}") from exc
    out: dict[str, Kommune] = {}
    for row in data.get("kommune", []):
        k = Kommune(name=row["name"], slug=row["slug"], code=row["code"],
                    sogn=row.get("sogn", row["name"]), sources=list(row.get("source", [])))
        out[fold(k.name)] = k
    return out


def find(name: str, catalogue: dict[str, Kommune] | None = None) -> Kommune:
    """A municipality by name ("København", "kobenhavn", "Københavns Kommune")."""
    catalogue = load() if catalogue is None else catalogue
    plain = fold(name).removesuffix(" kommune")
    for k in (fold(name), plain, plain.removesuffix("s")):
        if k in catalogue:
            return catalogue[k]
    known = ", ".join(sorted(k.name for k in catalogue.values()))
    raise CatalogueError(f"the catalogue has no municipality {name!r}; known: {known}")


def entries(kommune: Kommune) -> list[dict[str, Any]]:
    """Every source known for the municipality, with schedule and politeness filled in."""
    out = []
    for entry in [*kommune.sources, *_templates(kommune)]:
        entry = json.loads(json.dumps(entry))  # a deep copy: the catalogue stays as read
        entry.setdefault("schedule", "daily")
        options = entry.setdefault("options", {})
        options.setdefault("municipality", kommune.name)
        options.setdefault("download_delay", DEFAULT_DELAY)
        out.append(entry)
    return out


def _value(v: Any) -> str:
    """A TOML value (strings, numbers, booleans, lists and inline tables of them)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        one_line = "[" + ", ".join(_value(x) for x in v) + "]"
        if len(v) < 2 or len(one_line) < 80:
            return one_line
        return "[\n" + "".join(f"    {_value(x)},\n" for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(f"no TOML for {v!r}")


def render(kommuner: list[Kommune], *, enabled: bool = True) -> str:
    """A sources file with every known source of the municipalities."""
    command = " ".join(f"--kommune {k.name}" for k in kommuner)
    lines = [
        "# Sources of " + ", ".join(k.name for k in kommuner) + " Kommune, written by",
        f"#   fkort init {command}{'' if enabled else ' --disabled'}",
        "# from the catalogue crawlers/catalogue/kommuner.toml. docs/sources.md explains each",
        "# platform and every field. Each source is crawled on its schedule by `fkort crawl",
        "# --due`; robots.txt, its Crawl-delay and download_delay keep the crawl polite.",
    ]
    if not enabled:
        lines += ["# Every source is switched off (enabled = false): set enabled = true in a",
                  "# [[source]] (or remove that line) to crawl it."]
    else:
        lines += ["# A source marked CHECK BEFORE ENABLING is switched off until someone has",
                  "# checked what it says and set enabled = true."]
    for k in kommuner:
        lines += ["", f"# ---- {k.name} Kommune (kommunekode {k.code}) ----"]
        for entry in entries(k):
            lines += _entry(entry, enabled)
    return "\n".join(lines) + "\n"


#: Catalogue keys that are comments in the written file, not source fields.
_COMMENTS = ("note", "check")


def _entry(entry: dict[str, Any], enabled: bool) -> list[str]:
    """One `[[source]]` table. An entry with something to `check` (a host or path not
    confirmed) is written switched off, with what to check, whatever `enabled` says."""
    lines = [""]
    if entry.get("note"):
        lines += [f"# {line}" for line in textwrap.wrap(entry["note"], 94)]
    if entry.get("check"):
        lines += [f"# CHECK BEFORE ENABLING: {line}" if n == 0 else f"#   {line}"
                  for n, line in enumerate(textwrap.wrap(entry["check"], 70))]
    lines.append("[[source]]")
    tables = {k: v for k, v in entry.items() if isinstance(v, dict)}
    for key, value in entry.items():
        if key not in _COMMENTS and key not in tables:
            lines.append(f"{key} = {_value(value)}")
    if not enabled or entry.get("check"):
        lines.append("enabled = false")
    for name, table in tables.items():
        lines.append(f"[source.{name}]")
        lines += [f"{k} = {_value(v)}" for k, v in table.items()]
    return lines
