"""Index backends by name (FKORT_BACKEND): each is loaded only when asked for, so a search
engine's client library is needed only by installations that use it."""

from __future__ import annotations

import importlib
from typing import Any

from core.settings import Settings
from index.contract import IndexBackend

#: Registry name → "module:class". The module is imported on first use.
BACKENDS: dict[str, str] = {
    "sqlite": "index.backends.sqlite:SQLiteBackend",
    "opensearch": "index.backends.opensearch:OpenSearchBackend",
    "elasticsearch": "index.backends.elasticsearch:ElasticsearchBackend",
}


def backend_names() -> list[str]:
    return sorted(BACKENDS)


def open_backend(name: str, **options: Any) -> IndexBackend:
    """Open a backend by registry name; unknown names are a clear error."""
    try:
        target = BACKENDS[name]
    except KeyError:
        raise ValueError(
            f"unknown index backend {name!r}; known: {', '.join(backend_names())}"
        ) from None
    module, _, cls = target.partition(":")
    factory = getattr(importlib.import_module(module), cls)
    backend: IndexBackend = factory(**options)
    return backend


def open_index(settings: Settings, backend: str | None = None) -> IndexBackend:
    """The index these settings name (FKORT_BACKEND and its connection settings)."""
    return open_backend(
        backend or settings.backend, path=settings.db_path, url=settings.search_url,
        username=settings.search_user, password=settings.search_password,
        verify_certs=settings.search_verify_certs, alias=settings.search_alias,
    )
