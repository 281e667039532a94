"""When an activity meets, read from Danish text: one-off dates and recurring schedules.

A Danish layer in front of dateparser: dateparser alone returns None for "12. marts 2026
kl. 19" and "tirsdag d. 3. februar", drops the time from "i morgen kl. 10", and knows no
recurrence. Dates, times and rules are read here; dateparser is used for what it reads right
(dates written in other orders, English month names). Recurrences become RFC 5545 RRULEs,
expanded on Copenhagen wall time.

How listings write it (issue 15), each rule documented where it is decided:

- A stated weekday must fit its date (`_dated`): otherwise the date is this year's past one,
  or the schedule is unknown; never a later year where the weekday fits.
- A deadline ("tilmelding senest mandagen før"), a page stamp ("Oprettet: 1. februar 2026")
  and vaguely quantified days ("de fleste onsdage") are no meetings (`_mask_noise`).
- "hverdag"/"hverdagen" is no day list; "alle hverdage", "på hverdage" are
  (`_calendar_words.WORKDAYS`).
- A season keeps both bounds and their years, a week range bounds the series, and a short
  span of days is every day of it (`_season`, `_take_weeks`).
- Breaks become skipped meetings (EXDATEs) and "Sæsonen slutter ..." the last one
  (`_take_breaks`); "I januar dog anden tirsdag" moves one month's meeting (`_recurring`).

>>> from datetime import date
>>> s = parse_schedule("hver tirsdag kl. 14-16", date(2026, 1, 10))
>>> s.kind.value, s.rrule, s.start.isoformat(), s.end.time().isoformat()
('recurring', 'FREQ=WEEKLY;BYDAY=TU', '2026-01-13T14:00:00+01:00', '16:00:00')
>>> s = parse_schedule("tirsdag d. 3. februar kl. 19", date(2026, 1, 10))
>>> s.kind.value, s.start.isoformat()
('once', '2026-02-03T19:00:00+01:00')
>>> parse_schedule("efter aftale", date(2026, 1, 10)).kind.value
'unknown'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from dateutil.easter import easter

from core.clock import TZ
from core.schema import Schedule, ScheduleKind
from normalize import _schedule_patterns as rx
from normalize._calendar_words import (
    DAILY,
    EASTER_HOLIDAYS,
    FIXED_HOLIDAYS,
    INTERVAL_WORDS,
    MONTHS,
    ORDINALS,
    UNKNOWN_TIME,
    WEEKDAY_ABBR,
    WEEKDAY_ORDER,
    WEEKDAY_STEMS,
    WEEKENDS,
)
from normalize.schedule import _first_at_or_after, _naive_until, _rule
from normalize.schedule_rules import parse_several


@dataclass
class _Found:
    dates: list[date] = field(default_factory=list)
    days: list[str] = field(default_factory=list)
    ordinals: list[int] = field(default_factory=list)
    monthly: bool = False
    interval: int = 1
    weeknos: list[int] = field(default_factory=list)
    months: list[int] = field(default_factory=list)
    season: tuple[date, date] | None = None
    start: time | None = None
    end: time | None = None
    once_day: str | None = None
    #: The first meeting of a series ("fra 1/9", "fra d. 23. april").
    first: date | None = None
    #: The last meeting, said apart from a season ("Sæsonen slutter tirsdag d. 16. juni").
    last: date | None = None
    #: Periods without meetings (inclusive), from the text's breaks.
    breaks: list[tuple[date, date]] = field(default_factory=list)
    #: A short span of days ("21.-23. maj"): every day of it, not a season.
    span_days: list[date] = field(default_factory=list)
    #: How many meetings the series has ("6 tirsdage fra d. 6. oktober").
    count: int | None = None
    #: One month whose meeting is another weekday of it: (month, ordinal, weekday).
    moved: tuple[int, int, str] | None = None
    #: A stated weekday that does not fit its date, or dates that cannot be: never a guess.
    conflict: bool = False


def _prep(text: str) -> str:
    t = text.casefold()
    t = rx.DASHES.sub("-", t)
    t = rx.ODD_SPACES.sub(" ", t)
    t = rx.KLOKKEN.sub("kl.", t)
    t = rx.CIRCA.sub("", t)
    return rx.WHITESPACE.sub(" ", t).strip()


def _valid_time(h: str, m: str | None) -> time | None:
    hour, minute = int(h), int(m or 0)
    if hour == 24 and minute == 0:
        return time(0, 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _next_date(day: int, month: int, year: int | None, ref: date) -> date | None:
    try:
        if year is not None:
            return date(year, month, day)
        d = date(ref.year, month, day)
        return d if d >= ref else date(ref.year + 1, month, day)
    except ValueError:
        return None


#: How far back a yearless first date of a series may lie: "fra d. 23. april", read on 6 May,
#: is the series that began in April, not one that begins next April.
_RUNNING = timedelta(days=183)


def _dated(f: _Found, day: int, month: int, year: int | None, ref: date,
           weekday: str | None = None, running: bool = False) -> date | None:
    """A date as the text states it, checked against the weekday written before it.

    Weekday/date consistency: a date without a year is the next such date on or after `ref`.
    When a weekday is stated and that date is not on it, the date is the one already past this
    year, if that one is on the stated weekday (a past event: "lørdag d. 26. september" read in
    November); otherwise the text is wrong and the schedule is unknown (`f.conflict`). It is
    never moved to a later year where the weekday would fit. A date with a year and the wrong
    weekday is a conflict too. `running`: a series' first date may lie up to half a year back.
    """
    try:
        if year is not None:
            found: date | None = date(year, month, day)
        else:
            this = date(ref.year, month, day)
            found = _next_date(day, month, None, ref)
            if running and this < ref and ref - this <= _RUNNING:
                found = this
            if weekday and found and found.weekday() != WEEKDAY_ORDER.index(weekday):
                found = this if this < ref else None
    except ValueError:
        return None
    if weekday and (found is None or found.weekday() != WEEKDAY_ORDER.index(weekday)):
        f.conflict = True
        return None
    return found


def _year(y: str | None) -> int | None:
    if not y:
        return None
    return int(y) + 2000 if len(y) == 2 else int(y)


def _before(t: str, at: int, reach: int) -> str:
    """The `reach` characters of the text before `at`."""
    return t[max(0, at - reach): at]


def _span(a: int, b: int, last: int) -> list[int]:
    """a to b, going round after `last` (week 50 to week 2, November to February)."""
    return list(range(a, b + 1)) if a <= b else [*range(a, last + 1), *range(1, b + 1)]


def _cut(t: str, m: re.Match[str]) -> str:
    """The text with what `m` read replaced by a space, so that no later pattern reads it."""
    return t[: m.start()] + " " + t[m.end():]


def _blank(t: str, a: int, b: int) -> str:
    """The text with a..b blanked out, keeping every other position where it was."""
    return t[:a] + " " * (b - a) + t[b:]


def _stated_weekday(t: str, at: int) -> tuple[str | None, int]:
    """The weekday written right before position `at` ("lørdag d. ", "fre. "), and where it
    starts (`at` when there is none)."""
    base = max(0, at - 18)
    m = rx.WEEKDAY_BEFORE.search(t[base:at])
    if not m:
        return None, at
    code = WEEKDAY_STEMS[m.group(1)] if m.group(1) else WEEKDAY_ABBR[m.group(2) + "."]
    return code, base + m.start()


#: One date read from the text: (start, end, date, said as "fra <date>").
_Dated = tuple[int, int, date, bool]


def _scan_dates(t: str, ref: date, f: _Found) -> tuple[str, list[_Dated]]:
    """Every date the text states, with where it stands, and the text with them blanked.

    Each kind is blanked before the next looks (ISO, dashed, named, numeric): no digits are
    read twice. Dates after a deadline word are blanked and not kept.
    """
    found: list[_Dated] = []
    if not rx.HAS_DIGIT.search(t):
        return t, found
    for m in rx.ISO_DATE.finditer(t):
        try:
            found.append((m.start(), m.end(),
                          date(int(m.group(1)), int(m.group(2)), int(m.group(3))), False))
        except ValueError:
            pass
        t = _blank(t, m.start(), m.end())
    for m in rx.DASH_DATE.finditer(t):
        d = _next_date(int(m.group(1)), int(m.group(2)), int(m.group(3)), ref)
        if d:
            found.append((m.start(), m.end(), d, False))
        t = _blank(t, m.start(), m.end())
    if rx.HAS_MONTH.search(t):
        t = _scan_named(t, ref, f, found)
    if rx.DIGIT_SEP_DIGIT.search(t):
        t = _scan_numeric(t, ref, f, found)
    return t, found


def _one_date(t: str, at: int, end: int, day: int, month: int, year: int | None, ref: date,
              f: _Found) -> _Dated | None:
    """A single date at t[at:end], with the weekday before it checked and taken with it."""
    weekday, start = _stated_weekday(t, at)
    running = bool(rx.FROM_BEFORE.search(_before(t, start, 30)) or
                   rx.FROM_BEFORE.search(_before(t, at, 30)))
    d = _dated(f, day, month, year, ref, weekday, running)
    return None if d is None else (start, end, d, running)


def _scan_named(t: str, ref: date, f: _Found, found: list[_Dated]) -> str:
    for m in list(rx.NAMED_DATE.finditer(t)):
        if rx.DEADLINE.search(_before(t, m.start(), 40)):
            t = _blank(t, m.start(), m.end())
            continue
        month, year = MONTHS[m.group(2)], _year(m.group(3))
        days = rx.DAY_NUMBER.findall(m.group(1))
        if len(days) == 1:
            one = _one_date(t, m.start(), m.end(), int(days[0]), month, year, ref, f)
            if one:
                found.append(one)
            t = _blank(t, one[0] if one else m.start(), m.end())
            continue
        for day in days:
            d = _next_date(int(day), month, year, ref)
            if d:
                found.append((m.start(), m.end(), d, False))
        t = _blank(t, m.start(), m.end())
    return t


def _scan_numeric(t: str, ref: date, f: _Found, found: list[_Dated]) -> str:
    for m in list(rx.NUM_DATE.finditer(t)):
        # A time like 19.30 has the same shape as 19.3 (a date): only dates that are marked
        # as dates ("d.", "/", a year, a closing dot) are read.
        marked = m.group("pre") or m.group("sep") == "/" or m.group("y") or m.group("dot")
        if not marked or "kl" in _before(t, m.start(), 4):
            continue
        if rx.DEADLINE.search(_before(t, m.start(), 40)):
            t = _blank(t, m.start(), m.end())
            continue
        at = m.start("pre") if m.group("pre") else m.start("d")
        one = _one_date(t, at, m.end(), int(m.group("d")), int(m.group("m")),
                        _year(m.group("y")), ref, f)
        if one is None and not f.conflict:
            continue  # not a date (13/14): left as it was
        if one:
            found.append(one)
        t = _blank(t, one[0] if one else m.start(), m.end())
    return t


def _take_dates(t: str, ref: date, f: _Found) -> str:
    """The text without the dates it states, which go to `f.dates` (not deadlines)."""
    t, found = _scan_dates(t, ref, f)
    for _, _, d, is_from in found:
        f.dates.append(d)
        if is_from and f.first is None:
            f.first = d
    return t


def _take_times(t: str, f: _Found, lenient: bool) -> None:
    if not rx.HAS_DIGIT.search(t):
        return
    if m := rx.END_LABEL.search(t):
        f.end = _valid_time(m.group(1) or m.group(3), m.group(2) or m.group(4))
        t = _cut(t, m)
    # A range marked as a time ("kl. 9.30-10.15", "10.00-11.30") before an unmarked one
    # ("1-3-årige" is no time).
    ranges = list(rx.TIME_RANGE.finditer(t))
    if len(ranges) > 1:
        ranges.sort(key=lambda r: not (r.group(1) or r.group(3)))
    for m in ranges:
        has_marker = m.group(1) or m.group(3)
        if not (has_marker or lenient):
            continue
        start, end = _valid_time(m.group(2), m.group(3)), _valid_time(m.group(4), m.group(5))
        if start and end:
            f.start, f.end = start, end
            return
    for pattern in rx.SINGLE_TIMES:
        single = pattern.search(t)
        if single:
            start = _valid_time(single.group(1), single.group(2))
            if start:
                f.start = start
                if f.end is not None and f.end == start:
                    f.end = None
                return


#: A span of at most this many days, with no word of recurrence, is every day of it ("21.-23.
#: maj", "mandag d. 12. okt til torsdag d. 15. okt"); a longer one is a season.
_SHORT_SPAN = 14


def _span_bounds(m: re.Match[str], ref: date, f: _Found,
                 before: str = "") -> tuple[date, date] | None:
    """The dates a DAY_RANGE match runs between: both bounds kept, each weekday checked.

    Years as written; without them, the span nearest ahead of or around `ref` (the current
    season when `ref` is inside it). "21.-23. maj" takes its month from the end.
    """
    d1, d2 = int(m.group("d1")), int(m.group("d2"))
    m2 = MONTHS[m.group("m2")]
    m1 = MONTHS[m.group("m1")] if m.group("m1") else m2
    y1, y2 = _year(m.group("y1")), _year(m.group("y2"))
    try:
        if y2 is not None:
            start = date(y1 if y1 is not None else (y2 if (m1, d1) <= (m2, d2) else y2 - 1),
                         m1, d1)
            bounds: tuple[date, date] | None = (start, date(y2, m2, d2))
        else:
            bounds = None
            for year in (ref.year - 1, ref.year, ref.year + 1):
                start = date(y1 or year, m1, d1)
                end = date(start.year if (m2, d2) >= (m1, d1) else start.year + 1, m2, d2)
                if end >= ref:
                    bounds = (start, end)
                    break
    except ValueError:
        return None
    if bounds is None or bounds[1] < bounds[0]:
        return None
    first_day, last_day = m.group("wd1"), m.group("wd2")
    if span := rx.WEEKDAY_SPAN_BEFORE.search(before):
        # "lørdag-søndag 28.-29. november": the span's days are the dates' days.
        first_day, last_day = span.group(1), last_day or first_day
    for code, day in ((first_day, bounds[0]), (last_day, bounds[1])):
        if code and WEEKDAY_STEMS[code] != WEEKDAY_ORDER[day.weekday()]:
            f.conflict = True
    return bounds


def _season(t: str, ref: date, f: _Found) -> str:
    """A span of days: a season ("fra 8. september 2026 til 9. marts 2027") or, when short,
    every day of it ("21.-23. maj")."""
    if not (rx.HAS_MONTH.search(t) and rx.HAS_DIGIT.search(t)):
        return t
    for m in rx.DAY_RANGE.finditer(t):
        if "kl" in _before(t, m.start(), 4) or rx.DEADLINE.search(_before(t, m.start(), 40)):
            continue
        bounds = _span_bounds(m, ref, f, _before(t, m.start(), 12))
        if bounds is None:
            continue
        start, end = bounds
        if (end - start).days < _SHORT_SPAN:
            f.span_days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
        f.season = bounds
        # A span of weekdays before it ("lørdag-søndag 28.-29. november") goes with it.
        span = rx.WEEKDAY_SPAN_BEFORE.search(_before(t, m.start(), 12))
        at = m.start() - (len(span.group(0)) if span else 0)
        return t[:at] + " " + t[m.end():]
    return t


def _week_bounds(a: int, b: int, ref: date) -> tuple[date, date] | None:
    """Monday of week a to Sunday of week b (ISO), the span nearest ahead of or around ref."""
    for year in (ref.year - 1, ref.year, ref.year + 1):
        try:
            start = date.fromisocalendar(year, a, 1)
            end = date.fromisocalendar(year if b >= a else year + 1, b, 7)
        except ValueError:
            continue
        if end >= ref:
            return start, end
    return None


def _weekdays(t: str) -> list[str]:
    days = [WEEKDAY_STEMS[m.group(1)] for m in rx.WEEKDAY.finditer(t)]
    days += [WEEKDAY_ABBR[m.group(1)] for m in rx.WEEKDAY_ABBREVIATION.finditer(t)]
    # "mandag-torsdag" / "mandag til torsdag": every day of the span.
    span = rx.WEEKDAY_SPAN.search(t)
    if span:
        a = WEEKDAY_ORDER.index(WEEKDAY_STEMS[span.group(1)])
        b = WEEKDAY_ORDER.index(WEEKDAY_STEMS[span.group(2)])
        if a < b:
            days += WEEKDAY_ORDER[a: b + 1]
    return sorted(set(days), key=WEEKDAY_ORDER.index)


def _take_weeks(t: str, ref: date, f: _Found) -> str:
    """Week numbers: a range ("uge 36-48", taken out of the text) bounds the series like a
    season, from the Monday of the first week to the Sunday of the last (so its last meeting
    is known); odd or even weeks ("i lige uger") are a rule of their own."""
    if m := rx.WEEK_RANGE.search(t):
        a, b = int(m.group(1)), int(m.group(2))
        if 1 <= a <= 53 and 1 <= b <= 53 and f.season is None:
            f.season = _week_bounds(a, b, ref)
        t = _cut(t, m)
    if not f.weeknos:
        if rx.ODD_WEEKS.search(t):
            f.weeknos = list(range(1, 54, 2))
        elif rx.EVEN_WEEKS.search(t):
            f.weeknos = list(range(2, 53, 2))
    return t


def _take_months(t: str, f: _Found) -> str:
    """A range of months ("september-april"), taken out of the text."""
    if rx.HAS_MONTH.search(t) and (m := rx.MONTH_RANGE.search(t)):
        f.months = _span(MONTHS[m.group(1)], MONTHS[m.group(2)], 12)
        t = _cut(t, m)
    return t


def _interval(word: str) -> int:
    """Every how many weeks "hver <word>" means: "anden" 2, "3." 3."""
    word = word.rstrip(".")
    return INTERVAL_WORDS.get(word, int(word) if word.isdigit() else 1)


def _ordinals(t: str, f: _Found) -> None:
    """Ordinals before a weekday: "1. og 3. onsdag" in the month, or every other week."""
    for m in rx.ORDINAL_DAY.finditer(t) if rx.WEEKDAY.search(t) else ():
        words = rx.ORDINAL_WORD.findall(m.group(1))
        before = _before(t, m.start(), 6)
        if not f.monthly and rx.DATE_MARK_BEFORE.search(before):
            continue  # "d. 2. og tirsdag d. 16.": dates, not ordinals
        if "hver" in before and not f.monthly and len(words) == 1:
            # "hver anden torsdag", "hver 2. onsdag": every other week, not the second one
            f.interval = _interval(words[0])
            continue
        if f.monthly or any(w not in ("anden", "andre") for w in words):
            f.ordinals += [ORDINALS[w] for w in words]
            f.monthly = True


def _every(t: str, f: _Found) -> None:
    """The interval in weeks: "hver 14. dag", "hver anden uge"."""
    if m := rx.EVERY_N_DAYS.search(t):
        f.interval = int(m.group(1)) // 7
    elif f.interval == 1 and not f.monthly and (m := rx.EVERY_OTHER.search(t)):
        f.interval = _interval(m.group(1))


def _days(t: str, f: _Found) -> None:
    """The weekdays named, or said as "hverdage" / "weekender"; one day ("på tirsdag")."""
    f.days = _weekdays(t)
    if rx.WORKDAYS_SAID.search(t):
        f.days = WEEKDAY_ORDER[:5]
    elif any(p in t for p in WEEKENDS) and not f.days:
        f.days = ["SA", "SU"]
    if m := rx.ON_DAY.search(t):
        f.once_day = WEEKDAY_STEMS[m.group(1)]


def _mask_noise(t: str) -> str:
    """The text without what only looks like a meeting: deadlines ("tilmelding senest mandagen
    før"), page stamps ("Oprettet: 1. februar 2026") and days under a vague quantifier ("de
    fleste onsdage og enkelte lørdage" is no rule)."""
    if rx.NOISE_HINT.search(t):
        t = rx.DEADLINE_SPAN.sub(" ", t)
        t = rx.STAMP_SPAN.sub(" ", t)
        t = rx.VAGUE_DAYS.sub(" ", t)
    return t


def _sentences(raw: str) -> list[str]:
    """The raw text's sentences: a full stop before a capital, unless after an abbreviation."""
    out, begin = [], 0
    for m in rx.SENTENCE_END.finditer(raw):
        word = raw[begin: m.start()].rsplit(None, 1)[-1:] or [""]
        if word[0].casefold().strip("(") in rx.ABBREVIATIONS:
            continue
        out.append(raw[begin: m.start() + 1])
        begin = m.end()
    out.append(raw[begin:])
    return out


def _nearest_month(month: int, ref: date) -> tuple[date, date]:
    for year in (ref.year, ref.year + 1):
        first = date(year, month, 1)
        last = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1))
        if last >= ref:
            return first, last
    raise ValueError(month)  # pragma: no cover - one of two years always ends after ref


