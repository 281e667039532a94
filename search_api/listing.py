"""How a listing was understood, for the association's page: each field as the system read
it beside the text it came from, and a warning wherever something could not be read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.schema import NOT_TAKING_PLACE, Activity, Precision, Status
from normalize.category import CATEGORY_LABELS
from normalize.schedule import last_start, next_meetings
from search_api import formatting as fmt

_FLAG_NAMES = {"wheelchair": "kørestol", "step_free": "trinfri adgang",
               "accessible_toilet": "handicaptoilet", "hearing_loop": "teleslynge",
               "parking": "parkering"}
#: Event status and places, as the association's page names them.
_STATUS = {"scheduled": "finder sted som annonceret", "cancelled": "aflyst",
           "postponed": "udsat", "unknown": fmt.UNKNOWN}
_PLACES = {"available": "ledige pladser", "full": "fuldt booket",
           "waitlist": "fuldt booket – venteliste", "unknown": fmt.UNKNOWN}
_APPROXIMATE = {Precision.street, Precision.postcode, Precision.town, Precision.municipality}


@dataclass
class Row:
    """One field: its Danish name, what we understood, the source's own words (or None)."""

    label: str
    understood: str
    original: str | None
    #: The field name a correction request uses for it (None: not correctable by form).
    field: str | None = None


def rows(a: Activity, now: datetime) -> list[Row]:
    nxt = next_meetings(a.schedule, now, 3)
    when = "; ".join(fmt.when(d, length) for d, length in nxt) if nxt else fmt.UNKNOWN
    if (rule := fmt.weekly(a.schedule)) and nxt:
        when = f"hver {rule}: {when}"
    acc = a.accessibility
    flags = ", ".join(f"{name}: {fmt.yes_no(getattr(acc, key))}"
                      for key, name in _FLAG_NAMES.items())
    drop_in = {True: "uforpligtende, ingen tilmelding", False: "kræver tilmelding",
               None: fmt.UNKNOWN}[a.drop_in]
    where = fmt.where(a)
    if a.location.lat is not None:
        where += f" (placeret ved {fmt.PRECISION[a.location.precision.value]})"
    cats = ", ".join(CATEGORY_LABELS.get(c, c) for c in a.categories) or fmt.UNKNOWN
    return [
        Row("Titel", a.title, None, "title"),
        Row("Næste gange", when, a.schedule.text, "schedule"),
        Row("Sted", where, a.location.text, None),
        Row("Pris", fmt.price(a.price), a.price.text, "price"),
        Row("Alder", fmt.age(a.age), a.age.text, "age"),
        Row("Tilgængelighed", flags, a.accessibility.text, None),
        Row("Tilmelding", drop_in, a.drop_in_text, "drop_in"),
        Row("Interesser", cats, None, None),
        Row("Arrangør", a.organizer.name or fmt.UNKNOWN, None, "organizer.name"),
        Row("Status", _STATUS[a.event_status.value], a.event_status_text, None),
        Row("Pladser", _PLACES[a.availability.value], a.availability_text, None),
    ]


def warnings(a: Activity, now: datetime) -> list[str]:
    """What could not be read, in the words the association sees."""
    out: list[str] = []
    sch = a.schedule
    if sch.start is None:
        out.append(f'Vi kunne ikke læse tidspunktet ("{sch.text}").' if sch.text
                   else "Intet tidspunkt fundet.")
    elif not sch.time_known:
        out.append("Vi kunne ikke læse klokkeslættet; kun dagen er kendt.")
    else:
        last = last_start(sch)
        if last is not None and last < now:
            out.append("Sidste gang er overstået, så aktiviteten vises ikke i søgningen.")
    loc = a.location
    if loc.lat is None:
        out.append("Ingen adresse fundet." if not loc.text
                   else f'Ingen adresse fundet i "{loc.text}".')
    elif loc.precision in _APPROXIMATE:
        out.append(f"Kun {fmt.PRECISION[loc.precision.value]} fundet, ikke adressen: "
                   "afstanden er omtrentlig.")
    if a.price.amount_dkk is None and a.price.is_free is None:
        out.append("Vi kunne ikke læse prisen." if a.price.text else "Prisen er ikke oplyst.")
    if a.age.min is None and a.age.max is None and a.age.text:
        out.append("Vi kunne ikke læse aldersgruppen.")
    acc = a.accessibility
    if all(getattr(acc, k) is None for k in _FLAG_NAMES):
        out.append("Vi kunne ikke læse oplysningerne om tilgængelighed." if acc.text
                   else "Tilgængelighed er ikke oplyst.")
    if a.drop_in is None and a.drop_in_text:
        out.append("Vi kunne ikke læse, om der kræves tilmelding.")
    if not a.categories:
        out.append("Ingen interesse-kategori fundet: aktiviteten findes kun ved fritekst.")
    return out + _hidden(a)


def _hidden(a: Activity) -> list[str]:
    """Why a search does not show the listing, beyond its dates."""
    out: list[str] = []
    if a.event_status in NOT_TAKING_PLACE:
        out.append(f"Vi har læst, at aktiviteten er {_STATUS[a.event_status.value]}: "
                   "den vises ikke i søgningen.")
    if a.status is Status.stale:
        out.append("Ikke fundet ved de seneste gennemgange af kilden: vises ikke i søgningen.")
    return out
