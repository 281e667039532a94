"""Danish wording for the pages: dates, prices, ages, yes/no/unknown."""

from __future__ import annotations

from datetime import datetime, timedelta

from fkort.schema import Activity, AgeRange, Price, PricePeriod

UNKNOWN = "ikke oplyst"
#: The search's filters, as the page names them.
FILTERS = {"age": "alder", "max_price": "pris", "free": "gratis", "wheelchair": "kørestol",
           "step_free": "trinfri adgang", "hearing_loop": "teleslynge", "weekday": "ugedag",
           "time_of_day": "tidspunkt", "drop_in": "tilmelding"}
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
    PricePeriod.year: " pr. år",
}


def _clock(dt: datetime) -> str:
    return f"{dt.hour:02d}.{dt.minute:02d}"


def when(start: datetime, duration: timedelta | None = None) -> str:
    """"tirsdag 13. januar kl. 14.00–16.00".

    >>> from zoneinfo import ZoneInfo
    >>> when(datetime(2026, 1, 13, 14, tzinfo=ZoneInfo("Europe/Copenhagen")), timedelta(hours=2))
    'tirsdag 13. januar kl. 14.00–16.00'
    """
    text = f"{DAYS[start.weekday()]} {start.day}. {MONTHS[start.month - 1]}"
    if (start.hour, start.minute) != (0, 0):
        text += f" kl. {_clock(start)}"
        if duration:
            text += f"–{_clock(start + duration)}"
    return text


def price(p: Price) -> str:
    """>>> price(Price(amount_dkk=15, period="per_time", is_free=False))
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


def km(distance: float | None) -> str:
    if distance is None:
        return ""
    return f"{distance:.1f} km".replace(".", ",")