def _holidays(clause: str, ref: date) -> list[date]:
    """Named holidays in a break clause ("og skærtorsdag"), the next on or after `ref`."""
    out = []
    for name, offset in EASTER_HOLIDAYS.items():
        if name in clause:
            days = [easter(y) + timedelta(days=offset) for y in (ref.year, ref.year + 1)]
            out.append(next(d for d in days if d >= ref))
    for name, (month, day) in FIXED_HOLIDAYS.items():
        if re.search(rf"(?<![\w.]){re.escape(name)}\b", clause):
            out.append(_next_date(day, month, None, ref) or ref)
    return out


def _break_weeks_months(text: str, ref: date) -> list[tuple[date, date]]:
    """Weeks ("uge 42, 52 og 53", "uge 28-31") and months ("i juni-august", "i juli") named
    in a break clause whose dates are already blanked, as the periods nearest ahead."""
    out: list[tuple[date, date]] = []
    for m in rx.WEEK_LIST.finditer(text):
        for part in re.split(r"\s*(?:,|og)\s*", m.group(1)):
            ends = [int(n) for n in re.findall(r"\d{1,2}", part)]
            if ends and all(1 <= n <= 53 for n in ends):
                bounds = _week_bounds(ends[0], ends[-1], ref)
                if bounds:
                    out.append(bounds)
        text = _blank(text, m.start(), m.end())
    if rx.HAS_MONTH.search(text):
        if span := rx.MONTH_RANGE.search(text):
            months = _span(MONTHS[span.group(1)], MONTHS[span.group(2)], 12)
            text = _blank(text, span.start(), span.end())
        else:
            months = []
        # "jul" is Christmas ("før jul", "mellem jul og nytår"); July is "juli" or "jul.".
        months += [MONTHS[w.group(1)] for w in rx.MONTH_WORD.finditer(text)
                   if w.group(1) != "jul" or text[w.end(): w.end() + 1] == "."]
        out += [_nearest_month(mo, ref) for mo in months]
    return out


