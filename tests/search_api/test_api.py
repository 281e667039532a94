"""The API over real HTTP (uvicorn), on a real SQLite index."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from index.backends.sqlite import SQLiteBackend
from tests.conftest import LiveServer
from tests.index.corpus import make

HOLSTEBRO = "56.36,8.62"


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    db = tmp_path_factory.mktemp("api") / "api.db"
    backend = SQLiteBackend(db)
    backend.upsert([
        make("braet", "Brætspilsaften", at=(56.3601, 8.6155), categories=["spil"],
             accessibility={"hearing_loop": True}, drop_in=True, age={"min": 60},
             organizer={"name": "Medborgerhuset Holstebro"},
             organization_id="org:medborgerhuset"),
        make("strik", "Strikkeklub", at=(56.3700, 8.6300), categories=["kreativ"],
             price={"amount_dkk": 20, "is_free": False, "period": "per_time"}),
        make("assens", "Mænds Mødested", at=(55.2700, 9.9000), categories=["maend"]),
    ])
    backend.close()
    with LiveServer(db) as server, httpx.Client(base_url=server.url, timeout=10) as client:
        yield client


def test_health(api: httpx.Client) -> None:
    assert api.get("/health").json() == {"status": "ok", "backend": "sqlite", "activities": 3}


def test_near_sorts_by_distance_with_distance_km(api: httpx.Client) -> None:
    body = api.get("/v1/activities", params={"near": HOLSTEBRO, "radius_km": 10}).json()
    assert [a["title"] for a in body["data"]] == ["Brætspilsaften", "Strikkeklub"]
    assert body["count"] == 2
    kms = [a["distance_km"] for a in body["data"]]
    assert kms == sorted(kms) and kms[0] == pytest.approx(0.28, abs=0.01) and 1 < kms[1] < 2


def test_hit_has_next_occurrences_and_matched(api: httpx.Client) -> None:
    body = api.get("/v1/activities", params={"near": HOLSTEBRO, "radius_km": 10, "age": 70,
                                             "hearing_loop": "true"}).json()
    first = body["data"][0]
    assert first["matched"] == {"age": "yes", "hearing_loop": "yes"}
    assert body["data"][1]["matched"] == {"age": "unknown", "hearing_loop": "unknown"}
    # 22 Nov 2026 (frozen) is a Sunday; the club meets on Tuesdays at 14.
    assert first["next_occurrences"] == ["2026-11-24T14:00:00+01:00", "2026-12-01T14:00:00+01:00",
                                         "2026-12-08T14:00:00+01:00"]


def test_free_text_and_categories(api: httpx.Client) -> None:
    assert [a["title"] for a in api.get("/v1/activities", params={"q": "spil"}).json()["data"]] \
        == ["Brætspilsaften"]
    got = api.get("/v1/activities", params=[("categories", "maend"), ("categories", "kreativ")])
    assert sorted(a["title"] for a in got.json()["data"]) == ["Mænds Mødested", "Strikkeklub"]
    got = api.get("/v1/activities", params={"categories": "maend,kreativ"})
    assert got.json()["count"] == 2


def test_facets_only_when_asked(api: httpx.Client) -> None:
    plain = api.get("/v1/activities", params={"categories": "maend"}).json()
    assert plain["facets"] == {} and plain["count"] == 1
    asked = api.get("/v1/activities", params={"categories": "maend", "facets": "true"}).json()
    # Counted under every filter but the category one.
    assert asked["facets"] == {"categories": {"kreativ": 1, "maend": 1, "spil": 1}}
    assert asked["count"] == 1
    assert api.get("/v1/activities", params={"facets": "måske"}).status_code == 422


def test_weekday_in_danish(api: httpx.Client) -> None:
    assert api.get("/v1/activities", params={"weekday": "tirsdag"}).json()["count"] == 3
    assert api.get("/v1/activities", params={"weekday": "onsdag"}).json()["count"] == 0


@pytest.mark.parametrize(("params", "param"), [
    ({"near": "abc"}, "near"),
    ({"near": "Xyzvej 12, Ukendtby"}, "near"),
    ({"near": "91,8"}, "near"),
    ({"near": HOLSTEBRO, "radius_km": -1}, "radius_km"),
    ({"near": HOLSTEBRO, "radius_km": "ti"}, "radius_km"),
    ({"radius_km": 5}, "radius_km"),
    ({"limit": 100000}, "limit"),
    ({"limit": 0}, "limit"),
    ({"offset": -1}, "offset"),
    ({"age": 200}, "age"),
    ({"max_price": -5}, "max_price"),
    ({"sort": "tilfældig"}, "sort"),
    ({"weekday": "blåmandag"}, "weekday"),
    ({"categories": "ridning"}, "categories"),
    ({"q": "x" * 500}, "q"),
])
def test_bad_input_is_a_readable_422(api: httpx.Client, params: dict[str, object],
                                     param: str) -> None:
    resp = api.get("/v1/activities", params=params)
    assert resp.status_code == 422
    body = resp.json()
    assert body["error"] == "invalid_parameter"
    assert param in body["params"]
    assert param in body["message_da"] and param in body["message_en"]


def test_error_never_echoes_the_address(api: httpx.Client) -> None:
    secret = "Rosenvængets Allé 47, 2. tv"
    resp = api.get("/v1/activities", params={"near": secret})
    assert resp.status_code == 422
    assert "Rosenvænget" not in resp.text and "47" not in resp.text


def test_get_activity_and_404(api: httpx.Client) -> None:
    found = api.get("/v1/activities", params={"q": "strik"}).json()["data"][0]
    one = api.get(f"/v1/activities/{found['id']}")
    assert one.status_code == 200 and one.json()["title"] == "Strikkeklub"
    missing = api.get("/v1/activities/test:doesnotexist")
    assert missing.status_code == 404
    assert missing.json()["message_da"] == "Aktiviteten findes ikke (længere)."


def test_organization_with_its_activities(api: httpx.Client) -> None:
    org = api.get("/v1/organizations/org:medborgerhuset")
    assert org.status_code == 200
    assert org.json()["name"] == "Medborgerhuset Holstebro"
    assert [a["title"] for a in org.json()["activities"]] == ["Brætspilsaften"]
    assert api.get("/v1/organizations/org:nope").status_code == 404


def test_openapi_and_docs(api: httpx.Client) -> None:
    spec = api.get("/openapi.json").json()
    assert "/v1/activities" in spec["paths"]
    assert api.get("/docs").status_code == 200


def test_static_css(api: httpx.Client, tmp_path: Path) -> None:
    assert api.get("/static/site.css").status_code == 200


def test_nothing_found_names_the_words_and_offers_categories(api: httpx.Client) -> None:
    body = api.get("/v1/activities", params={"near": HOLSTEBRO, "radius_km": 10,
                                             "q": "kortklub"}).json()
    assert body["count"] == 0 and body["data"] == []
    assert body["not_found"] == ["kortklub"]
    assert body["suggested_categories"] == [{"slug": "spil", "label": "Spil"}]
    # What was suggested finds something.
    got = api.get("/v1/activities", params={"near": HOLSTEBRO, "radius_km": 10,
                                            "categories": "spil"}).json()
    assert [a["title"] for a in got["data"]] == ["Brætspilsaften"]
    # A search that finds something names nothing.
    found = api.get("/v1/activities", params={"q": "spil"}).json()
    assert found["not_found"] == [] and found["suggested_categories"] == []


def test_a_count_past_the_bound_says_so_and_exact_count_counts_all(tmp_path: Path) -> None:
    """More hits than a count is exact up to: `count_exact` false and the bound, the pages
    going on past it; `exact_count=true` (or facets) counts every one."""
    from index.contract import TOTAL_EXACT_UP_TO

    db = tmp_path / "many.db"
    backend = SQLiteBackend(db)
    n = TOTAL_EXACT_UP_TO + 25
    backend.upsert([make(f"k{i}", f"Kortspil {i:03d}", at=(56.36 + i * 0.0001, 8.62),
                         categories=["spil"]) for i in range(n)])
    backend.close()
    with LiveServer(db) as server, httpx.Client(base_url=server.url, timeout=10) as client:
        near = {"near": "56.36,8.62", "radius_km": 5, "limit": 100}
        capped = client.get("/v1/activities", params=near).json()
        exact = client.get("/v1/activities", params={**near, "exact_count": "true"}).json()
        faceted = client.get("/v1/activities", params={**near, "facets": "true"}).json()
        last = client.get("/v1/activities", params={**near, "offset": 100}).json()
    assert (capped["count"], capped["count_exact"]) == (TOTAL_EXACT_UP_TO, False)
    assert (exact["count"], exact["count_exact"]) == (n, True)
    assert (faceted["count"], faceted["count_exact"]) == (n, True)
    assert [a["id"] for a in capped["data"]] == [a["id"] for a in exact["data"]]
    assert len(last["data"]) == n - 100 and last["count_exact"] is False
