"""Property-based: requests generated from the OpenAPI spec, sent to the real server over
HTTP, never get a 500 (every GET endpoint, POST /v1/requests and the admin endpoints)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from core.schema import Organization
from core.settings import Settings
from index.backends.sqlite import SQLiteBackend
from records.request_store import ChangeRequest, RequestStore
from search_api.main import create_app
from tests.conftest import LiveServer
from tests.index.corpus import make


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    tmp: Path = tmp_path_factory.mktemp("fuzz")
    b = SQLiteBackend(tmp / "fuzz.db")
    b.upsert([make("a", "Brætspil", at=(56.36, 8.62), categories=["spil"],
                   organization_id="org:a", organizer={"name": "Spilleklubben"}),
              make("b", "Strik", categories=["kreativ"], price={"amount_dkk": 20})])
    b.upsert_organizations([Organization(id="org:a", name="Spilleklubben")])
    b.close()
    app = create_app(Settings(db_path=tmp / "fuzz.db", data_dir=tmp / "data",
                              admin_api_key="fuzz-key", request_rate_burst=1000))
    with LiveServer(app=app) as server:
        yield server


#: The spec as the app publishes it (it does not depend on the data: an empty index will do).
schema = schemathesis.openapi.from_dict(
    create_app(Settings(), index=SQLiteBackend(":memory:")).openapi())


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_error_for_any_input(case: Any, live: LiveServer) -> None:
    case.call_and_validate(base_url=live.url, checks=[not_a_server_error])


# -- in depth: every operation, 300 examples each, the admin key sent ---------------------

#: The admin key of the in-depth run: sent with every request, so the admin endpoints are
#: fuzzed behind their lock too (the HTTP run above mostly sees them answer 401).
ADMIN_KEY = "fuzz-admin-key"
DEPTH = 300


@pytest.fixture(scope="module")
def in_process(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The same app, called in process through schemathesis' ASGI transport (no sockets):
    fast enough for 300 examples of every operation in about a minute."""
    tmp: Path = tmp_path_factory.mktemp("fuzz-asgi")
    b = SQLiteBackend(tmp / "fuzz.db")
    b.upsert([make("a", "Brætspil", at=(56.36, 8.62), categories=["spil"],
                   organization_id="org:a", organizer={"name": "Spilleklubben"}),
              make("b", "Strik", categories=["kreativ"], price={"amount_dkk": 20})])
    b.upsert_organizations([Organization(id="org:a", name="Spilleklubben")])
    b.close()
    # Requests for the admin endpoints to decide (the fuzzer's small ids find them).
    store = RequestStore.for_data_dir(tmp / "data")
    for n in range(5):
        store.add(ChangeRequest(
            target_type="activity", target_id=make("a", "x").id,
            kind="removal" if n % 2 else "correction", requester_name="Bent",
            requester_contact="bent@example.dk", message=f"Besked {n}",
            field=None if n % 2 else "price", proposed_value=None if n % 2 else "20 kr."))
    store.close()
    return create_app(Settings(db_path=tmp / "fuzz.db", data_dir=tmp / "data",
                               admin_api_key=ADMIN_KEY, request_rate_burst=100_000))


@schema.parametrize()
@settings(max_examples=DEPTH, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_error_in_depth(case: Any, in_process: Any) -> None:
    # The right key, in place of whatever key (or spelling of the header) was generated.
    headers = {k: v for k, v in (case.headers or {}).items() if k.casefold() != "x-api-key"}
    case.headers = {**headers, "X-API-Key": ADMIN_KEY}
    case.call_and_validate(app=in_process, checks=[not_a_server_error])
