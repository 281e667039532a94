"""Where things are: coordinates on the page → cache → online geocoder → offline postcodes and
gazetteer.

Each answer says how exact it is (address, street, postcode, town, municipality) and who gave
it. Activity addresses are public and may be cached. A citizen's address (`near=` in a search)
is resolved in memory only: `resolve_query` never writes the cache, never logs the text, and
its errors never repeat it. The libraries that send it to the geocoder (geopy, urllib3, httpx)
log their request URLs at debug level; an online geocoder hides the query values in their
logs (`normalize.geo.logfilter`), at every level.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlparse

from core.schema import Location, Precision
from core.settings import Settings
from normalize.geo import read_point
from normalize.geo.address import parse_address
from normalize.geo.gazetteer import municipality_name, municipality_of_point, town, towns
from normalize.geo.logfilter import hide_queries_in_library_logs
from normalize.geo.postcodes import bare_postcode, name_fits, postcode

logger = logging.getLogger(__name__)

#: Why a citizen's address stands at its postcode's point: its street was not found (offline,
#: or not known to the online geocoder). Shown by the API and the page.
POSTCODE_FALLBACK = "omtrentlig: postnummerets midtpunkt"
#: The same when only the town was known (a postcode that does not exist, or none).
TOWN_FALLBACK = "omtrentlig: byens midte"
#: Nominatim's address types, from most to least exact.
_NOMINATIM_PRECISION = {
    "house": Precision.address, "building": Precision.address, "amenity": Precision.address,
    "place": Precision.address, "street": Precision.street, "road": Precision.street,
    "postcode": Precision.postcode, "suburb": Precision.town, "village": Precision.town,
    "town": Precision.town, "city": Precision.town, "hamlet": Precision.town,
    "municipality": Precision.municipality, "county": Precision.municipality,
}


@dataclass(frozen=True)
class GeoResult:
    lat: float
    lon: float
    precision: Precision
    provider: str
    municipality: str | None = None
    note: str | None = None


class Geocoder(Protocol):
    """What the pipeline and the search need of geocoding."""

    def locate(self, loc: Location) -> Location:
        """The location with coordinates filled in as exactly as the chain can."""
        ...

    def resolve_query(self, text: str) -> GeoResult | None:
        """A citizen's address or place name, resolved in memory only (never cached)."""
        ...

    def close(self) -> None:
        """Let go of the cache, if any."""
        ...


class OnlineGeocoder:
    """geopy's Nominatim (or any server speaking its API), at most one request a second."""

    def __init__(self, url: str, user_agent: str, *, min_delay: float = 1.0,
                 timeout: float = 5.0) -> None:
        from geopy.extra.rate_limiter import RateLimiter
        from geopy.geocoders import Nominatim

        parts = urlparse(url if "://" in url else f"https://{url}")
        self.name = f"nominatim:{parts.netloc}"
        self._nominatim = Nominatim(user_agent=user_agent, domain=parts.netloc + parts.path.rstrip(
            "/"), scheme=parts.scheme or "https", timeout=timeout)
        # Nominatim's usage policy: one request per second, no bulk hammering on failures.
        self._geocode = RateLimiter(self._nominatim.geocode, min_delay_seconds=min_delay,
                                    max_retries=0, swallow_exceptions=False)
        self._lock = threading.Lock()
        hide_queries_in_library_logs()

    def lookup(self, query: str) -> tuple[float, float, Precision] | None:
        """(lat, lon, precision) for a query, None when nothing is found.
        Raises geopy's GeocoderServiceError (and subclasses) when the service fails."""
        with self._lock:
            found = self._geocode(query, country_codes="dk", addressdetails=False,
                                  exactly_one=True)
        if found is None:
            return None
        raw: dict[str, Any] = getattr(found, "raw", {}) or {}
        kind = str(raw.get("addresstype") or raw.get("type") or "")
        precision = _NOMINATIM_PRECISION.get(kind, Precision.street)
        return float(found.latitude), float(found.longitude), precision


