"""Search and read activities."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from fastapi.concurrency import run_in_threadpool

from core import clock
from core.schema import Status
from core.settings import Settings
from index import IndexBackend, SearchQuery, SearchResult
from index.empty import explain_empty
from normalize.category import CATEGORY_LABELS
from normalize.geo.chain import Geocoder
from search_api import formatting
from search_api.deps import GeocoderDep, IndexDep, SettingsDep
from search_api.models import (
    ActivitiesPublic,
    ActivityPublic,
    CategorySuggestion,
    ErrorPublic,
    NearPublic,
)
from search_api.params import SearchParams
from search_api.seen import last_seen, with_last_seen
from search_api.upcoming import UPCOMING

router = APIRouter(prefix="/v1/activities", tags=["activities"])


def run_search(index: IndexDep, query: SearchQuery, settings: Settings | None = None
               ) -> SearchResult:
    """One search at the current time (also used by the web page); with the settings, each
    hit says when the crawls last found it."""
    query = query.model_copy(update={"now": query.now or clock.now()})
    # A search that finds nothing says which words were not found and what to try instead.
    result = explain_empty(index, query, index.search(query))
    return result if settings is None else with_last_seen(settings, result)


def to_public(result: SearchResult, origin_precision: str = "address") -> ActivitiesPublic:
    """The hits as the API shows them; `origin_precision` is the search point's (a point
    given as lat,lon is exact)."""
    now = clock.now()
    data = []
    for hit in result.hits:
        place = hit.activity.location.precision.value
        known = hit.distance_km is not None
        # The activity's fields as they are: its parts (place, schedule, ...) are models
        # already validated, which pydantic takes without checking them again (dumping the
        # activity to a dict and validating that took 4× the time; model_construct, in
        # Python, even more).
        data.append(ActivityPublic(
            **dict(hit.activity),
            distance_km=None if hit.distance_km is None else round(hit.distance_km, 2),
            distance_approximate=(place in formatting.APPROXIMATE
                                  or origin_precision in formatting.APPROXIMATE) if known
            else None,
            same_town=formatting.same_town(hit.distance_km, place, origin_precision) if known
            else None,
            next_occurrences=UPCOMING.starts(hit.activity.schedule, now, 3),
            matched=hit.matched,
        ))
    return ActivitiesPublic(
        data=data, count=result.total, count_exact=result.total_exact, facets=result.facets,
        not_found=result.not_found,
        suggested_categories=[CategorySuggestion(slug=s, label=CATEGORY_LABELS.get(s, s))
                              for s in result.suggested_categories])


@router.get("", response_model=ActivitiesPublic, responses={422: {"model": ErrorPublic}})
async def search_activities(
    index: IndexDep,
    settings: SettingsDep,
    geocoder: GeocoderDep,
    params: Annotated[SearchParams, Query()],
) -> ActivitiesPublic:
    """Search activities near a point, for a citizen's age, wallet, body and wishes."""
    # The geocoder and the index block: one hop to the thread pool for both (a plain `def`
    # route would take a second one for checking its answer against the response model).
    return await run_in_threadpool(search, index, settings, geocoder, params)


def search(index: IndexBackend, settings: Settings, geocoder: Geocoder, params: SearchParams
           ) -> ActivitiesPublic:
    """The API's search, for the route (blocking: a geocoder may ask a server)."""
    query, origin = params.to_query(geocoder, limit=min(params.limit, settings.max_limit))
    precision = origin.precision.value if origin is not None else "address"
    result = to_public(run_search(index, query, settings), precision)
    if origin is not None:
        result.near = NearPublic(precision=precision, provider=origin.provider,
                                 approximate=precision in formatting.APPROXIMATE,
                                 note=origin.note)
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
        **dict(activity), next_occurrences=UPCOMING.starts(activity.schedule, clock.now())
    )
