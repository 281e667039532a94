"""When an activity meets, read from Danish text: one-off dates and recurring schedules.

A Danish layer in front of dateparser: dateparser alone returns None for "12. marts 2026
kl. 19" and "tirsdag d. 3. februar", drops the time from "i morgen kl. 10", and knows no
recurrence. Dates, times and rules are read here; dateparser is used for what it reads right
(dates written in other orders, English month names). Recurrences become RFC 5545 RRULEs,
expanded on Copenhagen wall time.

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

from core.clock import TZ
from core.schema import Schedule, ScheduleKind
from normalize import _schedule_patterns as rx
from normalize._calendar_words import (
    DAILY,
    INTERVAL_WORDS,
    MONTHS,
    ORDINALS,
    UNKNOWN_TIME,
    WEEKDAY_ABBR,
    WEEKDAY_ORDER,
    WEEKDAY_STEMS,
    WEEKENDS,
    WORKDAYS,
)
from normalize.schedule import _first_at_or_after
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


def _take_iso_dates(t: str, f: _Found) -> str:
    for m in rx.ISO_DATE.finditer(t):
        try:
            f.dates.append(date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
        except ValueError:
            pass
    return rx.ISO_DATE.sub(" ", t)


def _take_dash_dates(t: str, ref: date, f: _Found) -> str:
    for m in rx.DASH_DATE.finditer(t):
        d = _next_date(int(m.group(1)), int(m.group(2)), int(m.group(3)), ref)
        if d:
            f.dates.append(d)
    return rx.DASH_DATE.sub(" ", t)


def _take_named_dates(t: str, ref: date, f: _Found) -> str:
    if not rx.HAS_MONTH.search(t):
        return t
    for m in rx.NAMED_DATE.finditer(t):
        if rx.DEADLINE.search(_before(t, m.start(), 40)):
            continue
        month = MONTHS[m.group(2)]
        for day in rx.DAY_NUMBER.findall(m.group(1)):
            d = _next_date(int(day), month, _year(m.group(3)), ref)
            if d:
                f.dates.append(d)
    return rx.NAMED_DATE.sub(" ", t)


def _take_numeric_dates(t: str, ref: date, f: _Found) -> str:
    def numeric(m: re.Match[str]) -> str:
        # A time like 19.30 has the same shape as 19.3 (a date): only dates that are marked
        # as dates ("d.", "/", a year, a closing dot) are read.
        marked = m.group("pre") or m.group("sep") == "/" or m.group("y") or m.group("dot")
        if not marked or "kl" in _before(t, m.start(), 4):
            return m.group(0)
        if rx.DEADLINE.search(_before(t, m.start(), 40)):
            return " "
        d = _next_date(int(m.group("d")), int(m.group("m")), _year(m.group("y")), ref)
        if d is None:
            return m.group(0)
        f.dates.append(d)
        return " "

    return rx.NUM_DATE.sub(numeric, t)


def _take_dates(t: str, ref: date, f: _Found) -> str:
    """The text without the dates it states, which go to `f.dates` (not deadlines)."""
    if not rx.HAS_DIGIT.search(t):
        return t
    # Each kind is taken out of the text before the next looks: no digits are read twice.
    t = _take_iso_dates(t, f)
    t = _take_dash_dates(t, ref, f)
    t = _take_named_dates(t, ref, f)
    if not rx.DIGIT_SEP_DIGIT.search(t):
        return t
    return _take_numeric_dates(t, ref, f)


def _take_times(t: str, f: _Found, lenient: bool) -> None:
    if not rx.HAS_DIGIT.search(t):
        return
    if m := rx.END_LABEL.search(t):
        f.end = _valid_time(m.group(1), m.group(2))
        t = _cut(t, m)
    for m in rx.TIME_RANGE.finditer(t):
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


def _season(t: str, ref: date, f: _Found) -> str:
    m = rx.SEASON.search(t) if rx.HAS_MONTH.search(t) and rx.HAS_DIGIT.search(t) else None
    if not m:
        return t
    sd, sm, ed, em = int(m.group(1)), MONTHS[m.group(2)], int(m.group(3)), MONTHS[m.group(4)]
    for year in (ref.year - 1, ref.year, ref.year + 1):
        try:
            start = date(year, sm, sd)
            end = date(year if (em, ed) >= (sm, sd) else year + 1, em, ed)
        except ValueError:
            return t
        if end >= ref:
            f.season = (start, end)
            break
    return _cut(t, m)


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


def _take_weeks(t: str, f: _Found) -> str:
    """Week numbers: a range ("uge 36-48", taken out of the text), else odd or even weeks."""
    if m := rx.WEEK_RANGE.search(t):
        a, b = int(m.group(1)), int(m.group(2))
        if 1 <= a <= 53 and 1 <= b <= 53:
            f.weeknos = _span(a, b, 53)
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
    if any(p in t for p in WORKDAYS):
        f.days = WEEKDAY_ORDER[:5]
    elif any(p in t for p in WEEKENDS) and not f.days:
        f.days = ["SA", "SU"]
    if m := rx.ON_DAY.search(t):
        f.once_day = WEEKDAY_STEMS[m.group(1)]


def _find(t: str, ref: date) -> _Found:
    """Everything the text says about when; spans read are taken out for the next reader."""
    f = _Found()
    t = _season(t, ref, f)
    t = _take_weeks(t, f)
    t = _take_months(t, f)
    t = _take_dates(t, ref, f)
    f.monthly = bool(rx.MONTHLY.search(t))
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


def parse_schedule(text: str | None, ref: date | datetime) -> Schedule:
    """Schedule from Danish text, read on `ref`; unknown (with the text kept) when unsure."""
    if not text or not text.strip():
        return Schedule(kind=ScheduleKind.unknown, text=text or None)
    day0 = ref.astimezone(TZ).date() if isinstance(ref, datetime) else ref
    try:
        t = _prep(text)
        # Several times on different days: one schedule of several rules (schedule_rules).
        return parse_several(t, day0, text.strip(), _parse) or _parse(t, day0, text.strip())
    except (ValueError, OverflowError, IndexError, KeyError):
        return Schedule(kind=ScheduleKind.unknown, text=text.strip())


def _relative(t: str) -> int | None:
    for pattern, days in rx.RELATIVE_DAYS:
        if pattern.search(t):
            return days
    return None


def _parse(t: str, ref: date, raw: str) -> Schedule:
    f = _find(t, ref)
    known_time = f.start is not None
    rel = _relative(t)
    if rel is not None and not f.dates:
        f.dates = [ref + timedelta(days=rel)]
    daily = any(p in t for p in DAILY)
    recurring_words = bool(
        f.monthly or f.interval > 1 or f.weeknos or daily or f.season or f.months
        or rx.RECURRING_WORDS.search(t)
        or rx.PLURAL_WEEKDAY.search(t)  # plural: "tirsdage"
    )
    if f.dates and not (f.season or f.weeknos):
        if f.days and recurring_words and not f.once_day:
            # "hver tirsdag fra 3. marts": a rule that starts on a date.
            return _recurring(f, ref, raw, known_time, daily, first=min(f.dates))
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
        return _recurring(f, ref, raw, known_time, daily)
    return _with_dateparser(t, ref, raw) or Schedule(kind=ScheduleKind.unknown, text=raw)


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
        until = datetime.combine(f.season[1], time(23, 59, 59), TZ).astimezone(UTC)
        parts.append("UNTIL=" + until.strftime("%Y%m%dT%H%M%SZ"))
    body = ";".join(parts)
    anchor = _at(start_day, f.start)
    # Phase of "every other week": the first matching day on or after the anchor.
    first_dt = _first_at_or_after(body, anchor, anchor)
    if first_dt is None:
        return Schedule(kind=ScheduleKind.unknown, text=raw)
    if f.interval > 1:
        body = body.replace(parts[0], f"{parts[0]};INTERVAL={f.interval}", 1)
    return Schedule(kind=ScheduleKind.recurring, start=first_dt, end=_end(first_dt, f.end),
                    rrule=body, time_known=known_time, text=raw)
