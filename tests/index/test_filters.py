"""Every soft filter of the one table (`index.filters.SOFT_FILTERS`) behaves alike on every
backend: a record that fits is a hit and meets it as "yes", a stated misfit is no hit, and a
record that does not say is a hit after the fits and meets it as "unknown"; `strict` keeps
only the fits. The search engine takes part when FKORT_TEST_OPENSEARCH_URL is set."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from core.clock import TZ
from core.schema import Activity
from index import SearchQuery
from index.backends.sqlite import SQLiteBackend
from index.backends.sqlite.schema import FILTER_COLUMNS
from index.filters import SOFT_FILTERS, SoftFilter
from tests.conftest import open_test_backend
from tests.index.corpus import make

NOW = datetime(2026, 11, 22, 12, tzinfo=TZ)
Fields = dict[str, Any]


def _weekly(day: str, date: int, hour: int) -> Fields:
    return {"schedule": {"rrule": f"FREQ=WEEKLY;BYDAY={day}", "end": None,
                         "start": datetime(2026, 9, date, hour, tzinfo=TZ)}}


#: The corpus's default record meets on Tuesdays at 14:00 and states nothing else.
UNSTATED: Fields = {}
NO_SCHEDULE: Fields = {"schedule": {"kind": "unknown", "start": None, "end": None,
                                    "rrule": None, "text": "Hver uge"}}

#: Per soft filter, its cases: (what the query asks, records that fit, records that are
#: stated misfits, records that do not say), each record as `make` fields.
EXAMPLES: dict[str, list[tuple[Any, list[Fields], list[Fields], list[Fields]]]] = {
    "age": [(70,
             [{"age": {"min": 60}}, {"age": {"max": 80}}, {"age": {"min": 70, "max": 70}}],
             [{"age": {"min": 18, "max": 30}}, {"age": {"min": 75}}],
             [UNSTATED])],
    "max_price": [(50.0,
                   [{"price": {"amount_dkk": 20, "is_free": False}},
                    {"price": {"amount_dkk": 50, "is_free": False}},
                    {"price": {"is_free": True}}],  # free counts as 0 kr.
                   [{"price": {"amount_dkk": 400, "period": "year", "is_free": False}}],
                   [UNSTATED, {"price": {"is_free": False}}])],  # not free, amount not said
    "free": [(True,
              [{"price": {"amount_dkk": 0, "is_free": True}}],
              [{"price": {"amount_dkk": 20, "is_free": False}}],
              [UNSTATED])],
    **{need: [(True, [{"accessibility": {need: True}}], [{"accessibility": {need: False}}],
               [UNSTATED])]
       for need in ("wheelchair", "step_free", "hearing_loop")},
    "weekday": [([1, 3],
                 [UNSTATED, _weekly("TH", 3, 14)],
                 [_weekly("WE", 2, 14)],
                 [NO_SCHEDULE])],
    "time_of_day": [(["eftermiddag"],
                     [UNSTATED],
                     [_weekly("TU", 1, 19), _weekly("TU", 1, 3)],  # 03:00 is "nat": a misfit
                     [{"schedule": {"time_known": False, "end": None,
                                    "start": datetime(2026, 9, 1, tzinfo=TZ)}}, NO_SCHEDULE]),
                    (["formiddag", "aften"],
                     [_weekly("TU", 1, 19), _weekly("TU", 1, 9)],
                     [UNSTATED],
                     [NO_SCHEDULE])],
    "drop_in": [(True, [{"drop_in": True}], [{"drop_in": False}], [UNSTATED]),
                (False, [{"drop_in": False}], [{"drop_in": True}], [UNSTATED])],
}

VERDICTS = ("fits", "misfit", "unknown")
CASES = [(f, i, case) for f in SOFT_FILTERS for i, case in enumerate(EXAMPLES.get(f.name, []))]


def _place(f: SoftFilter, i: int) -> str:
    """A municipality of the case's own, so each query sees only its case's records."""
    return f"filter-{f.name}-{i}"


def _records(f: SoftFilter, i: int, case: tuple[Any, ...]) -> dict[str, list[Activity]]:
    _asked, *groups = case
    return {verdict: [make(f"{f.name}-{i}-{verdict}-{n}", f"{f.name} {verdict} {n}",
                           location={"municipality": _place(f, i)}, **fields)
                      for n, fields in enumerate(group)]
            for verdict, group in zip(VERDICTS, groups, strict=True)}


def _query(f: SoftFilter, i: int, asked: Any, **more: Any) -> SearchQuery:
    return SearchQuery(now=NOW, limit=100, municipality=_place(f, i), **{f.asks: asked}, **more)


def test_every_soft_filter_has_a_fit_a_misfit_and_an_unknown() -> None:
    assert set(EXAMPLES) == {f.name for f in SOFT_FILTERS}
    for f in SOFT_FILTERS:
        for _asked, fits, misfits, unknowns in EXAMPLES[f.name]:
            assert fits and misfits and unknowns, f.name


@pytest.mark.parametrize(("f", "i", "case"), CASES, ids=[f"{f.name}-{i}" for f, i, _ in CASES])
def test_the_examples_are_what_the_table_says(f: SoftFilter, i: int, case: tuple[Any, ...]
                                              ) -> None:
    """The reference (`judge`, in Python) agrees with each example's verdict."""
    asked = f.asked(_query(f, i, case[0]))
    assert asked is not None
    for verdict, records in _records(f, i, case).items():
        assert [f.judge(a, asked) for a in records] == [verdict] * len(records)


