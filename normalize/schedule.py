"""When an activity meets: schema.org dates and schedules into `Schedule`, and its occurrences.

Times are wall-clock times in Europe/Copenhagen: a club that meets at 19:00 meets at 19:00 in
both winter and summer time, so recurrences are expanded on local time.
"""

from __future__ import annotations

import heapq
import json
import math
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from dateutil.rrule import rrule, rruleset, rrulestr

from core.clock import TZ
from core.schema import Schedule, ScheduleKind, ScheduleRule
from normalize._memo import Key

#: schema.org day names (also as https://schema.org/Tuesday URLs) to RFC 5545 BYDAY codes.
SCHEMA_DAYS = {
    "monday": "MO",
    "tuesday": "TU",
    "wednesday": "WE",
    "thursday": "TH",
    "friday": "FR",
    "saturday": "SA",
    "sunday": "SU",
}
_BYDAY_INDEX = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$", re.I)
#: Plain-word frequencies some sites write instead of ISO 8601 durations.
_WORD_FREQ = {"daily": ("DAILY", 1), "weekly": ("WEEKLY", 1), "monthly": ("MONTHLY", 1),
              "yearly": ("YEARLY", 1)}


def parse_iso(value: object) -> datetime | None:
    """An ISO 8601 date or date-time as a tz-aware datetime; naive values are Copenhagen time.

    >>> parse_iso("2026-12-10T19:00:00+01:00").isoformat()
    '2026-12-10T19:00:00+01:00'
    >>> parse_iso("2026-07-01 10:00").isoformat()
    '2026-07-01T10:00:00+02:00'
    >>> parse_iso("2026-12-10").isoformat()
    '2026-12-10T00:00:00+01:00'
    >>> parse_iso("næste tirsdag") is None
    True
    """
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime.combine(value, time())
    elif isinstance(value, str):
        text = value.strip().replace("Z", "+00:00")
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            return None
    else:
        return None
    if dt.tzinfo is None:
        return dt.replace(tzinfo=TZ)
    return dt.astimezone(TZ)


def _parse_time(value: object) -> time | None:
    if not isinstance(value, str):
        return None
    m = re.match(r"^\s*T?(\d{1,2})[:.](\d{2})", value)
    if not m:
        return None
    hour, minute = int(m.group(1)), int(m.group(2))
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _as_list(value: object) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def _byday(value: object) -> list[str]:
    days = []
    for item in _as_list(value):
        if isinstance(item, Mapping):
            item = item.get("@id") or item.get("name") or ""
        name = str(item).rstrip("/").rsplit("/", 1)[-1].strip().casefold()
        if name in SCHEMA_DAYS:
            days.append(SCHEMA_DAYS[name])
    return days


