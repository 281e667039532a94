"""A schedule of several rules: the schema, the merged occurrences, and the reader of "several
times on different days" (normalize/schedule_rules.py), rule by rule."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from core.clock import TZ
from core.schema import Schedule, ScheduleKind, ScheduleRule
from normalize.schedule import (
    day_parts,
    last_start,
    next_meetings,
    next_occurrences,
    weekdays,
)
from normalize.schedule_text import parse_schedule


def _at(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)  # type: ignore[misc]


#: Mondays 18:30-20:00 and Wednesdays 13:00 (no end), from 2 March 2026.
TWO = Schedule(kind="recurring", rrule="FREQ=WEEKLY;BYDAY=MO", start=_at(2026, 3, 2, 18, 30),
               end=_at(2026, 3, 2, 20), rules=[
                   ScheduleRule(rrule="FREQ=WEEKLY;BYDAY=WE", start=_at(2026, 3, 4, 13))])


def _hm(ds: list[datetime]) -> list[str]:
    return [d.strftime("%Y-%m-%d %a %H:%M") for d in ds]


# -- schema ------------------------------------------------------------------------------------

def test_a_schedule_of_several_rules_round_trips_through_json() -> None:
    again = Schedule.model_validate_json(TWO.model_dump_json())
    assert again == TWO
    assert json.loads(TWO.model_dump_json())["rules"][0]["rrule"] == "FREQ=WEEKLY;BYDAY=WE"


def test_a_one_rule_schedule_reads_and_writes_as_before() -> None:
    # Stored records have no "rules": they read, and their JSON (and so their hash) is as it was.
    old = {"kind": "recurring", "start": "2026-03-03T14:00:00+01:00",
           "rrule": "FREQ=WEEKLY;BYDAY=TU", "text": "hver tirsdag kl. 14"}
    s = Schedule.model_validate(old)
    assert s.rules == []
    assert "rules" not in json.loads(s.model_dump_json())


@pytest.mark.parametrize("bad", [
    {"rrule": "FREQ=SOMETIMES", "start": _at(2026, 3, 4, 13)},
    {"rrule": "FREQ=WEEKLY;BYDAY=WE", "start": datetime(2026, 3, 4, 13)},  # no time zone
    {"rrule": "FREQ=WEEKLY;BYDAY=WE", "start": _at(2026, 3, 4, 13), "end": _at(2026, 3, 4, 12)},
], ids=["bad-rrule", "naive-start", "ends-before-start"])
def test_a_bad_further_rule_is_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Schedule(kind="recurring", rrule="FREQ=WEEKLY;BYDAY=MO", start=_at(2026, 3, 2, 18),
                 rules=[bad])  # type: ignore[list-item]


def test_only_a_recurring_schedule_has_further_rules() -> None:
    with pytest.raises(ValidationError):
        Schedule(kind="once", start=_at(2026, 3, 2, 18), rules=TWO.rules)


# -- occurrences merged over the rules -----------------------------------------------------------

def test_next_occurrences_are_merged_over_the_rules() -> None:
    got = next_occurrences(TWO, _at(2026, 3, 3), 4)
    assert _hm(got) == ["2026-03-04 Wed 13:00", "2026-03-09 Mon 18:30",
                        "2026-03-11 Wed 13:00", "2026-03-16 Mon 18:30"]


def test_each_meeting_keeps_its_own_rules_length() -> None:
    got = next_meetings(TWO, _at(2026, 3, 3), 2)
    assert [(d.strftime("%a"), n and n.seconds // 60) for d, n in got] == [
        ("Wed", None), ("Mon", 90)]


def test_skipped_meetings_and_extra_dates_apply_to_the_merged_set() -> None:
    s = TWO.model_copy(update={
        "exdates": [_at(2026, 3, 9, 18, 30)],            # a Monday cancelled
        "dates": [_at(2026, 3, 7, 10)],                   # one Saturday extra
        "rules": [TWO.rules[0].model_copy(update={"exdates": [_at(2026, 3, 11, 13)]})]})
    assert _hm(next_occurrences(s, _at(2026, 3, 3), 4)) == [
        "2026-03-04 Wed 13:00", "2026-03-07 Sat 10:00", "2026-03-16 Mon 18:30",
        "2026-03-18 Wed 13:00"]


def test_weekdays_parts_of_day_and_last_meeting_cover_every_rule() -> None:
    assert weekdays(TWO) == {0, 2}
    assert day_parts(TWO) == {"aften", "eftermiddag"}
    assert last_start(TWO) is None  # goes on
    bounded = TWO.model_copy(update={
        "rrule": "FREQ=WEEKLY;BYDAY=MO;COUNT=2",
        "rules": [ScheduleRule(rrule="FREQ=WEEKLY;BYDAY=WE;COUNT=3", start=_at(2026, 3, 4, 13))]})
    assert last_start(bounded) == _at(2026, 3, 18, 13)
    half_open = bounded.model_copy(update={"rrule": "FREQ=WEEKLY;BYDAY=MO"})
    assert last_start(half_open) is None


# -- the reader --------------------------------------------------------------------------------

#: (text, reading day, every rule as (RRULE, first start), first three meetings), grouped by
#: where the pattern comes from. Written for these tests, in the style of real listings.
READS = {
    "forening: two days, two times": (
        "Stolegymnastik mandag kl. 10.00-11.00 og torsdag kl. 14.00-15.00 i Aktivitetshuset.",
        date(2026, 4, 14),
        [("FREQ=WEEKLY;BYDAY=TH", "2026-04-16T14:00"),
         ("FREQ=WEEKLY;BYDAY=MO", "2026-04-20T10:00")],
        ["2026-04-16 Thu 14:00", "2026-04-20 Mon 10:00", "2026-04-23 Thu 14:00"]),
    "forening: bare ranges right after the days": (
        "Vi spiller tirsdag 10-12 og torsdag 14-16 i klubhuset ved  havnen.",
        date(2026, 4, 14),
        [("FREQ=WEEKLY;BYDAY=TU", "2026-04-14T10:00"),
         ("FREQ=WEEKLY;BYDAY=TH", "2026-04-16T14:00")],
        ["2026-04-14 Tue 10:00", "2026-04-16 Thu 14:00", "2026-04-21 Tue 10:00"]),
    "kommune: same time, one rule": (
        "Træning i Idrætscentret mandag kl. 9.00 og fredag kl. 9.00. Alle kan være med.",
        date(2026, 4, 14),
        [("FREQ=WEEKLY;BYDAY=MO,FR", "2026-04-17T09:00")],
        ["2026-04-17 Fri 09:00", "2026-04-20 Mon 09:00", "2026-04-24 Fri 09:00"]),
    "aeldresagen: monthly and weekly": (
        "Kortklubben mødes 2. onsdag i måneden kl. 13-16 samt hver fredag kl. 10.",
        date(2026, 4, 1),
        [("FREQ=WEEKLY;BYDAY=FR", "2026-04-03T10:00"),
         ("FREQ=MONTHLY;BYDAY=2WE", "2026-04-08T13:00")],
        ["2026-04-03 Fri 10:00", "2026-04-08 Wed 13:00", "2026-04-10 Fri 10:00"]),
    "forening: a season bounds every rule": (
        "Krolf onsdag kl. 9.30 og lørdag kl. 14 i sæsonen 1. maj - 30. september 2026.",
        date(2026, 4, 20),
        [("FREQ=WEEKLY;BYDAY=SA;UNTIL=20260930T215959Z", "2026-05-02T14:00"),
         ("FREQ=WEEKLY;BYDAY=WE;UNTIL=20260930T215959Z", "2026-05-06T09:30")],
        ["2026-05-02 Sat 14:00", "2026-05-06 Wed 09:30", "2026-05-09 Sat 14:00"]),
    "forening: an exception to the days": (
        "Værkstedet har åbent tirsdag, torsdag og fredag fra kl. 13 til 17 – dog fredag "
        "først fra kl. 14.",
        date(2026, 4, 14),
        [("FREQ=WEEKLY;BYDAY=TU,TH", "2026-04-14T13:00"),
         ("FREQ=WEEKLY;BYDAY=FR", "2026-04-17T14:00")],
        ["2026-04-14 Tue 13:00", "2026-04-16 Thu 13:00", "2026-04-17 Fri 14:00"]),
}


@pytest.mark.parametrize("case", READS.values(), ids=READS.keys())
def test_several_times_become_several_rules(
        case: tuple[str, date, list[tuple[str, str]], list[str]]) -> None:
    text, ref, rules, meetings = case
    s = parse_schedule(text, ref)
    assert s.kind is ScheduleKind.recurring and s.text == text
    got = [(s.rrule, s.start)] + [(r.rrule, r.start) for r in s.rules]
    assert [(body, start.strftime("%Y-%m-%dT%H:%M") if start else None)
            for body, start in got] == rules
    assert _hm(next_occurrences(s, datetime.combine(ref, datetime.min.time(), TZ), 3)) == meetings


def test_the_exception_keeps_the_earlier_end() -> None:
    s = parse_schedule("Værkstedet har åbent tirsdag, torsdag og fredag fra kl. 13 til 17 – dog "
                       "fredag først fra kl. 14.", date(2026, 4, 14))
    (friday,) = s.rules
    assert friday.end is not None and friday.end.strftime("%H:%M") == "17:00"


def test_a_deadline_is_not_a_meeting() -> None:
    s = parse_schedule("Fællesspisning hver torsdag kl. 18.00. Tilmelding senest mandag kl. 12.",
                       date(2026, 4, 14))
    assert s.rules == [] and s.rrule == "FREQ=WEEKLY;BYDAY=TH"


def test_two_dated_days_at_two_times_are_one_off_dates() -> None:
    s = parse_schedule("Loppemarked lørdag d. 9. maj kl. 10 og søndag d. 10. maj kl. 12.",
                       date(2026, 4, 14))
    assert s.kind is ScheduleKind.once and s.rules == []
    assert s.start is not None
    assert _hm([s.start, *s.dates]) == ["2026-05-09 Sat 10:00", "2026-05-10 Sun 12:00"]


def test_a_past_first_date_does_not_move_the_series_a_year() -> None:
    s = parse_schedule("Motion tirsdag kl. 9.30 og fredag kl. 13 (fra 1/3).", date(2026, 4, 14))
    assert s.start is not None and s.start.date() == date(2026, 4, 14)


@pytest.mark.parametrize("text", [
    "Vi snakker om hverdagen kl. 14 og om weekenden.",   # no day list, one time
    "Mandag og onsdag kl. 10",                           # one pair: the one-rule reader
    "Åbent hus med kaffe og kage – alle er velkomne.",   # no day, no time
])
def test_no_two_pairs_no_rules(text: str) -> None:
    assert parse_schedule(text, date(2026, 4, 14)).rules == []


def test_several_schema_org_event_schedules_become_several_rules() -> None:
    from normalize.schedule import from_schema_org

    s = from_schema_org(event_schedule=[
        {"@type": "Schedule", "byDay": "https://schema.org/Monday", "repeatFrequency": "P1W",
         "startTime": "18:30", "endTime": "20:00"},
        {"@type": "Schedule", "byDay": "https://schema.org/Wednesday", "repeatFrequency": "P1W",
         "startTime": "13:00"}], ref=_at(2026, 3, 3))
    assert s.kind is ScheduleKind.recurring and s.time_known
    assert [s.rrule, *(r.rrule for r in s.rules)] == [
        "FREQ=WEEKLY;INTERVAL=1;BYDAY=WE", "FREQ=WEEKLY;INTERVAL=1;BYDAY=MO"]
    assert _hm(next_occurrences(s, _at(2026, 3, 3), 3)) == [
        "2026-03-04 Wed 13:00", "2026-03-09 Mon 18:30", "2026-03-11 Wed 13:00"]
    assert [n and n.seconds // 60 for _, n in next_meetings(s, _at(2026, 3, 3), 2)] == [None, 90]


def test_a_piece_that_says_every_names_its_next_meeting() -> None:
    s = parse_schedule("Dans hver mandag kl. 19.00 og hver anden søndag kl. 14.00 (næste søndag "
                       "er d. 8. februar) i Forsamlingshuset.", date(2026, 2, 3))
    assert s.kind is ScheduleKind.recurring
    sunday = next(r for r in [s, *s.rules] if "SU" in (r.rrule or ""))
    assert sunday.rrule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=SU"
    assert sunday.start is not None and sunday.start.date() == date(2026, 2, 8)


# -- properties --------------------------------------------------------------------------------

_DA_DAYS = ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"]
_JOINS = [" og ", ", ", " samt ", ". Desuden ", " – og "]
_FILLER = ["", " i Sognegården", " (husk indesko)", " på banerne bag hallen", " for alle"]


@st.composite
def _listing(draw: st.DrawFn) -> tuple[str, list[tuple[set[int], int, int]]]:
    """A listing of 2-3 (days, time) pairs, no day repeated: text and what it states."""
    n = draw(st.integers(2, 3))
    days = draw(st.permutations(range(7)))
    sizes = [draw(st.integers(1, 2)) for _ in range(n)]
    pairs, text, i = [], [], 0
    for k, size in enumerate(sizes):
        group = sorted(days[i:i + size])
        i += size
        hour, minute = draw(st.integers(7, 21)), draw(st.sampled_from([0, 15, 30]))
        words = " og ".join(_DA_DAYS[d] for d in group)
        clock = draw(st.sampled_from([f"kl. {hour}.{minute:02d}", f"kl {hour}:{minute:02d}",
                                      f"fra kl. {hour}.{minute:02d}"]))
        if draw(st.booleans()):
            clock += f"-{hour + 2}.{minute:02d}"
        text.append((draw(st.sampled_from(_JOINS)) if k else "") + f"{words} {clock}"
                    + draw(st.sampled_from(_FILLER)))
        pairs.append((set(group), hour, minute))
    return "Vi mødes " + "".join(text) + ".", pairs


@settings(max_examples=200, deadline=None)
@given(_listing(), st.dates(date(2026, 1, 1), date(2027, 12, 31)))
def test_every_meeting_is_on_a_stated_day_at_that_days_time(
        listing: tuple[str, list[tuple[set[int], int, int]]], ref: date) -> None:
    text, pairs = listing
    s = parse_schedule(text, ref)
    assert s.kind is ScheduleKind.recurring, text
    stated = {d: (h, m) for days, h, m in pairs for d in days}
    meetings = next_occurrences(s, datetime.combine(ref, datetime.min.time(), TZ), 21)
    assert len(meetings) == 21
    for d in meetings:
        assert d.weekday() in stated, (text, d)
        assert (d.hour, d.minute) == stated[d.weekday()], (text, d)
    # Every stated day meets within the first three weeks.
    assert {d.weekday() for d in meetings} == set(stated)


def test_a_day_named_after_the_last_time_is_no_meeting() -> None:
    s = parse_schedule("Vi mødes mandag kl. 10 og onsdag kl. 14. Kontoret er lukket fredag.",
                       date(2026, 4, 14))
    assert weekdays(s) == {0, 2}


def test_a_time_before_its_day_makes_the_pairing_unsure() -> None:
    # Read here as pairs, the Wednesday would get 9:00: nothing is read as several rules.
    s = parse_schedule("Kl. 10 mandag, kl. 14 onsdag og kl. 9 fredag.", date(2026, 4, 14))
    assert s.rules == []


def test_a_word_like_a_deadline_far_from_the_day_is_no_deadline() -> None:
    s = parse_schedule("Tilmelding er ikke nødvendig, vi spiller bare i hallen mandag kl. 10 og "
                       "onsdag kl. 14.", date(2026, 4, 14))
    assert weekdays(s) == {0, 2} and len(s.rules) == 1
