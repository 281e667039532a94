"""Danish wording for the pages: dates, prices, ages, yes/no/unknown."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta

from core.clock import TZ
from core.schema import (
    Activity,
    AgeRange,
    Availability,
    EventStatus,
    Organizer,
    Price,
    PricePeriod,
    Schedule,
)
from index.contract import MAX_RADIUS_KM
from normalize.event_status import is_status_code
from normalize.schedule import rules

UNKNOWN = "ikke oplyst"
#: The search's filters, as the page names them.
FILTERS = {"age": "alder", "max_price": "pris", "free": "gratis", "wheelchair": "kørestol",
           "step_free": "trinfri adgang", "hearing_loop": "teleslynge", "weekday": "ugedag",
           "time_of_day": "tid på dagen", "drop_in": "drop-in"}
#: How exactly a place is known, in words for the page.
PRECISION = {"address": "adressen", "street": "vejen", "postcode": "postnummeret",
             "town": "byens midte", "municipality": "kommunen", "none": "ikke oplyst"}
DAYS = ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"]
MONTHS = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september",
          "oktober", "november", "december"]
PERIODS = {
    PricePeriod.once: "",
    PricePeriod.per_time: " pr. gang",
    PricePeriod.month: " pr. måned",
    PricePeriod.quarter: " pr. kvartal",
    PricePeriod.half_year: " pr. halvår",
    PricePeriod.season: " pr. sæson",
    PricePeriod.year: " pr. år",
}


def _clock(dt: datetime) -> str:
    return f"{dt.hour:02d}.{dt.minute:02d}"


def when(start: datetime, duration: timedelta | None = None) -> str:
    """"tirsdag 13. januar kl. 14.00–16.00".

    >>> from core.clock import TZ
    >>> when(datetime(2026, 1, 13, 14, tzinfo=TZ), timedelta(hours=2))
    'tirsdag 13. januar kl. 14.00–16.00'
    """
    text = f"{DAYS[start.weekday()]} {start.day}. {MONTHS[start.month - 1]}"
    if (start.hour, start.minute) != (0, 0):
        text += f" kl. {_clock(start)}"
        if duration:
            text += f"–{_clock(start + duration)}"
    return text


_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
#: A plain weekly rule: its days, maybe an interval of 1 and a last date (said by the dates).
_WEEKLY = re.compile(r"^FREQ=WEEKLY(?:;INTERVAL=1)?;BYDAY=((?:MO|TU|WE|TH|FR|SA|SU)"
                     r"(?:,(?:MO|TU|WE|TH|FR|SA|SU))*)(?:;UNTIL=\w+)?$")


def listed(words: list[str]) -> str:
    """Danish list: "a", "a og b", "a, b og c"."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " og " + words[-1]


def weekly(schedule: Schedule) -> str | None:
    """The days and times of a schedule that meets weekly by several rules, in words; None
    for any other schedule (its dates say it) or when a clock time is not known.

    >>> s = Schedule(kind="recurring", rrule="FREQ=WEEKLY;BYDAY=MO",
    ...              start=datetime(2026, 3, 2, 18, 30, tzinfo=TZ), rules=[{
    ...              "rrule": "FREQ=WEEKLY;BYDAY=WE,FR",
    ...              "start": datetime(2026, 3, 4, 13, tzinfo=TZ),
    ...              "end": datetime(2026, 3, 4, 14, 30, tzinfo=TZ)}])
    >>> weekly(s)
    'mandag kl. 18.30 og onsdag og fredag kl. 13.00–14.30'
    """
    if not schedule.rules or not schedule.time_known:
        return None
    parts = []
    for r in rules(schedule):
        m = _WEEKLY.match(r.rrule)
        if not m:
            return None
        days = listed([DAYS[_CODES.index(c)] for c in sorted(m.group(1).split(","),
                                                             key=_CODES.index)])
        start = r.start.astimezone(TZ)
        clock = f"kl. {_clock(start)}"
        if r.end is not None and r.end.date() == r.start.date():
            clock += f"–{_clock(r.end.astimezone(TZ))}"
        parts.append(f"{days} {clock}")
    return listed(parts)


