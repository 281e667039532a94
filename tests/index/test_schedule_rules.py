"""An activity that meets by two rules (Mondays 18:30, Wednesdays 13:00) on every backend:
the weekday and time-of-day filters see both rules, "next" sorts by the sooner of them, and an
SQLite file written before schedules had several rules is brought up to them when opened."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.clock import TZ
from core.schema import Activity
from index import SearchQuery
from index.backends.sqlite import SQLiteBackend
from index.backends.sqlite.schema import DERIVED_VERSION
from index.contract import Sort
from tests.index.corpus import make

#: Sunday 22 November 2026, noon.
NOW = datetime(2026, 11, 22, 12, tzinfo=TZ)

TWO_RULES = make("to-regler", "Motionsbadminton", schedule={
    "kind": "recurring", "rrule": "FREQ=WEEKLY;BYDAY=MO",
    "start": datetime(2026, 9, 7, 18, 30, tzinfo=TZ), "end": datetime(2026, 9, 7, 20, tzinfo=TZ),
    "rules": [{"rrule": "FREQ=WEEKLY;BYDAY=WE", "start": datetime(2026, 9, 2, 13, tzinfo=TZ),
               "end": datetime(2026, 9, 2, 14, 30, tzinfo=TZ)}]})
#: Tuesdays at 14:00 (the corpus's default), and Mondays at 10:00.
TUESDAY = make("tirsdag", "Strikkeklub")
MONDAY_MORNING = make("mandag", "Morgensang", schedule={
    "rrule": "FREQ=WEEKLY;BYDAY=MO", "start": datetime(2026, 9, 7, 10, tzinfo=TZ),
    "end": None})
ALL = [TWO_RULES, TUESDAY, MONDAY_MORNING]


def _titles(b: Any, **kw: Any) -> list[str]:
    return [h.activity.title for h in b.search(SearchQuery(now=NOW, limit=100, **kw)).hits]


def test_the_weekday_filter_sees_every_rule(backend: Any) -> None:
    backend.upsert(ALL)
    assert _titles(backend, weekdays=[2], strict=True) == ["Motionsbadminton"]  # Wednesday
    assert sorted(_titles(backend, weekdays=[0], strict=True)) == [
        "Morgensang", "Motionsbadminton"]
    assert _titles(backend, weekdays=[4]) == []  # Friday: all state other days


def test_the_time_of_day_filter_sees_every_rule(backend: Any) -> None:
    backend.upsert(ALL)
    assert sorted(_titles(backend, time_of_day=["eftermiddag"])) == [
        "Motionsbadminton", "Strikkeklub"]
    assert _titles(backend, time_of_day=["aften"]) == ["Motionsbadminton"]
    assert _titles(backend, time_of_day=["formiddag"]) == ["Morgensang"]


def test_next_sorts_by_the_sooner_rule(backend: Any) -> None:
    wednesday_only = make("onsdag", "Onsdagsklub", schedule={
        "rrule": "FREQ=WEEKLY;BYDAY=WE", "start": datetime(2026, 9, 2, 15, tzinfo=TZ),
        "end": None})
    backend.upsert([*ALL, wednesday_only])
    # Mon 23 10:00, Mon 23 18:30 (first rule), Tue 24 14:00, Wed 25 15:00.
    assert _titles(backend, sort=Sort.next) == [
        "Morgensang", "Motionsbadminton", "Strikkeklub", "Onsdagsklub"]
    # Without the Monday rule, the Wednesday 13:00 meeting puts it before the 15:00 one.
    only_wed = make("to-regler", "Motionsbadminton", schedule={
        **TWO_RULES.schedule.model_dump(), "rrule": "FREQ=WEEKLY;BYDAY=MO;COUNT=1"})
    backend.upsert([only_wed])
    assert _titles(backend, sort=Sort.next) == [
        "Morgensang", "Strikkeklub", "Motionsbadminton", "Onsdagsklub"]


def test_an_older_sqlite_file_is_brought_up_to_several_rules(tmp_path: Path) -> None:
    """A file whose derived columns were made before schedules had several rules (weekday and
    day-part bits of the first rule only, no derived version) answers as a new one once
    opened: the columns are made again from the stored records."""
    path = tmp_path / "old.db"
    b = SQLiteBackend(path)
    b.upsert(ALL)
    b.close()
    con = sqlite3.connect(path)
    # As the older rules made them: Monday only, evening only.
    con.execute("UPDATE activities SET weekdays = 1, day_parts = 8 WHERE title = ?",
                ("Motionsbadminton",))
    con.execute("DELETE FROM meta WHERE key = 'derived_version'")
    con.commit()
    con.close()
    reopened = SQLiteBackend(path)
    try:
        assert _titles(reopened, weekdays=[2], strict=True) == ["Motionsbadminton"]
        assert "Motionsbadminton" in _titles(reopened, time_of_day=["eftermiddag"], strict=True)
        got: Activity | None = reopened.get(TWO_RULES.id)
        assert got is not None and got.schedule == TWO_RULES.schedule
    finally:
        reopened.close()
    con = sqlite3.connect(path)
    assert con.execute("SELECT value FROM meta WHERE key = 'derived_version'").fetchone() == (
        str(DERIVED_VERSION),)
    con.close()


def test_the_engine_document_holds_every_rules_meetings_and_days() -> None:
    from index.backends.engine.mapping import to_document

    doc = to_document(TWO_RULES, NOW)
    # The next starts, as epoch milliseconds (the "next" sort reads them).
    assert [datetime.fromtimestamp(ms / 1000, UTC).isoformat() for ms in doc["starts"][:3]] == [
        "2026-09-02T11:00:00+00:00", "2026-09-07T16:30:00+00:00", "2026-09-09T11:00:00+00:00"]
    assert doc["weekdays"] == [0, 2]
    assert doc["day_parts"] == ["aften", "eftermiddag"]
    assert "last_start" not in doc  # the rules go on