@pytest.fixture(scope="module", params=["sqlite", "opensearch"])
def backend(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[Any]:
    """Every case's records, in one index per backend."""
    b = open_test_backend(request.param, tmp_path_factory.mktemp(f"filters-{request.param}"))
    records = [a for f, i, case in CASES for group in _records(f, i, case).values()
               for a in group]
    records.append(make("both-fit", "Both fit", age={"min": 60},
                        accessibility={"wheelchair": True}, location={"municipality": "both"}))
    records.append(make("one-unknown", "One unknown", accessibility={"wheelchair": True},
                        location={"municipality": "both"}))
    records.append(make("two-unknown", "Two unknown", location={"municipality": "both"}))
    stats = b.upsert(records)
    assert stats.errors == [] and stats.new == len(records)
    yield b
    if request.param != "sqlite":
        b.client.indices.delete(index=f"{b.alias}*", ignore_unavailable=True)
    b.close()


@pytest.mark.parametrize(("f", "i", "case"), CASES, ids=[f"{f.name}-{i}" for f, i, _ in CASES])
def test_fits_first_unknowns_after_misfits_never(backend: Any, f: SoftFilter, i: int,
                                                 case: tuple[Any, ...]) -> None:
    records = _records(f, i, case)
    fits = {a.id for a in records["fits"]}
    unknowns = {a.id for a in records["unknown"]}
    hits = backend.search(_query(f, i, case[0])).hits
    found = [h.activity.id for h in hits]
    assert set(found[:len(fits)]) == fits  # stated fits first
    assert set(found[len(fits):]) == unknowns  # then the unknowns; misfits not at all
    assert len(found) == len(fits) + len(unknowns)
    for h in hits:
        assert h.matched == {f.name: "yes" if h.activity.id in fits else "unknown"}
    strict = backend.search(_query(f, i, case[0], strict=True))
    assert {h.activity.id for h in strict.hits} == fits and strict.total == len(fits)


def test_fewer_unknowns_rank_first(backend: Any) -> None:
    q = SearchQuery(now=NOW, municipality="both", age=70, wheelchair=True)
    hits = backend.search(q).hits
    assert [h.activity.title for h in hits] == ["Both fit", "One unknown", "Two unknown"]
    assert [h.matched for h in hits] == [
        {"age": "yes", "wheelchair": "yes"}, {"age": "unknown", "wheelchair": "yes"},
        {"age": "unknown", "wheelchair": "unknown"}]


def test_an_older_sqlite_file_gets_the_filter_columns_it_lacks(tmp_path: Path) -> None:
    """A file written before a filter's column existed answers as a new one once opened."""
    def answers(b: SQLiteBackend) -> list[list[tuple[str, dict[str, str]]]]:
        return [[(h.activity.id, dict(h.matched)) for h in b.search(_query(f, i, case[0])).hits]
                for f, i, case in CASES]

    b = SQLiteBackend(tmp_path / "old.db")
    b.upsert([a for f, i, case in CASES for group in _records(f, i, case).values()
              for a in group])
    before = answers(b)
    b.close()
    con = sqlite3.connect(tmp_path / "old.db")
    for index in ("activities_search", "activities_place"):  # made later, holding them
        con.execute(f"DROP INDEX {index}")
    for name, _ in FILTER_COLUMNS:  # as written before any of them
        con.execute(f"ALTER TABLE activities DROP COLUMN {name}")
    con.commit()
    con.close()
    reopened = SQLiteBackend(tmp_path / "old.db")
    assert answers(reopened) == before
    reopened.close()
