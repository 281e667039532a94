"""The API's remembered next meetings are always what a fresh expansion gives, whatever the
order and spacing of the times asked at (forward, backward, across the clock changes)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from core.clock import TZ
from core.schema import Schedule
from normalize.schedule import next_meetings
from search_api.upcoming import Upcoming

START = datetime(2026, 1, 6, 2, 30, tzinfo=TZ)  # 02:30: the hour the clock repeats in October
SCHEDULES = {
    "weekly": {"kind": "recurring", "start": START, "rrule": "FREQ=WEEKLY;BYDAY=TU"},
    "weekly, ends": {"kind": "recurring", "start": START,
                     "rrule": "FREQ=WEEKLY;BYDAY=TU;UNTIL=20260601T000000Z"},
    "daily with skips": {"kind": "recurring", "start": START, "rrule": "FREQ=DAILY",
                         "exdates": [START + timedelta(days=d) for d in (3, 4, 200, 201)]},
    "two rules": {"kind": "recurring", "start": START, "end": START + timedelta(hours=2),
                  "rrule": "FREQ=WEEKLY;BYDAY=MO",
                  "rules": [{"rrule": "FREQ=WEEKLY;BYDAY=WE",
                             "start": START + timedelta(days=1, hours=11)}]},
    "once with dates": {"kind": "once", "start": START,
                        "dates": [START + timedelta(days=d) for d in (40, 41, 90, 300)]},
}


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_remembered_meetings_are_fresh_ones(name: str) -> None:
    schedule = Schedule.model_validate(SCHEDULES[name])
    upcoming = Upcoming()
    rng = random.Random(name)
    now = START - timedelta(days=3)
    reused = 0
    for _ in range(400):
        now += timedelta(minutes=rng.choice([1, 7, 59, 60, 61, 600, 1440, 4000]))
        if rng.random() < 0.05:
            now -= timedelta(days=rng.randint(0, 3), hours=rng.randint(0, 23))  # a test clock
        count = rng.choice([1, 3, 5])
        got = upcoming.meetings(schedule, now, count)
        # answered from what an earlier time found:
        reused += upcoming._entries[(schedule.model_dump_json().encode(), count)].at < now
        assert got == next_meetings(schedule, now, count), (name, now, count)
        assert upcoming.starts(schedule, now, count) == [s for s, _ in got]
    assert reused > 0  # the memory was really used, not only filled
    assert now > START + timedelta(days=120)  # over months of meetings, past the rule's end


@pytest.mark.parametrize("name", list(SCHEDULES))
@pytest.mark.parametrize("night", [datetime(2026, 10, 24, 22, tzinfo=UTC),  # 03:00 → 02:00
                                   datetime(2026, 3, 28, 23, tzinfo=UTC)])  # 02:00 → 03:00
def test_across_the_clock_change(name: str, night: datetime) -> None:
    schedule = Schedule.model_validate(SCHEDULES[name])
    upcoming = Upcoming()
    for step in range(0, 6 * 60, 5):
        now = (night + timedelta(minutes=step)).astimezone(TZ)
        assert upcoming.meetings(schedule, now, 2) == next_meetings(schedule, now, 2), now


def test_memory_is_bounded() -> None:
    upcoming = Upcoming(max_entries=3)
    for day in range(10):
        s = Schedule.model_validate({"kind": "once", "start": START + timedelta(days=day)})
        upcoming.meetings(s, START, 1)
    assert len(upcoming._entries) == 3
