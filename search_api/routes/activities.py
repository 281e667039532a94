"""Search and read activities."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from core import clock
from core.schema import Status
from core.settings import Settings
from index import IndexBackend, SearchQuery, SearchResult
from index.empty import explain_empty
from normalize.geo.chain import Geocoder
from search_api import formatting
from search_api.answer import search_json
from search_api.deps import IndexDep, SettingsDep
from search_api.models import ActivitiesPublic, ActivityPublic, ErrorPublic, NearPublic
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


@router.get("", response_model=ActivitiesPublic, responses={422: {"model": ErrorPublic}})
async def search_activities(
    request: Request,
    params: Annotated[SearchParams, Query()],
) -> Response:
    """Search activities near a point, for a citizen's age, wallet, body and wishes."""
    # What the app built at start-up, read from it here: as dependencies (search_api.deps)
    # they cost 70 µs of FastAPI's solving per search.
    state = request.app.state
    index: IndexBackend = state.index
    settings: Settings = state.settings
    geocoder: Geocoder = state.geocoder
    # The geocoder and the index block: one hop to the thread pool for both, and the answer
    # written there too (search_api.answer: ActivitiesPublic's JSON without a model per hit;
    # `response_model` still documents it).
    body = await run_in_threadpool(search, index, settings, geocoder, params)
    return Response(content=body, media_type="application/json")


def search(index: IndexBackend, settings: Settings, geocoder: Geocoder, params: SearchParams
           ) -> bytes:
    """The API's search, for the route, as the JSON it answers (blocking: a geocoder may ask
    a server)."""
    query, origin = params.to_query(geocoder, limit=min(params.limit, settings.max_limit))
    precision = origin.precision.value if origin is not None else "address"
    near = None if origin is None else NearPublic(
        precision=precision, provider=origin.provider,
        approximate=precision in formatting.APPROXIMATE, note=origin.note)
    result = run_search(index, query)
    # Each hit's last sighting from the run log, given to the answer as it is written (no
    # copies of the hits and the result to carry it).
    activities = last_seen(settings, [hit.activity for hit in result.hits])
    return search_json(result, clock.now(), precision, near, activities)


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
