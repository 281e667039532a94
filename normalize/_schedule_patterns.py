"""Patterns for Danish schedule text: dates, times, week and month ranges, recurrence phrases.

Written after how activity descriptions on Danish municipal pages, library and culture-house
calendars, association sites, booking systems (Foreningsportalen/Conventus-style
"07-10-2026", "Slut: 12:00") and portal posts state when something meets; the words
themselves (weekdays, months, ordinals) are in `normalize._calendar_words`. All patterns run on
text already prepared by `schedule_text._prep`: case-folded, dashes and spaces made plain,
"klokken" written "kl.", "ca." dropped.

Order matters in three places, said where it does: alternations of words are longest first
(so "tirsdag" is read whole, not as "tirs"); dates are taken out of the text one kind after
another (ISO, then dashed, then named, then numeric), each kind removed before the next looks;
and a time range is looked for before a single time.
"""

from __future__ import annotations

import re

from normalize._calendar_words import MONTHS, WEEKDAY_ABBR, WEEKDAY_STEMS, WORKDAYS

# Longest first: "september" before "sep", "tirsdag" before any shorter stem.
_MONTH_RX = "|".join(sorted(MONTHS, key=len, reverse=True))
DAY_RX = "|".join(sorted(WEEKDAY_STEMS, key=len, reverse=True))

# -- preparing the text (schedule_text._prep, in this order) ---------------------------------------
DASHES = re.compile(r"[\u2010-\u2015\u2212]")
ODD_SPACES = re.compile(r"[\u00a0\u2000-\u200b\u202f]")
#: "klokken 10", "kl: 10" → "kl. 10".
KLOKKEN = re.compile(r"\bklokken\b|\bkl\s*:")
#: "ca. kl. 10": the approximation is dropped.
CIRCA = re.compile(r"\bca\.?\s*")
WHITESPACE = re.compile(r"\s+")

# -- weekdays --------------------------------------------------------------------------------------
WEEKDAY = re.compile(rf"(?<![\w])({DAY_RX})(e|en|ene|s)?(?![\w])")
WEEKDAY_ABBREVIATION = re.compile(
    r"(?<![\w])(" + "|".join(re.escape(a) for a in WEEKDAY_ABBR) + r")(?=\s|$|[,/-])"
)
#: "mandag-torsdag" / "mandag til torsdag": every day of the span.
WEEKDAY_SPAN = re.compile(rf"({DAY_RX})\s*(?:-|til)\s*({DAY_RX})")
#: Monday to Friday said in words, whole words only ("alle hverdage", not "alle hverdagen").
WORKDAYS_SAID = re.compile(
    r"(?<!\w)(?:" + "|".join(re.escape(p) for p in WORKDAYS) + r")(?!\w)"
)
#: Plural weekdays ("tirsdage") say the meeting recurs.
PLURAL_WEEKDAY = re.compile(rf"(?<![\w])({DAY_RX})e\b")
#: "på tirsdag", "næste torsdag": one day, not every one ("tirsdage" is not this).
ON_DAY = re.compile(rf"\b(?:på|næste|kommende|denne)\s+({DAY_RX})(?:en)?\b(?!e)")

#: Cheap first looks, to skip the slow patterns on text that cannot match them.
HAS_DIGIT = re.compile(r"\d")
DIGIT_SEP_DIGIT = re.compile(r"\d[./-]\d")
HAS_MONTH = re.compile(r"jan|feb|mar|apr|maj|jun|jul|aug|sep|okt|nov|dec")

