"""The Danish schedule reader on the forms the brief names, and its invariants."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from dateutil.rrule import rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st

from core.clock import TZ
from normalize._calendar_words import MONTHS, WEEKDAY_STEMS
from normalize.schedule import next_occurrences
from normalize.schedule_text import parse_schedule

REF = date(2026, 1, 10)  # a Saturday


def nxt(text: str, ref: date = REF, n: int = 3) -> list[str]:
    s = parse_schedule(text, ref)
    fmt = "%Y-%m-%d %H:%M" if s.time_known else "%Y-%m-%d"
    return [d.strftime(fmt) for d in next_occurrences(s, datetime(ref.year, ref.month, ref.day,
                                                                  tzinfo=TZ), n)]


@pytest.mark.parametrize(("text", "kind", "first"), [
    ("tirsdag d. 3. februar kl. 19", "once", ["2026-02-03 19:00"]),
    ("12. marts 2026 kl. 19.00-21.30", "once", ["2026-03-12 19:00"]),
    ("hver tirsdag kl. 14-16", "recurring", ["2026-01-13 14:00", "2026-01-20 14:00"]),
    ("tirsdage kl. 10:00 - 11:00", "recurring", ["2026-01-13 10:00", "2026-01-20 10:00"]),
    ("mandag og torsdag kl. 9.30", "recurring", ["2026-01-12 09:30", "2026-01-15 09:30"]),
    ("hver anden torsdag", "recurring", ["2026-01-15", "2026-01-29"]),
    ("1. og 3. onsdag i måneden", "recurring", ["2026-01-21", "2026-02-04"]),
    ("første lørdag i måneden", "recurring", ["2026-02-07", "2026-03-07"]),
    ("sidste søndag i måneden", "recurring", ["2026-01-25", "2026-02-22"]),
    ("tirsdag i lige uger kl. 10", "recurring", ["2026-01-20 10:00", "2026-02-03 10:00"]),
    ("torsdag i ulige uger kl. 10", "recurring", ["2026-01-15 10:00", "2026-01-29 10:00"]),
    ("mandag kl. 10 fra uge 36 til uge 48", "recurring", ["2026-08-31 10:00", "2026-09-07 10:00"]),
    ("onsdag kl. 19 fra 1. september til 30. april", "recurring",
     ["2026-01-14 19:00", "2026-01-21 19:00"]),
    ("alle hverdage kl. 9", "recurring", ["2026-01-12 09:00", "2026-01-13 09:00"]),
    ("dagligt kl. 10-16", "recurring", ["2026-01-10 10:00", "2026-01-11 10:00"]),
    ("i morgen kl. 10", "once", ["2026-01-11 10:00"]),
    ("Alle uger / Ugedag: Mandag kl. 10:00 - 11:00", "recurring",
     ["2026-01-12 10:00", "2026-01-19 10:00"]),
    ("kl. 19–21 hver onsdag", "recurring", ["2026-01-14 19:00", "2026-01-21 19:00"]),
    ("Fredage 19:30", "recurring", ["2026-01-16 19:30", "2026-01-23 19:30"]),
    ("efter aftale", "unknown", []),
    ("Tidspunktet er ikke fastlagt endnu", "unknown", []),
])
def test_forms_from_the_brief(text: str, kind: str, first: list[str]) -> None:
    assert parse_schedule(text, REF).kind.value == kind
    assert nxt(text, n=len(first)) == first


def test_end_time_and_original_text_kept() -> None:
    s = parse_schedule("  hver tirsdag kl. 14–16 ", REF)
    assert s.end is not None and s.end.strftime("%H:%M") == "16:00"
    assert s.text == "hver tirsdag kl. 14–16"


def test_a_past_dated_one_off_has_no_next() -> None:
    assert parse_schedule("12. marts 2025 kl. 19", REF).kind.value == "once"
    assert nxt("12. marts 2025 kl. 19") == []


def test_deadline_is_not_a_meeting() -> None:
    assert nxt("Julefrokost fredag d. 11. december kl. 12.30. Tilmelding senest 1. december.",
               ref=date(2026, 10, 29)) == ["2026-12-11 12:30"]


_calendar_words = st.sampled_from([
    *WEEKDAY_STEMS, *MONTHS, "hver", "anden", "i måneden", "lige", "ulige", "uger", "uge",
    "fra", "til", "kl.", "d.", "og", "første", "sidste", "dagligt", "hverdage", "i morgen",
    "-", "/", ".", ":", "19", "9.30", "14-16", "3.", "36", "48", "2026", "1.", "den", "senest",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(_calendar_words | st.text(max_size=6), max_size=14).map(" ".join),
       st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)))
def test_never_raises_and_rrule_is_valid(text: str, ref: date) -> None:
    s = parse_schedule(text, ref)
    assert s.kind.value in ("once", "recurring", "unknown")
    if s.rrule is not None:
        assert s.kind.value == "recurring"
        rrulestr(s.rrule.replace("Z", ""), dtstart=datetime(2000, 1, 1))
    if s.kind.value == "recurring":
        assert s.rrule and s.start
    next_occurrences(s, datetime(ref.year, ref.month, ref.day, tzinfo=TZ), 3)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_never_raises_on_any_text(text: str) -> None:
    parse_schedule(text, REF)
