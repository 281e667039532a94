"""Settings of a Fællesskabskort installation, read once from the environment (FKORT_*)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from core import __version__

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
    #: Hosts whose requests go to another address ("host=http://127.0.0.1:8765, ..."), for
    #: offline crawls of real sources (crawlers.hostmap). Empty: none.
    host_map: str = ""
    #: A server speaking Nominatim's search API (e.g. https://nominatim.openstreetmap.org).
    #: Unset: geocoding is offline only (town precision from the gazetteer).
    geocoder_url: str | None = None
    #: Seconds between requests to it (Nominatim's usage policy: at least 1).
    geocoder_min_delay: float = 1.0
    #: An activity not seen in this many successful runs of its source becomes stale.
    stale_after_runs: int = 2
    #: A run that finds fewer activities than this share of the last good run sweeps nothing.
    sweep_guard_ratio: float = 0.5
    #: No run marks more than this share of a source stale (at least one activity may go);
    #: a run that would is guarded and marks nothing.
    sweep_max_share: float = Field(default=0.2, ge=0.0, le=1.0)
    #: Which API the geocoder server speaks: "nominatim" or "dawa" (Danmarks Adressers Web API).
    geocoder: str = "nominatim"
    #: Most results one API call returns (a larger `limit` is cut to it). The largest radius
    #: is the search contract's (`index.contract.MAX_RADIUS_KM`).
    max_limit: int = 100
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
    #: Reverse proxies whose X-Forwarded-For names the client (comma-separated addresses or
    #: networks, or "*"): the rate limit then counts per citizen's or association's machine,
    #: not per proxy. Empty (the default): nobody is trusted, the client is the peer.
    forwarded_allow_ips: str = ""

    @property
    def user_agent(self) -> str:
        return f"Faellesskabskort/{__version__} (+{self.contact_url})"


@lru_cache
def get_settings() -> Settings:
    return Settings()
