"""The one data model of Fællesskabskort: every layer reads and writes these types."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import datetime
from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SCHEMA_VERSION = 1


class Precision(StrEnum):
    """How exactly a point is known, from best to worst."""

    address = "address"
    street = "street"
    postcode = "postcode"
    town = "town"
    municipality = "municipality"
    none = "none"


class ScheduleKind(StrEnum):
    once = "once"
    recurring = "recurring"
    ongoing = "ongoing"
    unknown = "unknown"


class PricePeriod(StrEnum):
    once = "once"
    per_time = "per_time"
    month = "month"
    quarter = "quarter"
    half_year = "half_year"
    #: A club's season ("pr. sæson", "sæsonkort"): not a calendar year.
    season = "season"
    year = "year"


class SourceKind(StrEnum):
    municipal = "municipal"
    portal = "portal"
    facebook = "facebook"
    ical = "ical"
    jsonld = "jsonld"


class Status(StrEnum):
    active = "active"
    #: Not seen in the last good runs of its source; hidden, history kept.
    stale = "stale"
    #: Taken down at the organiser's request (an approved removal); stays so across crawls.
    removed = "removed"
    #: Found by several sources: hidden behind the merged record that lists them all.
    merged = "merged"


class EventStatus(StrEnum):
    """Whether the event takes place as announced, as its source states it; never guessed."""

    scheduled = "scheduled"
    cancelled = "cancelled"
    postponed = "postponed"
    unknown = "unknown"


class Availability(StrEnum):
    """Whether there are places left, as its source states it; never guessed."""

    available = "available"
    full = "full"
    waitlist = "waitlist"
    unknown = "unknown"


#: Event statuses a search never shows (readable by id, with their status).
NOT_TAKING_PLACE = frozenset({EventStatus.cancelled, EventStatus.postponed})


#: Merged records' ids start with this and a colon; no source may take it as its name.
MERGED_PREFIX = "merged"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


#: An e-mail address: a local part, "@", a domain with a dot and a top-level name of letters.
_EMAIL = re.compile(r"[\w.%+'-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}")
#: What may stand before a phone number's digits: "tel:" (a link), "tlf.", "Telefon:", ...
_PHONE_LABEL = re.compile(r"^(?:tel:|(?:tlf|tel|telefon|phone|mobil|mob)\b\.?:?)\s*", re.I)


def danish_phone(value: str) -> str | None:
    """A phone number as Danes write it ("97 82 11 00"), None when the text is no phone number.

    A Danish number has eight digits, the first 2–9, with or without +45/0045. A number with
    another country's code is kept as written. Nothing else is read as a number.

    >>> [danish_phone(t) for t in ("+45 97 82 11 00", "97821100", "tlf. 9782 1100",
    ...                            "0045 97-82-11-00", "tel:+4520456789", "(+45) 97 82 11 00")]
    ['97 82 11 00', '97 82 11 00', '97 82 11 00', '97 82 11 00', '20 45 67 89', '97 82 11 00']
    >>> danish_phone("+46 8 123 456 78")
    '+46 8 123 456 78'
    >>> [danish_phone(t) for t in ("ring til kontoret", "1234 5678", "9782 110", "7500")]
    [None, None, None, None]

    Dots only as "97.82.11.00": a date with its dots is no number.

    >>> danish_phone("24.12.2026"), danish_phone("97.82.11.00")
    (None, '97 82 11 00')
    """
    text = _PHONE_LABEL.sub("", " ".join(value.split()))
    if not re.fullmatch(r"\(?\+?[\d\s().\-/]+", text) or not text:
        return None
    if "." in text and not re.fullmatch(r"(?:\(?(?:\+|00)\s?\d{1,3}\)?\s?)?\d\d(?:\.\d\d){3}",
                                        text):
        return None
    digits = re.sub(r"\D", "", text)
    international = text.lstrip("(").startswith("+") or digits.startswith("00")
    digits = digits.removeprefix("00") if international else digits
    if international and digits.startswith("45") and len(digits) == 10:
        digits = digits[2:]
    elif international:
        return text if 8 <= len(digits) <= 15 else None
    if len(digits) != 8 or digits[0] in "01":
        return None
    return " ".join(digits[i:i + 2] for i in range(0, 8, 2))


def plain_email(value: str) -> str | None:
    """An e-mail address without "mailto:" and with its domain in lower case, or None.

    >>> plain_email("mailto:Strik@Holstebro-Frivillig.DK?subject=Strik")
    'Strik@holstebro-frivillig.dk'
    >>> [plain_email(t) for t in ("skriv til os", "strik@localhost", "@holstebro.dk")]
    [None, None, None]
    """
    text = re.sub(r"^mailto:", "", value.strip(), flags=re.I).split("?")[0].strip(" <>.,;:()")
    if not _EMAIL.fullmatch(text):
        return None
    local, domain = text.rsplit("@", 1)
    return f"{local}@{domain.lower()}"


class Organizer(_Model):
    """Who runs an activity, and how the organiser asks to be reached. `email` and `phone` are
    what the organiser published for the activity, read as an address and a number (Danish
    numbers as "97 82 11 00"); a value that is neither is unknown (None), never made up."""

    name: str | None = None
    url: str | None = None
    email: str | None = None
    phone: str | None = None

    @field_validator("email", mode="before")
    @classmethod
    def _email(cls, value: object) -> object:
        return plain_email(value) if isinstance(value, str) else value

    @field_validator("phone", mode="before")
    @classmethod
    def _phone(cls, value: object) -> object:
        return danish_phone(value) if isinstance(value, str) else value


class Location(_Model):
    name: str | None = None
    address: str | None = None
    postcode: str | None = None
    city: str | None = None
    municipality: str | None = None
    lat: Annotated[float, Field(ge=-90, le=90)] | None = None
    lon: Annotated[float, Field(ge=-180, le=180)] | None = None
    precision: Precision = Precision.none
    text: str | None = Field(default=None, description="The place as the source wrote it.")

    @model_validator(mode="after")
    def _point_is_whole(self) -> Location:
        # Half a coordinate is no coordinate: a lone lat would put the activity on the equator line.
        if (self.lat is None) != (self.lon is None):
            raise ValueError("location needs both lat and lon, or neither")
        if self.lat is None:
            self.precision = Precision.none
        elif self.precision is Precision.none:
            raise ValueError("a location with coordinates needs a precision")
        return self


@lru_cache(maxsize=4096)
def _checked_rrule(v: str) -> str:
    """An RRULE body without its "RRULE:" prefix; ValueError saying what is wrong with it."""
    body = v.strip().removeprefix("RRULE:")
    problem = _rrule_problem(body)
    if problem:
        raise ValueError(f"invalid RRULE {v!r}: {problem}")
    return body


def _rrule_problem(body: str) -> str | None:
    """Why an RRULE body is invalid, or None. Cached: crawls repeat the same few rules."""
    from dateutil.rrule import rrulestr

    # Checked against a naive start, so a UTC UNTIL is checked as a plain date-time.
    probe = re.sub(r"(UNTIL=\d{8}(?:T\d{6})?)Z", r"\1", body)
    try:
        rrulestr(probe, dtstart=datetime(2000, 1, 1))
    except (ValueError, TypeError) as exc:
        return str(exc)
    return None


class ScheduleRule(_Model):
    """A further recurrence of a schedule that meets by several rules ("mandag kl. 18.30 og
    onsdag kl. 13.00"): its own RRULE, its first start (the first date and the clock time),
    the end of its first meeting, and the meetings it skips (EXDATE: a cancelled date, a
    summer break). Its last meeting is the rule's UNTIL or COUNT; none: it goes on."""

    rrule: str = Field(description="RFC 5545 RRULE, without DTSTART.")
    start: datetime = Field(description="First start by this rule, Europe/Copenhagen, tz-aware.")
    end: datetime | None = Field(default=None, description="End of this rule's first meeting.")
    exdates: list[datetime] = Field(
        default_factory=list, description="Meetings this rule skips (EXDATE)."
    )

    @field_validator("rrule")
    @classmethod
    def _rrule_is_valid(cls, v: str) -> str:
        return _checked_rrule(v)

    @model_validator(mode="after")
    def _coherent(self) -> ScheduleRule:
        for name in ("start", "end"):
            value = getattr(self, name)
            if value is not None and value.tzinfo is None:
                raise ValueError(f"schedule rule {name} must carry a time zone")
        if self.end is not None and self.end < self.start:
            raise ValueError("schedule rule ends before it starts")
        return self


class Schedule(_Model):
    """When an activity meets.

    A schedule of one rule keeps it in `rrule`/`start`/`end`/`exdates` (as every record
    did before schedules could hold several). One that meets by several rules, each with its
    own days and clock time ("mandag kl. 18.30 og onsdag kl. 13.00", "tirsdag 10-12 og
    torsdag 14-16"), keeps the first in those fields and the others in `rules`. This keeps
    every stored record and every reader of the first rule working unchanged; whatever needs
    all meetings (occurrences, weekdays, parts of the day, last meeting) reads them through
    `normalize.schedule`, which merges the rules. `dates` (RDATE) and `exdates` (EXDATE) of
    the schedule itself apply to the merged set: a single date of an irregular programme, a
    meeting cancelled. `rules` is left out of the JSON when empty, so a one-rule record reads
    and hashes as before. See docs/schedules.md.
    """

    kind: ScheduleKind = ScheduleKind.unknown
    start: datetime | None = Field(
        default=None, description="First (or only) start of the first rule, Europe/Copenhagen, "
        "tz-aware."
    )
    end: datetime | None = Field(
        default=None, description="End of a one-off, or the end time of the first meeting."
    )
    rrule: str | None = Field(default=None, description="RFC 5545 RRULE, without DTSTART.")
    dates: list[datetime] = Field(
        default_factory=list,
        description="Further dates: of a one-off listed with several dates, or extra meetings "
        "of a recurring schedule (RDATE).",
    )
    exdates: list[datetime] = Field(
        default_factory=list, description="Meetings a recurring schedule skips (EXDATE)."
    )
    rules: list[ScheduleRule] = Field(
        default_factory=list, exclude_if=lambda v: not v,
        description="Further rules of a recurring schedule that meets by several, each with "
        "its own days and clock time; the first rule is `rrule`/`start`/`end`.",
    )
    time_known: bool = Field(
        default=True, description="False when the source gives days but no clock time."
    )
    text: str | None = None

    @field_validator("rrule")
    @classmethod
    def _rrule_is_valid(cls, v: str | None) -> str | None:
        return None if v is None else _checked_rrule(v)

    @model_validator(mode="after")
    def _coherent(self) -> Schedule:
        if self.kind is ScheduleKind.recurring and not (self.rrule and self.start):
            raise ValueError("a recurring schedule needs rrule and start")
        if self.rules and self.kind is not ScheduleKind.recurring:
            raise ValueError("only a recurring schedule has further rules")
        if self.kind is ScheduleKind.once and self.start is None:
            raise ValueError("a one-off schedule needs a start")
        for name in ("start", "end"):
            value = getattr(self, name)
            if value is not None and value.tzinfo is None:
                raise ValueError(f"schedule.{name} must carry a time zone")
        if self.start and self.end and self.end < self.start:
            raise ValueError("schedule ends before it starts")
        return self


class _Value(_Model):
    """A value type: immutable, so parsers may hand out one cached instance to many records."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class AgeRange(_Value):
    min: Annotated[int, Field(ge=0, le=120)] | None = None
    max: Annotated[int, Field(ge=0, le=120)] | None = None
    text: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> AgeRange:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("age.min is greater than age.max")
        return self


class Price(_Value):
    amount_dkk: Annotated[float, Field(ge=0)] | None = None
    period: PricePeriod | None = None
    is_free: bool | None = None
    text: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Price:
        if self.is_free and self.amount_dkk not in (None, 0):
            raise ValueError("a free activity cannot cost money")
        return self


class Accessibility(_Value):
    """Each flag is True (stated yes), False (stated no) or None (not stated: unknown)."""

    wheelchair: bool | None = None
    step_free: bool | None = None
    accessible_toilet: bool | None = None
    hearing_loop: bool | None = None
    parking: bool | None = None
    text: str | None = None


class Source(_Model):
    name: str
    kind: SourceKind
    url: str
    fetched_at: datetime


class Activity(_Model):
    id: str
    title: Annotated[str, Field(min_length=1, max_length=500)]
    description: str | None = None
    organizer: Organizer = Field(default_factory=Organizer)
    organization_id: str | None = None
    categories: list[str] = Field(default_factory=list)
    location: Location = Field(default_factory=Location)
    schedule: Schedule = Field(default_factory=Schedule)
    age: AgeRange = Field(default_factory=AgeRange)
    price: Price = Field(default_factory=Price)
    accessibility: Accessibility = Field(default_factory=Accessibility)
    drop_in: bool | None = None
    drop_in_text: str | None = None
    event_status: EventStatus = Field(
        default=EventStatus.unknown,
        description="Cancelled and postponed activities are never search hits.")
    availability: Availability = Availability.unknown
    #: The words (or structured value) the event status and the availability were read from.
    event_status_text: str | None = None
    availability_text: str | None = None
    language: str | None = None
    source: Source
    first_seen: datetime
    last_seen: datetime
    status: Status = Status.active
    #: A merged record (the same offer found by several sources): every source it was found
    #: in, the ids of the records it merges, and which record each field was taken from.
    sources: list[Source] = Field(default_factory=list)
    merged_from: list[str] = Field(default_factory=list)
    provenance: dict[str, str] = Field(default_factory=dict)

    @field_validator("categories")
    @classmethod
    def _slugs(cls, v: list[str]) -> list[str]:
        return sorted(set(v))


class Organization(_Model):
    id: str
    name: Annotated[str, Field(min_length=1)]
    description: str | None = None
    address: str | None = None
    url: str | None = None
    email: str | None = None
    phone: str | None = None
    municipality: str | None = None
    source: Source | None = None


def _digest(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def activity_id(source_name: str, origin: str) -> str:
    """Stable id: the source's name, then a hash of its own id or canonical URL.

    >>> activity_id("holstebro", "https://example.dk/a/1")
    'holstebro:f66e8cab2265da6a'
    """
    return f"{source_name}:{_digest(source_name, origin.strip())}"


def _id_key(text: str) -> str:
    """The name an association's id is hashed from: case and spacing do not count. Frozen,
    not `core.text.fold`: approved corrections and removals are stored by these ids, so a
    change here would orphan them."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[^\w]+", " ", text).strip()


def organization_id(name: str) -> str:
    """Stable id for an association, from its case- and space-folded name.

    The same association found by two sources gets one id, so its listings group together.
    (Not by web host: many associations live as pages on one municipal host.)

    >>> organization_id("Mænds Mødested  Assens") == organization_id("mænds mødested assens")
    True
    """
    return f"org:{_digest(_id_key(name))}"


def json_schemas() -> dict[str, Any]:
    """JSON Schema of both public types, for `fkort schema`."""
    return {
        "Activity": Activity.model_json_schema(),
        "Organization": Organization.model_json_schema(),
    }


class RawActivity(_Model):
    """What a crawler extracted from one page, before interpretation.

    `structured` holds a schema.org Event as extracted from JSON-LD or microdata (uniform
    form); `texts` holds free text per field (title, description, when, where, price, age,
    accessibility, organizer, contact) for sources without structured data.
    """

    model_config = ConfigDict(extra="forbid")

    source: Source
    origin_id: str | None = None
    structured: dict[str, Any] | None = None
    texts: dict[str, str] = Field(default_factory=dict)
    #: An iCalendar-style event: dtstart, dtend, rrule, exdates, rdates (ISO strings), all_day.
    calendar: dict[str, Any] | None = None
    municipality: str | None = None
