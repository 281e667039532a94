"""The brobygger's search page (Danish)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from fkort import clock
from index import Sort
from normalize.category import CATEGORY_LABELS
from normalize.schedule import duration, next_occurrences
from search_api import formatting
from search_api.deps import GeocoderDep, IndexDep
from search_api.params import ParamError, build_query
from search_api.routes.activities import run_search

router = APIRouter(tags=["pages"], include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent.parent / "templates")
templates.env.globals.update(fmt=formatting, categories=CATEGORY_LABELS,
                             days=formatting.DAYS)


def _opt_float(value: str | None) -> float | None:
    return float(value.replace(",", ".")) if value and value.strip() else None


def _opt_int(value: str | None) -> int | None:
    return int(value) if value and value.strip() else None


@router.get("/", response_class=HTMLResponse)
def search_page(
    request: Request,
    index: IndexDep,
    geocoder: GeocoderDep,
    near: Annotated[str | None, Query(max_length=200)] = None,
    radius_km: Annotated[str | None, Query(max_length=10)] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    age: Annotated[str | None, Query(max_length=3)] = None,
    max_price: Annotated[str | None, Query(max_length=10)] = None,
    free: bool = False,
    wheelchair: bool = False,
    hearing_loop: bool = False,
    drop_in: bool = False,
    categories: Annotated[list[str] | None, Query()] = None,
    weekday: Annotated[list[str] | None, Query()] = None,
) -> HTMLResponse:
    """Search form and results (a search given in the address, e.g. a saved link)."""
    return _render(request, index, geocoder, near, radius_km, q, age, max_price, free,
                   wheelchair, hearing_loop, drop_in, categories, weekday)


@router.post("/", response_class=HTMLResponse)
async def search_page_post(request: Request, index: IndexDep, geocoder: GeocoderDep
                           ) -> HTMLResponse:
    """The form's search. Sent as POST, so a citizen's address never stands in an address
    bar, the browser's history or a log."""
    data = await request.form()

    def one(key: str, limit: int) -> str | None:
        value = data.get(key)
        return str(value)[:limit] if isinstance(value, str) and value.strip() else None

    def flag(key: str) -> bool:
        return data.get(key) == "true"

    def many(key: str) -> list[str]:
        return [str(v)[:40] for v in data.getlist(key)][:20]

    return await run_in_threadpool(
        _render, request, index, geocoder, one("near", 200), one("radius_km", 10),
        one("q", 200), one("age", 3), one("max_price", 10), flag("free"), flag("wheelchair"),
        flag("hearing_loop"), flag("drop_in"), many("categories"), many("weekday"),
    )


def _render(request: Request, index: Any, geocoder: Any, near: str | None,
            radius_km: str | None, q: str | None, age: str | None, max_price: str | None,
            free: bool, wheelchair: bool, hearing_loop: bool, drop_in: bool,
            categories: list[str] | None, weekday: list[str] | None) -> HTMLResponse:
    form = {"near": near or "", "radius_km": radius_km or "10", "q": q or "", "age": age or "",
            "max_price": max_price or "", "free": free, "wheelchair": wheelchair,
            "hearing_loop": hearing_loop, "drop_in": drop_in, "categories": categories or [],
            "weekday": weekday or []}
    error = None
    hits = []
    total = 0
    searched = any(v for k, v in form.items() if k != "radius_km")
    if searched:
        try:
            query, _origin = build_query(
                near=near, radius_km=_opt_float(radius_km) if near else None, q=q,
                age=_opt_int(age), max_price=_opt_float(max_price), free=free or None,
                wheelchair=wheelchair or None, step_free=None,
                hearing_loop=hearing_loop or None, categories=categories, weekday=weekday,
                drop_in=drop_in or None, municipality=None, strict=False,
                sort=Sort.distance if near else None, limit=30, offset=0,
                known_categories=set(CATEGORY_LABELS), geocoder=geocoder,
            )
            result = run_search(index, query)
            now = clock.now()
            total = result.total
            hits = [
                {
                    "hit": hit,
                    "a": hit.activity,
                    "next": [formatting.when(d, duration(hit.activity.schedule))
                             for d in next_occurrences(hit.activity.schedule, now, 3)],
                }
                for hit in result.hits
            ]
        except ParamError as exc:
            error = exc.da
        except ValueError:
            error = "Et af felterne er ikke udfyldt rigtigt. Tjek tal og punkt."
    return templates.TemplateResponse(
        request, "search.html",
        {"form": form, "hits": hits, "total": total, "error": error, "searched": searched},
        status_code=422 if error else 200,
    )
