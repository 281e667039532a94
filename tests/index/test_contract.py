"""The search contract, on every backend present: filters, distance, text, writes."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from geopy.distance import geodesic
from geopy.point import Point

from core.schema import SourceKind, Status, activity_id
from index import SearchQuery, SearchResult
from index.backends.sqlite import SQLiteBackend
from tests.index.corpus import TZ, make

HOLSTEBRO = (56.3600, 8.6160)  # Holstebro torv
NOW = datetime(2026, 11, 22, 12, tzinfo=TZ)


def at_km(km: float, bearing: float = 90.0, origin: tuple[float, float] = HOLSTEBRO
          ) -> tuple[float, float]:
    p = geodesic(kilometers=km).destination(Point(*origin), bearing)
    return (round(p.latitude, 6), round(p.longitude, 6))


def ids(result: SearchResult) -> list[str]:
    return [h.activity.title for h in result.hits]


def search(b: SQLiteBackend, **kw: Any) -> list[str]:
    return ids(b.search(SearchQuery(now=NOW, limit=100, **kw)))


# -- distance ------------------------------------------------------------------------------

@pytest.mark.parametrize("km", [0.3, 1.0, 4.2, 9.9, 25.0, 80.0, 300.0])
def test_distance_is_right_to_a_tenth_of_a_km(backend: SQLiteBackend, km: float) -> None:
    point = at_km(km, bearing=37)
    backend.upsert([make("a", "Kortklub", at=point)])
    (hit,) = backend.search(SearchQuery(lat=HOLSTEBRO[0], lon=HOLSTEBRO[1], now=NOW)).hits
    assert hit.distance_km == pytest.approx(geodesic(HOLSTEBRO, point).km, abs=0.02)


def test_radius_includes_inside_and_excludes_outside(backend: SQLiteBackend) -> None:
    backend.upsert([
        make("in", "Indenfor", at=at_km(4.9, 10)),
        make("edge", "Lige indenfor", at=at_km(4.97, 200)),
        make("out", "Udenfor", at=at_km(5.1, 300)),
        make("nowhere", "Uden sted"),
    ])
    assert search(backend, lat=HOLSTEBRO[0], lon=HOLSTEBRO[1], radius_km=5) == [
        "Indenfor", "Lige indenfor"]


def test_sorted_by_distance(backend: SQLiteBackend) -> None:
    backend.upsert([make(str(k), f"{k} km", at=at_km(k, 45 * k)) for k in (7, 1, 3, 12, 2)])
    assert search(backend, lat=HOLSTEBRO[0], lon=HOLSTEBRO[1], radius_km=50) == [
        "1 km", "2 km", "3 km", "7 km", "12 km"]


# -- soft filters: stated misfits out, stated fits first, unknowns labelled ---------------

@pytest.fixture
def people(backend: SQLiteBackend) -> SQLiteBackend:
    backend.upsert([
        make("senior", "Seniorklub", age={"min": 60}, at=at_km(3),
             price={"amount_dkk": 20, "period": "per_time", "is_free": False},
             accessibility={"wheelchair": True, "hearing_loop": True}, drop_in=True),
        make("young", "Ungdomsklub", age={"min": 18, "max": 30}, at=at_km(1),
             price={"amount_dkk": 0, "is_free": True}, accessibility={"wheelchair": False},
             drop_in=False),
        make("unknown", "Åben café", at=at_km(2)),
        make("dear", "Dyr vinklub", age={"min": 50}, at=at_km(4),
             price={"amount_dkk": 400, "period": "year", "is_free": False}),
    ])
    return backend


def test_age_excludes_stated_misfits_and_ranks_unknown_last(people: SQLiteBackend) -> None:
    r = people.search(SearchQuery(age=70, lat=HOLSTEBRO[0], lon=HOLSTEBRO[1], now=NOW))
    assert ids(r) == ["Seniorklub", "Dyr vinklub", "Åben café"]
    assert [h.matched["age"] for h in r.hits] == ["yes", "yes", "unknown"]


def test_strict_keeps_only_stated_fits(people: SQLiteBackend) -> None:
    assert search(people, age=70, strict=True) == ["Dyr vinklub", "Seniorklub"]


def test_age_upper_bound(people: SQLiteBackend) -> None:
    assert "Ungdomsklub" in search(people, age=30)
    assert "Ungdomsklub" not in search(people, age=31)


def test_max_price_and_free(people: SQLiteBackend) -> None:
    assert set(search(people, max_price=20, strict=True)) == {"Seniorklub", "Ungdomsklub"}
    assert "Dyr vinklub" not in search(people, max_price=399.99)
    assert search(people, free=True, strict=True) == ["Ungdomsklub"]
    assert set(search(people, free=True)) == {"Ungdomsklub", "Åben café"}


def test_wheelchair_and_hearing_loop(people: SQLiteBackend) -> None:
    r = people.search(SearchQuery(wheelchair=True, hearing_loop=True, lat=HOLSTEBRO[0],
                                  lon=HOLSTEBRO[1], now=NOW))
    assert ids(r) == ["Seniorklub", "Åben café", "Dyr vinklub"]
    assert r.hits[0].matched == {"wheelchair": "yes", "hearing_loop": "yes"}
    assert r.hits[1].matched == {"wheelchair": "unknown", "hearing_loop": "unknown"}


def test_drop_in(people: SQLiteBackend) -> None:
    assert search(people, drop_in=True, strict=True) == ["Seniorklub"]
    assert "Ungdomsklub" not in search(people, drop_in=True)


def test_filters_combine(people: SQLiteBackend) -> None:
    # 70 years old, at most 50 kr., needs a wheelchair, within 3.5 km.
    assert search(people, age=70, max_price=50, wheelchair=True, lat=HOLSTEBRO[0],
                  lon=HOLSTEBRO[1], radius_km=3.5) == ["Seniorklub", "Åben café"]


def test_weekday(backend: SQLiteBackend) -> None:
    backend.upsert([
        make("tue", "Tirsdagsklub"),
        make("mo-th", "Mandag og torsdag", schedule={"rrule": "FREQ=WEEKLY;BYDAY=MO,TH"}),
        make("once", "Foredrag", schedule={"kind": "once", "rrule": None,
             "start": datetime(2026, 12, 3, 19, tzinfo=TZ), "end": None}),  # a Thursday
        make("unknown", "Ukendt tid", schedule={"kind": "unknown", "start": None, "end": None,
                                                 "rrule": None}),
    ])
    # Sorted by next meeting (Mon 23 Nov, Thu 3 Dec), the unknown one last.
    assert search(backend, weekdays=[3]) == ["Mandag og torsdag", "Foredrag", "Ukendt tid"]
    assert search(backend, weekdays=[1], strict=True) == ["Tirsdagsklub"]


def test_categories_any_of_and_facets(backend: SQLiteBackend) -> None:
    backend.upsert([
        make("a", "Brætspil", categories=["spil"]),
        make("b", "Madklub", categories=["mad", "maend"]),
        make("c", "Gåtur", categories=["motion"]),
    ])
    r = backend.search(SearchQuery(categories=["spil", "mad"], now=NOW, facets=True))
    assert sorted(ids(r)) == ["Brætspil", "Madklub"]
    assert r.total == 2
    # Facets ignore the category filter itself, so other interests show their counts.
    assert r.facets["categories"] == {"mad": 1, "maend": 1, "motion": 1, "spil": 1}


def test_municipality(backend: SQLiteBackend) -> None:
    backend.upsert([make("a", "Her"), make("b", "Der", location={"municipality": "Assens"})])
    assert search(backend, municipality="assens") == ["Der"]


# -- free text: Danish inflections and compounds --------------------------------------------

@pytest.fixture
def texts(backend: SQLiteBackend) -> SQLiteBackend:
    backend.upsert([
        make("1", "Brætspilsaften i Medborgerhuset"),
        make("2", "Kortspil og kaffe"),
        make("3", "Strikkeklub"),
        make("4", "Vi mødes og hygger", description="Kvinderne strikker og snakker."),
        make("5", "Fællessang i kirken"),
        make("6", "Gåtur langs åen", description="Frisk luft."),
    ])
    return backend


@pytest.mark.parametrize(("typed", "expected"), [
    ("spil", {"Brætspilsaften i Medborgerhuset", "Kortspil og kaffe"}),
    ("strik", {"Strikkeklub", "Vi mødes og hygger"}),
    ("sang", {"Fællessang i kirken"}),
    ("brætspil", {"Brætspilsaften i Medborgerhuset"}),
    ("Gåture", {"Gåtur langs åen"}),
    ("kortspil kaffe", {"Kortspil og kaffe"}),
    ("ridning", set()),
])
def test_text_finds_inflections_and_compound_parts(texts: SQLiteBackend, typed: str,
                                                   expected: set[str]) -> None:
    assert set(search(texts, text=typed)) == expected


@pytest.mark.parametrize("typed", ['"', "spil OR", "NEAR(a b)", "*", "a:b", "'; DROP TABLE x;--",
                                   "^spil", "(((", "\x00"])
def test_text_syntax_never_breaks_the_query(texts: SQLiteBackend, typed: str) -> None:
    search(texts, text=typed)  # must not raise


def test_title_match_ranks_first(backend: SQLiteBackend) -> None:
    backend.upsert([make("d", "Café", description="Vi spiller også kort."),
                    make("t", "Kortspil")])
    assert search(backend, text="kort")[0] == "Kortspil"


# -- what is hidden ------------------------------------------------------------------------

def test_past_one_offs_and_stale_are_hidden(backend: SQLiteBackend) -> None:
    backend.upsert([
        make("past", "Forbi", schedule={"kind": "once", "rrule": None,
             "start": datetime(2026, 11, 1, 19, tzinfo=TZ), "end": None}),
        make("today", "I dag", schedule={"kind": "once", "rrule": None,
             "start": datetime(2026, 11, 22, 10, tzinfo=TZ), "end": None}),
        make("ended", "Sæson slut",
             schedule={"rrule": "FREQ=WEEKLY;BYDAY=TU;UNTIL=20261101T225959Z"}),
        make("stale", "Forsvundet"),
        make("live", "Kører"),
    ])
    backend.set_status([make("stale", "x").id], Status.stale)
    assert sorted(search(backend)) == ["I dag", "Kører"]


# -- writes --------------------------------------------------------------------------------

def test_upsert_counts_new_changed_unchanged_and_keeps_first_seen(backend: SQLiteBackend) -> None:
    a = make("a", "Strikkeklub")
    assert backend.upsert([a, make("b", "Kortklub")]).new == 2
    later = datetime(2026, 11, 21, 3, tzinfo=TZ)
    again = a.model_copy(update={"last_seen": later, "first_seen": later})
    b_later = make("b", "Kortklub – nu om onsdagen").model_copy(
        update={"last_seen": later, "first_seen": later})
    stats = backend.upsert([again, b_later])
    assert (stats.new, stats.changed, stats.unchanged) == (0, 1, 1)
    # Unchanged: not written at all (sightings are kept by the run log, not the index).
    stored = backend.get(a.id)
    assert stored == a
    changed = backend.get(b_later.id)
    assert changed is not None and changed.first_seen < changed.last_seen == later
    assert search(backend, text="onsdagen") == ["Kortklub – nu om onsdagen"]
    assert backend.count() == 2


def test_delete(backend: SQLiteBackend) -> None:
    a = make("a", "Strikkeklub", at=at_km(1), categories=["kreativ"])
    backend.upsert([a])
    assert backend.delete([a.id, "test:missing"]) == 1
    assert backend.get(a.id) is None
    assert search(backend, text="strik") == []
    assert backend.search(SearchQuery(lat=HOLSTEBRO[0], lon=HOLSTEBRO[1], radius_km=5,
                                      now=NOW)).total == 0


def test_limit_offset_and_total(backend: SQLiteBackend) -> None:
    backend.upsert([make(str(i), f"Klub {i:02d}", at=at_km(i + 1)) for i in range(12)])
    q = dict(lat=HOLSTEBRO[0], lon=HOLSTEBRO[1], limit=5, now=NOW)
    first = backend.search(SearchQuery(**q))
    second = backend.search(SearchQuery(offset=5, **q))
    assert first.total == second.total == 12
    assert ids(first) == [f"Klub {i:02d}" for i in range(5)]
    assert ids(second) == [f"Klub {i:02d}" for i in range(5, 10)]


def test_sort_next_puts_the_soonest_first(backend: SQLiteBackend) -> None:
    backend.upsert([
        make("fri", "Fredag", schedule={"rrule": "FREQ=WEEKLY;BYDAY=FR"}),
        make("mon", "Mandag", schedule={"rrule": "FREQ=WEEKLY;BYDAY=MO"}),
        make("wed", "Onsdag", schedule={"rrule": "FREQ=WEEKLY;BYDAY=WE"}),
    ])
    # 22 November 2026 is a Sunday.
    assert search(backend, sort="next") == ["Mandag", "Onsdag", "Fredag"]


# -- time of day ---------------------------------------------------------------------------

def _weekly(hour: int, *, time_known: bool = True) -> dict[str, object]:
    return {"kind": "recurring", "start": datetime(2026, 9, 1, hour, tzinfo=TZ),
            "end": None, "rrule": "FREQ=WEEKLY;BYDAY=TU", "time_known": time_known}


def test_time_of_day_by_local_start_with_unknown_last(backend: SQLiteBackend) -> None:
    backend.upsert([
        make("morning", "Morgengymnastik", schedule=_weekly(9)),
        make("noon", "Frokostklub", schedule=_weekly(12)),
        make("evening", "Aftensang", schedule=_weekly(19)),
        make("night", "Natteravne", schedule=_weekly(3)),
        make("dayonly", "Tirsdagsklub", schedule=_weekly(0, time_known=False)),
        make("nowhen", "Uden tid", schedule={"kind": "unknown", "start": None, "end": None,
                                             "rrule": None}),
    ])
    assert search(backend, time_of_day=["formiddag"], sort="next") == [
        "Morgengymnastik", "Tirsdagsklub", "Uden tid"]
    assert search(backend, time_of_day=["eftermiddag"], sort="next")[0] == "Frokostklub"
    # Any of several parts; a 03:00 start is a stated misfit, not an unknown.
    assert search(backend, time_of_day=["formiddag", "aften"], strict=True, sort="next") == [
        "Morgengymnastik", "Aftensang"]
    hits = backend.search(SearchQuery(now=NOW, time_of_day=["aften"], sort="next")).hits
    assert [(h.activity.title, h.matched["time_of_day"]) for h in hits] == [
        ("Aftensang", "yes"), ("Tirsdagsklub", "unknown"), ("Uden tid", "unknown")]


def test_time_of_day_combines_with_weekday(backend: SQLiteBackend) -> None:
    backend.upsert([
        make("tue-eve", "Tirsdag aften", schedule=_weekly(19)),
        make("wed-eve", "Onsdag aften", schedule={**_weekly(19), "rrule": "FREQ=WEEKLY;BYDAY=WE",
                                                  "start": datetime(2026, 9, 2, 19, tzinfo=TZ)}),
        make("tue-am", "Tirsdag formiddag", schedule=_weekly(10)),
    ])
    assert search(backend, weekdays=[1], time_of_day=["aften"]) == ["Tirsdag aften"]


# -- associations by name ------------------------------------------------------------------

def test_search_organizations_by_folded_name(backend: SQLiteBackend) -> None:
    from core.schema import Organization

    backend.upsert_organizations([
        Organization(id="org:a", name="Mænds Mødested Assens"),
        Organization(id="org:b", name="Café Åbrinken"),
        Organization(id="org:c", name="Strikkecaféen"),
    ])
    backend.upsert([make("only", "Kortklub", organizer={"name": "Kortklubben Ærø"},
                         organization_id="org:d")])
    names = lambda r: [o.name for o in r.organizations]  # noqa: E731
    assert names(backend.search_organizations("mødested")) == ["Mænds Mødested Assens"]
    assert names(backend.search_organizations("MAENDS assens")) == ["Mænds Mødested Assens"]
    assert names(backend.search_organizations("cafe")) == ["Café Åbrinken", "Strikkecaféen"]
    assert names(backend.search_organizations("aabrinken")) == ["Café Åbrinken"]
    assert names(backend.search_organizations("ærø")) == ["Kortklubben Ærø"]
    assert backend.search_organizations("ridning").total == 0
    assert backend.search_organizations("!!").total == 0
    page = backend.search_organizations("e", limit=2, offset=1)
    assert page.total == 4 and len(page.organizations) == 2
    assert names(page) == names(backend.search_organizations("e", limit=10))[1:3]


def test_an_older_sqlite_file_gets_day_parts_filled(tmp_path: Path) -> None:
    import sqlite3

    b = SQLiteBackend(tmp_path / "old.db")
    b.upsert([make("evening", "Aftensang", schedule=_weekly(19)),
              make("morning", "Morgengymnastik", schedule=_weekly(9))])
    b.close()
    con = sqlite3.connect(tmp_path / "old.db")
    # As written before the column (and before the search indexes that hold it).
    for index in ("activities_search", "activities_place"):
        con.execute(f"DROP INDEX {index}")
    con.execute("ALTER TABLE activities DROP COLUMN day_parts")
    con.commit()
    con.close()
    reopened = SQLiteBackend(tmp_path / "old.db")
    assert search(reopened, time_of_day=["aften"], strict=True) == ["Aftensang"]
    reopened.close()


def test_an_older_sqlite_file_gets_next_starts_and_sorts_by_them(tmp_path: Path) -> None:
    import sqlite3

    b = SQLiteBackend(tmp_path / "old.db")
    b.upsert([make("thu", "Torsdagsklub", schedule={"rrule": "FREQ=WEEKLY;BYDAY=TH"}),
              make("mon", "Mandagsklub", schedule={"rrule": "FREQ=WEEKLY;BYDAY=MO"})])
    b.close()
    con = sqlite3.connect(tmp_path / "old.db")
    for index in ("activities_search", "activities_place", "activities_next",
                  "activities_next_ref"):
        con.execute(f"DROP INDEX {index}")
    for column in ("next_start", "next_ref"):
        con.execute(f"ALTER TABLE activities DROP COLUMN {column}")
    con.commit()
    con.close()
    reopened = SQLiteBackend(tmp_path / "old.db")
    # NOW is Sunday 22 November: Monday the 23rd comes before Thursday the 26th.
    assert search(reopened, sort="next") == ["Mandagsklub", "Torsdagsklub"]
    reopened.close()


# -- the merge step, through the contract ---------------------------------------------------

def test_merge_step_on_the_backend_is_deterministic_and_writes_nothing_twice(
        backend: SQLiteBackend) -> None:
    from records.merging import merge_duplicates

    def walk(source: str, kind: str, title: str) -> Any:
        a = make(f"{source}-walk", title, at=at_km(1))
        return a.model_copy(update={
            "id": activity_id(source, "walk"),
            "source": a.source.model_copy(update={"name": source, "kind": SourceKind(kind)})})

    kommune = walk("kommune", "municipal", "Gåtur langs fjorden")
    portal = walk("portal", "portal", "Gåtur langs fjorden – alle er velkomne")
    other = make("strik", "Strikkeklub", at=at_km(1))
    backend.upsert([kommune, portal, other])
    now = datetime(2026, 11, 22, 12, tzinfo=TZ)
    first = merge_duplicates(backend, now)
    assert (first.new, first.hidden) == (1, 2)
    (merged_id,) = first.records
    assert sorted(search(backend)) == ["Gåtur langs fjorden", "Strikkeklub"]
    assert {backend.get(i).status for i in (kommune.id, portal.id)} == {Status.merged}
    again = merge_duplicates(backend, now)
    assert again.written == 0 and list(again.records) == [merged_id]
    # A re-crawl of a member keeps it hidden; when the other goes, the member shows again.
    backend.upsert([portal])
    assert backend.get(portal.id).status is Status.merged
    backend.set_status([kommune.id], Status.stale)
    gone = merge_duplicates(backend, now)
    assert (gone.retired, gone.released) == (1, 1)
    assert backend.get(portal.id).status is Status.active
    assert backend.get(merged_id).status is Status.stale


def test_facets_only_when_asked(backend: SQLiteBackend) -> None:
    backend.upsert([make("a", "Brætspil", categories=["spil"]),
                    make("b", "Madklub", categories=["mad"])])
    plain = backend.search(SearchQuery(now=NOW))
    asked = backend.search(SearchQuery(now=NOW, facets=True))
    assert plain.facets == {}
    assert asked.facets == {"categories": {"mad": 1, "spil": 1}}
    assert plain.total == asked.total == 2
    assert ids(plain) == ids(asked)


def test_total_past_the_last_page(backend: SQLiteBackend) -> None:
    backend.upsert([make(str(i), f"Klub {i}") for i in range(3)])
    r = backend.search(SearchQuery(now=NOW, offset=5))
    assert (r.total, r.hits) == (3, [])
