"""Several times on different days, read from Danish text: one schedule of several rules.

Real listings often state two or three meetings a week, each at its own time: "Mandag kl.
18.30-20.00 og onsdag kl. 13.00-14.30", "tirsdag 10-12 og torsdag 14-16", "lørdag og søndag
kl. 7-11 samt onsdag kl. 16-19", "den 1. og 3. tirsdag i måneden kl. 10-12 samt hver torsdag
kl. 16-18". Read as one rule they become every named day at the first time (a Wednesday game
shown at 18:30). Here the text is cut into pieces, one per (days, time) pair, each piece is
read by the one-rule reader (`schedule_text`), and the rules are put together.

The rules that decide (each is checked by tests/normalize/test_schedule_rules.py):

- **A pair** is one or more day words (weekdays, "hverdage") followed by a clock time ("kl.
  14", "9.30-11.30", "fra kl. 9 til 12"); the piece of a pair runs from the end of the
  previous pair's time to the end of its own. A bare range ("fredag 13-15") is a time only
  right after a day word; a bare "19.30" needs its minutes. Several pairs are only read when
  there are at least two; otherwise the one-rule reader reads the whole text, as before.
- **A time with no day before it**, followed by a later pair ("kl. 10 mandag og kl. 14
  onsdag"), makes the pairing unsure: nothing is read here. A bare "12.10" after "d." or
  "den" is a date, not a time.
- **Text after the last time** belongs to the last piece when it names again that piece's
  day ("og hver anden søndag kl. 14 (næste søndag er d. 8. februar)"); otherwise its day
  words are no meetings ("Kontoret er lukket fredag") and it holds what bounds every rule:
  a season ("i sæsonen 1. april - 31. oktober 2026": first date and last meeting of every
  rule) or a first date ("(fra 1/9)"). A first date already past says the series runs: the
  rules start from the reading day, never a year later.
- **A deadline is not a meeting**: a piece with "senest", "frist", "deadline" or
  "tilmelding" right before its day (in its clause, within 30 characters) is no rule
  ("tilmelding senest mandag kl. 12"); when one piece is left, it alone is the schedule.
- **A piece that says "hver" is a rule**: "næste søndag" in it ("og hver anden søndag kl. 14
  (næste søndag er d. 8. februar)") names the next meeting, whose date is the rule's first,
  not a one-off.
- **"dog"/"undtagen"** ("mandag, onsdag og fredag kl. 9-12 - dog onsdag først fra kl. 10"):
  the later piece's days leave the earlier rule and meet at the later time, keeping the
  earlier end when the later piece gives none.
- **Same time, same rule**: weekly rules with the same clock times and bounds become one
  ("tirsdag kl. 9.30-11.00 og torsdag kl. 9.30-11.00" is BYDAY=TU,TH).
- **All or nothing**: when every piece is a dated one-off, the result is a one-off with every
  date (each at its own time); when every piece is a rule, a recurring schedule of several
  rules, the one that meets first first. When any piece cannot be read, or pieces mix rules
  and one-off dates, nothing is returned and the one-rule reader reads the whole text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from core.clock import TZ
from core.schema import Schedule, ScheduleKind, ScheduleRule
from normalize import _schedule_patterns as rx
from normalize._calendar_words import MONTHS
from normalize.schedule import _first_at_or_after

#: The one-rule reader: prepared text, reading day, original text → schedule.
ReadOne = Callable[[str, date, str], Schedule]

#: Day words that start or continue a pair's days. "hverdage" as a word of its own only
#: ("hverdagen", everyday life, is no day list).
_DAY = re.compile(rf"(?<![\w])(?:{rx.DAY_RX})(?:e|en|ene|s)?(?![\w])"
                  r"|(?<![\w])hverdage(?![\w])|(?<![\w])weekender?(?![\w])")
#: A clock time with its marker: "kl. 14", "fra kl. 9 til 12", "kl 10.00-12.00".
_MARKED_TIME = re.compile(
    r"(?:\bfra\s+)?\bkl\.?\s*\d{1,2}(?:[.:]\d{2})?(?!\d|[.:/]\d)"
    r"(?:\s*(?:-|til)\s*(?:kl\.?\s*)?\d{1,2}(?:[.:]\d{2})?(?!\d|[.:/]\d))?")
#: A bare range "13-15", "9.30-11.30" (a time only right after a day word, see `_times`).
_BARE_RANGE = re.compile(
    r"(?<![\d.:/])(?:fra\s+)?\d{1,2}(?:[.:]\d{2})?\s*(?:-|til)\s*\d{1,2}(?:[.:]\d{2})?"
    r"(?!\d|[.:/]\d)(?!\s*(?:år|kr|km|pers|deltag|måned|uge|\.\s*\w))")
#: A bare time with minutes: "19.30", "9:00".
_BARE_MINUTES = re.compile(r"(?<![\d.:/])\d{1,2}[.:]\d{2}(?!\d|[.:/]\d)(?!\s*(?:kr|km))")
#: Words right before a pair's day, in its clause, that make it a deadline or a sign-up, not
#: a meeting ("tilmelding senest mandag kl. 12"). Not "inden" ("inden for i hallen").
_DEADLINE = re.compile(r"\b(?:senest|frist|deadline|tilmeld\w*)\b")
#: How far before the day a deadline word is looked for, and where its clause starts.
_DEADLINE_REACH = 30
_CLAUSE_END = re.compile(r"[.:;!?]\s")
#: "d. 12.10": a date, not a time, before a bare "12.10".
_DATE_MARK = re.compile(r"(?:\bd\.|\bden)\s*$")
#: Words that make a later pair an exception to an earlier one's days.
_EXCEPT = re.compile(r"\b(?:dog|undtagen|bortset fra)\b")
#: "fra 1/9", "fra den 3. september", "fra d. 1.9.": a first date (year optional).
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_FROM_DATE = re.compile(
    rf"\bfra\s+(?:d\.\s*|den\s+)?(\d{{1,2}})(?:\s*/\s*|\.\s*)(\d{{1,2}}|{_MONTH_NAMES})\b")
_YEAR_AFTER = re.compile(r"\.?\s*(20\d\d)\b")


@dataclass
class _Pair:
    start: int
    end: int
    days: list[tuple[int, int]]


def _times(t: str, days: list[re.Match[str]]) -> list[tuple[int, int]]:
    """Spans of clock times in `t`, in order; bare ranges only right after a day word."""
    spans = [m.span() for m in _MARKED_TIME.finditer(t)]
    day_ends = sorted({m.end() for m in days})

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in spans)

    for end in day_ends:  # looked for only where a day word ends: cheaper than a scan
        at = end + len(t[end:end + 3]) - len(t[end:end + 3].lstrip())
        if (m := _BARE_RANGE.match(t, at)) and free(*m.span()):
            spans.append(m.span())
    for m in _BARE_MINUTES.finditer(t):
        if free(*m.span()) and not _DATE_MARK.search(t[:m.start()]):
            spans.append(m.span())
    return sorted(spans)


def _pairs(t: str) -> tuple[list[_Pair], int]:
    """The (days, time) pairs in order, and where the last pair's time ends."""
    days = list(_DAY.finditer(t))
    if len(days) < 2:
        return [], 0  # two pairs need two day words
    tokens = sorted([(m.start(), m.end(), "day") for m in days]
                    + [(a, b, "time") for a, b in _times(t, days)])
    pairs: list[_Pair] = []
    pending: list[tuple[int, int]] = []
    piece_start = 0
    orphan = False
    for a, b, kind in tokens:
        if kind == "day":
            pending.append((a, b))
        elif pending:
            if orphan:
                return [], 0  # a time with no day before a later pair: whose time is it?
            pairs.append(_Pair(piece_start, b, pending))
            pending, piece_start = [], b
        else:
            orphan = True
    return pairs, piece_start