# -- dates, taken out of the text in this order (schedule_text._take_dates) ------------------------
#: "2026-03-12". First: its parts would otherwise read as a dashed date.
ISO_DATE = re.compile(r"\b(20\d\d)-(\d\d)-(\d\d)\b")
#: "07-10-2026" as booking systems print it (day first).
DASH_DATE = re.compile(r"\b(\d{1,2})-(\d{1,2})-(20\d\d)\b")
#: "3. februar 2026", "d. 4. og 18. marts", "2., 9. og 16. marts", "3 feb."
NAMED_DATE = re.compile(
    r"(?<![\d.])((?:\d{1,2}\.?\s*(?:,|og|&|\+)\s*"
    rf"(?:(?:{DAY_RX})\s+)?(?:d\.|den)?\s*)*\d{{1,2}})\.?\s*"
    rf"({_MONTH_RX})\b\.?(?:\s*(20\d\d))?"
)
#: The day numbers in a named date's list ("2., 9. og 16.").
DAY_NUMBER = re.compile(r"\d{1,2}")
#: "14/3", "14/3-2026", "5.2.", "12.03.2026", "d. 5.2" — not "19.30" (a time). Last: it reads
#: the digits the other date patterns leave.
NUM_DATE = re.compile(
    r"(?<![\d.:])(?:(?P<pre>d\.|den)\s*)?(?P<d>\d{1,2})(?P<sep>[./])(?P<m>\d{1,2})"
    r"(?:(?:[./-])(?P<y>(?:20)?\d\d))?(?P<dot>\.)?(?![\d:])"
)
#: Words before a date that make it a deadline, not a meeting ("tilmelding senest 1. marts").
DEADLINE = re.compile(r"(?:senest|inden|frist|deadline|betales|tilmelding\s+før)\s*"
                      r"(?:d\.|den|på|:)?\s*$")
#: An English month and day ("March 12, 2026 7pm"): such dates are left to dateparser.
ENGLISH_DATE = re.compile(
    r"\b(january|february|march|april|may|june|july|august|september|october|november|"
    r"december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\b\.?\s*\d{1,2}\b"
)
#: A time of day in such text: "7:30", "7pm", "kl. 19".
ENGLISH_TIME = re.compile(r"\d[:.]\d\d|\d\s*(am|pm)\b|\bkl\.?\s*\d")
#: "i overmorgen", "i morgen", "i dag" / "i aften": days from the reading day.
RELATIVE_DAYS: list[tuple[re.Pattern[str], int]] = [
    (re.compile(r"\bi\s+overmorgen\b"), 2),
    (re.compile(r"\bi\s+morgen\b"), 1),
    (re.compile(r"\bi\s+dag\b|\bi\s+aften\b"), 0),
]

# -- seasons, week and month ranges ----------------------------------------------------------------
#: "fra 1. september til 30. april", "d. 3. feb - 28. apr." (the season of several rules:
#: normalize.schedule_rules).
SEASON = re.compile(
    rf"(?:fra\s+)?(?:d\.\s*|den\s+)?(\d{{1,2}})\.?\s*({_MONTH_RX})\b\.?\s*"
    rf"(?:-|til|og\s+frem\s+til|frem\s+til)\s*(?:og\s+med\s+)?(?:d\.\s*|den\s+)?"
    rf"(\d{{1,2}})\.?\s*({_MONTH_RX})\b\.?"
)
#: "september-april", "fra oktober til marts" (not after a day number: that is a date).
MONTH_RANGE = re.compile(
    rf"(?<![\d.]\s)(?<![\d.])(?:fra\s+)?({_MONTH_RX})\b\.?\s*(?:-|til)\s*({_MONTH_RX})\b"
)
#: "uge 36-48", "fra uge 36 til uge 48", "ugerne 2 og frem til 12".
WEEK_RANGE = re.compile(
    r"\buge(?:rne|r)?\s*(\d{1,2})\s*(?:-|til|og\s+frem\s+til)\s*(?:uge\s*)?(\d{1,2})\b"
)
#: "i ulige uger" / "i lige uger".
ODD_WEEKS = re.compile(r"\bulige\s+uge")
EVEN_WEEKS = re.compile(r"\blige\s+uge")

# -- recurrence ------------------------------------------------------------------------------------
#: "første og tredje onsdag", "1. og 3. tirsdag", "sidste fredag".
ORDINAL_DAY = re.compile(
    r"((?:(?:\d\.|første|anden|andre|tredje|fjerde|femte|sidste|næstsidste)\s*"
    r"(?:,|og|&)?\s*)+)"
    rf"\s*({DAY_RX})(?:e|en|s)?\b"
)
#: The ordinal words in an ORDINAL_DAY match's first group.
ORDINAL_WORD = re.compile(r"\d\.|første|anden|andre|tredje|fjerde|femte|næstsidste|sidste")
#: "d." or "den" right before ordinals: "d. 2. og tirsdag d. 16." holds dates.
DATE_MARK_BEFORE = re.compile(r"(?:\bd\.|\bden)\s*$")
MONTHLY = re.compile(r"i\s+måneden|hver\s+måned|om\s+måneden|i\s+hver\s+måned|månedlig")
#: "hver anden uge", "hver 3. torsdag", "hver 14. dag".
EVERY_OTHER = re.compile(
    r"\bhver\s+(anden|andre|tredje|fjerde|\d\.?)\s+(uge|" + DAY_RX + r"|\d+\.?\s*dag)"
)
EVERY_N_DAYS = re.compile(r"\bhver\s+(14|21|28)\.?\s*dag\b")
#: Words that make a stated weekday a rule, not one day.
RECURRING_WORDS = re.compile(r"\bhver\b|\balle\s+uger|\bhver\s+uge|\bugentlig|\bfast\b")