def _read_break(clause: str, ref: date, f: _Found) -> bool:
    """Periods without meetings from one break clause, into `f.breaks` (see _take_breaks);
    whether it named any."""
    before = len(f.breaks)
    text = clause
    for m in list(rx.DAY_RANGE.finditer(text)):
        bounds = _span_bounds(m, ref, f)
        if bounds:
            f.breaks.append(bounds)
            text = _blank(text, m.start(), m.end())
    text, found = _scan_dates(text, ref, f)
    last_before, restart = rx.LAST_BEFORE.search(clause), rx.RESTART.search(clause)
    last = again = begin = None
    singles = []
    for at, _, d, is_from in found:
        if last_before and at > last_before.start() and last is None and not (
                restart and at > restart.start()):
            last = d
        elif restart and at > restart.start() and again is None:
            again = d
        elif is_from and begin is None:
            begin = d
        else:
            singles.append(d)
    periods = _break_weeks_months(text, ref)
    f.breaks += periods + [(d, d) for d in singles + _holidays(clause, ref)]
    if again is not None and (last or begin):
        # "Sidste gang før jul er 15. december, og vi starter igen d. 12. januar".
        f.breaks.append((last + timedelta(days=1) if last else begin or ref,
                         again - timedelta(days=1)))
    elif again is not None and not (periods or singles or f.breaks):
        f.breaks.append((ref, again - timedelta(days=1)))  # "vi starter igen d. 2. september"
    return len(f.breaks) > before


