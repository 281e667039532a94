"""What a citizen's words ask for: the groups of index terms a free-text search looks up, and
how many of them an activity must match (the same plan on every backend).

The rule (also in docs/api.md):

- Stop words and fillers ("min", "er", "lige", "blevet") are not searched, unless the
  question has nothing else.
- Phrases of the concept map (`normalize._concepts`) become one group each: the concept's
  terms, any of which matches ("enke" → sorg, sorggruppe, enkemand, mistet, efterladte ...).
- Every other word is a group of its own: its stem as a prefix ("strik" → "strikkeklub"),
  and, for words of `FUZZY_MIN` letters or more, any index term one edit away (a letter
  added, dropped, changed or two swapped: "alzhiemer").
- When the question names a concept, an activity must match at least one concept group; the
  other words only rank ("lære at bruge tablet": digital help, "lære" and "bruge" may be
  missing). Otherwise it must match every word, or all but one when there are three or more.
- Hits are ranked by BM25 over all the groups' terms: more of the words, rarer words, in the
  title (three times the text) rank first.

>>> p = plan("min mor er lige blevet enke")
>>> [g.concept for g in p.required], p.minimum, [g.words for g in p.optional]
(['sorg'], 1, [('mor',)])
>>> plan("strik").required[0].terms
(Term(stem='strik', prefix=True, fuzzy=True),)
>>> plan("foredrag om lokalhistorie").required[0].concept
'foredrag'
>>> p = plan("spille whist")
>>> [g.words for g in p.required], p.minimum
([('spille',), ('whist',)], 2)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

from normalize import analysis
from normalize._concepts import CONCEPTS, ENTRIES, MAX_GAP, STOPWORDS

#: Words this long or longer get one-edit typo tolerance.
FUZZY_MIN = 5
#: Stems shorter than this match exactly, longer ones as a prefix ("it" must not be "item").
PREFIX_MIN = 3
#: Most words searched as groups of their own; the rest only rank.
MAX_GROUPS = 8


@dataclass(frozen=True)
class Term:
    """One index term looked up: a Snowball stem, as a prefix or exactly, and whether terms
    one edit away match too."""

    stem: str
    prefix: bool
    fuzzy: bool = False


@dataclass(frozen=True)
class Group:
    """The typed words behind one group and the terms any of which matches it."""

    words: tuple[str, ...]
    terms: tuple[Term, ...]
    concept: str | None = None


@dataclass(frozen=True)
class TextPlan:
    required: tuple[Group, ...]
    #: How many of the required groups an activity must match.
    minimum: int
    optional: tuple[Group, ...]

    @property
    def groups(self) -> tuple[Group, ...]:
        return self.required + self.optional

    def categories(self) -> list[str]:
        """Category slugs the recognised concepts stand for, in order, without repeats."""
        seen: dict[str, None] = {}
        for g in self.groups:
            if g.concept:
                for slug in CONCEPTS[g.concept].categories:
                    seen.setdefault(slug, None)
        return list(seen)


def _term(spec: str) -> Term:
    word = spec.rstrip("*")
    return Term(analysis.stem(word), prefix=spec.endswith("*"))


@cache
def concept_terms(concept: str) -> tuple[Term, ...]:
    """A concept's terms as stems, without repeats."""
    seen: dict[Term, None] = {}
    for spec in CONCEPTS[concept].terms:
        seen.setdefault(_term(spec), None)
    return tuple(seen)


_Phrase = tuple[tuple[str, ...], str, bool]  # stems, concept, whole question only


@lru_cache(maxsize=1)
def _phrases() -> list[_Phrase]:
    """Every phrase of the map as stems, longest first (so "mistet min mand" beats "mand")."""
    out: list[_Phrase] = []
    for entry in ENTRIES:
        for phrase in entry.phrases:
            alone = phrase.startswith("=")
            stems = tuple(analysis.stem(w) for w in analysis.words(phrase.lstrip("=")))
            out.append((stems, entry.concept, alone))
    out.sort(key=lambda p: -len(p[0]))
    return out


def _find(stems: list[str], free: list[bool], phrase: tuple[str, ...]) -> list[int] | None:
    """Positions of a phrase's words among the free words, in order, at most MAX_GAP apart."""
    for start, s in enumerate(stems):
        if not free[start] or s != phrase[0]:
            continue
        at, last = [start], start
        for want in phrase[1:]:
            nxt = next((i for i in range(last + 1, min(len(stems), last + 2 + MAX_GAP))
                        if free[i] and stems[i] == want), None)
            if nxt is None:
                break
            at.append(nxt)
            last = nxt
        if len(at) == len(phrase):
            return at
    return None


def _concepts(words: list[str], content: int) -> tuple[dict[str, list[int]], list[bool]]:
    """Concepts found in the words (concept → word positions) and which words are left."""
    stems = [analysis.stem(w) for w in words]
    free = [True] * len(words)
    found: dict[str, list[int]] = {}
    for phrase, concept, alone in _phrases():
        if alone and (content != 1 or len(phrase) != 1):
            continue
        while (at := _find(stems, free, phrase)) is not None:
            for i in at:
                free[i] = False
            found.setdefault(concept, []).extend(at)
    return found, free


def _word_group(word: str) -> Group:
    s = analysis.stem(word)
    return Group((word,), (Term(s, prefix=len(s) >= PREFIX_MIN,
                                fuzzy=len(word) >= FUZZY_MIN),))


def plan(text: str) -> TextPlan | None:
    """The search plan for a citizen's words; None when nothing searchable was typed."""
    words = list(dict.fromkeys(analysis.words(text)))
    if not words:
        return None
    content = [w for w in words if w not in STOPWORDS]
    found, free = _concepts(words, len(content))
    concept_groups = tuple(
        Group(tuple(words[i] for i in sorted(at)), concept_terms(c), c)
        for c, at in found.items())
    rest = [w for w, f in zip(words, free, strict=True) if f and w not in STOPWORDS]
    if not rest and not concept_groups:
        rest = [w for w, f in zip(words, free, strict=True) if f]
    plain = tuple(_word_group(w) for w in rest)
    if concept_groups:
        return TextPlan(concept_groups, 1, plain)
    required, extra = plain[:MAX_GROUPS], plain[MAX_GROUPS:]
    n = len(required)
    return TextPlan(required, n if n <= 2 else n - 1, extra)


def one_edit(stem: str) -> set[str]:
    """Every string one edit from a stem (Damerau: insert, delete, replace, swap two
    neighbours), in the Danish alphabet; the stem itself excluded.

    >>> {"stik", "stirk", "strikk", "strek", "srtik"} <= one_edit("strik")
    True
    >>> "strik" in one_edit("strik"), "sti" in one_edit("strik")
    (False, False)
    """
    letters = "abcdefghijklmnopqrstuvwxyzæøåéü"
    out: set[str] = set()
    for i in range(len(stem) + 1):
        head, tail = stem[:i], stem[i:]
        if tail:
            out.add(head + tail[1:])
            if len(tail) > 1:
                out.add(head + tail[1] + tail[0] + tail[2:])
            out.update(head + c + tail[1:] for c in letters)
        out.update(head + c + tail for c in letters)
    out.discard(stem)
    return out
