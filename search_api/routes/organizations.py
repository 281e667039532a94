"""Find associations by name and read them with their activities."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from core.schema import Status
from core.settings import Settings
from index import IndexBackend
from records.request_store import load_overrides
from search_api.deps import IndexDep, SettingsDep
from search_api.models import ErrorPublic, OrganizationPublic, OrganizationsPublic
from search_api.seen import last_seen

router = APIRouter(prefix="/v1/organizations", tags=["organizations"])


def removed_organizations(settings: Settings) -> set[str]:
    """Associations taken down on their own request (approved removals)."""
    return load_overrides(settings.data_dir).removed_organizations()


def find_organizations(index: IndexBackend, settings: Settings, text: str, limit: int,
                       offset: int) -> OrganizationsPublic:
    """A page of associations by name, without those taken down."""
    removed = removed_organizations(settings)
    found = index.search_organizations(text, limit=offset + limit + len(removed), offset=0)
    kept = [o for o in found.organizations if o.id not in removed]
    total = found.total - (len(found.organizations) - len(kept))
    return OrganizationsPublic(data=kept[offset:offset + limit], count=total)


def load_organization(index: IndexBackend, settings: Settings, org_id: str
                      ) -> OrganizationPublic | None:
    """An association with its listed activities (not those taken down); None if unknown."""
    if org_id in removed_organizations(settings):
        return None
    org = index.get_organization(org_id)
    activities = last_seen(settings, [a for a in index.organization_activities(org_id)
                                      if a.status is not Status.removed])
    if org is None:
        if not activities:
            return None
        # Known only as an organiser named on activities: build the view from them.
        return OrganizationPublic(id=org_id, name=activities[0].organizer.name or org_id,
                                  url=activities[0].organizer.url, activities=activities)
    return OrganizationPublic(**org.model_dump(), activities=activities)


@router.get("", response_model=OrganizationsPublic, responses={422: {"model": ErrorPublic}})
def search_organizations(
    index: IndexDep,
    settings: SettingsDep,
    q: Annotated[str, Query(min_length=1, max_length=200, description=(
        "Part of the name; every word must occur. Case, accents and æ/ø/å (or ae/oe/aa) "
        "do not matter."))],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> OrganizationsPublic:
    """Associations by name, in name order."""
    return find_organizations(index, settings, q, limit, offset)


@router.get("/{org_id}", response_model=OrganizationPublic,
            responses={404: {"model": ErrorPublic}})
def get_organization(org_id: str, index: IndexDep, settings: SettingsDep) -> OrganizationPublic:
    """One association, with every activity indexed for it."""
    found = load_organization(index, settings, org_id)
    if found is None:
        raise HTTPException(404, "organization")
    return found
