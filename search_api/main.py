"""Builds the FastAPI app: API routes, pages, static files and error answers."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from core.settings import Settings, get_settings
from index import IndexBackend, IndexUnavailable, open_index
from index.contract import MAX_RADIUS_KM
from normalize.geo.chain import make_geocoder
from normalize.geo.logfilter import hide_queries_in_library_logs, hide_queries_in_logs
from records.request_fields import RequestError
from search_api.errors import ApiError
from search_api.params import ParamError
from search_api.ratelimit import TokenBuckets
from search_api.routes import (
    activities,
    association,
    categories,
    health,
    organizations,
    pages,
    requests,
    sources,
)
from search_api.security import harden

logger = logging.getLogger(__name__)

#: Readable messages per parameter for FastAPI's own validation errors.
_PARAM_HELP: dict[str, tuple[str, str]] = {
    "radius_km": (f"radius_km skal være et tal over 0 og højst {MAX_RADIUS_KM:g}.",
                  f"radius_km must be a number above 0 and at most {MAX_RADIUS_KM:g}."),
    "limit": ("limit skal være et helt tal fra 1 til 100.",
              "limit must be a whole number from 1 to 100."),
    "offset": ("offset skal være et helt tal fra 0 til 10000.",
               "offset must be a whole number from 0 to 10000."),
    "age": ("age skal være en alder i hele år fra 0 til 120.",
            "age must be an age in whole years from 0 to 120."),
    "max_price": ("max_price skal være et beløb i kroner, 0 eller mere.",
                  "max_price must be an amount in kroner, 0 or more."),
    "sort": ("sort skal være distance, relevance eller next.",
             "sort must be distance, relevance or next."),
    "q": ("q skal være 1 til 200 tegn.", "q must be 1 to 200 characters."),
    "contact": ("contact skal være en e-mail eller et telefonnummer (3 til 200 tegn).",
                "contact must be an e-mail address or phone number (3 to 200 characters)."),
    "message": ("message skal være 1 til 4000 tegn.", "message must be 1 to 4000 characters."),
    "name": ("name skal være 1 til 200 tegn.", "name must be 1 to 200 characters."),
    "target_type": ("target_type skal være activity eller organization.",
                    "target_type must be activity or organization."),
    "kind": ("kind skal være correction eller removal.", "kind must be correction or removal."),
}
_REQUEST_STATUS = {"not_found": 404, "not_pending": 409}
#: The server's loggers whose lines hold a request's URL (access lines; ASGI scopes at trace).
SERVER_LOGGERS = ("uvicorn.access", "uvicorn.asgi", "uvicorn.error", "uvicorn")
_NOT_FOUND = {
    "activity": ("Aktiviteten findes ikke (længere).", "No such activity."),
    "organization": ("Foreningen findes ikke.", "No such organization."),
}


def _error(
    status: int, code: str, da: str, en: str, params: list[str] | None = None
) -> JSONResponse:
    # Never echo what was sent: a `near` value may be a citizen's address.
    return JSONResponse(
        status_code=status,
        content={"error": code, "message_da": da, "message_en": en, "params": params or []},
    )


def create_app(settings: Settings | None = None, index: IndexBackend | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="Fællesskabskort API",
        version="1",
        summary="Find local communities and activities for lonely citizens, near an address.",
        docs_url=None, redoc_url=None,  # served from /static by search_api.security.harden
    )
    app.state.settings = settings
    # A `near` in a URL is a citizen's address: access lines and the libraries' request logs
    # show query strings with their values hidden, whoever turns those logs on.
    hide_queries_in_logs(*SERVER_LOGGERS)
    hide_queries_in_library_logs()
    # A citizen's address is resolved in memory: this geocoder has no cache.
    app.state.geocoder = make_geocoder(settings, with_cache=False)
    app.state.index = index or open_index(settings)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        params = sorted({str(e["loc"][-1]) for e in exc.errors() if e.get("loc")})
        da = " ".join(_PARAM_HELP.get(p, (f"{p} har en ugyldig værdi.", ""))[0] for p in params)
        en = " ".join(_PARAM_HELP.get(p, ("", f"{p} has an invalid value."))[1] for p in params)
        return _error(422, "invalid_parameter", da or "Ugyldig forespørgsel.",
                      en or "Invalid request.", params)

    @app.exception_handler(ParamError)
    async def _param(request: Request, exc: ParamError) -> JSONResponse:
        return _error(422, "invalid_parameter", exc.da, exc.en, [exc.param])

    @app.exception_handler(ApiError)
    async def _api(request: Request, exc: ApiError) -> JSONResponse:
        resp = _error(exc.status, exc.code, exc.da, exc.en, exc.params)
        resp.headers.update(exc.headers)
        return resp

    @app.exception_handler(RequestError)
    async def _request(request: Request, exc: RequestError) -> JSONResponse:
        return _error(_REQUEST_STATUS.get(exc.code, 422), exc.code, exc.da, exc.en,
                      [exc.param] if exc.param else [])

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 404:
            da, en = _NOT_FOUND.get(str(exc.detail), ("Siden findes ikke.", "Not found."))
            return _error(404, "not_found", da, en)
        return _error(exc.status_code, "http_error", str(exc.detail), str(exc.detail))

    @app.exception_handler(IndexUnavailable)
    async def _unavailable(request: Request, exc: IndexUnavailable) -> JSONResponse:
        # The message names the index and the cause, never the query.
        logger.error("Index unavailable on %s %s: %s", request.method, request.url.path, exc)
        resp = _error(503, "index_unavailable",
                      "Søgningen er ikke tilgængelig lige nu. Prøv igen om lidt.",
                      "The search index is not available right now. Please try again shortly.")
        resp.headers["Retry-After"] = "30"
        return resp

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> JSONResponse:
        # Logged without the query string: it may hold an address.
        logger.exception("Unhandled error on %s %s", request.method, request.url.path)
        return _error(500, "internal_error", "Der skete en fejl hos os. Prøv igen.",
                      "Something went wrong on our side. Please try again.")

    app.include_router(health.router)
    app.include_router(activities.router)
    app.include_router(organizations.router)
    app.include_router(sources.router)
    app.include_router(categories.router)
    app.include_router(requests.router)
    app.include_router(requests.admin)
    app.include_router(pages.router)
    app.include_router(association.router)
    app.state.request_buckets = TokenBuckets(settings.request_rate_burst,
                                             settings.request_rate_per_hour)
    harden(app, settings)  # docs, body limit, X-Forwarded-For, security headers
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    return app


def app_factory() -> Any:
    """For `uvicorn --factory search_api.main:app_factory`."""
    return create_app()