def price(p: Price) -> str:
    """The price as the page says it.

    >>> price(Price(amount_dkk=15, period="per_time", is_free=False))
    '15 kr. pr. gang'
    """
    if p.is_free:
        return "Gratis"
    if p.amount_dkk is None:
        return UNKNOWN
    amount = f"{p.amount_dkk:,.2f}".rstrip("0").rstrip(".").replace(",", "X").replace(
        ".", ",").replace("X", ".")
    return f"{amount} kr.{PERIODS.get(p.period, '') if p.period else ''}"


def age(a: AgeRange) -> str:
    if a.min is not None and a.max is not None:
        return f"{a.min}–{a.max} år"
    if a.min is not None:
        return f"fra {a.min} år"
    if a.max is not None:
        return f"til og med {a.max} år"
    return UNKNOWN


def yes_no(value: bool | None) -> str:
    return UNKNOWN if value is None else ("ja" if value else "nej")


def where(activity: Activity) -> str:
    loc = activity.location
    town = " ".join(x for x in (loc.postcode, loc.city) if x)
    parts = [x for x in (loc.name, loc.address, town) if x]
    return ", ".join(parts) if parts else UNKNOWN


def tel_href(phone: str) -> str:
    """A tel: link for a number as the record holds it; Danish numbers get +45.

    >>> tel_href("97 82 11 00"), tel_href("+46 8 123 456 78")
    ('tel:+4597821100', 'tel:+46812345678')
    """
    digits = re.sub(r"[^\d+]", "", phone)
    return f"tel:+45{digits}" if len(digits) == 8 and digits.isdigit() else f"tel:{digits}"


def contact_advice(organizer: Organizer) -> str:
    """What the match-kort tells the brobygger to do before going: call or write the organiser
    by the contact they published; with none, check the page it was found on. Never "call"
    without a number.

    >>> contact_advice(Organizer(phone="97 82 11 00", email="a@b.dk"))
    'Ring til arrangøren på 97 82 11 00 og hør, om det stadig passer.'
    >>> contact_advice(Organizer(email="strik@holstebro.dk"))
    'Skriv til arrangøren på strik@holstebro.dk og hør, om det stadig passer.'
    >>> contact_advice(Organizer(name="Strikkeklubben"))  # doctest: +ELLIPSIS
    'Arrangørens kontakt er ikke oplyst. Se på siden, hvor tilbuddet er fundet, om det ...'
    """
    if organizer.phone:
        return f"Ring til arrangøren på {organizer.phone} og hør, om det stadig passer."
    if organizer.email:
        return f"Skriv til arrangøren på {organizer.email} og hør, om det stadig passer."
    return (f"Arrangørens kontakt er {UNKNOWN}. Se på siden, hvor tilbuddet er fundet, "
            "om det stadig passer.")


def km(distance: float | None) -> str:
    if distance is None:
        return ""
    return f"{distance:.1f} km".replace(".", ",")


#: Precisions that stand for an area, not a door: a distance from or to them is approximate.
APPROXIMATE = frozenset({"street", "postcode", "town", "municipality"})
#: Closer than this, two approximate points are the same centre (a postcode's or a town's).
SAME_CENTRE_KM = 0.05
#: Where the page says distances are measured from, by the precision of the search point.
ORIGIN = {"address": "adressen", "street": "vejen", "postcode": "postnummerets midtpunkt",
          "town": "byens midte", "municipality": "kommunens største by"}


def same_town(distance: float | None, place: str, origin: str) -> bool:
    """Whether both ends stand for an area and are the same centre: "0,0 km" would say
    "next door" when all we know is "the same town".

    >>> same_town(0.0, "postcode", "postcode"), same_town(0.0, "address", "postcode")
    (True, False)
    """
    return (distance is not None and distance < SAME_CENTRE_KM and place in APPROXIMATE
            and origin in APPROXIMATE)


