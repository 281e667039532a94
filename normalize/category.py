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

Men named next to women ("mænd og kvinder", "enker og enkemænd") do not make an offer one for
men: a grief group for widows and widowers is for both.

>>> parse_categories("Sorggruppe for enker og enkemænd")
['sorg_stoette']
>>> parse_categories("Sorggruppe for enkemænd")
['maend', 'sorg_stoette']
>>> parse_categories("Nøgleord: sorg, efterladte, enker, enkemænd")
['sorg_stoette']
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from normalize._memo import remembered
from normalize._phrases import CATEGORIES, GENERIC_HEADS, NOT_COMPOUNDS
from normalize._starts import found_at
from normalize.analysis import split_compound, stem, words

CATEGORY_LABELS: dict[str, str] = {slug: label for slug, (label, _) in CATEGORIES.items()}

#: Words that put what follows them on the side ("inkl. frokost", "vi slutter med kaffe"):
#: meal and café words after them do not count.
_BEFORE_EXTRA = re.compile(
    r"\binkl\w*|\binklusive\b|\bslutte\w*\s+(?:af\s+)?med\b|\bafslutte\w*\s+med\b"
    r"|\bmedbring\w*|\bder\s+er\s+kaffe\b|\bmed\s+kaffe\b"
    # "Busudflugt ... med frokost på kroen": the meal comes with the outing.
    r"|\bmed\s+(?=(?:frokost|middag|morgenmad|aftensmad|kaffe|kage)\b)"
)
#: Words that put the word before them on the side ("frokost på vejen", "kaffe kan købes").
_AFTER_EXTRA = re.compile(
    r"\s(?:bagefter|undervejs|på\s+vejen|kan\s+købes|serveres|er\s+inklud\w*)\b"
)
#: Substrings without which neither pattern above can match.
_EXTRA_CUES = ("inkl", "slut", "medbring", "kaffe", "bagefter", "undervejs", "vejen",
               "købes", "serveres", "med frokost", "med middag", "med morgenmad", "med aftensmad",
               "med kage")
#: Music as accompaniment: "gymnastik til musik".
_ACCOMPANIMENT = re.compile(r"\b(?:til|med)\s+musik\b")
_WEAK = frozenset({"mad", "cafe_netvaerk"})
#: A call for volunteers.
RECRUITING = re.compile(
    r"\bbliv\s+(?:frivillig|besøgsven|\w+ven)\b|\bfrivillige\s+søges\b|\bsøger\s+(?:nye\s+)?"
    r"frivillige\b|\bvil\s+du\s+(?:være|gøre\s+en\s+forskel|hjælpe)|\bmangler\s+(?:\w+\s+)?"
    r"(?:hjælpere|frivillige)\b|\bsom\s+frivillig\b|\bfrivilligt\s+arbejde\b"
    r"|\bhar\s+du\s+lyst\s+til\s+at\s+hjælpe"
)
#: Words every branch of RECRUITING holds: a text without them is no call for volunteers.
_RECRUITING_CUES = ("frivillig", "bliv", "vil", "mangler", "hjælpe")
_HELP_CAFE = re.compile(r"\b(it|reparation|reparations|lektie|computer)[\s-]?caf[ée]\w*")
#: The words of _HELP_CAFE before "caf": one of them stands within 12 characters before it.
_HELP_DESKS = ("it", "reparation", "lektie", "computer")
#: Verb forms of "spille" (music as often as games) and players of any game.
_PLAY_VERBS = {"spiller", "spille", "spillede", "spilles", "spillere", "spillerne"}
#: "i caféen": the venue's café, not a café-style meeting.
_VENUE_CAFE = re.compile(r"\b(?:i|på|fra|til|ved|mødes\s+i)\s+caf[ée]en\w*")
#: Compound heads that make the word a place ("kulturhuset", "idrætscentret").
_PLACE_HEADS = {stem(w) for w in ("hus", "huset", "center", "centret", "centeret", "sal", "salen",
                                   "gård", "gården", "skole", "skolen", "hal", "hallen",
                                   "bibliotek", "biblioteket", "kirke", "kirken", "lokale",
                                   "lokalet", "bygning", "stue", "stuen", "lokaler")}