def _take_breaks(t: str, raw: str, ref: date, f: _Found) -> str:
    """Breaks and the last meeting, read one sentence at a time and taken out of the text.

    - A break clause runs from its trigger (rx.BREAK or LAST_BEFORE, and a RESTART in the
      same sentence) to the end of its sentence. What it names becomes periods without
      meetings, kept as EXDATEs of the rule (the schema has no range exception yet): a span
      of dates ("21. december - 3. januar", inclusive), weeks ("uge 42", ISO), months ("i
      juni-august"), single dates and named holidays; "sidste gang før jul er X ... starter
      igen Y" is the days between X and Y. Each period is the nearest one ahead of `ref`.
    - "Sæsonen slutter ... X", "Efterårets sidste vandring er X": X is the last meeting (the
      rule's UNTIL), unless a season already gives one.
    """
    if not rx.BREAK_HINT.search(t) or not (
            rx.BREAK.search(t) or rx.LAST_BEFORE.search(t) or rx.LAST_MEETING.search(t)):
        return t
    for sentence in _sentences(raw):
        s = _mask_noise(_prep(sentence))
        hits = [m.start() for m in (rx.BREAK.search(s), rx.LAST_BEFORE.search(s)) if m]
        if hits:
            # "starter igen" alone is a first meeting, not a break ("Holdet starter igen
            # mandag den 4. januar"); with a break it is the break's end.
            if restart := rx.RESTART.search(s):
                hits.append(restart.start())
            clause = s[min(hits):].strip()
            if not _read_break(clause, ref, f):
                continue  # it named no time: left to the other readers
        elif m := rx.LAST_MEETING.search(s):
            clause = s[m.start():].strip()
            _, found = _scan_dates(clause, ref, f)
            if not found:
                continue
            f.last = f.last or found[0][2]
        else:
            continue
        # The clause is read: nothing in it is a meeting.
        t = t.replace(clause, " ", 1)
    return t


