"""Stores activities and finds them: one search contract, several backends."""

from core.errors import IndexUnavailable
from index.contract import (
    Hit,
    IndexBackend,
    OrganizationResult,
    SearchQuery,
    SearchResult,
    Sort,
    WriteStats,
)
from index.registry import backend_names, open_backend, open_index

__all__ = [
    "Hit", "IndexBackend", "IndexUnavailable",
    "OrganizationResult", "SearchQuery", "SearchResult", "Sort",
    "WriteStats", "backend_names", "open_backend", "open_index",
]
