"""Correction and removal requests: anyone may send one; operators decide (admin API)."""

from __future__ import annotations

import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Security
from fastapi.concurrency import run_in_threadpool
from fastapi.security import APIKeyHeader

from records.request_store import ChangeRequest, RequestStore
from search_api.changes import submit
from search_api.deps import IndexDep, SettingsDep
from search_api.errors import ApiError
from search_api.models import (
    ChangeRequestAdmin,
    ChangeRequestIn,
    ChangeRequestPublic,
    ErrorPublic,
    RejectIn,
)

router = APIRouter(tags=["requests"])
_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorPublic} for status in (404, 413, 422, 429)}
RECEIVED_DA = ("Tak. Vi har modtaget anmodningen. Intet ændres, før en medarbejder har set "
               "den; vi svarer på den kontakt, du gav.")
RECEIVED_EN = ("Thank you. The request was received. Nothing changes until an operator has "
               "reviewed it; we answer at the contact you gave.")


@router.post("/v1/requests", status_code=202, response_model=ChangeRequestPublic,
             responses=_ERRORS)
async def create_request(data: ChangeRequestIn, request: Request, index: IndexDep,
                         settings: SettingsDep) -> ChangeRequestPublic:
    """Ask for a correction or removal of an activity or an association's listing.

    Size-limited (FKORT_REQUEST_MAX_BYTES) and rate-limited per client
    (FKORT_REQUEST_RATE_BURST, FKORT_REQUEST_RATE_PER_HOUR; 429 with Retry-After)."""
    req = await run_in_threadpool(submit, request, data, index, settings)
    assert req.id is not None
    return ChangeRequestPublic(id=req.id, status=req.status, target_type=req.target_type,
                               target_id=req.target_id, kind=req.kind, message_da=RECEIVED_DA,
                               message_en=RECEIVED_EN)


# -- admin -------------------------------------------------------------------------------

_api_key = APIKeyHeader(name="X-API-Key", auto_error=False,
                        description="FKORT_ADMIN_API_KEY of the server.")


def require_admin(settings: SettingsDep,
                  key: Annotated[str | None, Security(_api_key)] = None) -> None:
    """The admin key from the environment; none configured means the admin API is off."""
    secret = settings.admin_api_key.get_secret_value() if settings.admin_api_key else ""
    if not secret:
        raise ApiError(503, "admin_disabled",
                       "Administration er slået fra her: serveren har ingen FKORT_ADMIN_API_KEY.",
                       "The admin API is off: the server has no FKORT_ADMIN_API_KEY.")
    if key is None or not hmac.compare_digest(key.encode(), secret.encode()):
        raise ApiError(401, "unauthorized", "Forkert eller manglende nøgle (X-API-Key).",
                       "Wrong or missing key (X-API-Key).",
                       headers={"WWW-Authenticate": "ApiKey"})


#: A request's number: SQLite's row ids are 1 to 2^63 - 1; anything else is a 422, never
#: a number too large for the store (which would be a 500).
RequestId = Annotated[int, Path(ge=1, le=2**63 - 1, description="The request's number.")]

admin = APIRouter(prefix="/v1/admin/requests", tags=["admin"],
                  dependencies=[Depends(require_admin)],
                  responses={s: {"model": ErrorPublic} for s in (401, 404, 409, 422, 503)})


def _admin_view(req: ChangeRequest) -> ChangeRequestAdmin:
    assert req.id is not None and req.created is not None
    return ChangeRequestAdmin(
        id=req.id, created=req.created, status=req.status, target_type=req.target_type,
        target_id=req.target_id, kind=req.kind, field=req.field,
        proposed_value=req.proposed_value, requester_name=req.requester_name,
        requester_contact=req.requester_contact, message=req.message, decided=req.decided,
        reason=req.reason)


@admin.get("", response_model=list[ChangeRequestAdmin])
def list_requests(settings: SettingsDep, status: Annotated[
        str | None, Query(pattern="^(pending|approved|rejected)$")] = None
                  ) -> list[ChangeRequestAdmin]:
    """Requests, oldest first; `status` to see only pending, approved or rejected ones."""
    store = RequestStore.for_data_dir(settings.data_dir)
    try:
        return [_admin_view(r) for r in store.find(status)]
    finally:
        store.close()


@admin.get("/{request_id}", response_model=ChangeRequestAdmin)
def get_request(request_id: RequestId, settings: SettingsDep) -> ChangeRequestAdmin:
    store = RequestStore.for_data_dir(settings.data_dir)
    try:
        req = store.get(request_id)
    finally:
        store.close()
    if req is None:
        raise ApiError(404, "not_found", "Anmodningen findes ikke.", "No such request.")
    return _admin_view(req)


@admin.post("/{request_id}/approve", response_model=ChangeRequestAdmin)
def approve_request(request_id: RequestId, settings: SettingsDep, index: IndexDep
                    ) -> ChangeRequestAdmin:
    """Approve: a correction becomes an override, a removal hides the listing; both at once
    and across every later crawl."""
    store = RequestStore.for_data_dir(settings.data_dir)
    try:
        return _admin_view(store.approve(request_id, index))
    finally:
        store.close()


@admin.post("/{request_id}/reject", response_model=ChangeRequestAdmin)
def reject_request(request_id: RequestId, settings: SettingsDep, body: RejectIn | None = None
                   ) -> ChangeRequestAdmin:
    store = RequestStore.for_data_dir(settings.data_dir)
    try:
        return _admin_view(store.reject(request_id, body.reason if body else None))
    finally:
        store.close()
