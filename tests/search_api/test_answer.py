"""The search's answer written without a model per hit (search_api.answer) is, byte for byte,
the JSON FastAPI wrote from `ActivitiesPublic` models: checked on the demo corpus and on
records with every part a hit can have (several rules, merged sources, no start, no place,
text that JSON escapes), under searches that give distances, areas, facets and no hits."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
from pydantic import TypeAdapter

from core import clock
from core.clock import TZ
from core.schema import Activity
from core.settings import Settings
from index import SearchQuery, SearchResult
from index.backends.sqlite import SQLiteBackend
from normalize.category import CATEGORY_LABELS
from normalize.schedule import next_meetings
from search_api import formatting
from search_api.answer import HIT_FIELDS, search_json
from search_api.main import create_app
from search_api.models import ActivitiesPublic, ActivityPublic, CategorySuggestion, NearPublic
from search_api.routes.activities import run_search
from tests.conftest import LiveServer
from tests.index.corpus import SEEN, make

HOLSTEBRO = (56.36, 8.62)
#: What FastAPI does with a route's `ActivitiesPublic`: its response model's JSON.
_FASTAPI_DUMP = TypeAdapter(ActivitiesPublic)


def model_answer(result: SearchResult, now: datetime, origin_precision: str = "address",
                 near: NearPublic | None = None) -> bytes:
    """The answer as the route built it before: a model per hit, the whole answer dumped."""
    data = []
    for hit in result.hits:
        place = hit.activity.location.precision.value
        known = hit.distance_km is not None
        data.append(ActivityPublic(
            **hit.activity.model_dump(),
            distance_km=None if hit.distance_km is None else round(hit.distance_km, 2),
            distance_approximate=(place in formatting.APPROXIMATE
                                  or origin_precision in formatting.APPROXIMATE) if known
            else None,
            same_town=formatting.same_town(hit.distance_km, place, origin_precision) if known
            else None,
            next_occurrences=[s for s, _ in next_meetings(hit.activity.schedule, now, 3)],
            matched=hit.matched,
        ))
    answer = ActivitiesPublic(
        data=data, near=near, count=result.total, facets=result.facets,
        not_found=result.not_found,
        suggested_categories=[CategorySuggestion(slug=s, label=CATEGORY_LABELS.get(s, s))
                              for s in result.suggested_categories])
    return _FASTAPI_DUMP.dump_json(answer, by_alias=True)


def odd_records() -> list[Activity]:
    """Records with every part a hit can have, and text JSON has to escape."""
    return [
        make("regler", 'Strik & "snak" \\ hygge\n😀', at=(56.3601, 8.6155),
             categories=["kreativ", "spil"], drop_in=True, drop_in_text="Bare mød op",
             description="Tirsdag og torsdag; kaffe 5 kr.\tAlle er velkomne. </script>",
             organizer={"name": "Frivilligcenter", "email": "a@b.dk", "phone": "97 82 11 00"},
             schedule={"kind": "recurring", "rrule": "FREQ=WEEKLY;BYDAY=TU",
                       "start": datetime(2026, 9, 1, 14, tzinfo=TZ),
                       "end": datetime(2026, 9, 1, 16, tzinfo=TZ),
                       "exdates": [datetime(2026, 11, 24, 14, tzinfo=TZ)],
                       "rules": [{"rrule": "FREQ=WEEKLY;BYDAY=TH",
                                  "start": datetime(2026, 9, 3, 18, 30, tzinfo=TZ)}]},
             age={"min": 60, "text": "60+"},
             price={"amount_dkk": 20.5, "is_free": False, "period": "per_time"},
             accessibility={"wheelchair": True, "hearing_loop": False, "text": "Elevator"},
             sources=[{"name": "a", "kind": "municipal", "url": "https://a.example/1",
                       "fetched_at": SEEN},
                      {"name": "b", "kind": "ical", "url": "https://b.example/2",
                       "fetched_at": SEEN}],
             merged_from=["a:1", "b:2"], provenance={"title": "a:1", "schedule": "b:2"}),
        make("by", "Bytur i Holstebro",
             location={"lat": 56.36, "lon": 8.62, "precision": "town", "city": "Holstebro"}),
        make("engang", "Julefrokost", at=(56.37, 8.63),
             schedule={"kind": "once", "start": datetime(2026, 12, 12, 18, tzinfo=TZ),
                       "rrule": None, "end": None, "dates": [
                           datetime(2026, 12, 13, 18, tzinfo=TZ)]}),
        make("forbi", "Sommerfest", at=(56.35, 8.60),
             schedule={"kind": "once", "start": datetime(2026, 6, 1, 18, tzinfo=TZ),
                       "rrule": None, "end": None}),
        make("ukendt", "Læsekreds uden tid",
             schedule={"kind": "unknown", "start": None, "end": None, "rrule": None,
                       "text": "efter aftale"}),
        make("langt", "Mænds Mødested", at=(55.27, 9.90), categories=["maend"],
             event_status_text="Aflyst?", language="da"),
    ]


@pytest.fixture(scope="module")
def odd_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SQLiteBackend]:
    backend = SQLiteBackend(tmp_path_factory.mktemp("answer") / "odd.db")
    backend.upsert(odd_records())
    yield backend
    backend.close()


SEARCHES = {
    "all": {},
    "near": {"lat": HOLSTEBRO[0], "lon": HOLSTEBRO[1]},
    "near, radius, soft filters": {"lat": HOLSTEBRO[0], "lon": HOLSTEBRO[1], "radius_km": 20,
                                   "age": 70, "wheelchair": True, "hearing_loop": True},
    "facets": {"facets": True, "lat": HOLSTEBRO[0], "lon": HOLSTEBRO[1]},
    "text": {"text": "strik"},
    "no hits": {"text": "xyzzyq plugh"},
    "no hits, a known word": {"text": "strik", "categories": ["maend"]},
    "next": {"sort": "next", "limit": 3},
    "page": {"limit": 2, "offset": 1},
}


@pytest.mark.parametrize("origin", ["address", "town"])
@pytest.mark.parametrize("name", list(SEARCHES))
def test_answer_is_the_models_json(odd_index: SQLiteBackend, name: str, origin: str) -> None:
    now = clock.now()
    result = run_search(odd_index, SearchQuery(**SEARCHES[name]))  # type: ignore[arg-type]
    near = None if origin == "address" else NearPublic(
        precision="town", provider="gazetteer", approximate=True, note="byens midte")
    assert search_json(result, now, origin, near) == model_answer(result, now, origin, near)


def test_activities_given_are_the_ones_shown(odd_index: SQLiteBackend) -> None:
    """The activities the run log updated (a later "sidst set") stand in for the hits' own."""
    now = clock.now()
    result = run_search(odd_index, SearchQuery(lat=HOLSTEBRO[0], lon=HOLSTEBRO[1]))
    later = [h.activity.model_copy(update={"last_seen": SEEN + timedelta(days=n)})
             for n, h in enumerate(result.hits)]
    shown = result.model_copy(update={"hits": [h.model_copy(update={"activity": a})
                                               for h, a in zip(result.hits, later, strict=True)]})
    assert search_json(result, now, activities=later) == model_answer(shown, now)
    assert search_json(result, now, activities=later) != search_json(result, now)


