"""Searching from a bare postcode offline, over real HTTP, on every backend: `near=7500` and
`near=8000` are places; a postcode that does not exist is a 422 that does not repeat it; and a
distance between two postcode centres is "i samme by", not "0,0 km"."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from core.schema import Activity, Location
from core.settings import Settings
from normalize.geo.chain import GeocoderChain
from normalize.geo.postcodes import postcode
from search_api.main import create_app
from tests.conftest import LiveServer
from tests.index.corpus import make


def _offline(text: str) -> dict[str, Any]:
    """A place as the crawl's pipeline places it with no online geocoder."""
    return GeocoderChain().locate(Location(text=text)).model_dump()


def _corpus() -> list[Activity]:
    return [
        make("spil", "Brætspilscafé i Medborgerhuset",
             location=_offline("Medborgerhuset, Kirkestræde 11, 7500 Holstebro")),
        make("sang", "Fællessang på biblioteket", at=(56.3582, 8.6120)),
        make("aarhus", "Strikkecafé i Aarhus",
             location=_offline("Folkehuset, Skolegade 9, 8000 Aarhus C")),
    ]


@pytest.fixture
def api(backend: Any, tmp_path: Any) -> Iterator[httpx.Client]:
    backend.upsert(_corpus())
    if hasattr(backend, "refresh"):
        backend.refresh()
    app = create_app(Settings(db_path=tmp_path / "unused.db", data_dir=tmp_path / "data"),
                     index=backend)
    with LiveServer(app=app) as server, httpx.Client(base_url=server.url, timeout=20) as client:
        yield client


def _hits(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {h["title"]: h for h in body["data"]}


def test_near_7500_is_holstebros_postcode(api: httpx.Client) -> None:
    resp = api.get("/v1/activities", params={"near": "7500", "radius_km": 20})
    assert resp.status_code == 200
    body = resp.json()
    assert body["near"] == {"precision": "postcode", "provider": "gazetteer",
                            "approximate": True, "note": None}
    hits = _hits(body)
    assert set(hits) == {"Brætspilscafé i Medborgerhuset", "Fællessang på biblioteket"}
    spil, sang = hits["Brætspilscafé i Medborgerhuset"], hits["Fællessang på biblioteket"]
    # Both ends at 7500's point: the same town, not "0 km away".
    assert spil["distance_km"] == 0 and spil["same_town"] is True
    assert spil["distance_approximate"] is True
    # An exact place, measured from a postcode's point: approximate, and not "the same town".
    assert 0.5 < sang["distance_km"] < 2 and sang["same_town"] is False
    assert sang["distance_approximate"] is True
    assert body["data"][0]["title"] == "Brætspilscafé i Medborgerhuset"


@pytest.mark.parametrize("near", ["8000", "DK-8000", "8000 Aarhus C"])
def test_near_8000_is_aarhus(api: httpx.Client, near: str) -> None:
    resp = api.get("/v1/activities", params={"near": near, "radius_km": 10})
    assert resp.status_code == 200
    body = resp.json()
    assert [h["title"] for h in body["data"]] == ["Strikkecafé i Aarhus"]
    assert body["data"][0]["same_town"] is True
    assert near not in str(body["near"])  # how it was found, never what was typed


def test_a_point_given_exactly_is_no_town(api: httpx.Client) -> None:
    aarhus = postcode("8000")
    assert aarhus is not None
    body = api.get("/v1/activities",
                   params={"near": f"{aarhus.lat},{aarhus.lon}", "radius_km": 5}).json()
    (hit,) = body["data"]
    assert hit["distance_km"] == 0 and hit["same_town"] is False
    assert hit["distance_approximate"] is True  # the activity's place is a postcode's
    assert body["near"] is None


@pytest.mark.parametrize("near", ["9999", "0000", "DK-9999"])
def test_a_postcode_that_does_not_exist_is_a_readable_422(api: httpx.Client, near: str) -> None:
    resp = api.get("/v1/activities", params={"near": near})
    assert resp.status_code == 422
    body = resp.json()
    assert body["params"] == ["near"]
    assert body["message_en"].startswith("The postcode in near does not exist.")
    assert body["message_da"].startswith("Postnummeret i near findes ikke.")
    assert near not in resp.text and near.removeprefix("DK-") not in resp.text


def test_the_page_says_i_samme_by(api: httpx.Client) -> None:
    page = api.post("/", data={"near": "7500", "radius_km": "20"})
    assert page.status_code == 200
    html = page.text
    assert "Afstand målt fra postnummerets midtpunkt (omtrentlig)." in html
    spil = html[html.index("Brætspilscafé i Medborgerhuset"):]
    assert "<dt>Afstand</dt><dd>i samme by</dd>" in spil[:spil.index("</article>")]
    assert "0,0 km" not in html
    sang = html[html.index("Fællessang på biblioteket"):]
    assert "km (omtrent)</dd>" in sang[:sang.index("</article>")]


def test_the_page_names_an_unknown_postcode(api: httpx.Client) -> None:
    page = api.post("/", data={"near": "9999", "q": "spil"})
    assert page.status_code == 422
    assert "Postnummeret findes ikke." in page.text
    assert page.text.count("9999") == 1  # the form's field shows it back, and nothing else


def test_fkort_search_from_a_postcode(tmp_path: Any) -> None:
    from index.backends.sqlite import SQLiteBackend
    from tests.conftest import run_fkort

    db = tmp_path / "fkort.db"
    b = SQLiteBackend(db)
    b.upsert(_corpus())
    b.close()
    env = {"FKORT_DATA_DIR": str(tmp_path / "data"), "FKORT_GEOCODER_URL": ""}
    found = run_fkort("search", "--near", "7500", "--radius-km", "20", "--db", str(db), env=env)
    assert found.returncode == 0, found.stderr
    assert "Brætspilscafé i Medborgerhuset  i samme by" in found.stdout
    assert "km (omtrent)" in found.stdout and "0,0 km" not in found.stdout
    unknown = run_fkort("search", "--near", "9999", "--db", str(db), env=env)
    assert unknown.returncode == 2
    assert "The postcode in near does not exist." in unknown.stderr
    assert "9999" not in unknown.stderr
