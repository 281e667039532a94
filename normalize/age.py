"""Who an activity is for, by age: schema.org audience and Danish age text into `AgeRange`."""

from __future__ import annotations

import re
from collections.abc import Mapping

from fkort.schema import AgeRange

#: Age words and the age range we read them as. "Senior" and "pensionist" have no legal age in
#: Danish; municipalities' senior offers commonly open at 60 (Ældre Sagen's "60+" groups), and
#: folkepension starts at 67, but early retirees join pensioner clubs: both read as 60+.
AGE_WORDS: list[tuple[re.Pattern[str], tuple[int | None, int | None]]] = [
    (re.compile(r"\bseniorer?\b|\bpensionister?\b|\bældre\b"), (60, None)),
]
_RANGE = re.compile(r"(\d{1,3})\s*(?:-|–|til|og)\s*(\d{1,3})\s*år")
_PLUS = re.compile(r"(\d{1,3})\s*\+|(?:fra|over)\s*(\d{1,3})\s*år|(\d{1,3})\s*år og (?:derover|op)")
_UNDER = re.compile(r"under\s*(\d{1,3})")


def _valid(lo: int | None, hi: int | None) -> bool:
    return all(v is None or 0 <= v <= 120 for v in (lo, hi)) and (
        lo is None or hi is None or lo <= hi
    )


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
    """
    if not text:
        return AgeRange()
    low = text.casefold()
    if m := _RANGE.search(low):
        lo, hi = int(m.group(1)), int(m.group(2))
        if _valid(lo, hi):
            return AgeRange(min=lo, max=hi, text=text)
    if m := _PLUS.search(low):
        lo = int(next(g for g in m.groups() if g))
        if _valid(lo, None):
            return AgeRange(min=lo, text=text)
    if m := _UNDER.search(low):
        hi = int(m.group(1)) - 1
        if _valid(None, hi):
            return AgeRange(max=hi, text=text)
    for rx, (lo2, hi2) in AGE_WORDS:
        if rx.search(low):
            return AgeRange(min=lo2, max=hi2, text=text)
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
        if isinstance(aud, Mapping):
            lo = _int(aud.get("suggestedMinAge"))
            hi = _int(aud.get("suggestedMaxAge"))
            if (lo is not None or hi is not None) and _valid(lo, hi):
                return AgeRange(min=lo, max=hi, text=_audience_text(aud))
            if aud.get("audienceType"):
                return parse_age(str(aud["audienceType"]))
    return AgeRange()


def _int(value: object) -> int | None:
    try:
        return int(float(str(value))) if value is not None else None
    except (ValueError, OverflowError):
        return None


def _audience_text(aud: Mapping[str, object]) -> str:
    lo, hi = aud.get("suggestedMinAge"), aud.get("suggestedMaxAge")
    return f"{lo or ''}-{hi or ''} år".strip()
