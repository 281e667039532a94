"""Turns one extracted item (`RawActivity`) into one `Activity`, field by field."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import lru_cache
from typing import Any, cast

from core.clock import TZ
from core.schema import (
    Activity,
    Organization,
    Organizer,
    RawActivity,
    Schedule,
    ScheduleKind,
    activity_id,
    danish_phone,
    organization_id,
    plain_email,
)
from normalize import age, event_status, geo, price, schedule
from normalize._memo import Key
from normalize.accessibility import from_amenity_features
from normalize.category import parse_categories
from normalize.contact import find_email, find_phone, read_contact
from normalize.dropin import parse_drop_in
from normalize.schedule_text import may_state_a_rule, parse_schedule
from normalize.text import clean_text

EVENT_TYPES = {"Event", "SocialEvent", "EducationEvent", "SportsEvent", "MusicEvent",
               "ExhibitionEvent", "Festival", "LiteraryEvent", "FoodEvent", "CourseInstance",
               "ChildrensEvent", "TheaterEvent", "DanceEvent", "ComedyEvent", "VisualArtsEvent"}


#: An association's id by its name: a site names the same few on every item.
_organization_id = lru_cache(maxsize=20_000)(organization_id)


class NotAnActivity(ValueError):
    """The item cannot become an activity; the message says why, for the crawl report."""


def _first(value: object) -> object:
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _str(value: object) -> str | None:
    value = _first(value)
    if value is None:
        return None
    # (A string, the common case, is no Mapping: the abstract class's check, a call into
    # Python, is skipped for it.)
    if not isinstance(value, str) and isinstance(value, Mapping):
        value = value.get("name") or value.get("@value") or value.get("url")
    return clean_text(value) if value is not None else None


def _organizer(data: Mapping[str, Any], texts: Mapping[str, str]) -> Organizer:
    """Who runs it, and the contact the organiser published: schema.org's organizer (its
    email/telephone, or its contactPoint's), then the page's contact field, then its organiser
    field ("Ældre Sagen, tlf. 96 63 14 20"). What none of them gives stays unknown."""
    org = _first(data.get("organizer"))
    try:
        stated = Key(org, texts.get("contact"), texts.get("organizer"))
    except TypeError:  # not plain JSON: read afresh
        return _read_organizer(org, texts.get("contact"), texts.get("organizer"))
    # One instance for every record that names this organiser, uncopied: no code changes an
    # organiser in place (a correction is applied to a dump of the record and validated anew,
    # records/overrides.py), so no record's change can reach another's.
    return _remembered_organizer(stated)


@lru_cache(maxsize=20_000)
def _remembered_organizer(stated: Key) -> Organizer:
    # A site names the same organiser, with the same contact, on every item it lists.
    org, contact, named = stated.values
    return _read_organizer(org, cast("str | None", contact), cast("str | None", named))


def _read_organizer(org: object, contact_text: str | None, named: str | None) -> Organizer:
    if isinstance(org, Mapping):
        point = _first(org.get("contactPoint"))
        point = point if isinstance(point, Mapping) else {}
        found = Organizer(
            name=_str(org.get("name")),
            url=_str(org.get("url")),
            email=_str(org.get("email") or point.get("email")),
            phone=_str(org.get("telephone") or point.get("telephone")),
        )
    else:
        found = Organizer(name=_str(org) or clean_text(named))
    for text in (contact_text, named):
        if found.email and found.phone:
            break
        contact = read_contact(text)
        email, phone = found.email or contact.email, found.phone or contact.phone
        if (email, phone) != (found.email, found.phone):
            found = found.model_copy(update={"email": email, "phone": phone})
    return found


@lru_cache(maxsize=20_000)
def _address_text(where: str) -> str:
    """An address over several lines as one: "Aktivitetshuset / Østergade 12, 7620 Lemvig".
    Remembered: a site names the same few places on every item it lists, every crawl."""
    lines = (clean_text(where, keep_lines=True) or "").splitlines()
    return ", ".join(x.strip(" ,") for x in lines if x.strip(" ,"))


def build_activity(raw: RawActivity, *, now: datetime | None = None) -> Activity:
    """Interpret one extracted item. Raises NotAnActivity (with a reason) when it is not one.

    Structured data (schema.org) is read first; free text fills what it leaves unknown: the
    page's own field for it ("Hvornår", "Pris", ...), then the description.
    """
    data: Mapping[str, Any] = raw.structured or {}
    where = raw.texts.get("where")
    # The place is read by `_address_text` below, not cleaned twice.
    texts = {k: v for k, v in ((k, clean_text(v)) for k, v in raw.texts.items()
                               if not (where and k == "where")) if v}
    if where:
        texts["where"] = _address_text(where)
    title = _str(data.get("name")) or texts.get("title")
    if not title:
        raise NotAnActivity("no title")
    description = clean_text(data.get("description")) or texts.get("description")
    origin = (
        _str(data.get("identifier"))
        or raw.origin_id
        or _str(data.get("@id"))
        or _str(data.get("url"))
        or raw.source.url
    )
    fetched = raw.source.fetched_at.astimezone(TZ)
    sched = _schedule(raw, data, texts, description, fetched)
    place = data.get("location")
    location = geo.from_schema_org(place if place else texts.get("where"),
                                   municipality=raw.municipality)
    cost = price.from_schema_org(data.get("offers"), data.get("isAccessibleForFree"),
                                 texts.get("price"))
    if cost.amount_dkk is None and cost.is_free is None and description:
        cost = price.parse_price(description)
    ages = age.from_schema_org(data.get("typicalAgeRange"), data.get("audience"))
    for text in (texts.get("age"), title, description):
        if ages.min is not None or ages.max is not None or not text:
            continue
        ages = age.parse_age(text)
    features = place.get("amenityFeature") if isinstance(place, Mapping) else None
    access_text = " ".join(t for t in (texts.get("accessibility"), description) if t) or None
    access = from_amenity_features(features, access_text)
    signup = texts.get("signup")
    if signup and "tilmeld" not in signup.casefold():
        # The page's sign-up field: "Senest 1. januar til ..." is a sign-up by its label.
        signup = f"Tilmelding: {signup}"
    drop_text = " ".join(t for t in (signup, description, cost.text) if t) or None
    organizer = _organizer(data, texts)
    stated, sched = event_status.apply_cancelled_days(
        _status(data, raw, texts, title, description), sched, fetched)
    seen = now or raw.source.fetched_at
    return Activity(
        id=activity_id(raw.source.name, origin),
        title=title,
        description=description,
        organizer=organizer,
        organization_id=_organization_id(organizer.name) if organizer.name else None,
        categories=parse_categories(title, _keywords(data.get("keywords")), description,
                                    texts.get("category")),
        location=location,
        schedule=sched,
        age=ages,
        price=cost,
        accessibility=access,
        drop_in=parse_drop_in(drop_text),
        drop_in_text=drop_text,
        event_status=stated.status.value,
        event_status_text=stated.status.text,
        availability=stated.availability.value,
        availability_text=stated.availability.text,
        language=_str(data.get("inLanguage")) or "da",
        source=raw.source,
        first_seen=seen,
        last_seen=seen,
    )


def _schedule(raw: RawActivity, data: Mapping[str, Any], texts: Mapping[str, str],
              description: str | None, fetched: datetime) -> Schedule:
    """When it meets: the calendar or schema.org first, the page's time field or description
    where they say nothing, and a rule in the text over one structured date (`_text_rule`)."""
    when = texts.get("when")
    stated = [data.get(k) for k in ("startDate", "endDate", "eventSchedule")]
    # Without any of them schema.org says nothing: unknown, which the rest may fill.
    sched = None if all(v is None for v in stated) else schedule.from_schema_org(
        *stated, ref=fetched, text=when)
    unknown = sched is None or sched.kind is ScheduleKind.unknown
    if raw.calendar:
        sched = schedule.from_calendar(raw.calendar, text=when)
    elif unknown and when:
        sched = parse_schedule(when, fetched)
    elif unknown and description and not raw.structured:
        # Posts and pages with no time field often say it in the text: "hver tirsdag kl. 10".
        sched = parse_schedule(description, fetched)
    if sched is None:
        return Schedule(kind=ScheduleKind.unknown, text=when)
    return _text_rule(sched, when, description)


def _text_rule(sched: Schedule, *texts: str | None) -> Schedule:
    """Text recurrence wins over one structured date, and the date becomes its first meeting.

    A feed often gives only the next date of a recurring offer ("startDate" 2026-03-28) while
    its text says "sidste lørdag i måneden" or "torsdage kl. 16.30": read alone, the offer
    would be a one-off. When the time field (then the description) holds a rule and the
    structured date is one of its meetings (the rule, read from that date, meets on it), the
    rule is kept, starting on that date; a clock time only the structured date gives is kept.
    A date that is not one of the rule's meetings leaves the structured one-off as it was:
    the two disagree, and neither is guessed over the other.
    """
    if sched.kind is not ScheduleKind.once or sched.dates or sched.start is None:
        return sched
    first = sched.start.astimezone(TZ)
    for text in texts:
        if not text or not may_state_a_rule(text):
            continue
        rule = parse_schedule(text, first.date())
        if rule.kind is not ScheduleKind.recurring or rule.start is None:
            continue
        if rule.start.astimezone(TZ).date() != first.date():
            return sched
        if rule.time_known or not sched.time_known:
            return rule
        # The time from the structured date: "torsdage" in the text, 16:30 in startDate.
        end = sched.end if sched.end and sched.end.date() == first.date() else None
        return rule.model_copy(update={"start": first, "end": end, "time_known": True})
    return sched


def _status(data: Mapping[str, Any], raw: RawActivity, texts: Mapping[str, str], title: str,
            description: str | None) -> event_status.StatusReading:
    """Cancelled, postponed, full: from schema.org, the platform's own state (iCalendar
    STATUS, a `status` field), then the title, the time, the sign-up and the description."""
    return event_status.read([
        ("eventStatus", data.get("eventStatus")),
        ("offers", data.get("offers")),
        ("state", (raw.calendar or {}).get("status")),
        ("state", texts.get("status")),
        *(("text", t) for t in (title, texts.get("when"), texts.get("signup"), description)),
    ])


def _keywords(value: object) -> str | None:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value if v)
    return str(value) if value else None


def is_event(data: Mapping[str, Any]) -> bool:
    types = data.get("@type")
    types = types if isinstance(types, list) else [types]
    return any(str(t).rsplit("/", 1)[-1] in EVENT_TYPES for t in types if t)


def is_organization(data: Mapping[str, Any]) -> bool:
    types = data.get("@type")
    types = types if isinstance(types, list) else [types]
    return any(
        str(t).rsplit("/", 1)[-1] in {"Organization", "NGO", "SportsClub", "SportsOrganization",
                                      "LocalBusiness", "Library", "CommunityHealth"}
        for t in types if t
    )


def build_organization(data: Mapping[str, Any], raw: RawActivity) -> Organization:
    name = _str(data.get("name"))
    if not name:
        raise NotAnActivity("organisation without a name")
    return Organization(
        id=organization_id(name),
        name=name,
        description=clean_text(data.get("description")),
        address=_str(data.get("address")),
        url=_str(data.get("url")),
        email=_org_email(data.get("email")),
        phone=_org_phone(data.get("telephone")),
        municipality=raw.municipality,
        source=raw.source,
    )


def _org_email(value: object) -> str | None:
    """An association's e-mail as its page or structured data gives it, read as an
    organiser's is: the address ("mailto:" and spaces cut, the domain in lower case), else the
    first address in the text; a text with none gives none (the crawl counts it).

    >>> _org_email(" Formand@Lemvig-Pensionistforening.DK "), _org_email("se hjemmesiden")
    ('Formand@lemvig-pensionistforening.dk', None)
    """
    text = _str(value)
    if not text:
        return None
    return plain_email(text) or find_email(text)


def _org_phone(value: object) -> str | None:
    """An association's phone number, read as an organiser's is: a Danish number as
    "97 82 05 13" (with or without +45), a foreign one as written, else the first Danish
    number in the text; a text with none ("ring til formanden") gives none.

    >>> _org_phone("+45 97820513"), _org_phone("Tlf. 9782 0513 (efter kl. 17)")
    ('97 82 05 13', '97 82 05 13')
    >>> _org_phone("ring til formanden") is None
    True
    """
    text = _str(value)
    if not text:
        return None
    return danish_phone(text) or find_phone(text)