def _stems(text: str) -> set[str]:
    return {m.group(1) for m in rx.WEEKDAY.finditer(text)}


def _deadline(before_day: str) -> bool:
    """Whether the words right before a pair's day, in its clause, make it a deadline."""
    clause = _CLAUSE_END.split(before_day)[-1]
    return _DEADLINE.search(clause[-_DEADLINE_REACH:]) is not None


def _season(rest: str, ref: date) -> tuple[date, date] | None:
    m = rx.SEASON.search(rest) if rx.HAS_MONTH.search(rest) else None
    if not m:
        return None
    sd, sm, ed, em = int(m.group(1)), MONTHS[m.group(2)], int(m.group(3)), MONTHS[m.group(4)]
    stated = _YEAR_AFTER.match(rest, m.end())
    years = [int(stated.group(1))] if stated else [ref.year - 1, ref.year, ref.year + 1]
    for year in years:
        end_year = year
        start_year = year if (sm, sd) <= (em, ed) else year - 1
        try:
            start, end = date(start_year, sm, sd), date(end_year, em, ed)
        except ValueError:
            return None
        if stated or end >= ref:
            return start, end
    return None


def _from_date(rest: str, ref: date) -> date | None:
    """A stated first date in the reading day's year; None when none, or when it is past (the
    series already runs: from the reading day, never a jump to next year)."""
    m = _FROM_DATE.search(rest)
    if not m:
        return None
    month = int(m.group(2)) if m.group(2).isdigit() else MONTHS.get(m.group(2))
    try:
        first = date(ref.year, month or 0, int(m.group(1)))
    except ValueError:
        return None
    return first if first >= ref else None