# -- times -----------------------------------------------------------------------------------------
#: "Slut: 12:00" / "slutter kl. 16": the end, when start and end are printed apart.
END_LABEL = re.compile(r"\bslut\w*\s*:?\s*(?:kl\.?\s*)?(\d{1,2})[.:](\d{2})(?!\d)"
                       # "hjemkomst kl. 17" (a trip's return is its end)
                       r"|\bhjemkomst\s*:?\s*kl\.?\s*(\d{1,2})(?:[.:](\d{2}))?(?![\d.:]\d)")
# A time ends where no digit follows, nor a separator with a digit ("19.30", not "19.3.").
_END = r"(?!\d|[.:/]\d)"
#: "kl. 14-16", "fra 10.00 til 12.30", "19:00-21:30" — not "18-30 år" or "30-50 kr.".
TIME_RANGE = re.compile(
    r"((?:\bfra\s+)?\bkl\.?\s*|\bfra\s+|(?<![\d.:/]))(\d{1,2})(?:[.:](\d{2}))?\s*"
    r"(?:-|til)\s*(?:kl\.?\s*)?(\d{1,2})(?:[.:](\d{2}))?" + _END
    + r"(?!\s*(?:år|kr|km|pers|deltag|måned|uge))"
)
#: Single times, looked for in this order when there is no range: "kl. 19" before "19.30".
SINGLE_TIMES = (
    re.compile(r"\bkl\.?\s*(\d{1,2})(?:[.:](\d{2}))?" + _END),
    re.compile(r"(?<![\d.:/])(\d{1,2})[.:](\d{2})" + _END),
)

# -- what is not a meeting (schedule_text._mask_noise) ---------------------------------------------
#: The words a date or a day can be written in, one after another: used to take out the whole
#: date after a deadline or a page stamp ("senest mandag d. 5. oktober kl. 12").
_DATE_TOKENS = (
    rf"(?:(?:d\.|den|på|kl\.?|før|(?:{DAY_RX})\w*|(?:{_MONTH_RX})\b\.?|20\d\d\b|"
    r"\d{1,2}(?:[./:]\d{1,2}){0,2}\.?|(?:man|tirs?|ons|tors?|fre|lør|søn)\.)\s*,?\s*)+"
)
#: A deadline is not a meeting: "tilmelding senest mandagen før", "senest 1/12", "frist:
#: 3. marts". The words after it that say a date, a day or a time are taken out with it.
DEADLINE_SPAN = re.compile(
    r"\b(?:senest|inden|(?:tilmeldings)?frist(?:en)?(?:\s+for\s+\w+)?(?:\s+er)?|deadline|"
    r"betales|tilmelding\s+før)\s*:?\s*"
    + _DATE_TOKENS
)
#: A page's stamp is not a meeting: "Oprettet: 1. februar 2026", "Opdateret fredag d. 2.
#: oktober" (church and library pages print them next to the activity).
STAMP_SPAN = re.compile(
    r"\b(?:oprettet|opdateret|udgivet|publiceret|redigeret|sidst\s+ændret)\b\s*:?\s*"
    + _DATE_TOKENS
)
#: A cheap first look for the three above and for breaks and bounds: most text has none.
NOISE_HINT = re.compile(r"senest|inden|frist|deadline|betales|tilmelding|oprettet|opdateret|"
                        r"udgivet|publiceret|redigeret|ændret|fleste|enkelte|nogle|visse|"
                        r"udvalgte|somme")