def _find(t: str, ref: date, raw: str = "") -> _Found:
    """Everything the text says about when; spans read are taken out for the next reader."""
    f = _Found()
    t = _mask_noise(t)
    t = _take_breaks(t, raw, ref, f)
    if m := rx.MONTH_MOVED.search(t):
        f.moved = (MONTHS[m.group(1)], ORDINALS[m.group(2)], WEEKDAY_STEMS[m.group(3)])
        t = _cut(t, m)
    t = _season(t, ref, f)
    t = _take_weeks(t, ref, f)
    t = _take_months(t, f)
    t = _take_dates(t, ref, f)
    f.monthly = bool(rx.MONTHLY.search(t))
    if m := rx.COUNTED_DAYS.search(t):
        word = m.group(1)
        f.count = int(word) if word.isdigit() else rx.NUMBER_WORDS[word]
    _ordinals(t, f)
    _every(t, f)
    _days(t, f)
    lenient = bool(f.days or f.dates or any(p in t for p in DAILY))
    _take_times(t, f, lenient)
    return f


def _at(d: date, t: time | None) -> datetime:
    return datetime.combine(d, t or time(0, 0), TZ)


def _end(start: datetime, end: time | None) -> datetime | None:
    if end is None:
        return None
    e = datetime.combine(start.date(), end, TZ)
    return e if e > start else e + timedelta(days=1)


