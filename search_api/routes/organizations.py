"""Read associations and their activities."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException

from search_api.deps import IndexDep
from search_api.models import ErrorPublic, OrganizationPublic

router = APIRouter(prefix="/v1/organizations", tags=["organizations"])


@router.get("/{org_id}", response_model=OrganizationPublic,
            responses={404: {"model": ErrorPublic}})
def get_organization(org_id: str, index: IndexDep) -> OrganizationPublic:
    """One association, with every activity indexed for it."""
    org = index.get_organization(org_id)
    activities = index.organization_activities(org_id)
    if org is None:
        if not activities:
            raise HTTPException(404, "organization")
        # Known only as an organiser named on activities: build the view from them.
        org_name = activities[0].organizer.name or org_id
        return OrganizationPublic(id=org_id, name=org_name, url=activities[0].organizer.url,
                                  activities=activities)
    return OrganizationPublic(**org.model_dump(), activities=activities)