BREAK_HINT = re.compile(r"ingen|lukket|aflyst|pause|ferie|ikke|undtagen|sidste|sæsonen")
#: Words that can make a text a rule (for a rule in the text over one structured date), each
#: pattern behind a word every match of it holds ("uge" of "alle uger", "ugentlig" and "lige
#: uger"; "dage" of a plural weekday, as every stem ends in "dag"): a pattern looks at a long
#: description only when its word is in it, and one alternation at a time is much faster than
#: all of them at every position.
RULE_HINTS = (
    ("hver", re.compile(r"\bhver\b|hver\s+måned|hverdage\b")),
    ("uge", re.compile(r"\balle\s+uger|\bugentlig|lige\s+uger")),
    ("dage", re.compile(rf"(?<![\w])(?:{DAY_RX})e\b")),
    ("måned", re.compile(r"i\s+måneden|månedlig")),
    ("dagligt", re.compile(r"dagligt")),
)
#: All of them as one pattern (a match of it is a match of one of them).
RULE_HINT = re.compile("|".join(p.pattern for _, p in RULE_HINTS))
#: "de fleste onsdage og enkelte lørdage", "nogle torsdage": days with a vague quantifier are
#: no rule; they are taken out, and what is left decides (often nothing: unknown).
VAGUE_DAYS = re.compile(
    rf"\b(?:de\s+fleste|enkelte|nogle|visse|udvalgte|somme\s+tider\s+på)\s+(?:{DAY_RX})e\b"
)

# -- breaks and bounds of a series (schedule_text._take_breaks) ------------------------------------
#: A sentence ends at . ! ? followed by a capital in the raw text (not after an abbreviation,
#: checked in code): breaks and bounds are read one sentence at a time.
SENTENCE_END = re.compile(r"[.!?]\s+(?=[A-ZÆØÅ])")
#: Abbreviations a capital may follow without ending the sentence ("Kr. Himmelfartsdag").
ABBREVIATIONS = frozenset({"d", "kl", "kr", "ca", "pga", "obs", "nr", "inkl", "bl.a", "f.eks",
                           "man", "tirs", "tir", "ons", "tors", "tor", "fre", "lør", "søn"})
#: What follows a break word when it names when: "i uge 42", "i (skolernes) efterårsferie",
#: "i juli", "d. 14. maj", "fredag d. 25. december", "mellem jul og nytår", "fra 1. juli",
#: a holiday. "i løbet af aftenen", "i koret" and "for tilmelding" are not.
_WHEN_TAIL = (
    rf"(?:i\s+(?:skolernes\s+|hele\s+)?(?:uge\b|\w*ferie\w*|{_MONTH_RX}\b|perioden\b|"
    r"julen\b|påsken\b|sommer\w*|vinter\w*)|(?:den|mellem|fra|uge|"
    rf"{DAY_RX}|kr\.\s*himmelfartsdag|skærtorsdag|langfredag|påske\w*|pinse\w*|jul\w*)\b"
    r"|d\.|\d)"
)
#: Where a break is said: from here to the end of the sentence is the break clause.
#: "Ingen træning i uge 42", "Lukket i juli", "Sommerpause i juni-august", "dog ikke i uge
#: 42", "undtagen langfredag", "Vi holder juleferie fra 18. december". "ingen", "lukket",
#: "ikke" and "undtagen" alone are not enough ("ingen tilmelding", "det kræver ingen
#: erfaring at være med i koret", "en lukket gruppe", "du behøver dog ikke være medlem"): at
#: most one word, then a word of when.
BREAK = re.compile(
    rf"\b(?:ingen|lukket|aflyst|ikke|undtagen)\s+(?:[\w.]+\s+)??{_WHEN_TAIL}"
    rf"|\b(?:sommer|vinter|jule|påske|efterårs)?pause\s+(?:fra\s+og\s+med\s+)?{_WHEN_TAIL}"
    r"|\bholder\s+(?:\w+\s+)?(?:sommer|vinter|jule|påske|efterårs)?(?:ferie|pause|lukket)\b"
)
#: "6 tirsdage fra d. 6. oktober": a series of so many meetings (with a first date only).
COUNTED_DAYS = re.compile(
    rf"\b(\d{{1,2}}|to|tre|fire|fem|seks|syv|otte|ni|ti|tolv)\s+(?:{DAY_RX})e\b"
    r"(?!\s+(?:i|om|hver)\s+(?:måneden|måned))"
)
NUMBER_WORDS = {"to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6, "syv": 7, "otte": 8,
                "ni": 9, "ti": 10, "tolv": 12}