#: Texts up to this long are remembered with the day they were read on: a crawl repeats its
#: time fields ("Hver mandag kl. 14", "Tirsdage 10-12") far more often than its descriptions.
_REMEMBERED_CHARS = 300


def parse_schedule(text: str | None, ref: date | datetime) -> Schedule:
    """Schedule from Danish text, read on `ref`; unknown (with the text kept) when unsure."""
    if not text or not text.strip():
        return Schedule(kind=ScheduleKind.unknown, text=text or None)
    day0 = ref.astimezone(TZ).date() if isinstance(ref, datetime) else ref
    if len(text) <= _REMEMBERED_CHARS:
        # Shared, uncopied: no code changes a schedule in place (see schedule.from_schema_org).
        return _remembered(text, day0)
    return _read(text, day0)


@lru_cache(maxsize=20_000)
def _remembered(text: str, day0: date) -> Schedule:
    return _read(text, day0)


def _read(text: str, day0: date) -> Schedule:
    try:
        t = _prep(text)
        # Several times on different days: one schedule of several rules (schedule_rules).
        return parse_several(t, day0, text.strip(), _parse) or _parse(t, day0, text.strip())
    except (ValueError, OverflowError, IndexError, KeyError):
        return Schedule(kind=ScheduleKind.unknown, text=text.strip())