def _frequency(value: object) -> tuple[str, int] | None:
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.casefold() in _WORD_FREQ:
        return _WORD_FREQ[text.casefold()]
    m = _DURATION.match(text)
    if not m or not any(m.groups()):
        return None
    years, months, weeks, days = (int(g) if g else 0 for g in m.groups())
    if sum(1 for g in (years, months, weeks, days) if g) != 1:
        return None
    if years:
        return "YEARLY", years
    if months:
        return "MONTHLY", months
    if weeks:
        return "WEEKLY", weeks
    return ("WEEKLY", days // 7) if days % 7 == 0 else ("DAILY", days)


def from_schema_org(
    start_date: object = None,
    end_date: object = None,
    event_schedule: object = None,
    *,
    ref: datetime,
    text: str | None = None,
) -> Schedule:
    """Schedule from schema.org Event `startDate`/`endDate` and `eventSchedule`.

    `ref` anchors a recurring schedule that states no start date: its first meeting is the
    first occurrence on or after `ref`.

    >>> ref = datetime(2026, 11, 22, tzinfo=TZ)
    >>> s = from_schema_org(event_schedule={"byDay": "https://schema.org/Tuesday",
    ...     "repeatFrequency": "P1W", "startTime": "19:00", "endTime": "21:30"}, ref=ref)
    >>> s.kind.value, s.rrule
    ('recurring', 'FREQ=WEEKLY;INTERVAL=1;BYDAY=TU')
    >>> s.start.isoformat(), s.end.isoformat()
    ('2026-11-24T19:00:00+01:00', '2026-11-24T21:30:00+01:00')
    >>> from_schema_org("2026-12-10T19:00:00+01:00", ref=ref).kind.value
    'once'
    >>> from_schema_org(ref=ref).kind.value
    'unknown'
    """
    try:
        stated = Key(start_date, end_date, event_schedule)
    except TypeError:  # not plain JSON (a datetime, a set): read afresh
        return _read_schema_org(start_date, end_date, event_schedule, ref=ref, text=text)
    # One instance for every record with these dates, uncopied: no code changes a schedule
    # (or its lists) in place; a change makes a new one (`model_copy(update=...)`, as
    # event_status.apply_cancelled_days does; a correction validates a dump anew).
    return _remembered_schema_org(stated, ref, text)


@lru_cache(maxsize=20_000)
def _remembered_schema_org(stated: Key, ref: datetime, text: str | None) -> Schedule:
    # Feeds and sites repeat the same dates and schedules on every item and every crawl.
    return _read_schema_org(*stated.values, ref=ref, text=text)


def _read_schema_org(start_date: object, end_date: object, event_schedule: object, *,
                     ref: datetime, text: str | None) -> Schedule:
    if text is None:
        # Keep what the page said, so a reader can check how it was understood.
        stated = {k: v for k, v in (("startDate", start_date), ("endDate", end_date),
                                    ("eventSchedule", event_schedule)) if v not in (None, "")}
        text = json.dumps(stated, ensure_ascii=False, default=str) if stated else None
    schedules = [s for s in _as_list(event_schedule) if isinstance(s, Mapping)]
    built = [b for b in (_from_schedule(s, ref=ref, text=text) for s in schedules) if b]
    if built:
        return _several(built)
    start = parse_iso(start_date)
    if start is not None:
        end = parse_iso(end_date)
        if end is not None and end < start:
            end = None
        # A date without a time ("2026-12-03") says the day, not the hour: not midnight.
        return Schedule(kind=ScheduleKind.once, start=start, end=end, text=text,
                        time_known=not is_date_only(start_date))
    return Schedule(kind=ScheduleKind.unknown, text=text)


def _several(built: list[Schedule]) -> Schedule:
    """Several `eventSchedule`s (Mondays at 18:30, Wednesdays at 13:00) as one schedule of
    several rules, the one that meets first first. A clock time is known only when every
    one states it."""
    if len(built) == 1:
        return built[0]
    ordered = sorted(built, key=lambda b: b.start or datetime.max.replace(tzinfo=TZ))
    head, *more = ordered
    return head.model_copy(update={
        "time_known": all(b.time_known for b in built),
        "rules": [ScheduleRule(rrule=b.rrule, start=b.start, end=b.end)
                  for b in more if b.rrule and b.start]})


def is_date_only(value: object) -> bool:
    """Whether a structured date states a day and no time of day.

    >>> is_date_only("2026-12-03"), is_date_only("2026-12-03T19:30"), is_date_only(None)
    (True, False, False)
    """
    if isinstance(value, datetime):
        return False
    if isinstance(value, date):
        return True
    return isinstance(value, str) and _DATE_ONLY.match(value.strip()) is not None


def _from_schedule(sched: Mapping[str, Any], *, ref: datetime, text: str | None) -> Schedule | None:
    freq = _frequency(sched.get("repeatFrequency"))
    days = _byday(sched.get("byDay"))
    if freq is None:
        if not days:
            return None
        freq = ("WEEKLY", 1)  # "byDay" alone means every such day
    kind, interval = freq
    first_day = parse_iso(sched.get("startDate"))
    if kind in ("WEEKLY", "MONTHLY", "YEARLY") and not days and first_day is None:
        return None  # "every week", but on which day is not said: unknown, not a guess
    parts = [f"FREQ={kind}", f"INTERVAL={interval}"]
    month_weeks = [int(w) for w in _as_list(sched.get("byMonthWeek")) if _is_int(w)]
    if days and kind == "MONTHLY" and month_weeks:
        parts.append("BYDAY=" + ",".join(f"{w}{d}" for w in month_weeks for d in days))
    elif days:
        parts.append("BYDAY=" + ",".join(days))
    month_days = [int(d) for d in _as_list(sched.get("byMonthDay")) if _is_int(d)]
    if month_days:
        parts.append("BYMONTHDAY=" + ",".join(str(d) for d in month_days))
    start_time = _parse_time(sched.get("startTime")) or time(0, 0)
    end_time = _parse_time(sched.get("endTime"))
    anchor = (first_day or ref).astimezone(TZ).date()
    last_day = parse_iso(sched.get("endDate"))
    if last_day is not None:
        until_local = datetime.combine(last_day.date(), time(23, 59, 59), TZ)
        parts.append("UNTIL=" + until_local.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ"))
    elif _is_int(sched.get("repeatCount")):
        parts.append(f"COUNT={int(sched['repeatCount'])}")
    body = ";".join(parts)
    dtstart = datetime.combine(anchor, start_time, TZ)
    first = _first_at_or_after(body, dtstart, dtstart)
    if first is None:
        return None
    end = None
    if end_time is not None:
        end = datetime.combine(first.date(), end_time, TZ)
        if end < first:
            end = None
    return Schedule(kind=ScheduleKind.recurring, start=first, end=end, rrule=body, text=text,
                    time_known=_parse_time(sched.get("startTime")) is not None)


def _is_int(value: object) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (
        isinstance(value, str) and value.strip().lstrip("-").isdigit()
    )


def _rule(body: str, dtstart: datetime) -> rrule:
    # Expand on naive local wall time, then attach the zone: fixed local hours across DST.
    return _naive_rule(body, dtstart.replace(tzinfo=None))


@lru_cache(maxsize=8192)
def _naive_rule(body: str, dtstart: datetime) -> rrule:
    # rrule objects are not changed by iterating them, so one can serve every caller.
    rule: rrule = rrulestr(body, dtstart=dtstart, ignoretz=True)
    return rule


@lru_cache(maxsize=8192)
def _first_at_or_after(body: str, dtstart: datetime, after: datetime) -> datetime | None:
    body = _naive_until(body)
    nxt = _rule(body, dtstart).after(after.astimezone(TZ).replace(tzinfo=None), inc=True)
    return None if nxt is None else nxt.replace(tzinfo=TZ)


@lru_cache(maxsize=4096)
def _naive_until(body: str) -> str:
    # UNTIL is stored in UTC (RFC 5545 with a zoned DTSTART); the expansion runs on naive local
    # time, so turn it into local wall time first.
    m = re.search(r"UNTIL=(\d{8}T\d{6})Z", body)
    if not m:
        return body
    until = datetime.strptime(m.group(1), "%Y%m%dT%H%M%S").replace(tzinfo=UTC).astimezone(TZ)
    return body.replace(m.group(0), "UNTIL=" + until.strftime("%Y%m%dT%H%M%S"))


def rules(schedule: Schedule) -> list[ScheduleRule]:
    """Every recurrence rule of a recurring schedule, the first (kept in `rrule`/`start`/
    `end`/`exdates`) first; empty for any other kind.

    >>> s = Schedule(kind="recurring", start=datetime(2026, 3, 2, 18, 30, tzinfo=TZ),
    ...              rrule="FREQ=WEEKLY;BYDAY=MO", rules=[{"rrule": "FREQ=WEEKLY;BYDAY=WE",
    ...              "start": datetime(2026, 3, 4, 13, tzinfo=TZ)}])
    >>> [(r.rrule, r.start.hour) for r in rules(s)]
    [('FREQ=WEEKLY;BYDAY=MO', 18), ('FREQ=WEEKLY;BYDAY=WE', 13)]
    """
    if schedule.kind is not ScheduleKind.recurring or not schedule.rrule or not schedule.start:
        return []
    first = ScheduleRule.model_construct(rrule=schedule.rrule, start=schedule.start,
                                         end=schedule.end, exdates=schedule.exdates)
    return [first, *schedule.rules]


def _meeting_length(start: datetime, end: datetime | None) -> timedelta | None:
    if end is not None and end.date() == start.date():
        return end - start
    return None


def next_occurrences(schedule: Schedule, after: datetime, count: int = 3) -> list[datetime]:
    """The next `count` starts at or after `after` (tz-aware), soonest first; a schedule of
    several rules gives their meetings merged.

    >>> s = Schedule(kind="recurring", start=datetime(2026, 3, 3, 14, tzinfo=TZ),
    ...              rrule="FREQ=WEEKLY;BYDAY=TU")
    >>> [d.isoformat() for d in next_occurrences(s, datetime(2026, 3, 25, tzinfo=TZ), 2)]
    ['2026-03-31T14:00:00+02:00', '2026-04-07T14:00:00+02:00']
    """
    return [start for start, _ in next_meetings(schedule, after, count)]


def next_start_millis(schedule: Schedule, after: datetime, count: int = 3) -> list[int]:
    """`next_occurrences` as epoch milliseconds (what a search engine sorts by).

    >>> s = Schedule(kind="recurring", start=datetime(2026, 3, 3, 14, tzinfo=TZ),
    ...              rrule="FREQ=WEEKLY;BYDAY=TU")
    >>> next_start_millis(s, datetime(2026, 3, 25, tzinfo=TZ), 2)
    [1774958400000, 1775563200000]
    """
    if schedule.kind is ScheduleKind.recurring and schedule.rrule and schedule.start:
        return list(_recurring_millis(recurrence_key(schedule), after, count))
    return [int(d.timestamp() * 1000) for d in next_occurrences(schedule, after, count)]


def next_meetings(schedule: Schedule, after: datetime, count: int = 3
                  ) -> list[tuple[datetime, timedelta | None]]:
    """The next `count` meetings at or after `after`: each start with how long that meeting
    lasts when its rule says (a Monday evening and a Wednesday afternoon may differ).

    >>> s = Schedule(kind="recurring", start=datetime(2026, 3, 2, 18, 30, tzinfo=TZ),
    ...              end=datetime(2026, 3, 2, 20, tzinfo=TZ), rrule="FREQ=WEEKLY;BYDAY=MO",
    ...              rules=[{"rrule": "FREQ=WEEKLY;BYDAY=WE",
    ...                      "start": datetime(2026, 3, 4, 13, tzinfo=TZ)}])
    >>> [(d.strftime("%a %H:%M"), n and n.seconds // 60) for d, n in next_meetings(s, s.start)]
    [('Mon 18:30', 90), ('Wed 13:00', None), ('Mon 18:30', 90)]
    """
    if schedule.start is None or count <= 0:
        return []
    if schedule.kind is ScheduleKind.once:
        length = duration(schedule)
        starts = sorted({schedule.start, *schedule.dates})
        return [(s, length) for s in starts if s >= after][:count]
    if schedule.kind is not ScheduleKind.recurring or not schedule.rrule:
        return []
    # Many activities share a schedule ("tirsdag kl. 14"), and a bulk write asks each from the
    # same time: the expansion is remembered by what it depends on (a copy of the list out).
    return list(_recurring_meetings(recurrence_key(schedule), after, count))


def forget() -> None:
    """Forget the remembered expansions (a test compares them with fresh ones)."""
    for memo in (_recurring_meetings, _recurring_millis, _rule_weekdays, _rule_last):
        memo.cache_clear()


#: One rule as `_recurring_meetings` reads it: RRULE, first start with its UTC offset (the
#: day of a meeting, hence its length, is read in the offset it was given), end of the first
#: meeting with its offset, and the meetings it skips.
_RuleKey = tuple[str, datetime, "timedelta | None", "datetime | None", "timedelta | None",
                 tuple[datetime, ...]]
#: A recurring schedule as its meetings depend on it: its rules, the first first, and the
#: schedule's own extra meetings (RDATE) and skipped ones (EXDATE).
RecurrenceKey = tuple[tuple[_RuleKey, ...], tuple[datetime, ...], tuple[datetime, ...]]


def recurrence_key(schedule: Schedule) -> RecurrenceKey:
    """Everything of a recurring schedule its meetings depend on, as a hashable value: two
    schedules with equal keys have equal `next_meetings` (not its text, `time_known`...)."""
    assert schedule.rrule is not None and schedule.start is not None
    first = (schedule.rrule, schedule.start, schedule.start.utcoffset(), schedule.end,
             schedule.end.utcoffset() if schedule.end else None, ())
    more = tuple((r.rrule, r.start, r.start.utcoffset(), r.end,
                  r.end.utcoffset() if r.end else None, tuple(r.exdates))
                 for r in schedule.rules)
    return (first, *more), tuple(schedule.dates), tuple(schedule.exdates)


@lru_cache(maxsize=4096)
def _recurring_meetings(key: RecurrenceKey, after: datetime, count: int
                        ) -> tuple[tuple[datetime, timedelta | None], ...]:
    all_rules, extra, skipped = key
    earliest = min(r[1] for r in all_rules)
    cursor = max(after, earliest).astimezone(TZ).replace(tzinfo=None)
    if len(all_rules) == 1:
        # One pass from the cursor (calling after() per occurrence would restart every time).
        body, start, _, end, _, _ = all_rules[0]
        length = _meeting_length(start, end)
        starts = _rule_set(body, start, extra, skipped).xafter(cursor, count=count, inc=True)
        return tuple((d.replace(tzinfo=TZ), length) for d in starts)
    streams = [_stream(r, extra if i == 0 else (), (*skipped, *r[5]), cursor, count)
               for i, r in enumerate(all_rules)]
    out: list[tuple[datetime, timedelta | None]] = []
    for d, n in heapq.merge(*streams, key=lambda m: m[0]):
        if out and out[-1][0] == d.replace(tzinfo=TZ):
            continue  # two rules meeting at the same time: one meeting
        out.append((d.replace(tzinfo=TZ), n))
        if len(out) == count:
            break
    return tuple(out)


@lru_cache(maxsize=4096)
def _recurring_millis(key: RecurrenceKey, after: datetime, count: int) -> tuple[int, ...]:
    return tuple(int(d.timestamp() * 1000) for d, _ in _recurring_meetings(key, after, count))


def _stream(r: _RuleKey, extra: tuple[datetime, ...], skipped: tuple[datetime, ...],
            cursor: datetime, count: int) -> Iterator[tuple[datetime, timedelta | None]]:
    """One rule's next meetings from `cursor` (naive local), each with the rule's length."""
    body, start, _, end, _, _ = r
    length = _meeting_length(start, end)
    for d in _rule_set(body, start, extra, skipped).xafter(cursor, count=count, inc=True):
        yield d, length


def _naive_local(dt: datetime) -> datetime:
    return dt.astimezone(TZ).replace(tzinfo=None)


def _rule_set(body: str, start: datetime, extra: tuple[datetime, ...],
              skipped: tuple[datetime, ...]) -> rrule | rruleset:
    """One rule as dateutil expands it, with the meetings it skips (for every rule the
    schedule's EXDATEs, and its own) and extra meetings (RDATE: the schedule's, for its first
    rule)."""
    rule = _rule(_naive_until(body), start.astimezone(TZ))
    if not extra and not skipped:
        return rule
    rules = rruleset()
    rules.rrule(rule)
    for d in extra:
        rules.rdate(_naive_local(d))
    for d in skipped:
        rules.exdate(_naive_local(d))
    return rules


def from_calendar(cal: Mapping[str, Any], *, text: str | None = None) -> Schedule:
    """Schedule from an iCalendar-style event: dtstart, dtend, rrule, rdates, exdates (ISO
    strings, tz-aware or Copenhagen local), all_day and last_day.

    An all-day event over several days (DTSTART 21 May, DTEND 23 May exclusive: `last_day`
    22 May) meets on each of its days: the days after the first are its further dates.

    >>> s = from_calendar({"dtstart": "2026-05-21", "all_day": True, "last_day": "2026-05-22"})
    >>> [d.date().isoformat() for d in next_occurrences(s, datetime(2026, 5, 1, tzinfo=TZ), 3)]
    ['2026-05-21', '2026-05-22']

    >>> s = from_calendar({"dtstart": "2026-12-01T10:00:00+01:00", "rrule": "FREQ=WEEKLY",
    ...                    "exdates": ["2026-12-08T10:00:00+01:00"]})
    >>> [d.day for d in next_occurrences(s, datetime(2026, 12, 1, tzinfo=TZ), 3)]
    [1, 15, 22]
    """
    start = parse_iso(cal.get("dtstart"))
    if start is None:
        return Schedule(kind=ScheduleKind.unknown, text=text)
    end = parse_iso(cal.get("dtend"))
    if end is not None and end < start:
        end = None
    extra = [d for d in (parse_iso(x) for x in _as_list(cal.get("rdates"))) if d]
    skipped = [d for d in (parse_iso(x) for x in _as_list(cal.get("exdates"))) if d]
    all_day = bool(cal.get("all_day"))
    body = str(cal.get("rrule") or "").strip().removeprefix("RRULE:") or None
    last_day = parse_iso(cal.get("last_day")) if all_day and not body else None
    if last_day is not None:
        days = (last_day.date() - start.date()).days
        extra += [start + timedelta(days=n) for n in range(1, min(days, 366) + 1)]
    if body:
        return Schedule(kind=ScheduleKind.recurring, start=start, end=end, rrule=body,
                        dates=extra, exdates=skipped, time_known=not all_day, text=text)
    series = weekly_series([start, *extra])
    if series is not None:
        rule, missing = series
        return Schedule(kind=ScheduleKind.recurring, start=start, end=end, rrule=rule,
                        exdates=missing, time_known=not all_day, text=text)
    return Schedule(kind=ScheduleKind.once, start=start, end=end, dates=extra,
                    time_known=not all_day, text=text)


#: Fewest meetings a list of dates needs before it is read as a weekly series.
SERIES_MIN = 3


def weekly_series(starts: list[datetime]) -> tuple[str, list[datetime]] | None:
    """The weekly rule that gives exactly these meetings, with the weeks it skips, or None.

    A platform that lists a series as its meetings (DPL CMS's occurrences of one
    `series.uuid`, a JSON API's series id) states every date. When they are at least
    SERIES_MIN meetings at one local time on one weekday, spaced by whole weeks, with fewer
    weeks skipped than held, the series is that weekly rule (INTERVAL the weeks between,
    UNTIL the last meeting) and the skipped weeks its EXDATEs: the same meetings, said as
    "every Thursday" rather than as a list. Anything else stays a list of dates.

    >>> d = [datetime(2026, 12, day, 14, tzinfo=TZ) for day in (3, 10, 17)]
    >>> weekly_series(d)[0]
    'FREQ=WEEKLY;INTERVAL=1;UNTIL=20261217T130000Z'
    >>> rule, skipped = weekly_series([*d, datetime(2027, 1, 7, 14, tzinfo=TZ)])
    >>> [x.date().isoformat() for x in skipped]
    ['2026-12-24', '2026-12-31']
    >>> weekly_series([d[0], d[2], datetime(2027, 1, 7, 14, tzinfo=TZ)]) is None  # 3 skipped
    True
    >>> weekly_series([d[0], d[1], datetime(2026, 12, 17, 15, tzinfo=TZ)]) is None  # 15:00
    True
    """
    local = sorted({d.astimezone(TZ) for d in starts})
    if len(local) < SERIES_MIN or len({(d.weekday(), d.time()) for d in local}) != 1:
        return None
    days = [(b.date() - a.date()).days for a, b in zip(local, local[1:], strict=False)]
    if any(gap % 7 for gap in days):
        return None
    step = 0
    for gap in days:
        step = math.gcd(step, gap // 7)
    slots = (local[-1].date() - local[0].date()).days // 7 // step + 1
    if slots - len(local) >= len(local):
        return None
    held = {d.date() for d in local}
    first = local[0]
    missing = [first + timedelta(weeks=step * k) for k in range(slots)]
    missing = [d.replace(tzinfo=None).replace(tzinfo=TZ) for d in missing
               if d.date() not in held]
    until = local[-1].astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"FREQ=WEEKLY;INTERVAL={step};UNTIL={until}", missing


def duration(schedule: Schedule) -> timedelta | None:
    """How long one meeting by the first rule lasts, when the schedule says (`next_meetings`
    gives each meeting its own rule's length)."""
    if schedule.start is None:
        return None
    return _meeting_length(schedule.start, schedule.end)


def weekdays(schedule: Schedule, horizon_days: int = 70) -> set[int]:
    """Weekdays (0 = Monday) on which the activity meets, judged over its first weeks; of a
    schedule with several rules, the days of any of them.

    >>> s = Schedule(kind="recurring", start=datetime(2026, 3, 2, 9, 30, tzinfo=TZ),
    ...              rrule="FREQ=WEEKLY;BYDAY=MO,TH")
    >>> sorted(weekdays(s))
    [0, 3]
    """
    if schedule.start is None:
        return set()
    if schedule.kind is ScheduleKind.once:
        return {d.astimezone(TZ).weekday() for d in (schedule.start, *schedule.dates)}
    days: set[int] = set()
    for body, start in _bodies(schedule):
        days |= _rule_weekdays(body, start, horizon_days)
    return days


def _bodies(schedule: Schedule) -> list[tuple[str, datetime]]:
    """Each rule's RRULE and first start, as `rules` gives them (without building rules)."""
    if schedule.kind is not ScheduleKind.recurring or not schedule.rrule or not schedule.start:
        return []
    return [(schedule.rrule, schedule.start), *((r.rrule, r.start) for r in schedule.rules)]


@lru_cache(maxsize=4096)
def _rule_weekdays(body: str, start: datetime, horizon_days: int) -> frozenset[int]:
    m = re.search(r"BYDAY=([^;]+)", body)
    if m:
        codes = {re.sub(r"^[+-]?\d+", "", c) for c in m.group(1).split(",")}
        if codes <= _BYDAY_INDEX.keys():
            return frozenset(_BYDAY_INDEX[c] for c in codes)
    start = start.astimezone(TZ)
    rule = _rule(_naive_until(body), start)
    limit = start.replace(tzinfo=None) + timedelta(days=horizon_days)
    return frozenset(d.weekday()
                     for d in rule.between(start.replace(tzinfo=None), limit, inc=True))


def last_start(schedule: Schedule) -> datetime | None:
    """When the activity meets for the last time; None when it goes on without end (any of
    its rules does) or is unknown.

    >>> s = Schedule(kind="recurring", start=datetime(2026, 9, 1, 10, tzinfo=TZ),
    ...              rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=3")
    >>> last_start(s).isoformat()
    '2026-09-15T10:00:00+02:00'
    """
    if schedule.kind is ScheduleKind.once:
        last = max((schedule.start, *schedule.dates)) if schedule.start else None
        return schedule.end if schedule.end and last == schedule.start else last
    all_rules = _bodies(schedule)
    if not all_rules:
        return None
    lasts = [_rule_last(body, start) for body, start in all_rules]
    if any(last is None for last in lasts):
        return None
    return max(d for d in lasts if d is not None)


@lru_cache(maxsize=4096)
def _rule_last(body: str, start: datetime) -> datetime | None:
    if "UNTIL=" not in body and "COUNT=" not in body:
        return None
    rule = _rule(_naive_until(body), start.astimezone(TZ))
    last = None
    for last in rule:  # noqa: B007 - finite by UNTIL/COUNT
        pass
    return None if last is None else last.replace(tzinfo=TZ)


#: Parts of the day by local start hour, [from, to): the one place the bands are defined.
#: "nat" is not asked for by users; it makes every known clock time belong to some part, so a
#: 03:00 start is a stated misfit for "aften" rather than an unknown.
DAY_PARTS: dict[str, tuple[int, int]] = {
    "nat": (0, 6), "formiddag": (6, 12), "eftermiddag": (12, 17), "aften": (17, 24),
}
#: The parts a search may ask for (`time_of_day`).
TIME_OF_DAY = ("formiddag", "eftermiddag", "aften")


def day_part(hour: int) -> str:
    """The part of the day an hour (0-23) belongs to.

    >>> [day_part(h) for h in (5, 6, 11, 12, 16, 17, 23)]
    ['nat', 'formiddag', 'formiddag', 'eftermiddag', 'eftermiddag', 'aften', 'aften']
    """
    return next(name for name, (lo, hi) in DAY_PARTS.items() if lo <= hour < hi)


def day_parts(schedule: Schedule) -> set[str]:
    """Parts of the day the activity starts in (local time); empty when the time is unknown.

    >>> s = Schedule(kind="recurring", start=datetime(2026, 3, 2, 19, 30, tzinfo=TZ),
    ...              rrule="FREQ=WEEKLY;BYDAY=MO")
    >>> day_parts(s)
    {'aften'}
    >>> sorted(day_parts(s.model_copy(update={"rules": [ScheduleRule(
    ...     rrule="FREQ=WEEKLY;BYDAY=WE", start=datetime(2026, 3, 4, 13, tzinfo=TZ))]})))
    ['aften', 'eftermiddag']
    >>> day_parts(Schedule(kind="recurring", start=datetime(2026, 3, 2, tzinfo=TZ),
    ...                    rrule="FREQ=WEEKLY", time_known=False))
    set()
    """
    if schedule.start is None or not schedule.time_known:
        return set()
    starts = [schedule.start]
    if schedule.kind is ScheduleKind.once:
        starts.extend(schedule.dates)
    starts.extend(r.start for r in schedule.rules)
    return {day_part(s.astimezone(TZ).hour) for s in starts}
