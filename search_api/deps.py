"""Request-scoped dependencies: the settings and the open index."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request

from core.settings import Settings
from index import IndexBackend


def get_index(request: Request) -> IndexBackend:
    return request.app.state.index  # type: ignore[no-any-return]


def get_app_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def get_geocoder(request: Request) -> Any:
    return request.app.state.geocoder


IndexDep = Annotated[IndexBackend, Depends(get_index)]
GeocoderDep = Annotated[Any, Depends(get_geocoder)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
