"""Accessibility flags, drop-in and categories from Danish text and schema.org hints."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from fkort.schema import Accessibility
from normalize._phrases import ACCESSIBILITY, CATEGORIES, DROP_IN
from normalize.analysis import split_compound, stem, words

CATEGORY_LABELS: dict[str, str] = {slug: label for slug, (label, _) in CATEGORIES.items()}


def _phrase_rx(phrases: Iterable[str]) -> re.Pattern[str]:
    # Danish adjectives and nouns inflect at the end: "kørestolsvenlig|t|e", "trapper|ne".
    alts = "|".join(re.escape(p) for p in phrases)
    return re.compile(r"(?<!\w)(?:" + alts + r")(?:e|t|er|et|en|ne|s)?(?!\w)")


_ACC_RX = {flag: (_phrase_rx(no), _phrase_rx(yes)) for flag, (no, yes) in ACCESSIBILITY.items()}
_DROP_NO, _DROP_YES = _phrase_rx(DROP_IN[0]), _phrase_rx(DROP_IN[1])


def parse_accessibility(text: str | None) -> Accessibility:
    """Accessibility flags the text speaks of; the others stay unknown.

    >>> a = parse_accessibility("Der er trapper og ingen elevator, men der er teleslynge.")
    >>> a.step_free, a.hearing_loop, a.wheelchair
    (False, True, False)
    """
    if not text:
        return Accessibility()
    low = text.casefold()
    flags: dict[str, bool] = {}
    for flag, (no, yes) in _ACC_RX.items():
        if no.search(low):
            flags[flag] = False
        elif yes.search(low):
            flags[flag] = True
    if flags.get("step_free") is False and "wheelchair" not in flags and "trapper" in low:
        # Stairs and no lift: a wheelchair cannot get in either.
        flags["wheelchair"] = False
    return Accessibility(**flags, text=text)


def from_amenity_features(features: object, text: str | None = None) -> Accessibility:
    """Flags from schema.org `amenityFeature` (LocationFeatureSpecification name/value) and text.

    >>> a = from_amenity_features([{"name": "Teleslynge", "value": True},
    ...                            {"name": "Elevator", "value": False}])
    >>> a.hearing_loop, a.step_free, a.wheelchair
    (True, False, None)
    """
    flags: dict[str, bool] = {}
    parts: list[str] = []
    items = features if isinstance(features, list) else [features]
    for feat in items:
        if not isinstance(feat, Mapping) or not feat.get("name"):
            continue
        name = str(feat["name"]).strip()
        value = feat.get("value", True)
        stated = not (value is False or str(value).casefold() in {"false", "nej", "0"})
        parts.append(name if stated else f"{name}: nej")
        found = parse_accessibility(name)
        for flag in ACCESSIBILITY:
            if getattr(found, flag) is not None:
                flags[flag] = bool(getattr(found, flag)) if stated else False
    from_text = parse_accessibility(text)
    for flag in ACCESSIBILITY:
        if flag not in flags and getattr(from_text, flag) is not None:
            flags[flag] = getattr(from_text, flag)
    joined = "; ".join(parts)
    source_text = " ".join(t for t in (joined, text) if t) or None
    return Accessibility(**flags, text=source_text) if flags else Accessibility(text=source_text)


def parse_drop_in(text: str | None) -> bool | None:
    """True for no sign-up / low commitment, False when sign-up or membership is required.

    >>> parse_drop_in("Ingen tilmelding – bare mød op"), parse_drop_in("Bindende tilmelding")
    (True, False)
    >>> parse_drop_in("Vi mødes i kælderen") is None
    True
    """
    if not text:
        return None
    low = text.casefold()
    if _DROP_NO.search(low) and not re.search(r"ingen tilmelding|uden tilmelding", low):
        return False
    if _DROP_YES.search(low):
        return True
    return None


_KEYWORDS: list[tuple[str, str, str]] = []  # (slug, keyword, its stem)
for _slug, (_label, _words) in CATEGORIES.items():
    for _kw in _words:
        _KEYWORDS.append((_slug, _kw, stem(_kw) if " " not in _kw else _kw))


def parse_categories(*texts: str | None) -> list[str]:
    """Category slugs the texts are about (several allowed), sorted.

    >>> parse_categories("Brætspilsaften i Medborgerhuset")
    ['spil']
    >>> parse_categories("Mandeklub: vi laver mad sammen om mandagen")
    ['mad', 'maend']
    """
    low = " ".join(t for t in texts if t).casefold()
    if not low:
        return []
    ws = words(low)
    terms = {stem(w) for w in ws}
    for w in ws:
        terms.update(stem(p) for p in split_compound(w))
    found: set[str] = set()
    for slug, kw, kw_stem in _KEYWORDS:
        if slug in found:
            continue
        if " " in kw or "-" in kw:
            if kw in low:
                found.add(slug)
        elif kw_stem in terms or (len(kw) >= 5 and any(w.startswith(kw) for w in ws)):
            found.add(slug)
    return sorted(found)