class DawaGeocoder:
    """Danmarks Adressers Web API (DAWA) or a server speaking it: `GET {url}/adresser?q=...
    &struktur=mini` answers a list of addresses with `x` (longitude) and `y` (latitude)."""

    def __init__(self, url: str, user_agent: str, *, min_delay: float = 0.2,
                 timeout: float = 5.0) -> None:
        self.url = url.rstrip("/")
        self.name = f"dawa:{urlparse(self.url).netloc}"
        self.user_agent = user_agent
        self.min_delay = min_delay
        self.timeout = timeout
        self._last = 0.0
        self._lock = threading.Lock()
        hide_queries_in_library_logs()

    def lookup(self, query: str) -> tuple[float, float, Precision] | None:
        import httpx
        from geopy.exc import GeocoderServiceError

        with self._lock:
            wait = self._last + self.min_delay - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                resp = httpx.get(f"{self.url}/adresser",
                                 params={"q": query, "struktur": "mini", "per_side": 1},
                                 headers={"User-Agent": self.user_agent}, timeout=self.timeout)
            except httpx.HTTPError as exc:
                raise GeocoderServiceError(type(exc).__name__) from None
            finally:
                self._last = time.monotonic()
        if resp.status_code != 200:
            raise GeocoderServiceError(f"HTTP {resp.status_code}")
        try:
            found = resp.json()
        except ValueError:
            raise GeocoderServiceError("not JSON") from None
        if not isinstance(found, list) or not found:
            return None
        first = found[0]
        try:
            return float(first["y"]), float(first["x"]), Precision.address
        except (KeyError, TypeError, ValueError):
            return None


class GeoCache:
    """Cache of activity addresses (public data only) in one SQLite file."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._con = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._con.execute(
            "CREATE TABLE IF NOT EXISTS geocache (query TEXT PRIMARY KEY, lat REAL, lon REAL, "
            "precision TEXT, provider TEXT, at REAL)"
        )
        self._lock = threading.Lock()

    def get(self, query: str) -> GeoResult | None:
        with self._lock:
            row = self._con.execute(
                "SELECT lat, lon, precision, provider FROM geocache WHERE query = ?", (query,)
            ).fetchone()
        if row is None:
            return None
        if row[0] is None:
            return GeoResult(0, 0, Precision.none, row[3])  # cached "not found"
        return GeoResult(row[0], row[1], Precision(row[2]), row[3])

    def put(self, query: str, result: GeoResult | None, provider: str) -> None:
        with self._lock:
            self._con.execute(
                "INSERT OR REPLACE INTO geocache VALUES (?, ?, ?, ?, ?, ?)",
                (query, result.lat if result else None, result.lon if result else None,
                 result.precision.value if result else None, provider, time.time()),
            )

    def close(self) -> None:
        self._con.close()


class GeocoderChain:
    """The chain. Without an online geocoder it works offline, at town precision."""

    def __init__(self, cache: GeoCache | None = None,
                 online: OnlineGeocoder | DawaGeocoder | None = None) -> None:
        self.cache = cache
        self.online = online
        self.online_down_until = 0.0

    def close(self) -> None:
        if self.cache is not None:
            self.cache.close()

    # -- activities -------------------------------------------------------------------
    def locate(self, loc: Location) -> Location:
        """The location with coordinates, precision and municipality filled where possible."""
        if loc.lat is not None and loc.lon is not None:
            muni = loc.municipality or municipality_of_point(loc.lat, loc.lon)
            return loc.model_copy(update={"municipality": muni})
        text = loc.text or ", ".join(x for x in (loc.name, loc.address, loc.postcode, loc.city)
                                     if x)
        if not text:
            return loc
        addr = parse_address(text)
        postcode = loc.postcode or addr.postcode
        city = loc.city or addr.city
        street = loc.address or addr.street_line
        result = None
        if street and (postcode or city):
            query = ", ".join(x for x in (street, " ".join(y for y in (postcode, city) if y)) if x)
            result = self._cached_online(query)
        if result is None:
            result = self._offline(postcode, city)
        if result is None:
            return loc.model_copy(update={"postcode": postcode, "city": city,
                                          "address": street})
        muni = loc.municipality or result.municipality or municipality_of_point(result.lat,
                                                                               result.lon)
        return loc.model_copy(update={
            "lat": result.lat, "lon": result.lon, "precision": result.precision,
            "municipality": muni, "postcode": postcode, "city": city, "address": street,
        })

    def _cached_online(self, query: str) -> GeoResult | None:
        if self.cache is not None and (hit := self.cache.get(query)) is not None:
            return hit if hit.precision is not Precision.none else None
        result = self._online(query)
        if result is not None or self._online_ok():
            if self.cache is not None and self.online is not None:
                self.cache.put(query, result, self.online.name)
        return result

    def _online_ok(self) -> bool:
        return self.online is not None and time.monotonic() >= self.online_down_until

    def _online(self, query: str) -> GeoResult | None:
        if not self._online_ok():
            return None
        assert self.online is not None
        from geopy.exc import GeocoderServiceError

        try:
            found = self.online.lookup(query)
        except GeocoderServiceError as exc:
            # Down, slow or rate-limited: fall back to the gazetteer for a while. The query is
            # an activity's public address, but it is not logged all the same.
            logger.warning("Online geocoder unavailable (%s); using the offline gazetteer",
                           type(exc).__name__)
            self.online_down_until = time.monotonic() + 60
            return None
        if found is None:
            return None
        lat, lon, precision = found
        return GeoResult(lat, lon, precision, self.online.name)

    def _offline(self, number: str | None, city: str | None) -> GeoResult | None:
        """The postcode's point when the town beside it is its name (or none is written),
        else the town's centre."""
        note = "online geocoder not used" if self.online is None else "online geocoder unavailable"
        if (found := _postcode_point(number, city, note)) is not None:
            return found
        t = town(city)
        if t is None:
            return None
        return GeoResult(t.lat, t.lon, Precision.town, "gazetteer", t.municipality, note)

    # -- a citizen's address ------------------------------------------------------------
    def resolve_query(self, text: str) -> GeoResult | None:
        """A point for a search: "lat,lon", a postcode, a town or an address. In memory only.

        Offline, an address stands at its postcode's point, saying so in `note`; a postcode
        that does not exist ("0000", "9999") is not looked for as a town."""
        if (point := read_point(text)) is not None:
            lat, lon = point
            if -90 <= lat <= 90 and -180 <= lon <= 180:
                return GeoResult(lat, lon, Precision.address, "given")
            return None
        if (number := bare_postcode(text)) is not None:
            return self._bare_postcode(number, text)
        addr = parse_address(text)
        if addr.street and (addr.postcode or addr.city):
            found = self._online(", ".join(x for x in (addr.street_line, " ".join(
                y for y in (addr.postcode, addr.city) if y)) if x))  # never cached
            if found is not None:
                return found
            if (found := _postcode_point(addr.postcode, addr.city, POSTCODE_FALLBACK)):
                return found
            found = _named_place(addr.city, addr.name, text)
            return replace(found, note=TOWN_FALLBACK) if found is not None else None
        if (found := _postcode_point(addr.postcode, addr.city, None)) is not None:
            return found
        return _named_place(addr.city, addr.name, text)

    def _bare_postcode(self, number: str, text: str) -> GeoResult | None:
        if self._online_ok():
            found = self._online(f"{number}, Danmark")
            if found is not None:
                return found
        city = parse_address(text).city
        return _postcode_point(number, city, None) or (_named_place(city) if city else None)


