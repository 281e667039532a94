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
