"""Phrase tables for an event's status (cancelled, postponed) and its places (full, waiting
list).

The phrases come from Danish municipal event calendars and library calendars ("AFLYST:" or
"– AFLYST" in a title, "Arrangementet er desværre aflyst"), association and church sites
("Koncerten er udsat", "flyttet til 14. marts", "Ny dato følger"), booking systems such as
NemTilmeld and Billetto ("Udsolgt", "Der er ikke flere pladser – skriv dig på venteliste",
"Fuldt booket") and portal posts, as written there (lower-cased). Structured values are
schema.org's `eventStatus` and `ItemAvailability` names and the raw states booking platforms
and CMSs publish (dpl-cms `Cancelled`, `SoldOut`; iCalendar `STATUS:CANCELLED`).

Each text table is ordered: the first entry that matches a sentence wins, so negated phrases
stand before the plain ones. A sentence with a `DOUBT` marker says nothing (unknown): it is
about another time ("sidste år", "blev aflyst"), a condition ("aflyses ved for få
tilmeldte", "hvis holdet er fuldt"); one with a `NEGATION` too, unless it says places
are left ("ikke længere fuldt").
"""

from __future__ import annotations

from core.schema import Availability, EventStatus

_MONTH = (r"(?:januar|februar|marts|april|maj|juni|juli|august|september|oktober|november"
          r"|december|jan|feb|mar|apr|jun|jul|aug|sept?|okt|nov|dec)\.?")
#: A date as Danish pages write it: "d. 12. december", "tirsdag den 12/12", "12.12.2026".
DATE = (r"(?:(?:man|tirs|ons|tors|fre|lør|søn)dag\s+)?(?:(?:d\.|den)\s*)?"
        r"(?:(?P<day>\d{1,2})\.?\s*(?P<month>" + _MONTH + r")(?:\s+(?P<year>20\d\d))?"
        r"|(?P<nday>\d{1,2})[./](?P<nmonth>\d{1,2})(?:[./](?P<nyear>(?:20)?\d\d))?\b)")
#: Month names (and their abbreviations) to numbers, for `DATE`'s `month` group.
MONTH_NUMBERS: dict[str, int] = {
    "januar": 1, "jan": 1, "februar": 2, "feb": 2, "marts": 3, "mar": 3, "april": 4,
    "apr": 4, "maj": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11,
    "nov": 11, "december": 12, "dec": 12,
}

#: Words that make a sentence say nothing about this event's status or places.
DOUBT = (
    # another time
    r"\bsidste\s+(?:år|gang|sæson|uge|måned)\b|\bi\s+fjor\b|\btidligere\b|\bblev\b"
    r"|\bvar\s+(?:\w+\s+)?(?:aflyst|udsat|udsolgt|fuldt|fuldtegnet|venteliste)\b"
    r"|\b(?:nu|så|kører|er\s+tilbage)\s+igen\b|\bgenoptag\w*|\balligevel\b"
    r"|\bi\s+(?:19|20)\d\d\b"
    # a condition, a possibility
    r"|\bhvis\b|\bsåfremt\b|\bmedmindre\b|\bi\s+tilfælde\b|\bforbehold\w*|\bevt\b"
    r"|\bkan\s+(?:\w+\s+)?(?:blive|aflys\w*|udsæt\w*|udskyd\w*|fylde\w*)\b"
    r"|\beventuelt\b|\bmuligvis\b|\bmåske\b|\brisiko\b"
    r"|\bved\s+(?:stor|for\s+mange|for\s+få|overtegning|under|mindre\s+end|manglende"
    r"|dårlig\w*|regn\w*|storm|sne|glat\w*|sygdom)\b"
)
#: A negation or a question: doubt for every statement but "places left" (whose phrases are
#: negations: "ikke længere fuldt").
NEGATION = (
    r"\bikke\s+(?:længere\s+|mere\s+)?(?:\w+\s+)?(?:aflys\w*|udsat|udskudt|udsolgt|fuldt"
    r"|fuldtegnet)\b|\bingen\s+venteliste\b|\bophævet\b|\?"
)

#: Danish text → event status. Only whole-event phrases: a sentence that also holds a date
#: ("aflyst d. 12. december") cancels that one meeting (see `CANCELLED_DAY`).
EVENT_STATUS_PHRASES: tuple[tuple[str, EventStatus], ...] = (
    (r"^\W*(?:aflyst|cancel+ed)\b", EventStatus.cancelled),
    # At the end only after a dash, colon or bracket: "Strikkecafé – AFLYST", "(Aflyst)".
    (r"[-–—:(\[|/]\s*(?:aflyst|cancel+ed)\W*$", EventStatus.cancelled),
    (r"\b(?:er|bliver|må|vil\s+blive|har\s+vi\s+måttet)\s+(?:desværre\s+)?(?:blevet\s+)?"
     r"(?:desværre\s+)?aflys(?:t|e|es)\b", EventStatus.cancelled),
    (r"\bhar\s+(?:desværre\s+)?måttet\s+aflyse\b", EventStatus.cancelled),
    (r"\baflyses\b", EventStatus.cancelled),
    (r"^\W*(?:udsat|postponed)\b(?!\s+for\b)", EventStatus.postponed),
    # Not "... der er socialt udsat." (vulnerable): only after a dash, colon or bracket.
    (r"[-–—:(\[|/]\s*(?:udsat|postponed)\W*$", EventStatus.postponed),
    (r"\b(?:er|bliver|må)\s+(?:desværre\s+)?(?:blevet\s+)?(?:desværre\s+)?"
     r"(?:udsat|udskudt)\b(?!\s+for\b)", EventStatus.postponed),
    (r"\b(?:udsættes|udskydes)\b(?!\s+for\b)", EventStatus.postponed),
    (r"\budsat\s+til\b|\budskudt\s+til\b|\budsat\s+på\s+ubestemt\s+tid\b", EventStatus.postponed),
    (r"\bflyttet\s+til\s+(?:en\s+)?(?:ny\s+dato|senere|anden\s+dato|"
     + DATE.replace("?P<", "?P<f_") + ")", EventStatus.postponed),
    (r"\bny\s+dato\s+(?:følger|kommer|meldes|oplyses)\b", EventStatus.postponed),
)

