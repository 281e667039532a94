"""The interest categories: slugs for `categories=`, with their Danish names."""

from __future__ import annotations

from fastapi import APIRouter

from core import clock
from index import SearchQuery
from normalize.category import CATEGORY_LABELS
from search_api.deps import IndexDep
from search_api.models import CategoryPublic

router = APIRouter(prefix="/v1/categories", tags=["categories"])


@router.get("", response_model=list[CategoryPublic])
def list_categories(index: IndexDep) -> list[CategoryPublic]:
    """Every category, with how many current activities have it (the search's facet counts
    without filters: one cheap query)."""
    found = index.search(SearchQuery(limit=1, now=clock.now(), facets=True))
    counts = found.facets.get("categories", {})
    return [CategoryPublic(slug=slug, label=label, activities=counts.get(slug, 0))
            for slug, label in CATEGORY_LABELS.items()]