def _bounded(s: Schedule, ref: date, season: tuple[date, date] | None,
             first: date | None) -> Schedule | None:
    """A one-rule schedule started no earlier than the bounds, ending with the season."""
    assert s.rrule and s.start
    body = s.rrule
    anchor_day = max([ref, *(d for d in (first, season and season[0]) if d)])
    if season and "UNTIL=" not in body and "COUNT=" not in body:
        until = datetime.combine(season[1], time(23, 59, 59), TZ).astimezone(UTC)
        body += ";UNTIL=" + until.strftime("%Y%m%dT%H%M%SZ")
    if anchor_day <= s.start.date() and body == s.rrule:
        return s
    anchor = datetime.combine(max(anchor_day, s.start.date()), s.start.timetz())
    start = _first_at_or_after(body, anchor, anchor)
    if start is None:
        return None
    end = None
    if s.end is not None:
        end = start + (s.end - s.start)
    return s.model_copy(update={"rrule": body, "start": start, "end": end})


_BYDAY = re.compile(r"^FREQ=WEEKLY;BYDAY=([A-Z,]+)((?:;UNTIL=\w+)?)$")
_ORDER = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def _except(earlier: Schedule, later: Schedule) -> Schedule | None:
    """The earlier weekly rule without the later rule's days; None when none are left."""
    e, l_ = _BYDAY.match(earlier.rrule or ""), _BYDAY.match(later.rrule or "")
    if not (e and l_ and earlier.start):
        return earlier
    left = [d for d in e.group(1).split(",") if d not in l_.group(1).split(",")]
    if not left:
        return None
    body = f"FREQ=WEEKLY;BYDAY={','.join(left)}{e.group(2)}"
    start = _first_at_or_after(body, earlier.start, earlier.start)
    if start is None:
        return None
    end = start + (earlier.end - earlier.start) if earlier.end else None
    return earlier.model_copy(update={"rrule": body, "start": start, "end": end})


def _clock(dt: datetime | None) -> time | None:
    return None if dt is None else dt.astimezone(TZ).timetz().replace(tzinfo=None)


def _merged(rules: list[Schedule]) -> list[Schedule]:
    """Weekly rules with the same clock times and bounds as one rule of all their days."""
    out: list[Schedule] = []
    for r in rules:
        m = _BYDAY.match(r.rrule or "")
        for i, o in enumerate(out):
            n = _BYDAY.match(o.rrule or "")
            if not (m and n and r.start and o.start) or m.group(2) != n.group(2):
                continue
            if (_clock(r.start), _clock(r.end)) != (_clock(o.start), _clock(o.end)):
                continue
            days = sorted({*m.group(1).split(","), *n.group(1).split(",")}, key=_ORDER.index)
            body = f"FREQ=WEEKLY;BYDAY={','.join(days)}{m.group(2)}"
            anchor = min(r.start, o.start)
            start = _first_at_or_after(body, anchor, anchor)
            if start is None:
                break
            end = start + (o.end - o.start) if o.end and o.start else None
            out[i] = o.model_copy(update={"rrule": body, "start": start, "end": end})
            break
        else:
            out.append(r)
    return out


