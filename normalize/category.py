"""What an activity is about: Danish text into category slugs (several allowed).

Keywords come from `_phrases.CATEGORIES`. Three rules keep incidental words from deciding:
a meal or coffee mentioned as an extra ("inkl. frokost", "vi slutter med kaffe") does not make
a walk a meal or a café; "spiller klaver" is music, not games; and a call for volunteers is
about volunteering only, whatever the volunteers will do.

>>> parse_categories("Brætspilsaften i Medborgerhuset")
['spil']
>>> parse_categories("Mandeklub: vi laver mad sammen om mandagen")
['mad', 'maend']
>>> parse_categories("Gåtur i skoven. Vi slutter med kaffe og kage.")
['motion', 'natur_have']
"""

from __future__ import annotations

import re

from normalize._phrases import CATEGORIES
from normalize.analysis import split_compound, stem, words

CATEGORY_LABELS: dict[str, str] = {slug: label for slug, (label, _) in CATEGORIES.items()}

#: Words that put what follows them on the side ("inkl. frokost", "vi slutter med kaffe"):
#: meal and café words after them do not count.
_BEFORE_EXTRA = re.compile(
    r"\binkl\w*|\binklusive\b|\bslutte\w*\s+(?:af\s+)?med\b|\bafslutte\w*\s+med\b"
    r"|\bmedbring\w*|\bbyder\s+på\b|\bder\s+er\s+kaffe\b|\bmed\s+kaffe\b"
)
#: Words that put the word before them on the side ("frokost på vejen", "kaffe kan købes").
_AFTER_EXTRA = re.compile(
    r"\s(?:bagefter|undervejs|på\s+vejen|kan\s+købes|serveres|er\s+inklud\w*)\b"
)
#: Music as accompaniment: "gymnastik til musik".
_ACCOMPANIMENT = re.compile(r"\b(?:til|med)\s+musik\b")
_WEAK = {"mad", "cafe_netvaerk"}
#: A call for volunteers.
RECRUITING = re.compile(
    r"\bbliv\s+(?:frivillig|besøgsven|\w+ven)\b|\bfrivillige\s+søges\b|\bsøger\s+(?:nye\s+)?"
    r"frivillige\b|\bvil\s+du\s+(?:være|gøre\s+en\s+forskel|hjælpe)|\bmangler\s+(?:\w+\s+)?"
    r"(?:hjælpere|frivillige)\b|\bsom\s+frivillig\b|\bfrivilligt\s+arbejde\b"
    r"|\bhar\s+du\s+lyst\s+til\s+at\s+hjælpe"
)
#: Verb forms of "spille" that are about music when no game is named.
_PLAY_VERBS = {"spiller", "spille", "spillede", "spilles"}
_CLAUSE = re.compile(r"[.;!?\n]+|\s[-–]\s|,")


_WORDS: list[tuple[str, str, str]] = []  # (slug, keyword, its stem)
_PATTERNS: list[tuple[str, re.Pattern[str]]] = []  # (slug, phrase or regex)
for _slug, (_label, _keywords) in CATEGORIES.items():
    for _kw in _keywords:
        if _kw.startswith("re:"):
            _PATTERNS.append((_slug, re.compile(_kw[3:])))
        elif " " in _kw or "-" in _kw:
            _PATTERNS.append((_slug, re.compile(
                r"(?<!\w)" + re.escape(_kw) + r"(?:e|en|er|et|ne|s)?(?!\w)")))
        else:
            _WORDS.append((_slug, _kw, stem(_kw)))


def _clause_hits(clause: str) -> set[str]:
    ws = [w for w in words(clause) if w not in _PLAY_VERBS]
    terms = {stem(w) for w in ws}
    for w in ws:
        terms.update(stem(p) for p in split_compound(w))
    found: set[str] = set()
    for slug, kw, kw_stem in _WORDS:
        if slug not in found and (
            kw_stem in terms or (len(kw) >= 5 and any(w.startswith(kw) for w in ws))
        ):
            found.add(slug)
    for slug, rx in _PATTERNS:
        if slug not in found and rx.search(clause):
            found.add(slug)
    return found


def parse_categories(*texts: str | None) -> list[str]:
    """Category slugs the texts are about, sorted."""
    low = " ".join(t for t in texts if t).casefold()
    if not low.strip():
        return []
    if RECRUITING.search(low):
        return ["frivillig"]
    found: set[str] = set()
    for clause in _CLAUSE.split(low):
        hits = _clause_hits(_ACCOMPANIMENT.sub(" ", clause) if len(clause) > 0 else clause)
        main = _main_part(clause)
        if main != clause:
            hits = (hits - _WEAK) | (_clause_hits(main) & _WEAK)
        found |= hits
    return sorted(found)


def _main_part(clause: str) -> str:
    """The clause without what it mentions on the side."""
    m = _BEFORE_EXTRA.search(clause)
    if m:
        clause = clause[: m.start()]
    m = _AFTER_EXTRA.search(clause)
    if m:
        head = clause[: m.start()].rsplit(" ", 1)
        clause = head[0] if len(head) == 2 else ""
    return clause