#: One meeting cancelled, its date in the same sentence: "aflyst d. 12. december",
#: "Strikkecaféen d. 12. december er aflyst".
CANCELLED_DAY = (r"\baflys(?:t|es)\b[^.!?]{0,40}?" + DATE
                 + r"|" + DATE.replace("?P<", "?P<b_") + r"[^.!?]{0,40}?\baflys(?:t|es)\b")

#: Danish text → places. Ordered: negations before the phrases they negate.
AVAILABILITY_PHRASES: tuple[tuple[str, Availability], ...] = (
    (r"\bikke\s+(?:længere\s+)?(?:udsolgt|fuldt|fuldtegnet|fuldt\s+booket)\b",
     Availability.available),
    (r"\b(?:stadig|fortsat|enkelte|få)\s+(?:ledige\s+)?pladser\b|\bder\s+er\s+(?:stadig\s+)?"
     r"ledige\s+pladser\b", Availability.available),
    (r"\b(?:udsolgt|fuldt\s+booket|fuldtegnet|overtegnet|ikke\s+flere\s+(?:ledige\s+)?"
     r"pladser)\b.*\bventeliste", Availability.waitlist),
    (r"\b(?:på|til)\s+ventelisten?\b|\bder\s+er\s+venteliste\b|\bkun\s+venteliste\b"
     r"|^\W*venteliste\W*$", Availability.waitlist),
    (r"\budsolgt\b|\bsold\s*out\b|\bfuldt\s+booket\b|\bfuldtegnet\b|\boverbooket\b",
     Availability.full),
    (r"\bder\s+er\s+(?:desværre\s+)?ikke\s+flere\s+(?:ledige\s+)?pladser\b"
     r"|\bingen\s+ledige\s+pladser\b|\balle\s+pladser\s+er\s+(?:optaget|besat|booket|taget)\b",
     Availability.full),
    (r"\b(?:holdet|hold|arrangementet|turen|kurset|forløbet|foredraget|koncerten|gruppen)"
     r"\s+er\s+(?:desværre\s+)?(?:fuldt|fyldt\s+op|overtegnet)\b(?!\s+af\b)|^\W*fuldt\W*$",
     Availability.full),
)

#: schema.org `eventStatus` (a name or a URL's last part, lower-cased) → event status. A
#: rescheduled event takes place at its (new) startDate; one moved online takes place too.
STRUCTURED_EVENT_STATUS: dict[str, EventStatus] = {
    "eventscheduled": EventStatus.scheduled,
    "eventrescheduled": EventStatus.scheduled,
    "eventmovedonline": EventStatus.scheduled,
    "eventcancelled": EventStatus.cancelled,
    "eventpostponed": EventStatus.postponed,
}

#: schema.org `ItemAvailability` of an offer (lower-cased) → places.
STRUCTURED_AVAILABILITY: dict[str, Availability] = {
    "instock": Availability.available,
    "limitedavailability": Availability.available,
    "onlineonly": Availability.available,
    "soldout": Availability.full,
}

#: A platform's raw state as one word (letters only, lower-cased): dpl-cms `state`,
#: iCalendar `STATUS`, JSON APIs' status fields. Values that say neither stay unknown
#: (dpl-cms `Occurred`, `TicketSaleNotOpen`; iCalendar `TENTATIVE`).
PLATFORM_EVENT_STATUS: dict[str, EventStatus] = {
    "active": EventStatus.scheduled, "scheduled": EventStatus.scheduled,
    "confirmed": EventStatus.scheduled, "eventscheduled": EventStatus.scheduled,
    "cancelled": EventStatus.cancelled, "canceled": EventStatus.cancelled,
    "eventcancelled": EventStatus.cancelled, "aflyst": EventStatus.cancelled,
    "postponed": EventStatus.postponed, "eventpostponed": EventStatus.postponed,
    "udsat": EventStatus.postponed,
}
PLATFORM_AVAILABILITY: dict[str, Availability] = {
    "soldout": Availability.full, "full": Availability.full, "udsolgt": Availability.full,
    "fullybooked": Availability.full, "fuldtbooket": Availability.full,
    "waitlist": Availability.waitlist, "waitinglist": Availability.waitlist,
    "venteliste": Availability.waitlist,
    "available": Availability.available, "instock": Availability.available,
}
