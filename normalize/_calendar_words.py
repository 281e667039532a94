"""Danish calendar words: weekdays, months, ordinals and recurrence phrases.

From activity descriptions on Danish municipal pages, library calendars, association sites,
booking systems (Foreningsportalen/Conventus-style "Alle uger / Ugedag: Mandag") and portal
posts. Forms include plurals ("tirsdage"), genitive compounds ("tirsdagscafé") and the
abbreviations calendars print ("tirs.", "tors."). "man" is not read as Monday: it is the
pronoun "one" in Danish.
"""

from __future__ import annotations

#: Weekday stems (matched at a word start) → RFC 5545 code. Longest first matters for "tirs".
WEEKDAY_STEMS: dict[str, str] = {
    "mandag": "MO",
    "tirsdag": "TU",
    "onsdag": "WE",
    "torsdag": "TH",
    "fredag": "FR",
    "lørdag": "SA",
    "loerdag": "SA",
    "søndag": "SU",
    "soendag": "SU",
}
#: Abbreviations, only when written with a full stop ("tirs.").
WEEKDAY_ABBR: dict[str, str] = {
    "man.": "MO", "tirs.": "TU", "tir.": "TU", "ons.": "WE", "tors.": "TH", "tor.": "TH",
    "fre.": "FR", "lør.": "SA", "søn.": "SU",
}
WEEKDAY_ORDER = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]

MONTHS: dict[str, int] = {
    "januar": 1, "jan": 1, "februar": 2, "feb": 2, "marts": 3, "mar": 3, "april": 4, "apr": 4,
    "maj": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}

#: Ordinal words before a weekday in "første lørdag i måneden". "anden" also means "other"
#: ("hver anden torsdag" = every other Thursday); the parser tells them apart by "hver".
ORDINALS: dict[str, int] = {
    "første": 1, "1.": 1, "anden": 2, "andre": 2, "2.": 2, "tredje": 3, "3.": 3,
    "fjerde": 4, "4.": 4, "femte": 5, "5.": 5, "sidste": -1, "næstsidste": -2,
}

#: Every n-th week: "hver anden" = 2, "hver 3. uge" = 3, "hver 14. dag" = 2.
INTERVAL_WORDS: dict[str, int] = {"anden": 2, "andre": 2, "tredje": 3, "fjerde": 4}

#: Phrases for "every weekday" / "every day" / "weekends".
#: "hverdag" is not a day list: "en snak om hverdagen", "i hverdagen", "i hverdagene" speak
#: of everyday life. Only the indefinite plural as a whole word names Monday to Friday: "alle
#: hverdage", "på hverdage", "åben hverdage 10-14" (matched as whole words, see
#: `_schedule_patterns.WORKDAYS_SAID`).
WORKDAYS = ("alle hverdage", "på hverdage", "hverdage", "man-fre", "mandag-fredag",
            "mandag til fredag", "man.-fre.")
DAILY = ("dagligt", "hver dag", "alle dage", "alle ugens dage", "hele ugen")
WEEKENDS = ("i weekenden", "weekender", "hver weekend", "lørdag og søndag")

#: Text that says the time is not (yet) known.
UNKNOWN_TIME = ("efter aftale", "oplyses senere", "aftales", "følg med på", "se opslag",
                "se hjemmeside", "løbende")

#: Named holidays a break can name ("Ingen vandgymnastik ... og skærtorsdag"), as days from
#: Easter Sunday; fixed-date holidays as (month, day). Only read inside a break clause.
EASTER_HOLIDAYS: dict[str, int] = {
    "skærtorsdag": -3, "langfredag": -2, "påskedag": 0, "2. påskedag": 1, "anden påskedag": 1,
    "kr. himmelfartsdag": 39, "kristi himmelfartsdag": 39, "himmelfartsdag": 39,
    "pinsedag": 49, "2. pinsedag": 50, "anden pinsedag": 50,
}
FIXED_HOLIDAYS: dict[str, tuple[int, int]] = {
    "nytårsdag": (1, 1), "grundlovsdag": (6, 5), "juleaften": (12, 24),
    "juleaftensdag": (12, 24), "1. juledag": (12, 25), "juledag": (12, 25),
    "2. juledag": (12, 26), "anden juledag": (12, 26), "nytårsaften": (12, 31),
    "nytårsaftensdag": (12, 31),
}
