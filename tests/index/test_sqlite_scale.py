"""The SQLite store at scale: the stored next start (written, read by `sort=next`, refreshed
lazily for the rows a passed meeting made stale), which of text and place drives,
and the bound on prefix expansion. The semantics are the contract's (test_contract.py); these
check the machinery that keeps them fast."""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from core.clock import TZ
from core.schema import Activity
from index import SearchQuery
from index.backends.sqlite import SQLiteBackend, query
from index.backends.sqlite.schema import NO_NEXT
from index.contract import capped_total
from tests.index.corpus import make

SUNDAY = datetime(2026, 11, 22, 12, tzinfo=TZ)
WEDNESDAY = datetime(2026, 11, 25, 12, tzinfo=TZ)
HOLSTEBRO = (56.3601, 8.6161)


def _weekly(day: str, hour: int = 14) -> dict[str, object]:
    return {"kind": "recurring", "start": datetime(2026, 9, 1, hour, tzinfo=TZ), "end": None,
            "rrule": f"FREQ=WEEKLY;BYDAY={day}"}


def _stored(path: Path) -> dict[str, tuple[str, str]]:
    """title → (stored next start, the time it was computed at)."""
    con = sqlite3.connect(path)
    try:
        return {t: (n, r) for t, n, r in con.execute(
            "SELECT title, next_start, next_ref FROM activities")}
    finally:
        con.close()


def _titles(b: SQLiteBackend, now: datetime, **kw: object) -> list[str]:
    return [h.activity.title for h in b.search(SearchQuery(now=now, limit=50, **kw)).hits]


@pytest.fixture
def clubs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SQLiteBackend:
    """Three clubs written on Sunday 22 November at noon."""
    monkeypatch.setenv("FKORT_NOW", SUNDAY.isoformat())
    b = SQLiteBackend(tmp_path / "i.db")
    b.upsert([make("tu", "Tirsdagsklub", schedule=_weekly("TU")),
              make("th", "Torsdagsklub", schedule=_weekly("TH")),
              make("unknown", "Ukendt tid", schedule={"kind": "unknown", "start": None,
                                                      "end": None, "rrule": None})])
    monkeypatch.delenv("FKORT_NOW")
    yield b
    b.close()


def test_the_next_start_is_stored_on_write(clubs: SQLiteBackend) -> None:
    stored = _stored(clubs.path)
    # Tuesday 24 November 14:00 in Copenhagen is 13:00 UTC.
    assert stored["Tirsdagsklub"] == ("2026-11-24T13:00:00", "2026-11-22T11:00:00")
    assert stored["Torsdagsklub"][0] == "2026-11-26T13:00:00"
    assert stored["Ukendt tid"][0] == NO_NEXT


def test_sort_next_reads_the_stored_order(clubs: SQLiteBackend) -> None:
    assert _titles(clubs, SUNDAY, sort="next") == ["Tirsdagsklub", "Torsdagsklub", "Ukendt tid"]
    # Nothing was stale at that time: nothing was rewritten.
    assert _stored(clubs.path)["Torsdagsklub"][1] == "2026-11-22T11:00:00"


def test_a_passed_meeting_is_recomputed_for_that_row_only(clubs: SQLiteBackend) -> None:
    # On Wednesday the Tuesday club's stored start has passed: it meets next on 1 December.
    assert _titles(clubs, WEDNESDAY, sort="next") == [
        "Torsdagsklub", "Tirsdagsklub", "Ukendt tid"]
    stored = _stored(clubs.path)
    assert stored["Tirsdagsklub"] == ("2026-12-01T13:00:00", "2026-11-25T11:00:00")
    assert stored["Torsdagsklub"] == ("2026-11-26T13:00:00", "2026-11-22T11:00:00")


