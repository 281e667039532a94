"""Who an activity is for, by age: schema.org audience and Danish age text into `AgeRange`."""

from __future__ import annotations

import re
from collections.abc import Mapping

from core.schema import AgeRange
from normalize._memo import remembered
from normalize._starts import found_at

#: Age words and the age range we read them as. "Senior" and "pensionist" have no legal age in
#: Danish; municipalities' senior offers commonly open at 60 (Ældre Sagen's "60+" groups), and
#: folkepension starts at 67, but early retirees join pensioner clubs: all read as 60+.
AGE_WORDS: list[tuple[re.Pattern[str], tuple[int | None, int | None]]] = [
    (re.compile(r"\bsenior\w*|\bpension(?:ist|ere)\w*|\bfolkepension\w*|\bældre(?!\s+end)\w*"
                r"|\befterløn\w*"), (60, None)),
]
#: Names that hold an age word but state no age: Ældre Sagen's members join from any age, and
#: "medlemmer af Ældre Sagen" or "Ældre Sagens julefrokost" says nothing of who may come.
_NAMES = re.compile(r"\bældre\s*sagen\w*")
#: An age range nothing states. AgeRange is frozen: one instance serves every record.
_UNKNOWN = AgeRange()
#: Cheap first look: a digit or an age word.
_ANY_AGE = re.compile(r"\d|senior|pension|ældre|efterløn|alder")  # grades hold a digit
_AGE = r"(\d{1,3})"
_YEARS = r"\s*(?:-\s*)?(?:år(?!s)|årige)\b"
#: Ranges, most explicit first: "mellem 18 og 30 år", "18-30 år", "13-17-årige".
_RANGES = [
    re.compile(rf"mellem\s+{_AGE}\s*(?:og|-)\s*{_AGE}(?:{_YEARS})?"),
    re.compile(rf"(?:fra\s+)?{_AGE}\s*(?:-|til)\s*{_AGE}{_YEARS}"),
    re.compile(rf"alder(?:sgruppe(?:n)?)?\s*:?\s*{_AGE}\s*-\s*{_AGE}"),
]
#: What a number after "over"/"under" counts when it is no age: "over 10 aftener", "under 8
#: tilmeldte", "over 20 km" (a group size, a duration, a distance or a price).
_COUNTED = (r"kr|deltag|pers|min|km|grader|gange|timer|uger|dage|mdr|måneder|meter|aftener"
            r"|lektioner|weekend|sæson|medlem|tilmeld|spiller|hold|kampe|hul|plads|børn")