#: "I januar dog anden tirsdag": one month's meeting moved to another weekday of that month.
MONTH_MOVED = re.compile(
    rf"\bi\s+({_MONTH_RX})\s+(?:er\s+det\s+)?dog\s+(første|anden|tredje|fjerde|sidste|"
    rf"[1-4]\.)\s+({DAY_RX})\b"
)
#: "Sidste spilleaften før sommerpausen er mandag d. 8. juni": the last meeting before a
#: break (the break starts the day after).
LAST_BEFORE = re.compile(r"\bsidste\s+(?:[\w-]+\s+){0,3}?før\s+\w+|\bsidste\s+gang\s+i\s+år\b")
#: "vi starter igen onsdag d. 2. september", "første gang i det nye år er 4. januar": the
#: first meeting after a break (the break ends the day before).
RESTART = re.compile(
    r"\b(?:starter|begynder|åbner|mødes|ses|spiller|træner)\s+(?:vi\s+)?igen\b"
    r"|\bførste\s+gang\s+(?:i\s+det\s+nye\s+år|efter\s+\w+)"
)
#: The last meeting of a series: "Efterårets sidste vandring er lørdag d. 28. november",
#: "Sæsonens sidste sprogcafé er d. 18. juni", "Sæsonen slutter tirsdag d. 16. juni",
#: "Sidste søndagsåbning i 2026 er søndag den 13. december".
#: The date must follow "er" at once: "den sidste tirsdag i måneden er der banko" is a rule.
LAST_MEETING = re.compile(
    r"\bsidste\s+(?:[\w-]+\s+){0,3}?er\s+"
    rf"(?=(?:(?:{DAY_RX})\s+)?(?:d\.\s*|den\s+)?\d)"
    r"|\bsæsonen\s+(?:slutter|afsluttes|sluttes|ender)\b"
)
#: Week numbers listed in a break: "uge 42", "uge 42, 52 og 53", "uge 28-31".
WEEK_LIST = re.compile(r"\buge(?:rne|r)?\s*(\d{1,2}(?:\s*(?:,|og|-|til)\s*\d{1,2})*)")
#: Months named in a break: "i juni, juli og august", "juni-august", "i juli".
MONTH_WORD = re.compile(rf"(?<![\d.]\s)(?<![\d.])\b({_MONTH_RX})\b")
#: A span of days, a season or a short run: "fra 1. september til 30. april", "d. 3. feb -
#: 28. apr.", "fra 8. september 2026 til 9. marts 2027", "21.-23. maj", "12.-16. oktober",
#: "mandag d. 12. okt til torsdag d. 15. okt", "21. december – 3. januar" (the weekday before
#: each end is checked against its date).
DAY_RANGE = re.compile(
    rf"(?:(?P<wd1>{DAY_RX})\s+)?(?:d\.\s*|den\s+)?(?P<d1>\d{{1,2}})\.?\s*"
    rf"(?:(?P<m1>{_MONTH_RX})\b\.?\s*(?P<y1>20\d\d)?\s*)?"
    r"(?:-|til\s+og\s+med|og\s+frem\s+til|frem\s+til|til)\s*"
    rf"(?:(?P<wd2>{DAY_RX})\s+)?(?:d\.\s*|den\s+)?(?P<d2>\d{{1,2}})\.?\s*"
    rf"(?P<m2>{_MONTH_RX})\b\.?(?:\s*(?P<y2>20\d\d))?"
)
#: "lørdag-" right before a DAY_RANGE that starts with a weekday: a span of weekdays.
WEEKDAY_SPAN_BEFORE = re.compile(rf"\b({DAY_RX})\s*-\s*$")
#: A stated weekday right before a date: "lørdag d. 26. september", "fre. 10/12".
WEEKDAY_BEFORE = re.compile(
    rf"(?:\b({DAY_RX})(?:en)?|(?<![\w])(man|tirs|tir|ons|tors|tor|fre|lør|søn)\.)\s*,?\s*"
    r"(?:d\.|den)?\s*$"
)
#: "fra" right before a date (or a weekday and a date): the first meeting of a series.
FROM_BEFORE = re.compile(rf"\bfra\s+(?:(?:{DAY_RX})\s+)?(?:d\.|den)?\s*$")