#: A performer's name: the capitalised words after "bandet", "trioen", "koret", ... (on the
#: text before case folding).
_PERFORMER = re.compile(
    # The lookahead (the first letters of the words below, as (?i) matches them) lets the
    # scan skip other places quickly; it matches nothing the words would not.
    r"(?=(?i:[btdkog]))"
    r"((?i:band|bandet|trio|trioen|duo|duoen|kvartet|kvartetten|orkester|orkestret|orkesteret"
    r"|gruppen|koret)\s+)[A-ZÆØÅ][\w'&.-]*(?:\s+[A-ZÆØÅ][\w'&.-]*)*"
)
_PERFORMER_CUES = ("band", "trio", "duo", "kvartet", "orkest", "gruppen", "koret")
#: Street names: "Strandstræde 4", "Skovvej", "Havegade" are addresses.
_STREET = re.compile(r"(?:stræde|vej|vejen|gade|gaden|allé|alle|plads|pladsen|torv|torvet"
                     r"|vænge|vænget)$")
#: The clause marks of _CLAUSE that are no stop.
_SPACED_DASH = re.compile(r"\s[-–]\s")
#: A stop that ends a clause; an abbreviation's stop ("inkl.", "kr.", "kl.") ends none.
_STOP = r"[.;!?\n](?<!\binkl\.)(?<!\bkr\.)(?<!\bkl\.)(?<!\bca\.)(?<!\bpr\.)(?<!\bevt\.)"
#: Clause ends: a run of stops, or a spaced dash. Written "stop (stop)*", not "(stop)+" (the
#: same matches): the engine then rejects a place by one character test instead of entering a
#: repeat at every place, which made the split twice as slow.
_CLAUSE = re.compile(rf"{_STOP}(?:{_STOP})*|\s[-–]\s")
#: Both sexes named together: the men in it do not make the offer one for men.
_MEN = r"(?:mænd|herrer|enkemænd|enkemand)"
_WOMEN = r"(?:kvinder|damer|enker|enke)"
#: "og", "eller", "&", "samt", "såvel som", or a comma in a keyword list ("enker, enkemænd").
_AND = r"\s*(?:,|\s(?:og|eller|&|samt|såvel\s+som))\s+"
_BOTH_SEXES = re.compile(
    rf"\b(?:både\s+)?(?:{_MEN}{_AND}{_WOMEN}|{_WOMEN}{_AND}{_MEN})\b"
)
#: Substrings one of which every word of _MEN (of _WOMEN) holds ("enkemænd" holds "mænd").
_MEN_CUES = ("mænd", "herrer", "enkemand")
_WOMEN_CUES = ("kvinder", "damer", "enke")


_GENERIC = {stem(w) for w in GENERIC_HEADS}
#: "!programmeringssprog": words that decide alone, their parts not consulted.
_WHOLE: dict[str, set[str]] = {}
_BY_STEM: dict[str, set[str]] = {}  # keyword stem → slugs
#: "=kor": this exact word or compound part only (the stem of "kors" is "kor" too).
_EXACT: dict[str, set[str]] = {}
_BY_PREFIX: dict[str, set[str]] = {}  # keyword of 5+ letters, matched as a word start → slugs
_PATTERN_PARTS: dict[str, list[str]] = {}  # slug → regexes
#: Phrases by their first word: (the other words, slug). The last word may be inflected.
_PHRASES: dict[str, list[tuple[tuple[str, ...], str]]] = {}
for _slug, (_label, _keywords) in CATEGORIES.items():
    for _kw in _keywords:
        if _kw.startswith("re:"):
            _PATTERN_PARTS.setdefault(_slug, []).append(_kw[3:])
        elif " " in _kw or "-" in _kw:
            _first, *_rest = words(_kw)
            _PHRASES.setdefault(_first, []).append((tuple(_rest), _slug))
        elif _kw.startswith("="):
            _EXACT.setdefault(_kw[1:], set()).add(_slug)
        elif _kw.startswith("!"):
            _WHOLE.setdefault(_kw[1:], set()).add(_slug)
        else:
            _EXACT.setdefault(_kw, set()).add(_slug)
            _stem = stem(_kw)
            # A short stem can be another word: "demens" stems to "dem" (them).
            if _stem == _kw or len(_stem) >= 5:
                _BY_STEM.setdefault(_stem, set()).add(_slug)
            if len(_kw) >= 5:
                _BY_PREFIX.setdefault(_kw, set()).add(_slug)


def _top_level_or(src: str) -> bool:
    """Whether a regex is an alternation outside any group ("a|b", not "(?:a|b)c")."""
    depth, escaped, in_class = 0, False, False
    for ch in src:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch in "()":
            depth += 1 if ch == "(" else -1
        elif ch == "|" and depth == 0:
            return True
    return False