def _postcode_point(number: str | None, city: str | None, note: str | None) -> GeoResult | None:
    """The postcode's point, when it exists and the town written beside it is its name."""
    pc = postcode(number)
    if pc is None or not name_fits(pc, city):
        return None
    return GeoResult(pc.lat, pc.lon, Precision.postcode, "gazetteer", None, note)


def _named_place(*names: str | None) -> GeoResult | None:
    """The first of the names that is a town, else a municipality's first town."""
    for name in names:
        if name and (t := town(name)) is not None:
            return GeoResult(t.lat, t.lon, Precision.town, "gazetteer", t.municipality)
    muni = municipality_name(names[-1])
    if muni:
        for t in _towns_of(muni)[:1]:
            return GeoResult(t.lat, t.lon, Precision.municipality, "gazetteer", muni)
    return None


def _towns_of(municipality: str) -> list[Any]:
    return [t for t in towns().values() if t.municipality == municipality]


def make_geocoder(settings: Settings, *, with_cache: bool) -> Geocoder:
    """The geocoding chain these settings describe. `with_cache` only for activity
    addresses: a citizen's address is never cached."""
    online: OnlineGeocoder | DawaGeocoder | None = None
    if settings.geocoder_url and settings.geocoder == "dawa":
        online = DawaGeocoder(settings.geocoder_url, settings.user_agent,
                              min_delay=settings.geocoder_min_delay)
    elif settings.geocoder_url:
        online = OnlineGeocoder(settings.geocoder_url, settings.user_agent,
                                min_delay=settings.geocoder_min_delay)
    cache = GeoCache(settings.data_dir / "geocache.db") if with_cache else None
    return GeocoderChain(cache=cache, online=online)
