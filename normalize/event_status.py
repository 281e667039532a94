"""Is it cancelled, postponed, full? Read from structured status and from Danish text.

Structured values (schema.org `eventStatus` and offer `availability`, a platform's raw state)
are read by table; Danish text sentence by sentence with the phrase tables of
`normalize._status_phrases`. A sentence about another time, a condition or a negation says
nothing; what nothing states stays unknown. Each reading keeps the words it came from.

>>> parse_event_status("AFLYST: Julefrokost i Seniorklubben").value.value
'cancelled'
>>> parse_event_status("Aflyst pga. sygdom sidste år, nu igen hver tirsdag.").value.value
'unknown'
>>> parse_availability("Der er ikke flere pladser – skriv dig på venteliste.").value.value
'waitlist'
>>> parse_availability("Tilmelding lukket.").value.value
'unknown'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Generic, TypeVar

from core.clock import TZ
from core.schema import Availability, EventStatus, Schedule, ScheduleKind
from normalize import _status_phrases as phrases
from normalize._memo import remembered
from normalize.schedule import next_occurrences

T = TypeVar("T", EventStatus, Availability)

_SENTENCE = re.compile(r"(?<=[.!])\s+(?=[A-ZÆØÅ\"„«(])|\n+|(?<=[!?])\s*")
_DOUBT = re.compile(phrases.DOUBT)
_NEGATION = re.compile(phrases.NEGATION)
_STATUS = tuple((re.compile(rx), v) for rx, v in phrases.EVENT_STATUS_PHRASES)
_AVAILABILITY = tuple((re.compile(rx), v) for rx, v in phrases.AVAILABILITY_PHRASES)
_DAY = re.compile(phrases.CANCELLED_DAY)


@dataclass(frozen=True)
class Found(Generic[T]):
    """A value and the words (or the structured value) it was read from; unknown has none."""

    value: T
    text: str | None = None


@dataclass(frozen=True)
class Day:
    """A calendar day as a page wrote it; the year may be left out ("12. december")."""

    day: int
    month: int
    year: int | None = None


@dataclass(frozen=True)
class StatusReading:
    """What an item says of its status and places, and the single meetings it cancels."""

    status: Found[EventStatus]
    availability: Found[Availability]
    #: Days a sentence cancels one meeting of ("aflyst d. 12. december"), with the sentence.
    cancelled_days: tuple[tuple[Day, str], ...] = ()
    #: Every status stated, in order of trust (`status` is the one that counts).
    statuses: tuple[Found[EventStatus], ...] = ()


_NO_STATUS: Found[EventStatus] = Found(EventStatus.unknown)
_NO_PLACES: Found[Availability] = Found(Availability.unknown)


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]


@lru_cache(maxsize=4096)
def _word(value: str) -> str:
    """A structured value as one lower-case word: "https://schema.org/EventCancelled" →
    "eventcancelled", "Sold out" → "soldout". Remembered: feeds and platforms write the
    same few status codes on every item."""
    text = value.rstrip("/").rsplit("/", 1)[-1]
    return re.sub(r"[^a-zæøå]", "", text.casefold())


def from_structured(event_status: object) -> Found[EventStatus]:
    """schema.org `eventStatus` (a name or URL).

    >>> from_structured("https://schema.org/EventCancelled")
    Found(value=<EventStatus.cancelled: 'cancelled'>, text='https://schema.org/EventCancelled')
    """
    if not isinstance(event_status, str | None) and isinstance(event_status, Mapping):
        # (a string or None, the common cases, skips the abstract class's slower check)
        event_status = event_status.get("@id") or event_status.get("name")
    if not isinstance(event_status, str) or not event_status.strip():
        return _NO_STATUS
    value = phrases.STRUCTURED_EVENT_STATUS.get(_word(event_status))
    return Found(value, event_status.strip()) if value else _NO_STATUS


def from_offers(offers: object) -> Found[Availability]:
    """schema.org offers' `availability`: places when any offer is in stock, full when every
    offer that says is sold out."""
    items = offers if isinstance(offers, list) else [offers]
    stated = [(phrases.STRUCTURED_AVAILABILITY.get(_word(o.get("availability"))),
               str(o.get("availability")))
              for o in items if isinstance(o, Mapping) and isinstance(o.get("availability"), str)]
    known = [(v, t) for v, t in stated if v is not None]
    for value, text in known:
        if value is Availability.available:
            return Found(value, text)
    return Found(known[0][0], known[0][1]) if known else _NO_PLACES


def is_status_code(value: str) -> bool:
    """Whether a status is a format's code (one word of the structured or platform tables:
    "CANCELLED", "https://schema.org/EventCancelled", "SoldOut"), not a sentence of the
    source's own.

    >>> is_status_code("CANCELLED"), is_status_code("Arrangementet er aflyst.")
    (True, False)
    """
    if not value.strip() or any(c.isspace() for c in value.strip()):
        return False
    word = _word(value)
    return any(word in table for table in (
        phrases.STRUCTURED_EVENT_STATUS, phrases.STRUCTURED_AVAILABILITY,
        phrases.PLATFORM_EVENT_STATUS, phrases.PLATFORM_AVAILABILITY))


def from_platform(state: str | None) -> tuple[Found[EventStatus], Found[Availability]]:
    """A platform's raw state as one word ("Cancelled", "SoldOut", "CANCELLED"); what is no
    known state word is read as Danish text ("Arrangementet er aflyst")."""
    if not state or not state.strip():
        return _NO_STATUS, _NO_PLACES
    word = _word(state)
    status = phrases.PLATFORM_EVENT_STATUS.get(word)
    places = phrases.PLATFORM_AVAILABILITY.get(word)
    if status or places:
        return (Found(status, state.strip()) if status else _NO_STATUS,
                Found(places, state.strip()) if places else _NO_PLACES)
    return parse_event_status(state), parse_availability(state)


#: Words without one of which no phrase of the table can match (a cheap look first: most
#: texts say nothing of status or places). Each phrase of `_status_phrases` holds one.
_STATUS_CUES = ("aflys", "cancel", "udsat", "postpon", "udskud", "udsætte", "udskyde",
                "flyttet", "dato")
_PLACES_CUES = ("udsolgt", "fuldt", "overtegnet", "pladser", "venteliste", "sold",
                "overbooket", "fyldt")


def _first_stated(text: str | None, table: tuple[tuple[re.Pattern[str], T], ...],
                  unknown: T, cues: tuple[str, ...]) -> Found[T]:
    """The first sentence that states a value by `table` and is not in doubt."""
    if not text or not text.strip():
        return Found(unknown)
    folded = text.casefold()
    if not any(map(folded.__contains__, cues)):
        return Found(unknown)
    for sentence in _sentences(text):
        low = sentence.casefold()
        for rx, value in table:
            if rx.search(low):
                negated = value is not Availability.available and _NEGATION.search(low)
                if not (_DOUBT.search(low) or negated):
                    return Found(value, sentence)
                break
    return Found(unknown)


@remembered()
def parse_event_status(text: str | None) -> Found[EventStatus]:
    """Cancelled or postponed as Danish text says it; unknown otherwise (text never says
    "scheduled": that it is announced is no statement that it takes place)."""
    return _first_stated(text, _STATUS, EventStatus.unknown, _STATUS_CUES)


@remembered()
def parse_availability(text: str | None) -> Found[Availability]:
    """Full, waiting list or places left, as Danish text says it; "tilmelding lukket" is no
    statement that it is full."""
    return _first_stated(text, _AVAILABILITY, Availability.unknown, _PLACES_CUES)


def _day(m: re.Match[str]) -> Day | None:
    groups = {k.removeprefix("b_"): v for k, v in m.groupdict().items() if v}
    if "day" in groups:
        day, month = int(groups["day"]), phrases.MONTH_NUMBERS[groups["month"].rstrip(".")]
        year = int(groups["year"]) if "year" in groups else None
    else:
        day, month = int(groups["nday"]), int(groups["nmonth"])
        year = int(groups["nyear"]) if "nyear" in groups else None
        year = year + 2000 if year is not None and year < 100 else year
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return Day(day, month, year)


@remembered()
def parse_cancelled_days(text: str | None) -> tuple[tuple[Day, str], ...]:
    """The single meetings a text cancels, by date, each with its sentence.

    >>> parse_cancelled_days("Vi ses hver tirsdag. Bemærk: aflyst d. 12. december.")
    ((Day(day=12, month=12, year=None), 'Bemærk: aflyst d. 12. december.'),)
    """
    if not text or "aflys" not in text.casefold():  # every CANCELLED_DAY phrase says it
        return ()
    found: list[tuple[Day, str]] = []
    for sentence in _sentences(text):
        low = sentence.casefold()
        if _DOUBT.search(low) or _NEGATION.search(low):
            continue
        for m in _DAY.finditer(low):
            day = _day(m)
            if day is not None:
                found.append((day, sentence))
    return tuple(found)


#: Every word a status, places or a cancelled day can be read by ("aflys", which every
#: CANCELLED_DAY phrase holds, is a status cue).
_ANY_CUE = _STATUS_CUES + _PLACES_CUES

_TextReading = tuple[Found[EventStatus], Found[Availability], tuple[tuple[Day, str], ...]]


@remembered()
def _text_reading(text: str) -> _TextReading:
    """What one Danish text says of status, places and cancelled days: the three readers,
    after one look for any of their cue words (most texts hold none, and say nothing)."""
    if any(map(text.casefold().__contains__, _ANY_CUE)):
        return parse_event_status(text), parse_availability(text), parse_cancelled_days(text)
    return _NO_STATUS, _NO_PLACES, ()


def read(sources: Iterable[tuple[str, object]]) -> StatusReading:
    """Everything an item says, in order of trust: ("eventStatus", ...), ("offers", ...),
    ("state", ...) for a platform's raw state, and ("text", ...) for each Danish text.

    Any stated cancellation or postponement wins over a stated "scheduled" (CMSs write
    EventScheduled by default); of places, a waiting list over full over available.
    """
    statuses: list[Found[EventStatus]] = []
    places: list[Found[Availability]] = []
    days: list[tuple[Day, str]] = []
    for kind, value in sources:
        if kind == "eventStatus":
            statuses.append(from_structured(value))
        elif kind == "offers":
            places.append(from_offers(value))
        elif kind == "state":
            status, place = from_platform(value if isinstance(value, str) else None)
            statuses.append(status)
            places.append(place)
        elif isinstance(value, str):
            status, place, cancelled = _text_reading(value)
            statuses.append(status)
            places.append(place)
            days.extend(cancelled)
    place_order = (Availability.waitlist, Availability.full, Availability.available)
    return StatusReading(_best(statuses, _STATUS_ORDER, _NO_STATUS),
                         _best(places, place_order, _NO_PLACES), tuple(days), tuple(statuses))


_STATUS_ORDER = (EventStatus.cancelled, EventStatus.postponed, EventStatus.scheduled)


def _best(found: list[Found[T]], order: tuple[T, ...], unknown: Found[T]) -> Found[T]:
    for value in order:
        for f in found:
            if f.value is value:
                return f
    return unknown


def _resolve(day: Day, schedule: Schedule, ref: datetime) -> datetime | None:
    """The meeting of `schedule` on `day`; None unless exactly one is (a day without a year
    is looked for from a month before `ref` to a year after it)."""
    assert schedule.start is not None
    after = schedule.start if day.year is not None else max(
        schedule.start, ref.astimezone(TZ).replace(hour=0, minute=0, second=0, microsecond=0)
        - _MONTH)
    hits = []
    for start in next_occurrences(schedule, after, 500):
        d = start.astimezone(TZ).date()
        if day.year is None and d > ref.astimezone(TZ).date() + _YEAR:
            break
        if (d.day, d.month) == (day.day, day.month) and day.year in (None, d.year):
            hits.append(start)
    return hits[0] if len(hits) == 1 else None


_MONTH = date(2000, 2, 1) - date(2000, 1, 1)
_YEAR = date(2001, 1, 1) - date(2000, 1, 1)


def apply_cancelled_days(reading: StatusReading, schedule: Schedule, ref: datetime
                         ) -> tuple[StatusReading, Schedule]:
    """A series skips each meeting a sentence cancels by date ("aflyst d. 12. december"):
    that sentence cancels the meeting (EXDATE), not the series. A day that is no meeting of
    the series changes nothing (it cannot be read without guessing). Of a one-off, such a
    sentence cancels the event."""
    if not reading.cancelled_days or schedule.start is None or (
            schedule.kind is not ScheduleKind.recurring):
        return reading, schedule
    day_sentences = {sentence for _, sentence in reading.cancelled_days}
    rest = [f for f in reading.statuses if f.text not in day_sentences]
    reading = StatusReading(_best(rest, _STATUS_ORDER, _NO_STATUS), reading.availability,
                            reading.cancelled_days, tuple(rest))
    skipped = list(schedule.exdates)
    for day, _ in reading.cancelled_days:
        start = _resolve(day, schedule, ref)
        if start is not None and start not in skipped:
            skipped.append(start)
    if skipped != schedule.exdates:
        schedule = schedule.model_copy(update={"exdates": sorted(skipped)})
    return reading, schedule
