"""Search and read activities."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from core import clock
from core.schema import Status
from core.settings import Settings
from index import SearchQuery, SearchResult, Sort
from normalize.category import CATEGORY_LABELS
from normalize.schedule import next_occurrences
from search_api.deps import GeocoderDep, IndexDep, SettingsDep
from search_api.models import ActivitiesPublic, ActivityPublic, ErrorPublic, NearPublic
from search_api.params import build_query
from search_api.seen import last_seen, with_last_seen

router = APIRouter(prefix="/v1/activities", tags=["activities"])


def run_search(index: IndexDep, query: SearchQuery, settings: Settings | None = None
               ) -> SearchResult:
    """One search at the current time (also used by the web page); with the settings, each
    hit says when the crawls last found it."""
    result = index.search(query.model_copy(update={"now": query.now or clock.now()}))
    return result if settings is None else with_last_seen(settings, result)


def to_public(result: SearchResult) -> ActivitiesPublic:
    now = clock.now()
    data = [
        ActivityPublic(
            **hit.activity.model_dump(),
            distance_km=None if hit.distance_km is None else round(hit.distance_km, 2),
            next_occurrences=next_occurrences(hit.activity.schedule, now, 3),
            matched=hit.matched,
        )
        for hit in result.hits
    ]
    return ActivitiesPublic(data=data, count=result.total, facets=result.facets)


@router.get("", response_model=ActivitiesPublic, responses={422: {"model": ErrorPublic}})
def search_activities(
    index: IndexDep,
    settings: SettingsDep,
    geocoder: GeocoderDep,
    near: Annotated[str | None, Query(
        max_length=200,
        description="Where to search from: an address with postcode, a postcode, a town, or "
        "lat,lon (e.g. 56.36,8.62). Used for this search only; never stored or logged.",
    )] = None,
    radius_km: Annotated[float | None, Query(gt=0, le=500, description="Within this distance.")]
    = None,
    q: Annotated[str | None, Query(max_length=200, description="Free text, Danish.")] = None,
    age: Annotated[int | None, Query(ge=0, le=120, description="The citizen's age.")] = None,
    max_price: Annotated[float | None, Query(ge=0, le=100_000)] = None,
    free: Annotated[bool | None, Query(description="Only free activities.")] = None,
    wheelchair: Annotated[bool | None, Query(description="Needs wheelchair access.")] = None,
    step_free: Annotated[bool | None, Query(description="Needs step-free access.")] = None,
    hearing_loop: Annotated[bool | None, Query(description="Needs a hearing loop.")] = None,
    categories: Annotated[list[str] | None, Query(description="Category slugs (any of).")] = None,
    weekday: Annotated[list[str] | None, Query(description="Weekdays: tirsdag, 1, ...")] = None,
    time_of_day: Annotated[list[str] | None, Query(
        description="Parts of the day, by local start time (any of): formiddag (06-12), "
        "eftermiddag (12-17), aften (17-24). An activity whose clock time is not stated "
        "counts as unknown, not as a misfit.",
    )] = None,
    drop_in: Annotated[bool | None, Query(description="No sign-up needed.")] = None,
    municipality: Annotated[str | None, Query(max_length=100)] = None,
    strict: Annotated[bool, Query(description="Keep only stated fits, not unknowns.")] = False,
    sort: Annotated[Sort | None, Query(description="distance, relevance or next.")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> ActivitiesPublic:
    """Search activities near a point, for a citizen's age, wallet, body and wishes."""
    query, origin = build_query(
        near=near, radius_km=radius_km, q=q, age=age, max_price=max_price, free=free,
        wheelchair=wheelchair, step_free=step_free, hearing_loop=hearing_loop,
        categories=categories, weekday=weekday, drop_in=drop_in, municipality=municipality,
        strict=strict, sort=sort, limit=min(limit, settings.max_limit), offset=offset,
        known_categories=set(CATEGORY_LABELS), geocoder=geocoder, time_of_day=time_of_day,
    )
    result = to_public(run_search(index, query, settings))
    if origin is not None:
        result.near = NearPublic(precision=origin.precision.value, provider=origin.provider)
    return result


@router.get(
    "/{activity_id}", response_model=ActivityPublic, responses={404: {"model": ErrorPublic}}
)
def get_activity(activity_id: str, index: IndexDep, settings: SettingsDep) -> ActivityPublic:
    """One activity by id."""
    activity = index.get(activity_id)
    if activity is None or activity.status is Status.removed:
        raise HTTPException(404, "activity")
    (activity,) = last_seen(settings, [activity])
    return ActivityPublic(
        **activity.model_dump(), next_occurrences=next_occurrences(activity.schedule, clock.now())
    )
