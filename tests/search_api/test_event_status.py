"""Cancelled, postponed and full, over real HTTP on a real SQLite index: the API gives the
status as fields; a search (API and page) never shows cancelled or postponed, yet the record
and its match-kort are there by id with a clear Danish banner; a full activity is a hit and
its result and match-kort say so."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from core.clock import TZ
from core.schema import Activity
from index.backends.sqlite import SQLiteBackend
from search_api import listing
from tests.conftest import LiveServer
from tests.index.corpus import make

NOW = datetime(2026, 11, 22, 12, tzinfo=TZ)
AT = (56.3601, 8.6155)
HOLSTEBRO = "56.3601,8.6155"
RECORDS: dict[str, Activity] = {
    "aflyst": make("aflyst", "Julekoncert i Aktivitetshuset", at=AT,
                   event_status="cancelled",
                   event_status_text="Arrangementet er desværre aflyst."),
    "udsat": make("udsat", "Foredrag i Aktivitetshuset", at=AT, event_status="postponed",
                  event_status_text="https://schema.org/EventPostponed"),
    "fuldt": make("fuldt", "Strikkecafé i Aktivitetshuset", at=AT, availability="full",
                  availability_text="Der er ikke flere pladser."),
    "venteliste": make("venteliste", "Kortklub i Aktivitetshuset", at=AT,
                       availability="waitlist", availability_text="Fuldt booket – venteliste"),
    "almindelig": make("almindelig", "Fællessang i Aktivitetshuset", at=AT),
}
SHOWN = {"fuldt", "venteliste", "almindelig"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    db: Path = tmp_path_factory.mktemp("status") / "status.db"
    b = SQLiteBackend(db)
    b.upsert(list(RECORDS.values()))
    b.close()
    with LiveServer(db) as server, httpx.Client(base_url=server.url, timeout=10) as client:
        yield client


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_api_search_leaves_out_cancelled_and_postponed(site: httpx.Client) -> None:
    body = site.get("/v1/activities", params={"near": HOLSTEBRO, "radius_km": 10}).json()
    assert {a["id"] for a in body["data"]} == {RECORDS[k].id for k in SHOWN}
    assert body["count"] == len(SHOWN)
    by_id = {a["id"]: a for a in body["data"]}
    full = by_id[RECORDS["fuldt"].id]
    assert (full["event_status"], full["availability"]) == ("unknown", "full")
    assert full["availability_text"] == "Der er ikke flere pladser."
    plain = by_id[RECORDS["almindelig"].id]
    assert (plain["event_status"], plain["availability"]) == ("unknown", "unknown")


@pytest.mark.parametrize(("key", "status", "text"), [
    ("aflyst", "cancelled", "Arrangementet er desværre aflyst."),
    ("udsat", "postponed", "https://schema.org/EventPostponed"),
])
def test_api_reads_them_by_id_with_their_status(site: httpx.Client, key: str, status: str,
                                               text: str) -> None:
    r = site.get(f"/v1/activities/{RECORDS[key].id}")
    assert r.status_code == 200
    body = r.json()
    assert (body["event_status"], body["event_status_text"]) == (status, text)


def test_search_page_shows_full_with_a_banner_and_never_cancelled(site: httpx.Client) -> None:
    page = site.post("/", data={"near": "Kvæsthusgade 9, 7500 Holstebro", "radius_km": "10"})
    assert page.status_code == 200
    text = _text(page.text)
    assert "Julekoncert" not in text and "Foredrag i Aktivitetshuset" not in text
    assert "Strikkecafé i Aktivitetshuset" in text
    assert "Fuldt booket Der er ikke flere pladser." in text
    assert "Fuldt booket – venteliste" in text
    assert page.text.count('class="status-banner') == 2


@pytest.mark.parametrize(("key", "banner"), [
    ("aflyst", "Aflyst Arrangementet er aflyst. Send ikke nogen afsted. "
               "Kilden skriver: „Arrangementet er desværre aflyst.“"),
    ("udsat", "Udsat Arrangementet er udsat."),
    ("fuldt", "Fuldt booket Der er ikke flere pladser. Ring til arrangøren"),
    ("venteliste", "Fuldt booket – venteliste Der er venteliste."),
])
def test_match_kort_banner(site: httpx.Client, key: str, banner: str) -> None:
    page = site.get(f"/aktivitet/{RECORDS[key].id}/kort")
    assert page.status_code == 200
    assert 'class="status-banner' in page.text
    assert banner in _text(page.text)


def test_match_kort_without_status_has_no_banner(site: httpx.Client) -> None:
    page = site.get(f"/aktivitet/{RECORDS['almindelig'].id}/kort")
    assert page.status_code == 200 and "status-banner" not in page.text


@pytest.mark.parametrize(("key", "status", "places", "warned"), [
    ("aflyst", ("aflyst", "Arrangementet er desværre aflyst."), ("ikke oplyst", None), True),
    ("udsat", ("udsat", "https://schema.org/EventPostponed"), ("ikke oplyst", None), True),
    ("venteliste", ("ikke oplyst", None),
     ("fuldt booket – venteliste", "Fuldt booket – venteliste"), False),
    ("almindelig", ("ikke oplyst", None), ("ikke oplyst", None), False),
])
def test_association_page_rows_and_warning(key: str, status: tuple[str, str | None],
                                           places: tuple[str, str | None], warned: bool
                                           ) -> None:
    a = RECORDS[key]
    rows = {r.label: (r.understood, r.original) for r in listing.rows(a, NOW)}
    assert rows["Status"] == status and rows["Pladser"] == places
    hidden = [w for w in listing.warnings(a, NOW) if "vises ikke i søgningen" in w]
    assert bool(hidden) == warned