def distance(value: float | None, place: str, origin: str) -> str:
    """A hit's distance in words, from the precisions of its place and the search point.

    >>> distance(0.0, "town", "postcode"), distance(2.34, "address", "town")
    ('i samme by', '2,3 km (omtrent)')
    >>> distance(0.31, "address", "address"), distance(None, "town", "town")
    ('0,3 km', '')
    """
    if value is None:
        return ""
    if same_town(value, place, origin):
        return "i samme by"
    approximate = place in APPROXIMATE or origin in APPROXIMATE
    return km(value) + (" (omtrent)" if approximate else "")


def origin_text(precision: str, note: str | None) -> str:
    """Where the page's distances are measured from, for a search point found by the
    geocoder; `note` says why an address stands at its postcode's point or town's centre.

    >>> origin_text("postcode", "omtrentlig: postnummerets midtpunkt")
    'Adressen blev ikke fundet; afstand målt fra postnummerets midtpunkt (omtrentlig).'
    >>> origin_text("town", None), origin_text("address", None)
    ('Afstand målt fra byens midte (omtrentlig).', 'Afstand målt fra adressen.')
    """
    where = ORIGIN.get(precision, PRECISION.get(precision, precision))
    if precision not in APPROXIMATE:
        return f"Afstand målt fra {where}."
    if note:
        return f"Adressen blev ikke fundet; afstand målt fra {where} (omtrentlig)."
    return f"Afstand målt fra {where} (omtrentlig)."


def date(value: datetime) -> str:
    """"20. november 2026" (for when a listing was last seen).

    >>> date(datetime(2026, 11, 20, 3))
    '20. november 2026'
    """
    return f"{value.day}. {MONTHS[value.month - 1]} {value.year}"


#: The banner of an activity that does not take place as announced, or has no places left:
#: its heading and what the brobygger should do.
STATUS_BANNERS: dict[str, tuple[str, str]] = {
    EventStatus.cancelled.value: ("Aflyst", "Arrangementet er aflyst. Send ikke nogen afsted."),
    EventStatus.postponed.value: ("Udsat", "Arrangementet er udsat. Hør arrangøren om den nye "
                                           "dato, før nogen tager afsted."),
    Availability.full.value: ("Fuldt booket", "Der er ikke flere pladser. Ring til arrangøren "
                                              "og hør, om der er afbud."),
    Availability.waitlist.value: ("Fuldt booket – venteliste",
                                  "Der er venteliste. Hør arrangøren, om borgeren kan skrive "
                                  "sig på den."),
}


def status_banner(activity: Activity) -> dict[str, str] | None:
    """The banner for a cancelled, postponed or full activity (None when there is none): its
    kind, heading, advice, and the source's own words.

    >>> from core.schema import EventStatus, Source
    >>> day = datetime(2026, 1, 1)
    >>> src = Source(name="t", kind="municipal", url="https://x.example", fetched_at=day)
    >>> a = Activity(id="t:1", title="Strik", source=src, first_seen=day, last_seen=day,
    ...              availability="waitlist", availability_text="Fuldt booket – venteliste")
    >>> status_banner(a)["heading"]
    'Fuldt booket – venteliste'
    >>> b = a.model_copy(update={"event_status": EventStatus.cancelled,
    ...                          "event_status_text": "CANCELLED"})
    >>> status_banner(b)["kind"], status_banner(b)["said"]
    ('cancelled', '')
    """
    kind: str = activity.event_status.value
    said = activity.event_status_text
    if kind not in STATUS_BANNERS:
        kind, said = activity.availability.value, activity.availability_text
    if kind not in STATUS_BANNERS:
        return None
    heading, advice = STATUS_BANNERS[kind]
    if said and is_status_code(said):
        said = ""  # a feed's code ("CANCELLED", "EventCancelled"): the heading says it
    return {"kind": kind, "heading": heading, "advice": advice, "said": said or ""}


