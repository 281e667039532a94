"""Liveness for operators and load balancers."""

from __future__ import annotations

from fastapi import APIRouter

from search_api.deps import IndexDep
from search_api.models import Health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health)
def health(index: IndexDep) -> Health:
    """The service is up and its index answers."""
    return Health(status="ok", backend=index.name, activities=index.count())