def may_state_a_rule(text: str) -> bool:
    """Whether the text has a word that can make it a recurring rule ("hver", "tirsdage", "i
    måneden", "dagligt"): a cheap look before reading a long description."""
    folded = text.casefold()
    return any(cue in folded and hint.search(folded) for cue, hint in rx.RULE_HINTS)


def _relative(t: str) -> int | None:
    for pattern, days in rx.RELATIVE_DAYS:
        if pattern.search(t):
            return days
    return None


def _parse(t: str, ref: date, raw: str) -> Schedule:
    f = _find(t, ref, raw)
    if f.conflict:
        # A weekday that does not fit its date: the text is wrong somewhere, so not a guess.
        return Schedule(kind=ScheduleKind.unknown, text=raw)
    known_time = f.start is not None
    rel = _relative(t)
    if rel is not None and not f.dates:
        f.dates = [ref + timedelta(days=rel)]
    daily = any(p in t for p in DAILY)
    stated_rule = bool(
        f.monthly or f.interval > 1 or f.weeknos or f.months
        or rx.RECURRING_WORDS.search(t)
        or rx.PLURAL_WEEKDAY.search(t)  # plural: "tirsdage"
    )
    if f.span_days and not stated_rule:
        return _span_once(f, raw, known_time)
    recurring_words = stated_rule or daily or bool(f.season or f.first)
    if f.dates and not f.season:
        if f.days and recurring_words and not f.once_day:
            # "hver tirsdag fra 3. marts": a rule that starts on a date.
            return _recurring(f, ref, raw, known_time, daily, first=f.first or min(f.dates))
        dates = sorted(set(f.dates))
        starts = [_at(d, f.start) for d in dates]
        return Schedule(kind=ScheduleKind.once, start=starts[0], end=_end(starts[0], f.end),
                        dates=starts[1:], time_known=known_time, text=raw)
    if f.once_day and not recurring_words:
        target = WEEKDAY_ORDER.index(f.once_day)
        d = ref + timedelta(days=(target - ref.weekday()) % 7)
        start = _at(d, f.start)
        return Schedule(kind=ScheduleKind.once, start=start, end=_end(start, f.end),
                        time_known=known_time, text=raw)
    if f.days or daily:
        if any(p in t for p in UNKNOWN_TIME) and not known_time and not recurring_words:
            return Schedule(kind=ScheduleKind.unknown, text=raw)
        return _recurring(f, ref, raw, known_time, daily, first=f.first)
    return _with_dateparser(t, ref, raw) or Schedule(kind=ScheduleKind.unknown, text=raw)


def _span_once(f: _Found, raw: str, known_time: bool) -> Schedule:
    """Every day of a short span ("21.-23. maj"), or those on the weekdays it names."""
    days = [d for d in f.span_days if WEEKDAY_ORDER[d.weekday()] in f.days] or f.span_days
    starts = [_at(d, f.start) for d in days]
    return Schedule(kind=ScheduleKind.once, start=starts[0], end=_end(starts[0], f.end),
                    dates=starts[1:], time_known=known_time, text=raw)


