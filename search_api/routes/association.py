"""The association's page (Danish): find your association, see how each of its activities
was understood, and ask for a correction or removal with a plain form (no JavaScript)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from core import clock
from core.settings import Settings
from records.request_fields import FIELD_LABELS, FIELDS, RequestError
from records.runlog import RunLog
from search_api import listing
from search_api.changes import submit
from search_api.deps import IndexDep, SettingsDep
from search_api.errors import ApiError
from search_api.models import ChangeRequestIn, OrganizationPublic
from search_api.routes.organizations import find_organizations, load_organization
from search_api.templating import templates

router = APIRouter(prefix="/forening", tags=["pages"], include_in_schema=False)
_FORM_KEYS = ("target", "kind", "field", "proposed_value", "name", "contact", "message")


@router.get("", response_class=HTMLResponse)
def association_search(request: Request, index: IndexDep, settings: SettingsDep,
                       q: Annotated[str | None, Query(max_length=200)] = None
                       ) -> HTMLResponse:
    """Search an association by name (a name is no secret: this form may use GET)."""
    found = None
    if q and q.strip():
        found = find_organizations(index, settings, q.strip(), limit=50, offset=0)
    return templates.TemplateResponse(request, "forening.html", {"q": q or "", "found": found})


def _sources(settings: Settings, org: OrganizationPublic) -> list[dict[str, Any]]:
    """Each source of the association's activities, with its last and last good crawl."""
    names = sorted({a.source.name for a in org.activities})
    log = RunLog(settings.data_dir / "crawls.db")
    try:
        out = []
        for name in names:
            last, good = log.latest(name), log.good(name, 1)
            out.append({"name": name, "last": last, "good": good[0] if good else None,
                        "urls": sorted({a.source.url for a in org.activities
                                        if a.source.name == name})[:5]})
        return out
    finally:
        log.close()


def _page(request: Request, index: Any, settings: Settings, org_id: str,
          form: dict[str, str] | None = None, error: str | None = None,
          status: int = 200) -> HTMLResponse:
    org = load_organization(index, settings, org_id)
    if org is None:
        return templates.TemplateResponse(
            request, "forening.html", {"q": "", "found": None,
                                       "error": "Foreningen findes ikke (længere)."},
            status_code=404)
    now = clock.now()
    activities = [{"a": a, "rows": listing.rows(a, now), "warnings": listing.warnings(a, now)}
                  for a in org.activities]
    fields = {target: [(f, FIELD_LABELS[f]) for f in sorted(names, key=lambda n: FIELD_LABELS[n])]
              for target, names in FIELDS.items()}
    return templates.TemplateResponse(request, "forening_org.html", {
        "org": org, "activities": activities, "sources": _sources(settings, org),
        "form": form or {"kind": "correction", "target": f"organization:{org.id}"},
        "error": error, "fields": fields,
    }, status_code=status)


@router.get("/{org_id}", response_class=HTMLResponse)
def association_page(request: Request, org_id: str, index: IndexDep, settings: SettingsDep
                     ) -> HTMLResponse:
    return _page(request, index, settings, org_id)


@router.post("/{org_id}/anmodning", response_class=HTMLResponse)
async def association_request(request: Request, org_id: str, index: IndexDep,
                              settings: SettingsDep) -> HTMLResponse:
    """The correction form, handled on the server: a Danish receipt, or the page again with
    what to fix."""
    data = await request.form()
    form = {k: str(data.get(k) or "")[:4000] for k in _FORM_KEYS}
    target_type, _, target_id = form["target"].partition(":")
    if target_type == "organization":
        target_id = org_id  # the page's own association, whatever was sent
    if target_type == "activity":
        org = await run_in_threadpool(load_organization, index, settings, org_id)
        if org is None or target_id not in {a.id for a in org.activities}:
            target_type = ""  # only this association's activities
    try:
        payload = ChangeRequestIn(
            target_type=target_type, target_id=target_id or "-", kind=form["kind"],
            name=form["name"], contact=form["contact"], message=form["message"],
            field=form["field"] or None,
            proposed_value=(form["proposed_value"] or None) if form["field"] else None)
    except ValidationError as exc:
        return await run_in_threadpool(_page, request, index, settings, org_id, form,
                                       _form_error(exc), 422)
    try:
        req = await run_in_threadpool(submit, request, payload, index, settings)
    except RequestError as exc:
        return await run_in_threadpool(_page, request, index, settings, org_id, form,
                                       exc.da, 422)
    except ApiError as exc:
        resp = await run_in_threadpool(_page, request, index, settings, org_id, form, exc.da,
                                       exc.status)
        resp.headers.update(exc.headers)
        return resp
    return templates.TemplateResponse(request, "forening_kvittering.html",
                                      {"req": req, "org_id": org_id})


_FIELD_NAMES = {"name": "dit navn", "contact": "din e-mail eller dit telefonnummer",
                "message": "beskeden", "kind": "hvad du ønsker", "target_type": "hvad det gælder",
                "target_id": "hvad det gælder", "proposed_value": "den rigtige værdi",
                "field": "feltet"}


def _form_error(exc: ValidationError) -> str:
    names = sorted({_FIELD_NAMES.get(str(e["loc"][-1]), "et felt") for e in exc.errors()
                    if e.get("loc")})
    return "Udfyld venligst: " + ", ".join(names) + "." if names else "Tjek formularen."
