"""The cancelled and full banners in a real browser: visible on the match-kort and on a
result, under the strict CSP, with no serious axe-core problems."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from core.settings import Settings
from index.backends.sqlite import SQLiteBackend
from search_api.main import create_app
from tests.browser.conftest import axe_problems
from tests.conftest import LiveServer
from tests.search_api.test_event_status import RECORDS


@pytest.fixture(scope="module")
def status_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("status-browser")
    backend = SQLiteBackend(folder / "status.db")
    backend.upsert(list(RECORDS.values()))
    backend.close()
    app = create_app(Settings(db_path=folder / "status.db", data_dir=folder / "data"))
    with LiveServer(app=app) as server:
        yield server.url


@pytest.mark.parametrize(("key", "heading"), [("aflyst", "Aflyst"),
                                              ("venteliste", "Fuldt booket – venteliste")])
def test_match_kort_banner_is_seen(page: Any, status_url: str, key: str, heading: str) -> None:
    page.goto(f"{status_url}/aktivitet/{RECORDS[key].id}/kort")
    banner = page.locator(".status-banner")
    assert banner.is_visible()
    assert banner.locator(".status-heading").inner_text() == heading
    assert axe_problems(page) == []


def test_result_banner_for_full(page: Any, status_url: str) -> None:
    page.goto(status_url + "/")
    page.fill("#near", "Kvæsthusgade 9, 7500 Holstebro")
    page.locator("button[type=submit]").first.click()
    page.wait_for_selector(".results")
    assert page.locator(".result .status-banner").count() == 2
    assert "Julekoncert" not in page.inner_text(".results")
    assert axe_problems(page) == []
