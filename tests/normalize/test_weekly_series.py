"""A series given as its meetings becomes a weekly rule only when the rule gives exactly the
same meetings (normalize.schedule.weekly_series, from_calendar)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest

from core.clock import TZ
from normalize.schedule import SERIES_MIN, from_calendar, next_occurrences

START = datetime(2026, 9, 3, 14, 0, tzinfo=TZ)  # a Thursday; the series crosses DST's end


def _meetings(cal: dict[str, object]) -> list[str]:
    s = from_calendar(cal)
    return [d.isoformat() for d in next_occurrences(s, datetime(2026, 1, 1, tzinfo=TZ), 200)]


@pytest.mark.parametrize("seed", range(40))
def test_the_rule_gives_exactly_the_listed_meetings(seed: int) -> None:
    rnd = random.Random(seed)
    step = rnd.choice([1, 1, 2])
    weeks = rnd.randint(SERIES_MIN, 30)
    held = sorted(rnd.sample(range(weeks), rnd.randint(1, weeks)) + [0])
    dates = sorted({START + timedelta(weeks=step * k) for k in held})
    cal = {"dtstart": dates[0].isoformat(), "rdates": [d.isoformat() for d in dates[1:]]}
    s = from_calendar(cal)
    assert _meetings(cal) == [d.isoformat() for d in dates]
    if s.kind.value == "recurring":
        # Read as a rule only with fewer weeks skipped than held.
        assert len(s.exdates) < len(dates) and not s.dates
    else:
        assert len(dates) < SERIES_MIN or len(dates) <= (dates[-1] - dates[0]).days // 7 \
            // step + 1 - len(dates) or step > 1


def test_other_times_or_days_stay_a_list() -> None:
    dates = [START, START + timedelta(weeks=1), START + timedelta(days=15)]
    cal = {"dtstart": dates[0].isoformat(), "rdates": [d.isoformat() for d in dates[1:]]}
    assert from_calendar(cal).kind.value == "once"
    assert _meetings(cal) == [d.isoformat() for d in dates]


def test_a_dpl_series_with_a_christmas_break_reads_as_every_thursday() -> None:
    dates = [START + timedelta(weeks=k) for k in range(18) if k not in (16,)]
    cal = {"dtstart": dates[0].isoformat(), "dtend": (dates[0] + timedelta(hours=2)).isoformat(),
           "rdates": [d.isoformat() for d in dates[1:]]}
    s = from_calendar(cal)
    assert s.kind.value == "recurring" and s.rrule is not None
    assert s.rrule.startswith("FREQ=WEEKLY;INTERVAL=1;UNTIL=")
    assert [d.date().isoformat() for d in s.exdates] == ["2026-12-24"]
    assert s.end is not None and (s.end - s.start).seconds == 7200  # type: ignore[operator]
