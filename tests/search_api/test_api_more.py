"""The API's newer parts over real HTTP on a real SQLite index: time of day (and unknown
times), parameter combinations and bounds, associations by name, categories, and the
association's page with its request form."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from core.schema import Organization
from core.settings import Settings
from index.backends.sqlite import SQLiteBackend
from records.runlog import Run, RunLog
from search_api.main import create_app
from tests.conftest import LiveServer, run_fkort
from tests.index.corpus import SEEN, TZ, make

HOLSTEBRO = "56.36,8.62"


def _weekly(day: str, hour: int, *, time_known: bool = True, minute: int = 0) -> dict[str, object]:
    first = {"MO": 7, "TU": 1, "WE": 2, "TH": 3, "FR": 4}[day]
    return {"kind": "recurring", "rrule": f"FREQ=WEEKLY;BYDAY={day}", "end": None,
            "start": datetime(2026, 9, first, hour, minute, tzinfo=TZ), "time_known": time_known,
            "text": f"hver {day} kl. {hour}" if time_known else "hver uge, tid aftales"}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[httpx.Client, Path]]:
    tmp = tmp_path_factory.mktemp("more")
    backend = SQLiteBackend(tmp / "api.db")
    backend.upsert([
        make("morgen", "Morgengymnastik", at=(56.3601, 8.6155), categories=["motion"],
             schedule=_weekly("TU", 9), organization_id="org:idraet",
             organizer={"name": "Idrætsforeningen Holstebro"},
             price={"amount_dkk": 0, "is_free": True, "text": "Gratis"}),
        make("eftermiddag", "Kortspil", at=(56.3620, 8.6200), categories=["spil"],
             schedule=_weekly("TU", 14, minute=30), age={"min": 60, "text": "60+"},
             accessibility={"hearing_loop": True, "text": "Der er teleslynge"}),
        make("aften", "Aftensang", at=(56.3650, 8.6300), categories=["musik_sang"],
             schedule=_weekly("WE", 19), drop_in=True, drop_in_text="Kom bare",
             organization_id="org:idraet", organizer={"name": "Idrætsforeningen Holstebro"}),
        make("daguden", "Strikkeklub", at=(56.3700, 8.6400), categories=["kreativ"],
             schedule=_weekly("TU", 0, time_known=False), price={"text": "efter aftale"},
             organization_id="org:strik", organizer={"name": "Strikkecaféen Åbo"},
             location={"text": "i klubhuset", "city": "Holstebro"}),
        make("ukendt", "Snak og kaffe", at=(56.3800, 8.6500), categories=["cafe_netvaerk"],
             schedule={"kind": "unknown", "start": None, "end": None, "rrule": None,
                       "text": "efter aftale"},
             organization_id="org:strik", organizer={"name": "Strikkecaféen Åbo"}),
        make("fjern", "Mænds Mødested", at=(55.27, 9.90), categories=["maend"],
             schedule=_weekly("TH", 10), organization_id="org:maend",
             location={"city": "Assens", "municipality": "Assens"},
             organizer={"name": "Mænds Mødested Assens"}),
        make("uden-sted", "Læsekreds", schedule=_weekly("MO", 17),
             location={"city": None, "municipality": None}, organization_id="org:strik",
             organizer={"name": "Strikkecaféen Åbo"}),
    ])
    backend.upsert_organizations([
        Organization(id="org:idraet", name="Idrætsforeningen Holstebro",
                     url="https://idraet.example"),
        Organization(id="org:maend", name="Mænds Mødested Assens"),
    ])
    backend.close()
    data = tmp / "data"
    log = RunLog(data / "crawls.db")
    log.record(Run("test", SEEN, SEEN, "ok", 3, 7, 7, 0, 0, 0, 0, {}))
    log.close()
    app = create_app(Settings(db_path=tmp / "api.db", data_dir=data))
    with LiveServer(app=app) as server, httpx.Client(base_url=server.url, timeout=10) as c:
        yield c, tmp


@pytest.fixture
def api(served: tuple[httpx.Client, Path]) -> httpx.Client:
    return served[0]


def titles(api: httpx.Client, params: object) -> list[str]:
    resp = api.get("/v1/activities", params=params)  # type: ignore[arg-type]
    assert resp.status_code == 200, resp.text
    return [a["title"] for a in resp.json()["data"]]


# -- time of day -----------------------------------------------------------------------

def test_time_of_day_keeps_unknown_times_after_stated_fits(api: httpx.Client) -> None:
    body = api.get("/v1/activities", params={"time_of_day": "formiddag", "sort": "next"}).json()
    got = [(a["title"], a["matched"]["time_of_day"]) for a in body["data"]]
    assert got == [("Morgengymnastik", "yes"), ("Mænds Mødested", "yes"),
                   ("Strikkeklub", "unknown"), ("Snak og kaffe", "unknown")]
    assert body["count"] == 4


@pytest.mark.parametrize(("params", "expected"), [
    ({"time_of_day": "eftermiddag", "strict": "true"}, ["Kortspil"]),
    ({"time_of_day": "aften", "strict": "true"}, ["Læsekreds", "Aftensang"]),
    ([("time_of_day", "formiddag"), ("time_of_day", "aften")], None),
    ({"time_of_day": "formiddag,aften", "strict": "true", "sort": "next"},
     ["Læsekreds", "Morgengymnastik", "Aftensang", "Mænds Mødested"]),
    ({"time_of_day": "Evening", "weekday": "onsdag", "strict": "true"}, ["Aftensang"]),
    ({"time_of_day": "aften", "near": HOLSTEBRO, "radius_km": 5, "strict": "true"},
     ["Aftensang"]),
    ({"time_of_day": "formiddag", "near": HOLSTEBRO, "radius_km": 5, "categories": "motion"},
     ["Morgengymnastik"]),
    ({"time_of_day": "eftermiddag", "age": 70, "hearing_loop": "true", "strict": "true"},
     ["Kortspil"]),
    ({"time_of_day": "aften", "drop_in": "true", "strict": "true"}, ["Aftensang"]),
    ({"time_of_day": "formiddag", "free": "true", "strict": "true"}, ["Morgengymnastik"]),
    ({"time_of_day": "formiddag", "q": "gymnastik"}, ["Morgengymnastik"]),
    ({"time_of_day": "formiddag", "municipality": "Holstebro", "strict": "true"},
     ["Morgengymnastik"]),
])
def test_time_of_day_combinations(api: httpx.Client, params: object,
                                  expected: list[str] | None) -> None:
    got = titles(api, params)
    if expected is None:  # repeated: any of the parts
        assert set(got) >= {"Morgengymnastik", "Aftensang", "Læsekreds", "Mænds Mødested"}
        assert "Kortspil" not in got
    else:
        assert got == expected


def test_matched_names_every_soft_filter_used(api: httpx.Client) -> None:
    body = api.get("/v1/activities", params={
        "near": HOLSTEBRO, "radius_km": 5, "age": 70, "max_price": 50, "wheelchair": "true",
        "step_free": "true", "hearing_loop": "true", "weekday": "tirsdag",
        "time_of_day": "eftermiddag", "drop_in": "true"}).json()
    assert body["data"]
    for hit in body["data"]:
        assert set(hit["matched"]) == {"age", "max_price", "wheelchair", "step_free",
                                       "hearing_loop", "weekday", "time_of_day", "drop_in"}
        assert set(hit["matched"].values()) <= {"yes", "unknown"}


def test_every_hit_has_up_to_three_next_occurrences(api: httpx.Client) -> None:
    body = api.get("/v1/activities", params={"limit": 100}).json()
    by_title = {a["title"]: a["next_occurrences"] for a in body["data"]}
    assert len(by_title["Aftensang"]) == 3
    assert by_title["Aftensang"][0] == "2026-11-25T19:00:00+01:00"
    assert by_title["Snak og kaffe"] == []  # unknown schedule: no dates made up


@pytest.mark.parametrize(("params", "param"), [
    ({"time_of_day": "nat"}, "time_of_day"),
    ({"time_of_day": "aften,midnat"}, "time_of_day"),
    ({"limit": 101}, "limit"),
    ({"offset": 10_001}, "offset"),
    ({"limit": "mange"}, "limit"),
    ({"radius_km": 501, "near": HOLSTEBRO}, "radius_km"),
    ({"municipality": "x" * 101}, "municipality"),
    ({"near": "x" * 201}, "near"),
])
def test_bounds_and_bad_values_are_readable(api: httpx.Client, params: dict[str, object],
                                            param: str) -> None:
    resp = api.get("/v1/activities", params=params)
    assert resp.status_code == 422
    body = resp.json()
    assert body["params"] == [param] and param in body["message_da"]
    assert "midnat" not in resp.text


def test_limit_and_offset_page_through(api: httpx.Client) -> None:
    everything = titles(api, {"limit": 100, "sort": "next"})
    assert len(everything) == 7
    pages = [titles(api, {"limit": 3, "offset": o, "sort": "next"}) for o in (0, 3, 6)]
    assert sum(pages, []) == everything
    assert titles(api, {"offset": 10_000}) == []
    assert titles(api, {"limit": 100, "offset": 0})  # the upper bounds are accepted


# -- associations and categories ---------------------------------------------------------

def test_organizations_by_name_with_danish_folding(api: httpx.Client) -> None:
    def names(q: str, **kw: object) -> list[str]:
        resp = api.get("/v1/organizations", params={"q": q, **kw})
        assert resp.status_code == 200, resp.text
        return [o["name"] for o in resp.json()["data"]]

    assert names("idræt") == ["Idrætsforeningen Holstebro"]
    assert names("IDRAET holstebro") == ["Idrætsforeningen Holstebro"]
    assert names("maends") == ["Mænds Mødested Assens"]
    # Known only as the organiser on its activities: found too, with its id.
    found = api.get("/v1/organizations", params={"q": "strikkecafeen abo"}).json()
    assert found == {"data": [{"id": "org:strik", "name": "Strikkecaféen Åbo",
                               "description": None, "address": None, "url": None,
                               "email": None, "phone": None, "municipality": None,
                               "source": None}], "count": 1}
    assert names("e", limit=1, offset=1) == ["Mænds Mødested Assens"]
    assert api.get("/v1/organizations", params={"q": "e", "limit": 1}).json()["count"] == 3
    assert names("ridning") == []
    for bad in ({}, {"q": ""}, {"q": "x" * 201}, {"q": "a", "limit": 0},
                {"q": "a", "offset": -1}):
        resp = api.get("/v1/organizations", params=bad)
        assert resp.status_code == 422 and resp.json()["message_en"], bad


def test_organization_page_lists_its_activities(api: httpx.Client) -> None:
    org = api.get("/v1/organizations/org:strik").json()
    assert org["name"] == "Strikkecaféen Åbo"
    assert [a["title"] for a in org["activities"]] == ["Læsekreds", "Snak og kaffe",
                                                       "Strikkeklub"]


def test_categories_with_danish_labels_and_counts(api: httpx.Client) -> None:
    from normalize.category import CATEGORY_LABELS

    cats = api.get("/v1/categories").json()
    assert [c["slug"] for c in cats] == list(CATEGORY_LABELS)
    by_slug = {c["slug"]: c for c in cats}
    assert by_slug["spil"]["label"] == CATEGORY_LABELS["spil"]
    assert by_slug["motion"]["activities"] == 1 and by_slug["maend"]["activities"] == 1
    assert sum(c["activities"] for c in cats) == 6
    # Every slug it lists is accepted by the search.
    for c in cats:
        assert api.get("/v1/activities", params={"categories": c["slug"]}).status_code == 200


def test_cli_search_time_of_day(served: tuple[httpx.Client, Path]) -> None:
    _, tmp = served
    proc = run_fkort("search", "--time-of-day", "aften", "--strict", "--json", "--db",
                     str(tmp / "api.db"))
    assert proc.returncode == 0, proc.stderr
    hits = json.loads(proc.stdout)["hits"]
    assert sorted(h["activity"]["title"] for h in hits) == ["Aftensang", "Læsekreds"]
    bad = run_fkort("search", "--time-of-day", "midnat", "--db", str(tmp / "api.db"))
    assert bad.returncode == 2 and "time_of_day" in bad.stderr


# -- the association's page ------------------------------------------------------------

def test_association_search_page(api: httpx.Client) -> None:
    page = api.get("/forening", params={"q": "strikkecafe"})
    assert page.status_code == 200 and '<html lang="da">' in page.text
    assert 'href="/forening/org:strik"' in page.text and "1 forening fundet" in page.text
    assert 'for="q"' in page.text
    assert "0 foreninger fundet" in api.get("/forening", params={"q": "ridning"}).text
    assert 'href="/forening"' in api.get("/").text  # linked from the site's navigation


def test_association_page_shows_understood_next_to_original(api: httpx.Client) -> None:
    page = api.get("/forening/org:strik")
    assert page.status_code == 200
    html = page.text
    assert "Strikkecaféen Åbo" in html
    for title in ("Læsekreds", "Snak og kaffe", "Strikkeklub"):
        assert title in html
    # Originals beside what was understood, and warnings where reading failed.
    assert "efter aftale" in html and "hver uge, tid aftales" in html
    assert "Vi kunne ikke læse tidspunktet" in html
    assert "Vi kunne ikke læse klokkeslættet" in html
    assert "Ingen adresse fundet" in html
    assert "Vi kunne ikke læse prisen" in html
    assert "ikke oplyst" in html
    # The source and when it was last crawled.
    assert "20.11.2026" in html and "test" in html
    # The request form: plain POST to the server, visible labels.
    assert 'method="post" action="/forening/org:strik/anmodning"' in html
    for label in ('for="target"', 'for="field"', 'for="message"', 'for="name"',
                  'for="contact"'):
        assert label in html
    assert api.get("/forening/org:nope").status_code == 404


def test_association_form_gives_a_danish_receipt(served: tuple[httpx.Client, Path]) -> None:
    api, tmp = served
    contact = "kasserer@strik-example.dk"
    aid = make("daguden", "Strikkeklub").id
    ok = api.post("/forening/org:strik/anmodning", data={
        "target": f"activity:{aid}", "kind": "correction", "field": "schedule",
        "proposed_value": "hver tirsdag kl. 10-12", "message": "Vi mødes om formiddagen.",
        "name": "Grethe, kasserer", "contact": contact})
    assert ok.status_code == 200, ok.text
    assert "Tak, vi har modtaget jeres anmodning" in ok.text and contact not in ok.text
    assert str(ok.url).endswith("/forening/org:strik/anmodning")
    # Missing fields, or a value that cannot be read: the page again, in Danish.
    missing = api.post("/forening/org:strik/anmodning", data={
        "target": "organization:org:strik", "kind": "removal", "message": ""})
    assert missing.status_code == 422 and "Udfyld venligst" in missing.text
    assert "dit navn" in missing.text and "beskeden" in missing.text
    unread = api.post("/forening/org:strik/anmodning", data={
        "target": f"activity:{aid}", "kind": "correction", "field": "price",
        "proposed_value": "det ved vi ikke", "message": "x", "name": "G", "contact": contact})
    assert unread.status_code == 422 and "Vi kunne ikke læse det foreslåede" in unread.text
    # Another association's activity cannot be asked about from this page.
    other = api.post("/forening/org:strik/anmodning", data={
        "target": f"activity:{make('morgen', 'x').id}", "kind": "removal", "message": "x",
        "name": "G", "contact": contact})
    assert other.status_code == 422
    store = run_fkort("requests", "list", "--json", env={"FKORT_DATA_DIR": str(tmp / "data")})
    (req,) = json.loads(store.stdout)
    assert req["target_id"] == aid and req["field"] == "schedule"
    assert req["requester_contact"] == contact


def test_association_form_refuses_an_unreadable_phone_and_keeps_the_input(
        served: tuple[httpx.Client, Path]) -> None:
    api, tmp = served
    aid = make("daguden", "Strikkeklub").id
    form = {"target": f"activity:{aid}", "kind": "correction", "field": "organizer.phone",
            "proposed_value": "ring til mig", "message": "Formanden har nyt nummer.",
            "name": "Grethe, kasserer", "contact": "kasserer@strik-example.dk"}
    before = run_fkort("requests", "list", "--json", env={"FKORT_DATA_DIR": str(tmp / "data")})
    resp = api.post("/forening/org:strik/anmodning", data=form)
    assert resp.status_code == 422
    assert "Vi kunne ikke læse telefonnummeret" in resp.text
    assert 'role="alert"' in resp.text
    # The form again, filled in as it was sent, the field still chosen.
    assert 'name="proposed_value" value="ring til mig"' in resp.text
    assert "Formanden har nyt nummer." in resp.text and 'value="Grethe, kasserer"' in resp.text
    assert '<option value="organizer.phone" selected>' in resp.text
    email = api.post("/forening/org:strik/anmodning",
                     data={**form, "field": "organizer.email", "proposed_value": "på sms"})
    assert email.status_code == 422 and "Vi kunne ikke læse e-mailadressen" in email.text
    after = run_fkort("requests", "list", "--json", env={"FKORT_DATA_DIR": str(tmp / "data")})
    assert after.stdout == before.stdout  # nothing was stored


def test_oversized_form_gets_a_danish_page(api: httpx.Client) -> None:
    resp = api.post("/forening/org:strik/anmodning", data={
        "target": "organization:org:strik", "kind": "removal", "message": "x" * 9000,
        "name": "G", "contact": "g@example.dk"})
    assert resp.status_code == 413
    assert "for stor" in resp.text and '<html lang="da">' in resp.text


def test_token_buckets_refill_over_time() -> None:
    import doctest

    from search_api import ratelimit

    assert doctest.testmod(ratelimit).failed == 0
    t = [0.0]
    buckets = ratelimit.TokenBuckets(burst=1, per_hour=60, clock=lambda: t[0])
    assert buckets.take("x") == 0.0
    assert buckets.take("x") == 60.0  # one a minute
    t[0] = 59.0
    assert buckets.take("x") == 1.0
    t[0] = 120.0
    assert buckets.take("x") == 0.0
