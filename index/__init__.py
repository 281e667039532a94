"""Stores activities and finds them: one search contract, several backends."""

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
    "Hit", "IndexBackend", "OrganizationResult", "SearchQuery", "SearchResult", "Sort",
    "WriteStats", "backend_names", "open_backend", "open_index",
]
