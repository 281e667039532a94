"""Request-scoped dependencies: the settings and the open index.

They only read what the app built once at start-up, so they are `async`: FastAPI runs a plain
`def` dependency in its thread pool, a hop per dependency on every request."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from core.settings import Settings
from index import IndexBackend
from normalize.geo.chain import Geocoder


async def get_index(request: Request) -> IndexBackend:
    return request.app.state.index  # type: ignore[no-any-return]


async def get_app_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


async def get_geocoder(request: Request) -> Geocoder:
    return request.app.state.geocoder  # type: ignore[no-any-return]


IndexDep = Annotated[IndexBackend, Depends(get_index)]
GeocoderDep = Annotated[Geocoder, Depends(get_geocoder)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
