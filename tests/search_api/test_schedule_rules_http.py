"""An activity that meets by two rules, over real HTTP on a real SQLite index: the API gives
both rules and their meetings merged; the search page, the match-kort and the association's
page say "mandag kl. 18.30–20.00 og onsdag kl. 13.00" and give each date its own times."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from core.clock import TZ
from core.schema import Organization
from core.settings import Settings
from index.backends.sqlite import SQLiteBackend
from search_api.main import create_app
from tests.conftest import LiveServer
from tests.index.corpus import make

TEXT = "Motionsbadminton for voksne: Mandag kl. 18.30-20.00 og onsdag kl. 13.00 i Nørrehallen."
ACTIVITY = make(
    "badminton", "Motionsbadminton", at=(56.3601, 8.6155), organization_id="org:nh",
    organizer={"name": "Nørrehallens Idrætsforening"}, schedule={
        "kind": "recurring", "rrule": "FREQ=WEEKLY;BYDAY=MO", "text": TEXT,
        "start": datetime(2026, 9, 7, 18, 30, tzinfo=TZ),
        "end": datetime(2026, 9, 7, 20, tzinfo=TZ),
        "rules": [{"rrule": "FREQ=WEEKLY;BYDAY=WE", "start": datetime(2026, 9, 2, 13, tzinfo=TZ)}]})


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    tmp: Path = tmp_path_factory.mktemp("rules")
    backend = SQLiteBackend(tmp / "api.db")
    backend.upsert([ACTIVITY])
    backend.upsert_organizations([Organization(id="org:nh", name="Nørrehallens Idrætsforening")])
    backend.close()
    app = create_app(Settings(db_path=tmp / "api.db", data_dir=tmp / "data"))
    with LiveServer(app=app) as server, httpx.Client(base_url=server.url, timeout=10) as c:
        yield c


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def test_the_api_gives_every_rule_and_the_meetings_merged(client: httpx.Client) -> None:
    # The frozen clock: Sunday 22 November 2026, noon.
    body = client.get(f"/v1/activities/{ACTIVITY.id}").json()
    assert [r["rrule"] for r in body["schedule"]["rules"]] == ["FREQ=WEEKLY;BYDAY=WE"]
    assert body["next_occurrences"] == ["2026-11-23T18:30:00+01:00",
                                        "2026-11-25T13:00:00+01:00",
                                        "2026-11-30T18:30:00+01:00"]
    hits = client.get("/v1/activities", params={"weekday": "onsdag",
                                                "time_of_day": "eftermiddag"}).json()
    assert [h["id"] for h in hits["data"]] == [ACTIVITY.id]
    assert hits["data"][0]["next_occurrences"][:2] == body["next_occurrences"][:2]


def test_the_match_kort_says_both_times(client: httpx.Client) -> None:
    page = _text(client.get(f"/aktivitet/{ACTIVITY.id}/kort").text)
    assert "Hver mandag kl. 18.30–20.00 og onsdag kl. 13.00" in page
    # Each date with its own rule's times: the Wednesday has no end, the Monday ends at 20.
    assert "mandag 23. november kl. 18.30–20.00" in page
    assert "onsdag 25. november kl. 13.00 " in page
    assert "onsdag 25. november kl. 13.00–" not in page


def test_the_search_page_says_both_times(client: httpx.Client) -> None:
    page = _text(client.post("/", data={"weekday": "onsdag"}).text)
    assert "Motionsbadminton" in page
    assert "Hver mandag kl. 18.30–20.00 og onsdag kl. 13.00" in page


def test_the_association_page_says_both_times(client: httpx.Client) -> None:
    page = _text(client.get("/forening/org:nh").text)
    assert "hver mandag kl. 18.30–20.00 og onsdag kl. 13.00: mandag 23. november" in page
    assert TEXT in page  # the listing's own words beside what was understood