def _read_pieces(t: str, pairs: list[_Pair], tail: int, ref: date, raw: str,
                 read_one: ReadOne) -> list[Schedule] | None:
    rest = t[tail:]
    pieces = [t[p.start:p.end] for p in pairs]
    said = _stems(rest)
    if said and said <= _stems(pieces[-1]):
        # "... hver anden søndag kl. 14 (næste søndag er d. 8. februar)": more of that piece.
        pieces[-1] += rest
        rest = ""
    out: list[Schedule] = []
    for i, (p, piece) in enumerate(zip(pairs, pieces, strict=True)):
        before_day = t[p.start:p.days[0][0]]
        if _deadline(before_day):
            continue
        s = read_one(piece, ref, raw)
        if s.kind is ScheduleKind.once and rx.RECURRING_WORDS.search(piece) \
                and rx.ON_DAY.search(piece):
            # "hver anden søndag kl. 14 (næste søndag er d. 8. februar)": the piece says
            # every; "næste søndag" names the next meeting (its date the first), not a one-off.
            s = read_one(rx.ON_DAY.sub(" ", piece), ref, raw)
        if s.kind not in (ScheduleKind.recurring, ScheduleKind.once) or not s.time_known:
            return None
        if i and _EXCEPT.search(before_day) and out and s.kind is ScheduleKind.recurring:
            previous = out[-1]
            if s.end is None and previous.end is not None and s.start:
                end = datetime.combine(s.start.date(), previous.end.timetz())
                s = s.model_copy(update={"end": end if end > s.start else None})
            kept = _except(previous, s)
            out[-1:] = [kept] if kept else []
        out.append(s)
    if not out:
        return None
    if all(s.kind is ScheduleKind.recurring for s in out):
        season, first = _season(rest, ref), _from_date(rest, ref)
        bounded = [_bounded(s, ref, season, first) for s in out]
        if any(b is None for b in bounded):
            return None
        return [b for b in bounded if b is not None]
    return out


def parse_several(t: str, ref: date, raw: str, read_one: ReadOne) -> Schedule | None:
    """Several (days, time) pairs in prepared text `t` as one schedule; None when the text
    does not hold two or more such pairs that can all be read (see the module's rules).

    >>> from normalize.schedule_text import parse_schedule
    >>> s = parse_schedule("Mandag kl. 18.30-20.00 og onsdag kl. 13.00", date(2026, 3, 4))
    >>> s.rrule, s.start.isoformat(), [(r.rrule, r.start.isoformat()) for r in s.rules]
    ('FREQ=WEEKLY;BYDAY=WE', '2026-03-04T13:00:00+01:00', \
[('FREQ=WEEKLY;BYDAY=MO', '2026-03-09T18:30:00+01:00')])
    """
    if not rx.HAS_DIGIT.search(t):
        return None
    pairs, tail = _pairs(t)
    if len(pairs) < 2:
        return None
    read = _read_pieces(t, pairs, tail, ref, raw, read_one)
    if read is None:
        return None
    if len(read) == 1:  # the others were deadlines: the meeting alone
        return read[0].model_copy(update={"text": raw})
    if all(s.kind is ScheduleKind.once for s in read):
        starts = sorted({d for s in read if s.start for d in (s.start, *s.dates)})
        first = min(read, key=lambda s: s.start or datetime.max.replace(tzinfo=TZ))
        return Schedule(kind=ScheduleKind.once, start=starts[0], end=first.end,
                        dates=starts[1:], text=raw)
    if any(s.kind is not ScheduleKind.recurring for s in read):
        return None
    rules = sorted(_merged(read), key=lambda s: s.start or datetime.max.replace(tzinfo=TZ))
    head, *more = rules
    return head.model_copy(update={
        "text": raw, "time_known": True,
        "rules": [ScheduleRule(rrule=r.rrule or "", start=r.start, end=r.end,
                               exdates=r.exdates) for r in more if r.start]})