#: Upper bounds: value and how it is read ("under 25" admits 24 at most).
_MAX = [
    (re.compile(rf"\bunder\s+{_AGE}(?!\d)(?:{_YEARS})?(?!\s*(?:{_COUNTED}))"), -1),
    (re.compile(rf"\b(?:op\s+til|til\s+og\s+med|højst|max\.?|maks\.?)\s+{_AGE}{_YEARS}"), 0),
    (re.compile(rf"\bøvre\s+aldersgrænse\w*\s*(?::|er|på)?\s*{_AGE}"), 0),
]
#: Lower bounds: "60+", "+60", "over 50" (read as 50: someone of 50 and some months is over 50),
#: "fra 12 år", "65 år og derover", "fyldt 18 år", "mindst 18 år".
_MIN = [
    re.compile(rf"(?<![\d+]){_AGE}\s*\+(?!\s*\d)"),
    re.compile(rf"(?<![\d+]){_AGE}\s*-?\s*plus\w*"),
    re.compile(rf"\b(?:nedre\s+)?aldersgrænse\w*\s*(?::|er|på)?\s*{_AGE}"),
    re.compile(rf"\b(?:minimums|mindste|minimum\s+)alder\w*\s*(?::|er|på)?\s*{_AGE}"),
    re.compile(rf"(?<![\w\d])\+\s*{_AGE}\b(?!\s*\d)"),
    re.compile(rf"\bover\s+{_AGE}(?:{_YEARS})?(?!\s*(?:{_COUNTED}|\d))"),
    re.compile(rf"\b(?:fra|fyldt|mindst|minimum)\s+{_AGE}{_YEARS}"),
    re.compile(rf"\bfyldt\s+{_AGE}\b"),
    re.compile(rf"\bmindst\s+{_AGE}\b(?!\s*(?:kr|deltag|pers|min|gange|timer))"),
    re.compile(rf"{_AGE}{_YEARS}\s*(?:og|eller)\s*(?:derover|opefter|ældre|op|over)"),
]
#: Ages in a price ("35 kr. for børn under 12 år", "børn under 3 år gratis"): who pays less,
#: not who the activity is for.
_PRICE_AGE = re.compile(
    r"(?:\d+(?:[.,]\d+)?\s*(?:kr\b\.?|kroner|,-)|\bgratis|\bhalv\s+pris|\brabat)\s*"
    r"(?:for\s+|til\s+)?(?:børn|unge|pensionister|studerende)\s+(?:under|over|op\s+til|fra)\s+"
    r"\d{1,3}(?:\s*år)?"
    r"|\b(?:børn|unge|pensionister|studerende)\s+(?:under|over|op\s+til)\s+\d{1,3}(?:\s*år)?"
    r"\s*[:,]?\s*(?:får\s+|betaler\s+|har\s+|går\s+|spiser\s+|er\s+)?"
    r"(?:gratis|halv\s+pris|rabat|\d+(?:[.,]\d+)?\s*(?:kr\b|kroner|,-))"
)
#: An age that sets a condition, not a limit: "er du under 18 år, skal en forælder skrive
#: under" (the offer is open to them, with a parent's signature).
_CONDITION_CUES = ("foræld", "værge", "samtykke", "underskri", "skrive under")
_CONDITION_AGE = re.compile(
    r"\b(?:er\s+du|hvis\s+du\s+er|deltagere|du\s+som\s+er)\s+under\s+\d{1,3}(?:\s*år)?"
    r"(?=[^.;]*\b(?:forælde?r\w*|værge|samtykke|underskri\w*|skrive\s+under))"
)
#: Numbers that are not ages: prices by age, clock times, phone numbers, amounts, postcodes,
#: years, distances.
_NOISE = [
    _PRICE_AGE,
    re.compile(r"\bkl\.?\s*\d{1,2}(?:[.:]\d{2})?(?:\s*-\s*\d{1,2}(?:[.:]\d{2})?)?"),
    re.compile(r"(?:\+45\s*)?\b\d{2}\s?\d{2}\s?\d{2}\s?\d{2}\b"),
    re.compile(r"\d+(?:[.,]\d+)?\s*(?:kr\b|kroner|,-|km\b|meter|m\b)"),
    re.compile(r"\b(?:19|20)\d\d\b"),
    re.compile(r"\b\d{4}\b"),
]


#: School grades, read only where the text says grade ("klasse", "kl.", "klassetrin"): grade n
#: is about age n + 6 (children start in 0. klasse the year they turn 6). "4.-10. klasse" is
#: 10-16; "fra 2. klasse og op" is 8 and up; "7. klasse" alone is 13-13. An ordinal without
#: the word ("2. sal", "3. gang") is no grade.
_GRADE = r"(\d{1,2})\.\s*(?:klasse(?:trin)?\w*|kl\b(?!\.?\s*\d)\.?)"
_GRADE_RANGE = re.compile(
    rf"(\d{{1,2}})\.\s*(?:klasse\w*\s*|kl\.\s*)?(?:-|til(?:\s+og\s+med)?|og|eller)\s*{_GRADE}"
)
_GRADE_ONE = re.compile(rf"(\bfra\s+(?:og\s+med\s+)?)?{_GRADE}(\s*(?:og|eller)\s+(?:op|opefter"
                        rf"|ældre|derover)\b)?")
_GRADE_CUE = re.compile(r"\d\.\s*(?:kl|-)")
GRADE_AGE = 6


def _grades(low: str) -> tuple[int | None, int | None, str]:
    """Ages from school grades, and the text without them."""
    if not _GRADE_CUE.search(low):
        return None, None, low
    if m := _GRADE_RANGE.search(low):
        lo, hi = int(m.group(1)) + GRADE_AGE, int(m.group(2)) + GRADE_AGE
        if lo <= hi:
            return lo, hi, low[: m.start()] + " " + low[m.end():]
    if m := _GRADE_ONE.search(low):
        age = int(m.group(2)) + GRADE_AGE
        upward = bool(m.group(1) or m.group(3))
        return age, (None if upward else age), low[: m.start()] + " " + low[m.end():]
    return None, None, low