def _required_word(src: str) -> tuple[str | None, bool]:
    """A literal word every match of a regex holds, and whether every match starts with it:
    the word after a leading \\b (unless a quantifier follows it), else the word the regex
    ends with after a group or a repeat ("(?:på\\s+)?dansk\\b"); none for a regex that is
    an alternation at its top level. (None, False) when neither is sure."""
    if _top_level_or(src):
        return None, False
    if m := re.match(r"\\b([a-zæøå]{3,})(?![?*+{])", src):
        return m.group(1), True
    if m := re.search(r"(?<=[)?+*])([a-zæøå]{3,})\\b$", src):
        return m.group(1), False
    return None, False


#: Regexes, each with a literal word every match holds (if one is known): searched only when
#: the text holds that word, and tried only where it stands when every match starts with it,
#: which saves most of the scanning.
_PATTERNS: list[tuple[str, str | None, bool, re.Pattern[str]]] = []
for _slug, _parts in _PATTERN_PARTS.items():
    for _src in _parts:
        _PATTERNS.append((_slug, *_required_word(_src), re.compile(_src)))
_PREFIX_KEYS = sorted(_BY_PREFIX)


def _lookup(piece: str) -> set[str]:
    """Slugs of one word or compound part, by its stem or as an exact keyword."""
    return _BY_STEM.get(stem(piece), set()) | _EXACT.get(piece, set())


def _generic(part: str) -> bool:
    """Whether a compound head leaves the meaning to the part before it ("-klubben")."""
    return stem(part) in _GENERIC or part in GENERIC_HEADS


def _joins(rest: str) -> bool:
    """Whether what follows a keyword at a word's start makes the word that keyword's form or
    its compound with a generic head: "-en", "-holdet", "-sklubben"; not "-ligvis"."""
    if rest in _INFLECTIONS or rest in ("erne", "ens", "ers", "ets"):
        return True
    return _generic(rest) or (rest[:1] in ("s", "e") and _generic(rest[1:]))


@lru_cache(maxsize=100_000)
def _word_slugs(word: str) -> frozenset[str]:
    """Slugs one word speaks for: as a whole word, by its compound parts ("keglebillard",
    "skakklubben"; not a street's or a place's), or by a keyword it starts with when the rest
    is an ending or a generic head ("gymnastikholdet"; not "naturligvis")."""
    if word in _PLAY_VERBS or _STREET.search(word):
        return frozenset()  # "Strandstræde", "Skovvej": an address, not the beach or a wood
    if word.startswith(NOT_COMPOUNDS):
        # "formiddagen" is no "middag"; "eftermiddagskoncert" is still a concert.
        rest = word[len(next(p for p in NOT_COMPOUNDS if word.startswith(p))):]
        rest = rest[1:] if rest[:1] in ("s", "e") and len(rest) > 4 else rest
        return _word_slugs(rest) if len(rest) >= 4 else frozenset()
    if word in _WHOLE:
        return frozenset(_WHOLE[word])
    parts = split_compound(word)
    if parts and stem(parts[-1]) in _PLACE_HEADS:
        # "kulturhuset", "musikhuset": a place, whatever it is named after.
        return frozenset(_EXACT.get(word, set()))
    found = _lookup(word)
    for piece in parts:
        if piece not in _PLAY_VERBS:
            found |= _lookup(piece)
    if len(word) >= 5:
        for kw in _PREFIX_KEYS:
            if word.startswith(kw) and _joins(word[len(kw):]):
                found |= _BY_PREFIX[kw]
    return frozenset(found)


#: Words, and punctuation as tokens of their own, so that phrases stop at a comma or a stop.
_TOKEN = re.compile(r"[^\W\d_]+|[^\w\s-]")
_INFLECTIONS = ("", "e", "en", "er", "et", "ne", "s")


def _hits(text: str, only: frozenset[str] | None = None) -> set[str]:
    """Slugs a text speaks for: its words (stems, compound parts, word starts), its phrases
    and its patterns. Phrases do not reach across punctuation. With `only`, just those of
    its slugs that are in `only` (the same as `_hits(text) & only`, with fewer searches)."""
    return _reading(text, only).found


class _Reading(NamedTuple):
    from_words: set[str]  # the slugs the words alone speak for (no phrase, no pattern)
    found: set[str]  # `_hits`
    tokens: list[str]
    unique: set[str]  # the distinct tokens