def test_a_search_before_the_stored_time_is_still_exact(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    monkeypatch.setenv("FKORT_NOW", WEDNESDAY.isoformat())
    b = SQLiteBackend(tmp_path / "i.db")
    b.upsert([make("tu", "Tirsdagsklub", schedule=_weekly("TU")),
              make("th", "Torsdagsklub", schedule=_weekly("TH"))])
    # Written on Wednesday, asked as of Sunday: Tuesday the 24th comes first.
    assert _titles(b, SUNDAY, sort="next") == ["Tirsdagsklub", "Torsdagsklub"]
    assert _titles(b, WEDNESDAY, sort="next") == ["Torsdagsklub", "Tirsdagsklub"]
    b.close()


def test_the_refresh_bound_leaves_the_rest_to_the_query(clubs: SQLiteBackend) -> None:
    assert clubs.refresh_next_starts(WEDNESDAY, limit=0) == 0
    assert _stored(clubs.path)["Tirsdagsklub"][0] == "2026-11-24T13:00:00"  # not rewritten
    assert clubs.refresh_next_starts(WEDNESDAY) == 1
    assert clubs.refresh_next_starts(WEDNESDAY) == 0


def test_the_next_start_cache_does_not_key_on_now() -> None:
    fn = query.NextStarts()
    sched = Activity.model_validate(make("tu", "Tirsdagsklub", schedule=_weekly("TU")
                                         ).model_dump()).schedule.model_dump_json()
    assert fn(sched, "2026-11-22T11:00:00") == "2026-11-24T13:00:00"
    # A later request before that meeting finds the same answer without computing it again.
    assert fn(sched, "2026-11-23T08:00:00") == "2026-11-24T13:00:00"
    assert fn._known[sched][0] == "2026-11-22T11:00:00"
    # After it, the next one.
    assert fn(sched, "2026-11-24T13:00:01") == "2026-12-01T13:00:00"


# -- text or place first -------------------------------------------------------------------

@pytest.fixture
def town(tmp_path: Path) -> SQLiteBackend:
    """Thirty board-game evenings in Holstebro and forty in Skagen (a common word: more
    matches in the country than places in the box), and one knitting club (rare)."""
    b = SQLiteBackend(tmp_path / "i.db")
    lat, lon = HOLSTEBRO
    b.upsert([make(f"s{i}", f"Brætspilsaften {i}", at=(lat + i * 0.001, lon))
              for i in range(30)])
    b.upsert([make(f"n{i}", f"Kortspil i Skagen {i}", at=(57.72, 10.58)) for i in range(40)])
    b.upsert([make("k", "Strikkeklub", at=(lat, lon + 0.002)),
              make("far", "Strikkecafé i Skagen", at=(57.72, 10.58))])
    yield b
    b.close()


def _text_first(**asked: object) -> bool:
    q = SearchQuery.model_validate(asked)
    assert q.text is not None
    return query._plan(q, query.text_query(q.text)).text_first


def test_text_in_a_circle_is_checked_per_place_and_text_alone_drives(
        town: SQLiteBackend) -> None:
    near = {"lat": HOLSTEBRO[0], "lon": HOLSTEBRO[1], "radius_km": 10}
    # In a circle, by distance or next start: the place drives, the terms checked per place.
    assert _text_first(text="strik", **near) is False
    assert _text_first(text="spil", sort="next", **near) is False
    # Relevance needs FTS5's scores; with no circle there is no place to start from.
    assert _text_first(text="strik", sort="relevance", **near) is True
    assert _text_first(text="strik", municipality="Holstebro") is True
    # Either way the answer is the contract's.
    assert _titles(town, SUNDAY, text="strik", **near) == ["Strikkeklub"]
    assert _titles(town, SUNDAY, text="strik", sort="relevance", **near) == ["Strikkeklub"]
    found = _titles(town, SUNDAY, text="spil", **near)
    assert sorted(found) == sorted(f"Brætspilsaften {i}" for i in range(30))
    assert found[0] == "Brætspilsaften 0"  # nearest first
    ranked = _titles(town, SUNDAY, text="spil", sort="relevance", **near)
    assert sorted(ranked) == sorted(found)


@pytest.mark.parametrize(("typed", "expected"), [
    ("spil", '("spil"*)'),
    ("øl", '("øl")'),  # too short to expand: whole word only
    ("a b c d e f g h i j k", None),
])
def test_prefix_expansion_is_bounded(typed: str, expected: str | None) -> None:
    got = query.fts_query(typed)
    if expected is not None:
        assert got == expected
    else:
        # At most MAX_TERMS of the words typed are searched, none of one letter as a prefix.
        assert got is not None
        assert len(set(re.findall(r'"[^"]+"', got))) == query.MAX_TERMS
        assert "*" not in got



def test_a_circle_across_bands_of_latitude_finds_both_sides(tmp_path: Path) -> None:
    b = SQLiteBackend(tmp_path / "i.db")
    # 56.399 and 56.401 lie in different bands of the place index; 56.43 is over 3 km north.
    b.upsert([make("s", "Syd for grænsen", at=(56.399, 8.62)),
              make("n", "Nord for grænsen", at=(56.401, 8.62)),
              make("far", "Langt mod nord", at=(56.43, 8.62))])
    found = _titles(b, SUNDAY, lat=56.3995, lon=8.62, radius_km=3)
    assert found == ["Syd for grænsen", "Nord for grænsen"]
    b.close()


def test_a_search_never_waits_for_a_crawls_write(clubs: SQLiteBackend) -> None:
    import time

    crawl = sqlite3.connect(clubs.path, isolation_level=None)
    crawl.execute("BEGIN IMMEDIATE")  # another process's write transaction
    try:
        started = time.monotonic()
        assert _titles(clubs, WEDNESDAY, sort="next") == [
            "Torsdagsklub", "Tirsdagsklub", "Ukendt tid"]
        assert time.monotonic() - started < 5  # the busy timeout is 30 s
    finally:
        crawl.execute("ROLLBACK")
        crawl.close()
    # Nothing was written back; the next search does it.
    assert _stored(clubs.path)["Tirsdagsklub"][0] == "2026-11-24T13:00:00"
    _titles(clubs, WEDNESDAY, sort="next")
    assert _stored(clubs.path)["Tirsdagsklub"][0] == "2026-12-01T13:00:00"


# -- the nearest page from a smaller circle ------------------------------------------------

def _spread(n: int, seed: int) -> list[Activity]:
    """`n` activities scattered over 30 km around Holstebro and its neighbours: mixed words,
    categories and stated or unknown ages (so that soft filters leave unknowns)."""
    import random

    rng = random.Random(seed)
    titles = ["Brætspilsaften", "Strikkeklub", "Fællessang", "Gåtur", "Kortspil og kaffe"]
    cats = ["spil", "kreativ", "musik_sang", "motion", "mad"]
    return [make(f"p{i}", f"{rng.choice(titles)} {i}",
                 at=(HOLSTEBRO[0] + rng.uniform(-0.25, 0.25),
                     HOLSTEBRO[1] + rng.uniform(-0.4, 0.4)),
                 categories=rng.sample(cats, rng.randint(1, 2)),
                 age=rng.choice([{}, {"min": 60}, {"min": 18, "max": 30}]))
            for i in range(n)]


def test_the_nearest_page_is_the_nearest_of_the_whole_circle(tmp_path: Path) -> None:
    """The page of a search near a point (looked for in a smaller circle first) against
    every stored place sorted here: stated fits first, then nearest (the circle and the
    order by the arc on the mean Earth, as the contract has it), then id."""
    import math

    from normalize.geo import EARTH_RADIUS_KM

    def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
        p1, p2 = math.radians(lat1), math.radians(lat2)
        h = (math.sin((p2 - p1) / 2) ** 2
             + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
        return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))

    docs = _spread(900, seed=3)
    b = SQLiteBackend(tmp_path / "i.db")
    b.upsert(docs)
    lat, lon = HOLSTEBRO
    cases: list[tuple[int | None, int, str | None, str | None]] = [
        (None, 0, None, None), (None, 40, None, None), (72, 0, None, None),
        (72, 25, None, None), (25, 10, None, None), (None, 0, "strik", None),
        (72, 5, "strik", None), (None, 0, None, "spil"), (72, 30, None, "kreativ")]
    capped = 0
    for age, offset, text, cat in cases:
        q = SearchQuery(lat=lat, lon=lon, radius_km=12, now=SUNDAY, limit=10, offset=offset,
                        age=age, text=text, categories=[cat] if cat else [])
        inside = []
        for a in docs:
            assert a.location.lat is not None and a.location.lon is not None
            d = distance_km(lat, lon, a.location.lat, a.location.lon)
            low, high = a.age.min, a.age.max
            misfit = age is not None and ((low is not None and low > age)
                                          or (high is not None and high < age))
            wanted = ((text is None or a.title.startswith("Strikkeklub"))
                      and (cat is None or cat in a.categories))
            if d <= 12 and not misfit and wanted:
                unknown = int(age is not None and low is None and high is None)
                inside.append((unknown, d, a.id))
        inside.sort()
        found = b.search(q)
        # Counted exactly up to the bound; the page the same either way.
        assert (found.total, found.total_exact) == capped_total(len(inside), q)
        assert b.search(q.model_copy(update={"exact_total": True})).total == len(inside)
        capped += not found.total_exact
        assert [h.activity.id for h in found.hits] == [i for _, _, i in
                                                      inside[offset:offset + 10]]
    assert capped >= 3  # the page is looked for in circles sized without the whole count
    b.close()