_HAS_DIGIT = re.compile(r"\d")
#: Words and signs every numeric age pattern above contains.
_AGE_CUE = re.compile(r"år|\+|plus|alder|over|under|fra|fyldt|mindst|minimum|mellem|til|højst|max"
                      r"|maks")
_NOISE_ANY = re.compile("|".join(f"(?:{rx.pattern})" for rx in _NOISE))


#: Where a match of _NOISE_ANY can start: every pattern in _NOISE starts with a digit, "+45",
#: "kl" or one of _PRICE_AGE's first words. (A lookahead, so that no place is skipped.)
_NOISE_START = re.compile(
    r"(?=[\d+]|kl|gratis|halv|rabat|børn|unge|pensionister|studerende)"
)
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")


def _drop_noise(low: str) -> str:
    """The text with each match of _NOISE_ANY made a space: `_NOISE_ANY.sub(" ", low)`, with
    a match tried only where one can start (scanning for all the patterns at every place
    was the slowest step of reading an age). Every match holds a digit, so none is empty.

    >>> _drop_noise("kl. 14 for børn under 12 år: 20 kr. tlf. 12 34 56 78")
    '  for  . tlf.  '
    """
    out: list[str] = []
    pos = 0
    for cand in _NOISE_START.finditer(low):
        at = cand.start()
        if at >= pos and (m := _NOISE_ANY.match(low, at)):
            out += (low[pos:at], " ")
            pos = m.end()
    if not out:
        return low
    out.append(low[pos:])
    return "".join(out)


def _valid(lo: int | None, hi: int | None) -> bool:
    return all(v is None or 0 <= v <= 120 for v in (lo, hi)) and (
        lo is None or hi is None or lo <= hi
    )


@remembered()
def parse_age(text: str | None) -> AgeRange:
    """Age range from Danish text; unknown when the text says nothing about age.

    >>> parse_age("For alle fra 60+").min
    60
    >>> a = parse_age("unge mellem 18 og 30 år"); (a.min, a.max)
    (18, 30)
    >>> parse_age("under 25").max
    24
    >>> parse_age("Alle er velkomne").min is None
    True
    >>> parse_age("Pris 65 kr. for voksne, 35 kr. for børn under 12 år").max is None
    True
    >>> parse_age("Børn under 6 år").max
    5
    >>> parse_age("Kun for medlemmer af Ældre Sagen").min is None
    True
    >>> parse_age("Ældre Sagens seniorbio").min
    60
    >>> a = parse_age("for elever i 4.-10. klasse"); (a.min, a.max)
    (10, 16)
    >>> parse_age("Vi mødes på 2. sal").min is None
    True
    """
    if not text:
        return _UNKNOWN
    low = _DASHES.sub("-", text.casefold())
    if "sagen" in low:  # every match of _NAMES holds it
        low = _NAMES.sub(" ", low)
    if not _ANY_AGE.search(low):
        return AgeRange(text=text)
    g_lo, g_hi, low = _grades(low)
    if g_lo is not None:
        # A grade gives the lower bound; an age stated beside it may give the upper one
        # ("fra 8. klasse til og med 25 år").
        rest = _from_text(low, text)
        hi = rest.max if rest.max is not None and rest.max >= g_lo else g_hi
        return AgeRange(min=g_lo, max=hi, text=text)
    return _from_text(low, text)


def _from_text(low: str, text: str) -> AgeRange:
    """Age range from case-folded text with plain dashes and no grades."""
    if not _AGE_CUE.search(low):
        return _from_words(low, text)  # numbers, but none said as an age
    low = _drop_noise(low)
    if "under" in low and any(map(low.__contains__, _CONDITION_CUES)):
        low = _CONDITION_AGE.sub(" ", low)
    if not _HAS_DIGIT.search(low):
        return _from_words(low, text)
    words_text = low
    # Every numeric pattern holds a number: read only the text around the numbers.
    low = _around_numbers(low)
    if found := _range(low):
        return AgeRange(min=found[0], max=found[1], text=text)
    lo, hi = _lower(low), _upper(low)
    if (lo is not None or hi is not None) and _valid(lo, hi):
        return AgeRange(min=lo, max=hi, text=text)
    return _from_words(words_text, text)