def _reading(text: str, only: frozenset[str] | None = None) -> _Reading:
    """`_hits`, with what it was read from."""
    tokens = _TOKEN.findall(text)
    unique = set(tokens)
    from_words = _words_hits(unique)
    if only is not None:
        from_words &= only
    found = set(from_words)
    firsts = unique & _PHRASES.keys()
    for w in firsts:
        at: list[int] | None = None
        for rest, slug, needs in _PHRASE_LOOKS[w]:
            if (slug in found or (only is not None and slug not in only)
                    or needs.isdisjoint(unique)):
                continue
            if at is None:
                at = _places(tokens, w)
            if _phrase_at(tokens, at, rest):
                found.add(slug)
    for slug, literal, leading, rx in _PATTERNS:
        if slug in found or (only is not None and slug not in only):
            continue
        if literal is None:
            hit = rx.search(text) is not None
        elif leading:
            hit = found_at(rx, text, (literal,))
        else:
            hit = literal in text and rx.search(text) is not None
        if hit:
            found.add(slug)
    return _Reading(from_words, found, tokens, unique)


#: Words whose slugs `_word_slugs` has given, and those of them that have any: a text's words
#: are looked up with set operations (in C) instead of one cached call per word. Cleared when
#: full, as an lru_cache would forget.
_KNOWN: set[str] = set()
_WITH_SLUGS: dict[str, frozenset[str]] = {}
_WITH_SLUGS_KEYS: set[str] = set()
_KNOWN_MAX = 100_000


def _words_hits(unique: set[str]) -> set[str]:
    """The union of `_word_slugs` over the words (the same set, cheaper)."""
    new = unique - _KNOWN
    if new:
        if len(_KNOWN) + len(new) > _KNOWN_MAX:
            _KNOWN.clear()
            _WITH_SLUGS.clear()
            _WITH_SLUGS_KEYS.clear()
            new = unique  # (the text's known words are forgotten too)
        for word in new:
            if slugs := _word_slugs(word):
                _WITH_SLUGS[word] = slugs
                _WITH_SLUGS_KEYS.add(word)
        _KNOWN.update(new)
    return set().union(*map(_WITH_SLUGS.__getitem__, unique & _WITH_SLUGS_KEYS))


def _may_follow(rest: tuple[str, ...]) -> frozenset[str]:
    """Words one of which a text must hold for the rest of a phrase to follow its first word:
    the rest's first word as it is, or, when it is the last word, in one of its inflected
    forms (as `_phrase_at` needs)."""
    if len(rest) > 1:
        return frozenset(rest[:1])
    return frozenset(rest[0] + ending for ending in _INFLECTIONS)


#: _PHRASES, each phrase with the words `_may_follow` says the text must hold for it: a text
#: without any of them is not searched for where the phrase's first word stands.
_PHRASE_LOOKS = {first: [(rest, slug, _may_follow(rest)) for rest, slug in phrases]
                 for first, phrases in _PHRASES.items()}


def _places(tokens: list[str], word: str) -> list[int]:
    """Where a word stands among the tokens (it stands at least once)."""
    at: list[int] = []
    try:
        while True:
            at.append(tokens.index(word, at[-1] + 1 if at else 0))
    except ValueError:
        return at


def _phrase_at(tokens: list[str], positions: list[int], rest: tuple[str, ...]) -> bool:
    """Whether the phrase's first word, at one of `positions`, is followed by `rest` (the
    last word may be inflected)."""
    n = len(rest)
    for i in positions:
        if i + n >= len(tokens):
            continue
        for j, want in enumerate(rest):
            got = tokens[i + 1 + j]
            if got != want and not (j == n - 1 and got.startswith(want)
                                    and got[len(want):] in _INFLECTIONS):
                break
        else:
            return True
    return False


def parse_categories(*texts: str | None) -> list[str]:
    """Category slugs the texts are about, sorted.

    A performer's name says nothing about the activity: "coverbandet Alter Bridge Tribute"
    is music, not the card game bridge.

    >>> parse_categories("Koncert med coverbandet Alter Bridge Tribute")
    ['musik_sang']
    """
    text = " ".join(t for t in texts if t)
    low = text.casefold()
    if any(map(low.__contains__, _PERFORMER_CUES)):
        low = _PERFORMER.sub(r"\1", text).casefold()
    return list(_categories(low))


@remembered()
def _categories(low: str) -> tuple[str, ...]:
    if not low.strip():
        return ()
    if any(map(low.__contains__, _RECRUITING_CUES)) and RECRUITING.search(low):
        return ("frivillig",)
    # Each rewrite below changes only a text that holds its literal words ("caféen", a help
    # desk's word just before "caf", "musik", a word for men and one for women), so a text
    # without them skips it (a substring test is far cheaper than a regex scan). The looks
    # run in the rewrites' order, each on the text as rewritten so far.
    if "cafeen" in low or "caféen" in low:
        low = _VENUE_CAFE.sub(" ", low)
    if _near(low, "caf", _HELP_DESKS, 12):
        # A help desk called a café ("IT-café", "reparationscafé") is help, not a meeting
        # place.
        low = _HELP_CAFE.sub(r"\1hjælp", low)
    if "musik" in low:
        low = _ACCOMPANIMENT.sub(" ", low)
    if any(map(low.__contains__, _MEN_CUES)) and any(map(low.__contains__, _WOMEN_CUES)):
        low = _BOTH_SEXES.sub(_without_men, low)
    return tuple(sorted(_without_side_meals(low, _reading(low))))


