"""Drop-in or sign-up: can the citizen just turn up? Read from Danish text, negations included.

A stated "no sign-up needed" wins over everything; then any sign-up, closed group or
members-only requirement; then phrases that invite people to just come. Texts that say
neither stay unknown ("Alle er velkomne" says nothing about signing up).

>>> parse_drop_in("Tilmelding er ikke nødvendig, men giv gerne besked.")
True
>>> parse_drop_in("Max 12 deltagere. Tilmelding hos Lene.")
False
>>> parse_drop_in("Alle er velkomne.") is None
True
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence

from normalize._memo import remembered
from normalize.text import single_spaced

_SPACES = re.compile(r"\s+")
_OTHER_SPACE = re.compile(r"[^\S ]")
_CLAUSE = re.compile(r"[.;!?\n]+|\s[-–]\s|,|\bmen\b")
_NEGATION = re.compile(r"\b(?:ikke|ingen|intet|uden|behøver\s+ikke|ej)\b")
#: What negates an invitation before it in its clause ("du kan ikke bare møde op").
_NOT = re.compile(r"\bikke\b")
#: A negation right after the sign-up word: "tilmelding er ikke nødvendig".
_AFTER_NO = re.compile(r"^\s*:?\s*(?:er\s+|kræves\s+|\w+\s+)?(?:ikke|unødvendig|ingen)\b")
#: Sign-up and closed-group words (their stems; "tilmeldning" is a common misspelling).
_SIGNUP = re.compile(
    r"tilmeld\w*|meld\w*\s+(?:dig|jer|sig|mig)\s+til\b"
    r"|venteliste\w*|lukket\s+(?:hold|forløb|gruppe)|lukket\s+for\b|bindende\b"
    r"|begrænset\s+antal|forsamtale|hele\s+forløbet"
    r"|holdet\s+er\s+fuldt|book\w*\s+(?:\w+\s+)?(?:plads|billet)|bestil\w*\s+(?:\w+\s+)?plads"
)
#: More sign-ups, each searched only where its word stands (a cheap guard; one long
#: alternation scans slowly). A ticket to fetch or book, even a free one, is a sign-up
#: ("Gratis billetter kan hentes i skranken"); "Det kræver ikke billet" is none; a ticket
#: bought at the door is none either. "Først til mølle" alone only says places are few: it
#: is no sign-up (with "tilmelding" beside it, the sign-up decides).
_SIGNUP_MORE: list[tuple[str, re.Pattern[str]]] = [
    ("billet", re.compile(
        r"billet\w*(?:[^.;!?]|(?<=kr)\.){0,40}?\b(?:købes|bestilles|hentes|reserveres|skal"
        r"|afhentes)\b(?!\s+(?:ved\s+(?:indgangen|døren)|i\s+døren|på\s+dagen))")),
    ("billet", re.compile(r"kræve[rs]?\s+(?:\w+\s+)?billet\w*")),
    # "Starttider bookes i Golfbox"; not "lokalet kan bookes til fester" (a room for hire).
    ("bookes", re.compile(r"(?:tid|tider|plads|pladser|bane|baner|billetter)\s+bookes\b")),
    ("reserv", re.compile(r"reserv\w*\s+(?:\w+\s+)?plads\w*|pladsreservation")),
    # "Giv besked ... senest mandagen før": a deadline makes a message a sign-up.
    ("senest", re.compile(r"(?:giv|send|ring|skriv)\w*\s+(?:\w+\s+){0,3}?"
                          r"(?:besked|sms|mail|e-mail|til)\b(?=[^.;!?]*\bsenest\b)")),
    # The places are taken: an open house then is for those already on the team.
    ("pladserne", re.compile(
        r"pladserne\s+(?:på\s+(?:\w+\s+){1,2})?er\s+(?:besat|fordelt|optaget|udsolgt)")),
    ("udsolgt", re.compile(r"udsolgt\b")),
]
#: Members only: not for a citizen who just turns up, whatever else is said.
_MEMBERS_ONLY = re.compile(
    r"kun\s+(?:for\s+)?(?:\w+\s+)?medlemmer|forbeholdt\s+(?:\w+\s+)?medlem\w*"
    r"|skal\s+være\s+medlem|kræver\s+medlemskab|medlemskab\s+(?:er\s+)?(?:kræves|påkrævet"
    r"|nødvendigt)|for\s+medlemmer\s+af\b"
    r"|medlemskab\s+er\s+en\s+forudsætning|forudsætter\s+medlemskab"
)
#: Invitations to just come.
_COME = re.compile(
    r"drop[\s-]?in\b|mød\w*\s+(?:bare\s+)?op\b|bare\s+(?:mød\w*\s+op|kom|komme|møde|dukke)"
    r"|kom\s+bare\b|dukke\s+op\b|kom\s+når\b|når\s+(?:du|man)\s+har\s+(?:tid|lyst)"
    r"|når\s+det\s+passer\b|kom\s+og\s+gå\b|kig\s+(?:ind|forbi)\b|kom\s+forbi\b"
    r"|uforpligtende\b|åbent\s+hus\b|fri\s+adgang\b|du\s+kan\s+bare\b"
)
#: More invitations, phrased indirectly, each searched only where its word stands: "man
#: kommer og går, som det passer én", "det er bare at stille op", "ingen binding ... du
#: betaler, når du kommer", a ticket bought at the door.
_COME_MORE: list[tuple[str, re.Pattern[str]]] = [
    ("kommer", re.compile(r"kommer\s+og\s+går\b|når\s+du\s+kommer\b")),
    ("passer", re.compile(r"som\s+det\s+passer\b")),
    ("bare at", re.compile(r"bare\s+at\s+(?:stille|møde|komme|dukke|kigge)")),
    ("binding", re.compile(r"(?:ingen|uden)\s+binding\b")),
    ("billet", re.compile(r"billet\w*\s+(?:\w+\s+){0,3}?(?:ved\s+(?:indgangen|døren)"
                          r"|i\s+døren)")),
]


#: Words one of which every match of a cue pattern starts with (see `_cues`).
_STARTS: dict[re.Pattern[str], tuple[str, ...]] = {
    _SIGNUP: ("tilmeld", "meld", "venteliste", "lukket", "bindende", "begrænset", "forsamtale",
              "hele", "holdet", "book", "bestil"),
    _MEMBERS_ONLY: ("kun", "forbeholdt", "skal", "kræver", "medlemskab", "for", "forudsætter"),
    _COME: ("drop", "mød", "bare", "kom", "dukke", "når", "kig", "uforpligtende", "åbent", "fri",
            "du"),
}

#: Cheap first look: a stem that any cue above starts with.
_ANY_CUE = ("meld", "billet", "venteliste", "lukket", "bindende", "begrænset", "forsamtale",
            "forløb", "fuldt", "book", "bestil", "medlem", "drop", "mød", "bare", "dukke", "kom",
            "når", "kig", "uforpligt", "åbent", "fri adgang", "reserv", "senest", "passer",
            "binding", "pladserne", "udsolgt")


def _at_word_start(text: str, m: re.Match[str]) -> bool:
    # The patterns leave out a leading \b (it makes Python's regex engine scan slowly);
    # a match inside a word is skipped here. "tilmeld" may stand inside a compound
    # ("forhåndstilmelding"), and so may what is booked ("starttider bookes").
    return (m.start() == 0 or not text[m.start() - 1].isalnum()
            or m.group(0).startswith("tilmeld") or m.group(0).endswith("bookes"))


def _cues(rx: re.Pattern[str], low: str,
          more: Sequence[tuple[str, re.Pattern[str]]] = ()) -> Iterator[re.Match[str]]:
    """The matches of a cue pattern, and of the further patterns whose word the text holds,
    that start a word.

    Every match of a cue pattern starts with one of its words in _STARTS (a test reads each
    branch of the patterns to check it), so the pattern is tried only where one of them
    stands, left to right, each try after the last match: the matches `rx.finditer(low)`
    gives (none is empty), without trying the long alternation at every place of the text."""
    found = _matches_at(rx, low, _STARTS[rx])
    extra = [p.finditer(low) for word, p in more if word in low]
    return (m for m in itertools.chain(found, *extra) if _at_word_start(low, m))


def _matches_at(rx: re.Pattern[str], low: str, starts: Sequence[str]
                ) -> Iterator[re.Match[str]]:
    """The matches of `rx` that start where one of `starts` stands, leftmost first and none
    overlapping (as `finditer` finds them when every match starts so and none is empty)."""
    places: set[int] = set()
    for word in starts:
        at = low.find(word)
        while at >= 0:
            places.add(at)
            at = low.find(word, at + 1)
    pos = 0
    for at in sorted(places):
        if at >= pos and (m := rx.match(low, at)):
            yield m
            pos = m.end()


def _clause(low: str, at: int) -> tuple[int, int]:
    """The clause around a position: from the last boundary before it (looked for in the
    300 characters before) to the next one after it."""
    lo = max(0, at - 300)
    nxt = _CLAUSE.search(low, at)
    return lo + _last_boundary_end(low[lo:at]), (nxt.start() if nxt else len(low))


def _last_boundary_end(part: str) -> int:
    """Where the last match of _CLAUSE in `part` ends (0 when none), as scanning it from the
    start finds them, read from the end instead. `part` has one space for any white space (as
    `parse_drop_in` makes it). No two kinds of boundary share a character, so the last of
    each kind is a match: a run of stops ends at the last stop; a "men" counts between
    non-word characters (or the part's ends). Only spaced dashes can overlap (" - - "): then
    the part is scanned as before."""
    end = max(map(part.rfind, ".;!?\n,")) + 1
    dash = max(part.rfind(" - "), part.rfind(" – "))
    if dash >= 0:
        if dash >= 2 and part[dash - 2: dash + 1] in (" - ", " – "):
            return max([m.end() for m in _CLAUSE.finditer(part)], default=0)
        end = max(end, dash + 3)
    men = part.rfind("men")
    while men >= 0 and men + 3 > end:
        if not (_word_char(part, men - 1) or _word_char(part, men + 3)):
            return men + 3
        men = part.rfind("men", 0, men + 2)
    return end


def _word_char(text: str, i: int) -> bool:
    """Whether text[i] is a word character for the regex engine's \\b (False off the ends)."""
    return 0 <= i < len(text) and (text[i].isalnum() or text[i] == "_")


def _one_space(text: str) -> str:
    """Each run of white space made one space, as `_SPACES.sub(" ", text)` does (str.split
    and the regex's \\s know the same white space), without a regex match per space.

    >>> _one_space(" Kom  bare\\n\\tforbi "), _one_space("   ")
    (' Kom bare forbi ', ' ')
    """
    # Cleaned text is printable, so `single_spaced` says it at once; else one regex look.
    if single_spaced(text) or ("  " not in text and not _OTHER_SPACE.search(text)):
        return text  # one space already wherever there is space: the common case
    joined = " ".join(text.split())
    if not joined:
        return " " if text else ""
    return (" " if text[0].isspace() else "") + joined + (" " if text[-1].isspace() else "")


def _members_only(low: str) -> bool:
    if "medlem" not in low:
        return False  # every branch of _MEMBERS_ONLY holds it
    for m in _cues(_MEMBERS_ONLY, low):
        start, _ = _clause(low, m.start())
        if not _NEGATION.search(low, start, m.start()):
            return True
    return False


def _signup_needed(low: str) -> bool | None:
    """False: the text says no sign-up is needed (whatever else it says); True: it asks for
    one; None: it says neither."""
    said_no_signup = said_signup = False
    for m in _cues(_SIGNUP, low, _SIGNUP_MORE):
        start, end = _clause(low, m.start())
        if _NEGATION.search(low, start, m.end()) or _AFTER_NO.match(low[m.end(): end]):
            if "medlem" not in m.group(0):  # "ikke medlem" is not about signing up
                said_no_signup = True
        else:
            said_signup = True
    if said_no_signup:
        return False
    return True if said_signup else None


def _invited(low: str) -> bool:
    """An invitation to just come that is not negated in its clause."""
    for m in _cues(_COME, low, _COME_MORE):
        start, _ = _clause(low, m.start())
        if not _NOT.search(low[start: m.start()]):
            return True
    return False


@remembered()
def parse_drop_in(text: str | None) -> bool | None:
    """True: no sign-up, come when you like. False: sign-up, closed or members only."""
    if not text or not text.strip():
        return None
    low = _one_space(text.casefold())
    if not any(map(low.__contains__, _ANY_CUE)):
        return None
    # Each cue is judged within its own clause: "Tilmelding er ikke nødvendig, men ..."
    if _members_only(low):
        return False
    signup = _signup_needed(low)
    if signup is not None:
        return not signup
    return True if _invited(low) else None