#: A word every match of each pattern in _RANGES, _MIN, _MAX (in their order) and AGE_WORDS
#: holds (_YEARS holds "år"): a text without it is not searched with that pattern.
_RANGE_CUES = ("mellem", "år", "alder")
_MIN_CUES = ("+", "plus", "aldersgrænse", "alder", "+", "over", "år", "fyldt", "mindst", "år")
_MAX_CUES = ("under", "år", "aldersgrænse")
_AGE_WORD_CUES = ("senior", "pension", "ældre", "efterløn")
#: The words every match of each pattern in AGE_WORDS starts with (after its \b): the pattern
#: is tried only where one of them stands (a \b-led alternation scans slowly; a test reads
#: each branch of the patterns to check the words).
_AGE_WORD_STARTS = ("senior", "pension", "folkepension", "ældre", "efterløn")


def _range(low: str) -> tuple[int, int] | None:
    """The first valid range ("mellem 18 og 30 år"), trying the most explicit writing first."""
    for rx, cue in zip(_RANGES, _RANGE_CUES, strict=True):
        if cue in low and (m := rx.search(low)):
            lo, hi = int(m.group(1)), int(m.group(2))
            if _valid(lo, hi):
                return lo, hi
    return None


def _lower(low: str) -> int | None:
    """The lower bound the first matching lower-bound pattern states."""
    for rx, cue in zip(_MIN, _MIN_CUES, strict=True):
        if cue in low and (m := rx.search(low)):
            return int(m.group(1))
    return None


def _upper(low: str) -> int | None:
    """The upper bound the first matching upper-bound pattern states ("under 25": 24)."""
    for (rx, shift), cue in zip(_MAX, _MAX_CUES, strict=True):
        if cue in low and (m := rx.search(low)):
            return int(m.group(1)) + shift
    return None


def _around_numbers(low: str, reach: int = 40) -> str:
    """The stretches of text within `reach` characters of a number, joined by " | "."""
    spans: list[list[int]] = []
    for m in _HAS_DIGIT.finditer(low):
        start, end = max(0, m.start() - reach), m.end() + reach
        if spans and start <= spans[-1][1]:
            spans[-1][1] = end
        else:
            spans.append([start, end])
    return " | ".join(low[a:b] for a, b in spans)


def _from_words(low: str, text: str) -> AgeRange:
    if not any(map(low.__contains__, _AGE_WORD_CUES)):
        return AgeRange(text=text)
    for rx, (lo, hi) in AGE_WORDS:
        if found_at(rx, low, _AGE_WORD_STARTS):
            return AgeRange(min=lo, max=hi, text=text)
    return AgeRange(text=text)



def from_schema_org(typical_age_range: object, audience: object = None) -> AgeRange:
    """Age from schema.org `typicalAgeRange` ("60-", "18-30") or audience min/max ages.

    >>> a = from_schema_org("18-30"); (a.min, a.max)
    (18, 30)
    >>> from_schema_org("60-").max is None
    True
    >>> from_schema_org(None, {"suggestedMinAge": 65}).min
    65
    """
    if isinstance(typical_age_range, str | int) and str(typical_age_range).strip():
        raw = str(typical_age_range).strip()
        m = re.fullmatch(r"(\d{1,3})?\s*[-–]\s*(\d{1,3})?|(\d{1,3})\s*\+?", raw)
        if m:
            lo_s, hi_s, single = m.groups()
            lo = int(lo_s or single) if (lo_s or single) else None
            hi = int(hi_s) if hi_s else None
            if _valid(lo, hi) and (lo is not None or hi is not None):
                return AgeRange(min=lo, max=hi, text=raw)
        return parse_age(raw)
    audiences = audience if isinstance(audience, list) else [audience]
    for aud in audiences:
        if aud is not None and isinstance(aud, Mapping):  # (None: most items state none)
            lo = _int(aud.get("suggestedMinAge"))
            hi = _int(aud.get("suggestedMaxAge"))
            if (lo is not None or hi is not None) and _valid(lo, hi):
                return AgeRange(min=lo, max=hi, text=_audience_text(aud))
            if aud.get("audienceType"):
                return parse_age(str(aud["audienceType"]))
    return _UNKNOWN


def _int(value: object) -> int | None:
    try:
        return int(float(str(value))) if value is not None else None
    except (ValueError, OverflowError):
        return None


def _audience_text(aud: Mapping[str, object]) -> str:
    lo, hi = aud.get("suggestedMinAge"), aud.get("suggestedMaxAge")
    return f"{lo or ''}-{hi or ''} år".strip()
