"""The engine document built the bulk way (JSON text, schedules' meetings remembered across
documents that share a schedule) is the document built the plain way (a dictionary, every
schedule expanded afresh), for schedules of one rule and of several; and a remembered
expansion is the fresh one, down to each meeting's length and time zone."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from core.clock import TZ
from core.schema import Activity, Schedule
from index.backends.engine.mapping import OCCURRENCES, document_json, to_document
from normalize import schedule
from tests.index.corpus import make

#: Sunday 22 November 2026, noon.
NOW = datetime(2026, 11, 22, 12, tzinfo=TZ)
TUESDAY = {"kind": "recurring", "rrule": "FREQ=WEEKLY;BYDAY=TU",
           "start": datetime(2026, 9, 1, 14, tzinfo=TZ), "end": datetime(2026, 9, 1, 16, tzinfo=TZ)}

#: Schedules that differ from the plain Tuesday (or from each other) in one thing each, so a
#: remembered expansion keyed without that thing would be handed to the wrong one.
SCHEDULES: dict[str, dict[str, Any]] = {
    "tuesday": TUESDAY,
    "tuesday-in-utc": {**TUESDAY, "start": datetime(2026, 9, 1, 12, tzinfo=UTC),
                       "end": datetime(2026, 9, 1, 14, tzinfo=UTC)},
    "tuesday-15": {**TUESDAY, "start": datetime(2026, 9, 1, 15, tzinfo=TZ), "end": None},
    "tuesday-skips": {**TUESDAY, "exdates": [datetime(2026, 12, 1, 14, tzinfo=TZ),
                                              datetime(2026, 12, 29, 14, tzinfo=TZ)]},
    "tuesday-and-a-friday": {**TUESDAY, "dates": [datetime(2026, 12, 4, 10, tzinfo=TZ)]},
    "tuesday-until": {**TUESDAY, "rrule": "FREQ=WEEKLY;BYDAY=TU;UNTIL=20261215T130000Z"},
    "tuesday-count": {**TUESDAY, "rrule": "FREQ=WEEKLY;BYDAY=TU;COUNT=14"},
    # The same instants as `late-evening`, but the end read on the same day in UTC: one
    # meeting of an hour, where the Copenhagen reading crosses midnight (no length).
    "late-evening": {"kind": "recurring", "rrule": "FREQ=WEEKLY;BYDAY=TH",
                     "start": datetime(2026, 9, 3, 23, 30, tzinfo=TZ),
                     "end": datetime(2026, 9, 4, 0, 30, tzinfo=TZ)},
    "late-evening-utc": {"kind": "recurring", "rrule": "FREQ=WEEKLY;BYDAY=TH",
                         "start": datetime(2026, 9, 3, 21, 30, tzinfo=UTC),
                         "end": datetime(2026, 9, 3, 22, 30, tzinfo=UTC)},
    "two-rules": {**TUESDAY, "rules": [
        {"rrule": "FREQ=WEEKLY;BYDAY=TH", "start": datetime(2026, 9, 3, 10, tzinfo=TZ),
         "end": datetime(2026, 9, 3, 12, tzinfo=TZ)}]},
    "two-rules-second-skips": {**TUESDAY, "rules": [
        {"rrule": "FREQ=WEEKLY;BYDAY=TH", "start": datetime(2026, 9, 3, 10, tzinfo=TZ),
         "end": datetime(2026, 9, 3, 12, tzinfo=TZ),
         "exdates": [datetime(2026, 11, 26, 10, tzinfo=TZ)]}]},
    "two-rules-second-first": {**TUESDAY, "rules": [
        {"rrule": "FREQ=WEEKLY;BYDAY=MO;COUNT=20", "start": datetime(2026, 8, 3, 19, tzinfo=TZ)}]},
    "three-rules-same-time": {**TUESDAY, "rules": [
        {"rrule": "FREQ=WEEKLY;BYDAY=TU,TH", "start": datetime(2026, 9, 1, 14, tzinfo=TZ)},
        {"rrule": "FREQ=MONTHLY;BYDAY=1SA", "start": datetime(2026, 9, 5, 11, tzinfo=TZ)}],
        "exdates": [datetime(2026, 11, 24, 14, tzinfo=TZ)]},
    "once-with-dates": {"kind": "once", "start": datetime(2026, 12, 3, 19, tzinfo=TZ),
                        "dates": [datetime(2026, 12, 10, 19, tzinfo=TZ)]},
    "unknown": {"kind": "unknown", "text": "efter aftale"},
}

#: Each schedule on several activities (with different titles), as a corpus has them (the
#: schedule whole: `make` would fill what it leaves out from its own).
ACTIVITIES = [make(f"{name}-{n}", f"{title} {name}",
                   schedule={"start": None, "end": None, "rrule": None, **sched})
              for n, title in enumerate(("Strikkecafé", "Kortspil", "Gåtur"))
              for name, sched in SCHEDULES.items()]


def _plain(a: Activity) -> dict[str, Any]:
    schedule.forget()
    return to_document(a, NOW)


def test_bulk_documents_are_the_plain_ones() -> None:
    schedule.forget()
    built = {a.id: json.loads(document_json(a, NOW)) for a in ACTIVITIES}  # remembered
    for a in ACTIVITIES:
        assert built[a.id] == _plain(a), a.title
    # Both readings of the late evening have the same meetings, at the same instants.
    starts = {a.title: built[a.id].get("starts") for a in ACTIVITIES}
    assert starts["Gåtur late-evening"] == starts["Gåtur late-evening-utc"]


def test_every_schedule_gives_the_engine_its_meetings() -> None:
    """Not a vacuous comparison: the recurring schedules give the full list of starts."""
    docs = {a.title: to_document(a, NOW) for a in ACTIVITIES[:len(SCHEDULES)]}
    for name, sched in SCHEDULES.items():
        starts = docs[f"Strikkecafé {name}"].get("starts", [])
        if name in ("tuesday-until", "unknown"):
            assert len(starts) < OCCURRENCES
        elif sched["kind"] == "recurring" and "COUNT" not in sched["rrule"]:
            assert len(starts) == OCCURRENCES, name
        assert starts == sorted(starts), name


AFTERS = [datetime(2026, 8, 1, tzinfo=TZ), datetime(2026, 11, 24, 14, tzinfo=TZ),
          datetime(2026, 11, 24, 13, tzinfo=UTC), NOW, datetime(2027, 3, 28, 3, tzinfo=TZ)]


def _fresh(s: Schedule, after: datetime, count: int) -> list[tuple[datetime, timedelta | None]]:
    schedule.forget()
    return schedule.next_meetings(s, after, count)


def _exact(meetings: list[tuple[datetime, timedelta | None]]) -> list[tuple[str, Any]]:
    """Meetings as text: equal datetimes in other time zones are told apart."""
    return [(d.isoformat(), n) for d, n in meetings]


@pytest.mark.parametrize("name", SCHEDULES)
def test_a_remembered_expansion_is_the_fresh_one(name: str) -> None:
    s = Schedule.model_validate(SCHEDULES[name])
    schedule.forget()
    # Every schedule expanded first, so a wrongly shared memo would answer for this one.
    warm = {(other, after, count): schedule.next_meetings(
                Schedule.model_validate(sched), after, count)
            for other, sched in SCHEDULES.items() for after in AFTERS for count in (1, 3, 30)}
    for after in AFTERS:
        for count in (1, 3, 30):
            assert _exact(warm[name, after, count]) == _exact(_fresh(s, after, count))
            assert schedule.next_start_millis(s, after, count) == [
                int(d.timestamp() * 1000) for d, _ in _fresh(s, after, count)]


def test_the_late_evening_has_a_length_only_when_read_in_utc() -> None:
    after = datetime(2026, 11, 1, tzinfo=TZ)
    local = schedule.next_meetings(Schedule.model_validate(SCHEDULES["late-evening"]), after, 2)
    utc = schedule.next_meetings(Schedule.model_validate(SCHEDULES["late-evening-utc"]), after, 2)
    assert [d for d, _ in local] == [d for d, _ in utc]
    assert [n for _, n in local] == [None, None]
    assert [n for _, n in utc] == [timedelta(hours=1)] * 2


def test_changing_an_answer_does_not_change_the_next_one() -> None:
    s = Schedule.model_validate(TUESDAY)
    first = schedule.next_meetings(s, NOW, 3)
    first.clear()
    again = schedule.next_occurrences(s, NOW, 3)
    again.append(NOW)
    assert len(schedule.next_meetings(s, NOW, 3)) == 3
    assert len(schedule.next_start_millis(s, NOW, 3)) == 3


#: Pairs of schedules that differ in one thing, and whether their meetings differ for it.
DIFFERENT = [("tuesday", "tuesday-15"), ("tuesday", "tuesday-skips"),
             ("tuesday", "tuesday-and-a-friday"), ("tuesday", "tuesday-until"),
             ("tuesday", "tuesday-count"), ("late-evening", "late-evening-utc"),
             ("tuesday", "two-rules"), ("two-rules", "two-rules-second-skips"),
             ("tuesday", "two-rules-second-first"), ("tuesday", "three-rules-same-time")]


@pytest.mark.parametrize(("one", "other"), DIFFERENT, ids=[b for _, b in DIFFERENT])
def test_each_difference_changes_the_meetings(one: str, other: str) -> None:
    after = datetime(2026, 8, 1, tzinfo=TZ)
    a, b = (Schedule.model_validate(SCHEDULES[n]) for n in (one, other))
    assert _exact(_fresh(a, after, 30)) != _exact(_fresh(b, after, 30))


def test_a_schedule_in_utc_meets_at_the_same_local_times() -> None:
    after = datetime(2026, 8, 1, tzinfo=TZ)
    local, utc = (Schedule.model_validate(SCHEDULES[n]) for n in ("tuesday", "tuesday-in-utc"))
    assert _exact(_fresh(local, after, 30)) == _exact(_fresh(utc, after, 30))