def _with_dateparser(t: str, ref: date, raw: str) -> Schedule | None:
    """English-style dates ("March 12, 2026 7pm"), which dateparser reads right."""
    if not rx.ENGLISH_DATE.search(t) or len(t) > 80:
        return None
    import dateparser

    found = dateparser.parse(
        t, languages=["en", "da"],
        settings={"RELATIVE_BASE": datetime.combine(ref, time()),
                  "PREFER_DATES_FROM": "future", "RETURN_AS_TIMEZONE_AWARE": False},
    )
    if found is None:
        return None
    known = bool(rx.ENGLISH_TIME.search(t))
    start = found.replace(tzinfo=TZ) if known else _at(found.date(), None)
    return Schedule(kind=ScheduleKind.once, start=start, time_known=known, text=raw)


def _recurring(f: _Found, ref: date, raw: str, known_time: bool, daily: bool,
               first: date | None = None) -> Schedule:
    if f.monthly and f.days:
        ords = f.ordinals or [1]
        byday = ",".join(f"{o}{d}" for o in ords for d in f.days)
        parts = ["FREQ=MONTHLY", f"BYDAY={byday}"]
    elif f.weeknos:
        parts = ["FREQ=YEARLY", "BYWEEKNO=" + ",".join(map(str, f.weeknos))]
        if f.days:
            parts.append("BYDAY=" + ",".join(f.days))
        elif not daily:
            return Schedule(kind=ScheduleKind.unknown, text=raw)
    elif f.days and not (daily and len(f.days) == 7):
        parts = ["FREQ=WEEKLY", "BYDAY=" + ",".join(f.days)]
    else:
        parts = ["FREQ=DAILY"]
    if f.months:
        parts.append("BYMONTH=" + ",".join(map(str, f.months)))
    # A stated first meeting fixes the phase of "every other week", even when it is past.
    start_day = first or ref
    if f.season:
        start_day = max(start_day, f.season[0])
    parts += _bound(f, first)
    body = ";".join(parts)
    anchor = _at(start_day, f.start)
    # Phase of "every other week": the first matching day on or after the anchor.
    first_dt = _first_at_or_after(body, anchor, anchor)
    if first_dt is None:
        return Schedule(kind=ScheduleKind.unknown, text=raw)
    if f.interval > 1:
        body = body.replace(parts[0], f"{parts[0]};INTERVAL={f.interval}", 1)
    extra = _moved_meeting(f, first_dt)
    return Schedule(kind=ScheduleKind.recurring, start=first_dt, end=_end(first_dt, f.end),
                    rrule=body, dates=extra, exdates=_skipped(body, first_dt, f.breaks),
                    time_known=known_time, text=raw)


def _bound(f: _Found, first: date | None) -> list[str]:
    """The rule's end: the season's last day, else the stated last meeting (UNTIL), else a
    number of meetings counted from a stated first one ("6 tirsdage fra d. 6. oktober")."""
    last = f.season[1] if f.season else f.last
    if last:
        until = datetime.combine(last, time(23, 59, 59), TZ).astimezone(UTC)
        return ["UNTIL=" + until.strftime("%Y%m%dT%H%M%SZ")]
    return [f"COUNT={f.count}"] if f.count and first else []


def _moved_meeting(f: _Found, first: datetime) -> list[datetime]:
    """"første tirsdag i måneden. I januar dog anden tirsdag": January's meeting is skipped
    (added to the breaks, so an EXDATE) and the one the text names is added (an RDATE)."""
    if not (f.moved and f.monthly):
        return []
    month, ordinal, code = f.moved
    period = _nearest_month(month, first.date())
    f.breaks.append(period)
    moved = _nth_weekday(period[0], ordinal, WEEKDAY_ORDER.index(code))
    return [_at(moved, f.start)] if moved else []


def _nth_weekday(month_start: date, ordinal: int, weekday: int) -> date | None:
    """The ordinal-th (-1: last) weekday of the month that starts on `month_start`."""
    days = [month_start + timedelta(days=n) for n in range(31)]
    hits = [d for d in days if d.month == month_start.month and d.weekday() == weekday]
    return hits[ordinal - 1 if ordinal > 0 else ordinal] if len(hits) >= abs(ordinal) else None


#: At most this many meetings a break skips (a break of a year on a daily rule).
_MAX_SKIPPED = 400


def _skipped(body: str, first: datetime, breaks: list[tuple[date, date]]) -> list[datetime]:
    """The rule's meetings that fall in the text's breaks: its EXDATEs."""
    if not breaks:
        return []
    rule = _rule(_naive_until(body), first)
    out: set[datetime] = set()
    for a, b in breaks:
        inside = rule.between(datetime.combine(a, time()), datetime.combine(b, time.max),
                              inc=True)
        out.update(d.replace(tzinfo=TZ) for d in inside[:_MAX_SKIPPED])
    return sorted(out)
