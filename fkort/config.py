"""Settings of a Fællesskabskort installation, read once from the environment (FKORT_*)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

#: Sent with every request we make, so site owners know who crawls them and how to reach us.
DEFAULT_CONTACT_URL = "https://github.com/faellesskabskort/faellesskabskort#crawler"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FKORT_", extra="ignore")

    backend: str = Field(default="sqlite", description="Index backend by registry name.")
    db_path: Path = Field(default=Path("data/fkort.db"), description="SQLite index file.")
    search_url: str | None = Field(default=None, description="Elasticsearch/OpenSearch URL.")
    search_user: str | None = None
    search_password: str | None = None
    search_verify_certs: bool = True
    search_alias: str = Field(default="fkort-activities", description="Index alias to use.")
    sources: Path = Field(default=Path("sources.toml"), description="Sources file for crawls.")
    data_dir: Path = Field(default=Path("data"), description="HTTP cache and crawl logs.")
    contact_url: str = DEFAULT_CONTACT_URL
    http_cache: bool = True
    #: A server speaking Nominatim's search API (e.g. https://nominatim.openstreetmap.org).
    #: Unset: geocoding is offline only (town precision from the gazetteer).
    geocoder_url: str | None = None
    #: Seconds between requests to it (Nominatim's usage policy: at least 1).
    geocoder_min_delay: float = 1.0
    #: An activity not seen in this many successful runs of its source becomes stale.
    stale_after_runs: int = 2
    #: A run that finds fewer activities than this share of the last good run sweeps nothing.
    sweep_guard_ratio: float = 0.5
    #: Which API the geocoder server speaks: "nominatim" or "dawa" (Danmarks Adressers Web API).
    geocoder: str = "nominatim"
    # Bounds on what one API call may ask for; the API answers 422 beyond them.
    max_limit: int = 100
    max_radius_km: float = 500.0
    #: Map tiles for the search page, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png
    #: (mind the tile server's usage policy). Unset: the map has a plain background and
    #: still shows every result's marker, so the page works offline.
    tile_url: str | None = None
    tile_attribution: str = "© OpenStreetMap-bidragydere"
    #: The key the admin endpoints (/v1/admin/...) require in X-API-Key. Unset: they are off.
    admin_api_key: SecretStr | None = None
    #: Largest body a correction request may have, in bytes.
    request_max_bytes: int = 8192
    #: Correction requests per client: a burst of this many, then this many per hour.
    request_rate_burst: int = 5
    request_rate_per_hour: float = 20.0
    #: Reverse proxies whose X-Forwarded-For names the client (comma-separated addresses, or
    #: "*"): the rate limit then counts per citizen's or association's machine, not per proxy.
    forwarded_allow_ips: str = "127.0.0.1"

    @property
    def user_agent(self) -> str:
        from fkort import __version__

        return f"Faellesskabskort/{__version__} (+{self.contact_url})"


def open_index(settings: Settings, backend: str | None = None) -> Any:
    """The index these settings name (FKORT_BACKEND and its connection settings)."""
    from index import open_backend

    return open_backend(
        backend or settings.backend, path=settings.db_path, url=settings.search_url,
        username=settings.search_user, password=settings.search_password,
        verify_certs=settings.search_verify_certs, alias=settings.search_alias,
    )


def make_geocoder(settings: Settings, *, with_cache: bool) -> Any:
    """The geocoding chain these settings describe. `with_cache` only for activity
    addresses: a citizen's address is never cached."""
    from normalize.geo.chain import DawaGeocoder, GeoCache, Geocoder, OnlineGeocoder

    online: OnlineGeocoder | DawaGeocoder | None = None
    if settings.geocoder_url and settings.geocoder == "dawa":
        online = DawaGeocoder(settings.geocoder_url, settings.user_agent,
                              min_delay=settings.geocoder_min_delay)
    elif settings.geocoder_url:
        online = OnlineGeocoder(settings.geocoder_url, settings.user_agent,
                                min_delay=settings.geocoder_min_delay)
    cache = GeoCache(settings.data_dir / "geocache.db") if with_cache else None
    return Geocoder(cache=cache, online=online)


@lru_cache
def get_settings() -> Settings:
    return Settings()
