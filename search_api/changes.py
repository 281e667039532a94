"""Taking correction and removal requests (API and the association's page alike), and
deciding them (admin API). The rules live in `records.request_store` and
`records.request_fields`; this adds the web's part:
is the target there, is the client within its rate, and never a contact detail in a log."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from core.schema import Status
from core.settings import Settings
from records.request_fields import RequestError, read_value
from records.request_store import ChangeRequest, RequestStore
from search_api.errors import ApiError, rate_limited
from search_api.models import ChangeRequestIn


def target_exists(index: Any, target_type: str, target_id: str) -> bool:
    if target_type == "activity":
        activity = index.get(target_id)
        return activity is not None and activity.status is not Status.removed
    if index.get_organization(target_id) is not None:
        return True
    return any(a.status is not Status.removed for a in index.organization_activities(target_id))


def client_key(request: Request) -> str:
    """Who a client is, for the rate limit: its address as the server sees it."""
    return request.client.host if request.client else "unknown"


def check(data: ChangeRequestIn, index: Any) -> None:
    """A RequestError or ApiError unless the request can be taken as it is."""
    if not target_exists(index, data.target_type, data.target_id):
        raise ApiError(404, "not_found", "Det, anmodningen gælder, findes ikke.",
                       "The activity or organization the request is about does not exist.",
                       params=["target_id"])
    if data.kind == "removal" and (data.field or data.proposed_value):
        raise RequestError("invalid_field", "En anmodning om fjernelse har ingen felt eller "
                           "ny værdi.", "A removal request takes no field or proposed value.",
                           "field")
    if data.kind == "correction" and (data.field is None) != (data.proposed_value is None):
        raise RequestError(
            "invalid_field", "Vælg både feltet og skriv den rigtige værdi (eller ingen af dem "
            "og beskriv rettelsen i beskeden).",
            "Give both field and proposed_value (or neither, and describe the correction in "
            "the message).", "field" if data.field is None else "proposed_value")
    if data.field and data.proposed_value is not None:
        read_value(data.target_type, data.field, data.proposed_value)


def submit(request: Request, data: ChangeRequestIn, index: Any, settings: Settings
           ) -> ChangeRequest:
    """Check, rate-limit and store one request; nothing else changes."""
    check(data, index)
    wait = request.app.state.request_buckets.take(client_key(request))
    if wait:
        raise rate_limited(wait)
    store = RequestStore.for_data_dir(settings.data_dir)
    try:
        return store.add(ChangeRequest(
            target_type=data.target_type, target_id=data.target_id, kind=data.kind,
            requester_name=data.name, requester_contact=data.contact, message=data.message,
            field=data.field, proposed_value=data.proposed_value))
    finally:
        store.close()
