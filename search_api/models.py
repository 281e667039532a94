"""What the API answers: public views of the schema types."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from fkort.schema import Activity, Organization
from index.contract import Match


class ActivityPublic(Activity):
    """An activity as a search hit: the record, plus how it relates to this search."""

    distance_km: float | None = Field(default=None, description="From the search point.")
    next_occurrences: list[datetime] = Field(
        default_factory=list, description="The next (up to) three starts, Europe/Copenhagen."
    )
    matched: dict[str, Match] = Field(
        default_factory=dict,
        description='Per soft filter: "yes" (stated to fit) or "unknown" (listing does not say).',
    )


class NearPublic(BaseModel):
    """How the search point was found. The text that was typed is not repeated."""

    precision: str = Field(description="address, street, postcode, town or municipality.")
    provider: str = Field(description="given (lat,lon), gazetteer (offline), or the geocoder.")


class ActivitiesPublic(BaseModel):
    data: list[ActivityPublic]
    near: NearPublic | None = Field(default=None, description="How `near` was resolved.")
    count: int = Field(description="All hits of the search, not only this page.")
    facets: dict[str, dict[str, int]] = Field(default_factory=dict)


class OrganizationPublic(Organization):
    activities: list[Activity] = Field(default_factory=list)


class SourcePublic(BaseModel):
    name: str
    last_run: datetime
    last_status: str = Field(description="ok, failed, or guarded (too few items to sweep).")
    last_good_run: datetime | None
    activities: int = Field(description="Activities the last good run found.")
    new: int
    changed: int
    unchanged: int
    gone: int = Field(description="Marked stale by the last run.")
    dropped: int
    errors: int


class Health(BaseModel):
    status: str
    backend: str
    activities: int


class ErrorPublic(BaseModel):
    error: str
    message_da: str
    message_en: str
    params: list[str] = Field(default_factory=list)
