"""What the API answers: public views of the schema types."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from core.schema import Activity, Organization
from index.contract import TOTAL_EXACT_UP_TO
from index.filters import Match


class ActivityPublic(Activity):
    """An activity as a search hit: the record, plus how it relates to this search."""

    distance_km: float | None = Field(default=None, description="From the search point.")
    distance_approximate: bool | None = Field(
        default=None,
        description="Whether the distance is approximate: the activity's place or the search "
        "point stands for a street, postcode, town or municipality, not an address. None "
        "without a distance.")
    same_town: bool | None = Field(
        default=None,
        description="Both ends are the same postcode's or town's centre: the distance (0) says "
        'only "in the same town" ("i samme by"). None without a distance.')
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
    approximate: bool = Field(
        default=False, description="The point stands for an area (street, postcode, town or "
        "municipality), so distances from it are approximate.")
    note: str | None = Field(
        default=None, description="Why, in Danish, when an address was not found and its "
        'postcode\'s point or town\'s centre stands for it ("omtrentlig: postnummerets '
        'midtpunkt").')


class CategorySuggestion(BaseModel):
    slug: str
    label: str = Field(description="The Danish name, as the pages show it.")


class ActivitiesPublic(BaseModel):
    data: list[ActivityPublic]
    near: NearPublic | None = Field(default=None, description="How `near` was resolved.")
    count: int = Field(description="All hits of the search, not only this page; when "
                       "`count_exact` is false, at least this many.")
    count_exact: bool = Field(
        True, description=f"Whether `count` is every hit. Hits are counted exactly up to "
        f"{TOTAL_EXACT_UP_TO}, past that only with `exact_count=true` (or `facets=true`); "
        "the pages go on past it either way.")
    facets: dict[str, dict[str, int]] = Field(default_factory=dict)
    not_found: list[str] = Field(
        default_factory=list,
        description="When free text found nothing: the typed words no activity holds under "
                    "the other filters (stop words are never named).")
    suggested_categories: list[CategorySuggestion] = Field(
        default_factory=list,
        description="When free text found nothing: the interest categories the words stand "
                    "for that have activities under the other filters; search with "
                    "`categories=` instead.")


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


class OrganizationsPublic(BaseModel):
    data: list[Organization]
    count: int = Field(description="All associations found, not only this page.")


class CategoryPublic(BaseModel):
    slug: str
    label: str = Field(description="The Danish name, as the pages show it.")
    activities: int = Field(description="Activities in the index with this category now.")


_Text200 = Annotated[str, Field(min_length=1, max_length=200)]


class ChangeRequestIn(BaseModel):
    """A correction or removal request. Nothing changes until an operator approves it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    target_type: Literal["activity", "organization"]
    target_id: _Text200
    kind: Literal["correction", "removal"]
    name: _Text200 = Field(description="Who asks (name, and role in the association).")
    contact: Annotated[str, Field(min_length=3, max_length=200)] = Field(
        description="E-mail or phone for the operator's answer. Personal data: shown only to "
        "operators, never logged, never shown on the public pages.")
    message: Annotated[str, Field(min_length=1, max_length=4000)] = Field(
        description="What is wrong, or why the listing should go.")
    field: Annotated[str, Field(max_length=60)] | None = Field(
        default=None, description="For a correction: the field to change, e.g. schedule, "
        "price, age, title, accessibility.hearing_loop (see docs/api.md).")
    proposed_value: Annotated[str, Field(max_length=1000)] | None = Field(
        default=None, description='The right value, written as on your page, e.g. "hver '
        'tirsdag kl. 14-16", "20 kr.", "60+", ja/nej.')


class ChangeRequestPublic(BaseModel):
    """The receipt: no contact details are repeated."""

    id: int
    status: str
    target_type: str
    target_id: str
    kind: str
    message_da: str
    message_en: str


class ChangeRequestAdmin(BaseModel):
    """A request as operators see it, with the requester's contact details."""

    id: int
    created: datetime
    status: str
    target_type: str
    target_id: str
    kind: str
    field: str | None
    proposed_value: str | None
    requester_name: str
    requester_contact: str
    message: str
    decided: datetime | None
    reason: str | None


class RejectIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Annotated[str, Field(max_length=1000)] | None = None
