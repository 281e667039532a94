"""Offline postcodes: every Danish postcode (postnummer), its name and a point, with no network.

Data: `postnumre.csv` beside this module, made by `scripts/postnumre`: DAWA's list of the
1,089 postcodes that are places (Dataforsyningen's /postnumre, with Copenhagen's street
postcodes 1050-1799; post boxes and business postcodes such as 0900 are not places and are
not there), each with GeoNames' point for it (CC BY 4.0): the centroid of its addresses or
shape, so on land. Source, licence and date in docs/geocoding.md. Precision: the postcode's
area, a street or two in central Copenhagen, up to 10-20 km across in the countryside.

>>> pc = postcode("7500")
>>> pc.name, round(pc.lat, 1), round(pc.lon, 1)
('Holstebro', 56.4, 8.6)
>>> postcode("9999") is None, postcode("0000") is None
(True, True)
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from core.text import fold

DATA_FILE = Path(__file__).with_name("postnumre.csv")

#: Only a postcode: "7500", "DK-7500", "DK 7500", "7500 Holstebro", "2400 København NV",
#: with ", Danmark" after it or not.
_BARE = re.compile(
    r"^\s*(?:DK\s*-?\s*)?(\d{4})(?:\s+[A-Za-zÆØÅæøåÉé][\wæøåÆØÅé.\- ]*?)?\s*"
    r"(?:,\s*(?:danmark|denmark))?\s*$",
    re.I,
)


@dataclass(frozen=True)
class Postcode:
    number: str
    name: str
    lat: float
    lon: float


@lru_cache(maxsize=1)
def postcodes() -> dict[str, Postcode]:
    """Every postcode by its number."""
    with DATA_FILE.open(encoding="utf-8", newline="") as fh:
        return {row["nr"]: Postcode(row["nr"], row["navn"], float(row["lat"]), float(row["lon"]))
                for row in csv.DictReader(fh)}


def postcode(number: str | None) -> Postcode | None:
    """The postcode with this number ("7500", " 7500 "), or None when there is none."""
    if not number:
        return None
    return postcodes().get(number.strip())


def bare_postcode(text: str) -> str | None:
    """The number when the text is a postcode alone (with its town's name or not).

    >>> bare_postcode(" DK-7500 "), bare_postcode("7500 Holstebro"), bare_postcode("9999")
    ('7500', '7500', '9999')
    >>> bare_postcode("Vestergade 2, 7500 Holstebro") is None, bare_postcode("75000") is None
    (True, True)
    """
    m = _BARE.match(text)
    return m.group(1) if m else None


def name_fits(pc: Postcode, town: str | None) -> bool:
    """Whether a town written beside the postcode is its name: the same after folding, or the
    name without its district ("København" for "København V"), or the other way round.

    >>> pc = Postcode("1620", "København V", 55.67, 12.55)
    >>> name_fits(pc, "københavn v"), name_fits(pc, "Kobenhavn"), name_fits(pc, None)
    (True, True, True)
    >>> name_fits(pc, "Aarhus"), name_fits(Postcode("8000", "Aarhus C", 56.15, 10.2), "Århus C")
    (False, True)
    """
    if not town or not town.strip():
        return True
    a, b = fold(town), fold(pc.name)
    return a == b or b.startswith(a + " ") or a.startswith(b + " ")
