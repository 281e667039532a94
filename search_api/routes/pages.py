"""The brobygger's pages (Danish): the search form with its results as a list and a map, and
the match-kort, a print view of one activity for the citizen."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from core import clock
from core.schema import Activity, Status
from normalize.category import CATEGORY_LABELS
from search_api import formatting
from search_api.deps import GeocoderDep, IndexDep, SettingsDep
from search_api.routes.activities import run_search
from search_api.searchform import SORTS, FormErrors, SearchForm, to_query
from search_api.seen import last_seen
from search_api.templating import templates
from search_api.trip import destination_text, rejseplanen_url
from search_api.upcoming import UPCOMING

router = APIRouter(tags=["pages"], include_in_schema=False)


def _map_settings(settings: Any) -> dict[str, Any]:
    return {"tile_url": settings.tile_url or "", "attribution": settings.tile_attribution}


def _dates(activity: Activity, count: int) -> list[str]:
    # Each meeting with its own rule's length (a Monday evening, a Wednesday afternoon).
    return [formatting.when(d, length)
            for d, length in UPCOMING.meetings(activity.schedule, clock.now(), count)]


def card_url(activity_id: str) -> str:
    return f"/aktivitet/{activity_id}/kort"


@router.get("/", response_class=HTMLResponse)
def search_page(request: Request, settings: SettingsDep) -> HTMLResponse:
    """The empty search form. Searches are posted (see below), never put in the address."""
    return templates.TemplateResponse(request, "search.html", {
        "form": SearchForm(), "sorts": SORTS, "errors": {}, "searched": False,
        "map": _map_settings(settings)})


@router.post("/", response_class=HTMLResponse)
async def search_page_post(request: Request, index: IndexDep, geocoder: GeocoderDep,
                           settings: SettingsDep) -> HTMLResponse:
    """The form's search. Sent as POST, so a citizen's address never stands in an address
    bar, the browser's history or a log; it is used for this answer and then forgotten."""
    data = await request.form()
    form = SearchForm.from_form(data)
    instead = data.get("kategori_i_stedet")
    if isinstance(instead, str) and instead in CATEGORY_LABELS:
        # A suggested category's button (after a text that found nothing): the same search
        # with that interest instead of the text.
        form.values.update(q="", categories=[instead])
    return await run_in_threadpool(_search, request, form, index, geocoder, settings)


def _search(request: Request, form: SearchForm, index: Any, geocoder: Any,
            settings: Any) -> HTMLResponse:
    context: dict[str, Any] = {"form": form, "sorts": SORTS, "errors": {}, "searched": False,
                               "map": _map_settings(settings)}
    if not form.asks_anything:
        return templates.TemplateResponse(request, "search.html", context)
    try:
        query, origin = to_query(form, geocoder)
    except FormErrors as exc:
        context["errors"] = exc.errors
        return templates.TemplateResponse(request, "search.html", context, status_code=422)
    result = run_search(index, query, settings)
    results: list[dict[str, Any]] = []
    for n, hit in enumerate(result.hits, start=1):
        a = hit.activity
        results.append({
            "n": n, "anchor": f"resultat-{n}", "hit": hit, "a": a, "next": _dates(a, 3),
            "access": formatting.access_items(a), "matched": formatting.matched(hit.matched),
            "card_url": card_url(a.id),
        })
    # The map gets points and titles only. The search centre is the geocoded point, never
    # the typed text.
    markers = [{"n": r["n"], "anchor": r["anchor"], "title": r["a"].title,
                "lat": r["a"].location.lat, "lon": r["a"].location.lon}
               for r in results if r["a"].location.lat is not None]
    centre = ({"lat": query.lat, "lon": query.lon, "radius_km": query.radius_km}
              if query.lat is not None else None)
    context.update(
        searched=True, results=results, total=result.total,
        # How many hits each interest would give (the other filters kept): beside its box.
        facets=result.facets.get("categories", {}),
        map_data={"markers": markers, "centre": centre},
        origin=formatting.origin_text(origin.precision.value, origin.note) if origin else None,
        origin_precision=origin.precision.value if origin else "address",
        point_given=origin is None and query.lat is not None,
        not_found=result.not_found,
        suggestions=[(slug, CATEGORY_LABELS.get(slug, slug))
                     for slug in result.suggested_categories],
    )
    return templates.TemplateResponse(request, "search.html", context)


@router.get("/aktivitet/{activity_id}/kort", response_class=HTMLResponse)
def match_card(activity_id: str, request: Request, index: IndexDep, settings: SettingsDep
               ) -> HTMLResponse:
    """The match-kort: one activity in large type, to print and hand to the citizen."""
    activity = index.get(activity_id)
    if activity is None or activity.status is Status.removed:
        return templates.TemplateResponse(request, "not_found.html", {}, status_code=404)
    (activity,) = last_seen(settings, [activity])
    starts = UPCOMING.starts(activity.schedule, clock.now(), 5)
    return templates.TemplateResponse(request, "kort.html", {
        "a": activity, "next": _dates(activity, 5), "access": formatting.access_items(activity),
        "trip_url": rejseplanen_url(activity, starts[0] if starts else None),
        "destination": destination_text(activity),
    })
