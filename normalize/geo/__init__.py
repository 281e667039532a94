"""Where an activity is: schema.org places and coordinates into `Location`."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, cast

from core.schema import Location, Precision
from normalize._memo import Key

#: Denmark with Bornholm and a margin; a point outside is a broken coordinate, not a place.
DENMARK_BBOX = (54.4, 58.0, 7.8, 15.3)  # min lat, max lat, min lon, max lon
#: Mean Earth radius (IUGG), as search engines' arc distance and geopy's great_circle use it.
EARTH_RADIUS_KM = 6371.0088

#: A point written as text: "56.36,8.62" (latitude, longitude; decimal points).
_POINT_TEXT = re.compile(r"^\s*(-?\d{1,2}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*$")
_POSTCODE = re.compile(r"\b(\d{4})\s+([A-ZÆØÅ][\wæøåÆØÅ .\-]+)")


def _coord(value: object) -> float | None:
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip().replace(",", "."))
        except ValueError:
            return None
    return None


def read_point(text: str) -> tuple[float, float] | None:
    """(lat, lon) from a point written as "lat,lon", or None when the text is not one. The
    numbers are as written: whether they lie on the globe is the caller's check.

    >>> read_point(" 56.36, 8.62"), read_point("Vestergade 12")
    ((56.36, 8.62), None)
    """
    m = _POINT_TEXT.match(text)
    return (float(m.group(1)), float(m.group(2))) if m else None


def point_from_geo(geo: object) -> tuple[float, float] | None:
    """(lat, lon) from schema.org GeoCoordinates, or None when absent or not in Denmark.

    >>> point_from_geo({"latitude": "56,3601", "longitude": 8.6155})
    (56.3601, 8.6155)
    >>> point_from_geo({"latitude": 8.6, "longitude": 56.3}) is None
    True
    """
    items = geo if isinstance(geo, list) else [geo]
    for g in items:
        if not isinstance(g, Mapping):
            continue
        lat, lon = _coord(g.get("latitude")), _coord(g.get("longitude"))
        if lat is None or lon is None or math.isnan(lat) or math.isnan(lon):
            continue
        if DENMARK_BBOX[0] <= lat <= DENMARK_BBOX[1] and DENMARK_BBOX[2] <= lon <= DENMARK_BBOX[3]:
            return lat, lon
    return None


WGS84_A_KM = 6378.137
WGS84_F = 1 / 298.257223563


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance on the WGS84 ellipsoid in km (Lambert's formula: within ~10 m over Denmark).

    The sphere is up to 0.3 % off at Danish latitudes (0.2 km over 80 km); this is not.

    >>> round(distance_km(55.6761, 12.5683, 56.1572, 10.2107), 2)
    156.83
    """
    if lat1 == lat2 and lon1 == lon2:
        return 0.0
    b1 = math.atan((1 - WGS84_F) * math.tan(math.radians(lat1)))
    b2 = math.atan((1 - WGS84_F) * math.tan(math.radians(lat2)))
    dlmb = math.radians(lon2 - lon1)
    h = math.sin((b2 - b1) / 2) ** 2 + math.cos(b1) * math.cos(b2) * math.sin(dlmb / 2) ** 2
    sigma = 2 * math.asin(min(1.0, math.sqrt(h)))
    if sigma == 0:
        return 0.0
    p, q = (b1 + b2) / 2, (b2 - b1) / 2
    x = (sigma - math.sin(sigma)) * (math.sin(p) ** 2 * math.cos(q) ** 2) / math.cos(sigma / 2) ** 2
    y = (sigma + math.sin(sigma)) * (math.cos(p) ** 2 * math.sin(q) ** 2) / math.sin(sigma / 2) ** 2
    return WGS84_A_KM * (sigma - WGS84_F / 2 * (x + y))


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, Mapping):
        value = value.get("name") or value.get("@value")
    s = re.sub(r"\s+", " ", str(value)).strip() if value is not None else ""
    return s or None


def from_schema_org(place: object, *, municipality: str | None = None) -> Location:
    """Location from a schema.org Place (with PostalAddress and GeoCoordinates) or plain text.

    >>> loc = from_schema_org({"name": "Medborgerhuset", "address": {"streetAddress":
    ...     "Nørregade 21", "postalCode": "7500", "addressLocality": "Holstebro"},
    ...     "geo": {"latitude": 56.3601, "longitude": 8.6155}})
    >>> loc.address, loc.postcode, loc.city, loc.precision.value
    ('Nørregade 21', '7500', 'Holstebro', 'address')
    """
    try:
        stated = Key(place, municipality)
    except TypeError:  # not plain data: read afresh
        return _read(place, municipality)
    # One instance for every record held there, uncopied: no code changes a location in place
    # (a correction validates a dump of the record anew, records/overrides.py).
    return _remembered(stated)


@lru_cache(maxsize=20_000)
def _remembered(stated: Key) -> Location:
    # Sites give the same place, or address text, on every item held there and every crawl.
    place, municipality = stated.values
    return _read(place, cast("str | None", municipality))


def _read(place: object, municipality: str | None) -> Location:
    places: list[Any] = place if isinstance(place, list) else [place]
    for p in places:
        if isinstance(p, Mapping) and p.get("@type") not in ("VirtualLocation",):
            return _from_place(p, municipality)
    for p in places:
        if isinstance(p, str) and p.strip():
            return _from_text(p.strip(), municipality)
    return Location(municipality=municipality)


def _from_place(p: Mapping[str, Any], municipality: str | None) -> Location:
    addr = p.get("address")
    street = postcode = city = None
    if isinstance(addr, Mapping):
        street = _text(addr.get("streetAddress"))
        postcode = _text(addr.get("postalCode"))
        city = _text(addr.get("addressLocality"))
    elif isinstance(addr, str):
        rest = _from_text(addr, municipality)
        street, postcode, city = rest.address, rest.postcode, rest.city
    if postcode and not re.fullmatch(r"\d{4}", postcode):
        postcode = None
    point = point_from_geo(p.get("geo"))
    name = _text(p.get("name"))
    text = ", ".join(x for x in (name, street, " ".join(y for y in (postcode, city) if y)) if x)
    return Location(
        name=name,
        address=street,
        postcode=postcode,
        city=city,
        municipality=municipality,
        lat=point[0] if point else None,
        lon=point[1] if point else None,
        # Coordinates published with a street address are taken as pointing at that address.
        precision=(Precision.address if street else Precision.town) if point else Precision.none,
        text=text or None,
    )


def _from_text(text: str, municipality: str | None) -> Location:
    m = _POSTCODE.search(text)
    postcode = city = None
    if m:
        postcode, city = m.group(1), m.group(2).strip()
    head = text[: m.start()].strip(" ,") if m else text
    segments = [s.strip() for s in head.split(",") if s.strip()]
    street = next((s for s in reversed(segments) if re.search(r"\d", s)), None)
    name = next((s for s in segments if s != street), None)
    return Location(
        name=name, address=street, postcode=postcode, city=city, municipality=municipality,
        text=text,
    )