def test_answer_covers_every_part(odd_index: SQLiteBackend) -> None:
    """The searches above hold what the comparison is for (else it proves little)."""
    now = clock.now()
    results = {n: run_search(odd_index, SearchQuery(**q))  # type: ignore[arg-type]
               for n, q in SEARCHES.items()}
    hits = [h for r in results.values() for h in r.hits]
    assert any(h.distance_km is None for h in hits)
    assert any(h.distance_km is not None and h.distance_km < formatting.SAME_CENTRE_KM
               for h in hits)
    assert any(h.activity.schedule.rules for h in hits)
    assert any(not next_meetings(h.activity.schedule, now, 3) for h in hits)
    assert any(h.matched for h in hits)
    assert results["facets"].facets and results["no hits"].not_found
    assert results["no hits, a known word"].total == 0


def test_demo_answers_are_the_models_json(demo_db: Path) -> None:
    backend = SQLiteBackend(demo_db)
    try:
        now = clock.now()
        for query in (SearchQuery(limit=100), SearchQuery(lat=55.67, lon=12.55, limit=100),
                      SearchQuery(text="spil", facets=True), SearchQuery(text="enke"),
                      SearchQuery(sort="next", age=78, hearing_loop=True)):
            result = run_search(backend, query)
            assert result.hits or result.not_found
            assert search_json(result, now) == model_answer(result, now)
    finally:
        backend.close()


def test_hit_fields_come_after_the_activitys() -> None:
    """The answer joins a hit's own fields after its activity's, as the model orders them."""
    assert list(ActivityPublic.model_fields) == [*Activity.model_fields, *HIT_FIELDS]
    assert list(HIT_FIELDS) == ["distance_km", "distance_approximate", "same_town",
                                "next_occurrences", "matched"]


def test_route_answers_the_json_it_documents(odd_index: SQLiteBackend, tmp_path: Path) -> None:
    """Over HTTP: the same bytes, as application/json, and the OpenAPI schema still names
    ActivitiesPublic as the answer."""
    app = create_app(Settings(db_path=tmp_path / "unused.db", data_dir=tmp_path), odd_index)
    with LiveServer(app=app) as server, httpx.Client(base_url=server.url) as client:
        got = client.get("/v1/activities", params={"near": "56.36,8.62", "facets": "true"})
        schema = client.get("/openapi.json").json()
    assert got.status_code == 200 and got.headers["content-type"] == "application/json"
    result = run_search(odd_index, SearchQuery(lat=56.36, lon=8.62, facets=True))
    assert got.content == model_answer(result, clock.now())
    answer = schema["paths"]["/v1/activities"]["get"]["responses"]["200"]["content"]
    assert answer["application/json"]["schema"] == {"$ref": "#/components/schemas/"
                                                            "ActivitiesPublic"}