def _without_side_meals(low: str, read: _Reading) -> set[str]:
    """The slugs found, meal and café ones kept only when they stand outside what a clause
    mentions on the side."""
    found = read.found
    weak = found & _WEAK
    if not weak or not any(map(low.__contains__, _EXTRA_CUES)):
        return found
    if weak <= read.from_words and not _BEFORE_EXTRA.search(low) and not _AFTER_EXTRA.search(low):
        # Neither mark of something on the side matches anywhere in the text, so none matches
        # in a clause (each clause is bounded by non-word characters, so its matches are the
        # text's): no clause is cut. The second reading (the clauses joined by " . ") then
        # holds the same words, so keeps every meal or café slug its words speak for, and
        # finds no phrase or pattern the text lacks (it only breaks the text at clause marks).
        # Here the words speak for all of them: the reading cannot change the answer.
        return found
    # Meal and café words count only outside what a clause mentions on the side.
    clauses = _CLAUSE.split(low)
    kept = [c[: _main_length(c)] for c in clauses]
    # When no clause is cut and every clause mark is a stop already (no line break, no
    # spaced dash), the clauses joined by " . " hold the same words, phrases (a stop
    # ends them in both) and patterns as the text: its meal and café words stand.
    if ((kept != clauses or "\n" in low or _SPACED_DASH.search(low))
            and not _kept_words_keep(low, read, weak, clauses, kept)):
        found = (found - _WEAK) | _hits(" . ".join(kept), _WEAK)
    return found


def _kept_words_keep(low: str, read: _Reading, weak: set[str], clauses: list[str],
                     kept: list[str]) -> bool:
    """Whether the second reading (the kept part of each clause, joined by " . ") is sure to
    find just the meal and café slugs `weak` found in the whole text, so that it need not run.

    It finds the slugs of the words left in the kept parts: each clause is cut where a word
    starts or at a space, so a word is kept unless it stands in a cut-off tail, and counting
    a word in the tails tells whether it still stands in the kept parts. Its phrases stand in
    one kept part, on words that follow one another in the text too, so they are phrases of
    the text (their slugs found already). A slug `weak` lacks could come only from a pattern
    across the joins: where one of its patterns may match, the reading runs."""
    for slug, literal, _, _ in _PATTERNS:
        if slug in _WEAK and slug not in weak and (literal is None or literal in low):
            return False
    tails = " ".join(c[len(k):] for c, k in zip(clauses, kept, strict=True) if len(k) < len(c))
    cut = _TOKEN.findall(tails) if tails else []
    kept_slugs: set[str] = set()
    # (A word missing from the memo, emptied meanwhile, only makes the answer "no".)
    for word in read.unique & _WITH_SLUGS_KEYS:
        slugs = _word_slugs(word) & weak
        if slugs and not slugs <= kept_slugs and read.tokens.count(word) > cut.count(word):
            kept_slugs |= slugs
    return kept_slugs >= weak


def _near(low: str, anchor: str, words: tuple[str, ...], reach: int) -> bool:
    """Whether one of `words` stands within `reach` characters before an `anchor`."""
    at = low.find(anchor)
    while at >= 0:
        if any(w in low[max(0, at - reach):at] for w in words):
            return True
        at = low.find(anchor, at + 1)
    return False


def _without_men(m: re.Match[str]) -> str:
    """Both sexes named together, said without the men: widows and widowers stay bereaved
    ("enker"), men and women become everyone.

    >>> _without_men(_BOTH_SEXES.search("for enker og enkemænd"))
    'enker'
    >>> _without_men(_BOTH_SEXES.search("både mænd og kvinder"))
    'alle'
    """
    return "enker" if "enke" in m.group(0) else "alle"


def _main_length(clause: str) -> int:
    """How much of the clause comes before what it mentions on the side."""
    end = len(clause)
    if not any(map(clause.__contains__, _EXTRA_CUES)):
        return end
    m = _BEFORE_EXTRA.search(clause)
    if m:
        end = m.start()
    m = _AFTER_EXTRA.search(clause, 0, end)
    if m:
        end = max(clause.rfind(" ", 0, m.start()), 0)
    return end