def drop_in(value: bool | None) -> str:
    """Sign-up or not, as the citizen needs to hear it."""
    if value is None:
        return f"{UNKNOWN} om man skal tilmelde sig"
    return "Drop-in: bare mød op" if value else "Tilmelding nødvendig"


#: Accessibility features the pages show, in order: (field, label, icon name).
ACCESS_FEATURES = [("wheelchair", "Kørestol", "wheelchair"),
                   ("step_free", "Trinfri adgang", "steps"),
                   ("hearing_loop", "Teleslynge", "ear")]


def access_items(activity: Activity) -> list[dict[str, str]]:
    """Each accessibility feature with its Danish label, icon and state (yes/no/unknown)."""
    items = []
    for field, label, icon in ACCESS_FEATURES:
        value = getattr(activity.accessibility, field)
        state = "unknown" if value is None else ("yes" if value else "no")
        items.append({"field": field, "label": label, "icon": icon, "state": state,
                      "value": yes_no(value)})
    return items


#: What a filter met only as unknown means, said to the brobygger.
UNKNOWN_MATCH = {
    "age": f"{UNKNOWN} hvilken alder det er for",
    "max_price": f"{UNKNOWN} hvad det koster",
    "free": f"{UNKNOWN} om det er gratis",
    "wheelchair": f"{UNKNOWN} om der er adgang for kørestol",
    "step_free": f"{UNKNOWN} om der er trinfri adgang",
    "hearing_loop": f"{UNKNOWN} om der er teleslynge",
    "weekday": f"{UNKNOWN} hvilke dage det er",
    "time_of_day": f"{UNKNOWN} hvornår på dagen det er",
    "drop_in": f"{UNKNOWN} om man skal tilmelde sig",
}


#: The search form's words for a field that needs fixing, by parameter; they say how to fix
#: it and never repeat what was typed.
FORM_ERRORS = {
    "near": "Vi kunne ikke finde stedet. Skriv en adresse med postnummer (fx Nørregade 3, "
            "7500 Holstebro), et postnummer, en by eller et punkt (fx 56.36,8.62).",
    "near_postcode": "Postnummeret findes ikke. Skriv et dansk postnummer (fx 7500), en "
                     "adresse med postnummer, en by eller et punkt (fx 56.36,8.62).",
    "radius_km": f"Afstanden skal være et tal i km, over 0 og højst {MAX_RADIUS_KM:g}.",
    "age": "Alderen skal være et helt tal fra 0 til 120.",
    "max_price": "Højst-prisen skal være et beløb i kroner, 0 eller mere.",
    "sort": "Vælg en af sorteringerne på listen.",
    "categories": "Vælg interesserne på listen.",
    "weekday": "Vælg dagene på listen.",
    "time_of_day": "Vælg tid på dagen på listen.",
}


def matched(matches: Mapping[str, str]) -> dict[str, list[str]]:
    """A hit's `matched` split into what it is stated to fit and what it does not say.

    >>> matched({"hearing_loop": "unknown", "age": "yes"})
    {'yes': ['alder'], 'unknown': ['ikke oplyst om der er teleslynge']}
    """
    yes = [FILTERS.get(k, k) for k, v in sorted(matches.items()) if v == "yes"]
    unknown = [UNKNOWN_MATCH.get(k, f"{UNKNOWN}: {FILTERS.get(k, k)}")
               for k, v in sorted(matches.items()) if v == "unknown"]
    return {"yes": yes, "unknown": unknown}


def excerpt(text: str | None, limit: int = 220) -> str:
    """The start of a description, cut at a word.

    >>> excerpt("Vi spiller brætspil hver tirsdag og drikker kaffe", 30)
    'Vi spiller brætspil hver…'
    """
    if not text:
        return ""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",.;:") + "…"
