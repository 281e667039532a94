"""Physical access and hearing, read from Danish text clause by clause, negations included.

A text is cut into clauses ("Der er trapper op til salen, men der er også en elevator" is
two), each clause is searched for features (elevator, stairs, wheelchair, hearing loop,
toilet, parking), and a feature is negated by a negation word before it in its clause
("ingen elevator", "ikke egnet for kørestolsbrugere") or a "nej" after it ("Elevator: nej").

>>> a = parse_accessibility("Lokalet ligger på 1. sal uden elevator.")
>>> a.step_free, a.wheelchair
(False, False)
>>> parse_accessibility("Der er trapper, men også en elevator.").step_free
True
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from core.schema import Accessibility
from normalize._memo import remembered

FLAGS = ("wheelchair", "step_free", "accessible_toilet", "hearing_loop", "parking")

#: Where clauses end. "men" starts a new clause: what follows often corrects what came before.
_CLAUSE = re.compile(r"[.;!?·•|\n]+|\s[-–]\s|,\s*(?=men\b|så\b|da\b|og\s+de\b)|\bmen\b")
_NEGATION = re.compile(
    r"\b(?:ikke|ingen|intet|uden|aldrig|desværre\s+ikke|ej)\b|\bfor\s+(?:lille|smal|små|smalle)"
)
_AFTER_NO = re.compile(
    r"^\s*:?\s*(?:nej|ingen|findes\s+ikke|mangler)\b"
    r"|^\s*(?:er|virker)?\s*(?:desværre\s+|pt\.?\s+|i\s+øjeblikket\s+)?"
    r"(?:ude\s+af\s+drift|i\s+stykker|ikke\s+i\s+brug|lukket)"
    r"|^(?:\s+\w+){0,3}?\s*(?:virker|fungerer)\s+(?:desværre\s+|pt\.?\s+)?ikke\b"
)

#: Features: (flag, pattern, what a plain mention means). Stairs mention a barrier, so a
#: plain mention is False and a negated one ("ingen trin") True.
_FEATURES: list[tuple[str, re.Pattern[str], bool]] = [
    ("accessible_toilet", re.compile(
        r"\b(?:handicap|hc)[\s-]*toilet\w*|\btilgængelig\w*\s+toilet\w*"
        r"|\btoilet\w*[^,]*?\b(?:handicapvenli\w*|handicapegnet\w*|tilgængelig\w*)"
        # "Toilet for handicappede"; "toilettet er for smalt til en kørestol" is about the toilet.
        r"|\btoilet\w*\s+for\s+(?:handicappede|kørestolsbrugere|bevægelseshæmmede)"
        r"|\btoilet\w*[^,.]*?\bkørestol\w*"), True),
    ("hearing_loop", re.compile(
        r"\b(?:tele|høre|t)[\s-]*slynge\w*|\bhøreapparat\w*\s+på\s+t\b|\bhearing\s+loop"), True),
    ("parking", re.compile(r"\b(?:handicap[\s-]*)?parkering\w*|\bp-plads\w*|\bparkeringsplads\w*"
                           r"|\bparkere\w*"), True),
    ("step_free", re.compile(r"\belevator\w*|\blift\b|\bniveaufri\w*|\btrinfri\w*|\brampe\w*"
                             r"|\bstepfri\w*|\bramper\b|\bi\s+(?:ét|et|eet|samme)\s+plan\b"), True),
    # Stairs of any kind ("vindeltrappe", "trappetrin", "dørtrin"); "ingen dørtrin" is step-free.
    ("stairs", re.compile(r"\b\w*trap(?:pe|per|perne|pen|pes)?\b|\btrapp\w*"
                          r"|\b(?:dør|trappe|ind|ud)?trin(?:net|ene)?\b"), False),
    ("wheelchair", re.compile(
        r"\bkørestol\w*|\bhandicap[\s-]?venli\w*|\bhandicapegnet\w*"
        r"|\brullestol\w*|\bwheelchair\w*|\bhandicaptilgængelig\w*"), True),
]
#: Words one of which every match of a feature's pattern holds: a clause without them is not
#: searched for that feature (a substring test is far cheaper than the pattern's scan).
_FEATURE_CUES: dict[str, tuple[str, ...]] = {
    "accessible_toilet": ("toilet",),
    "hearing_loop": ("slynge", "høreapparat", "hearing"),
    "parking": ("parker", "p-plads"),
    "step_free": ("elevator", "lift", "niveaufri", "trinfri", "rampe", "stepfri", "plan"),
    "stairs": ("trap", "trin"),
    "wheelchair": ("kørestol", "handicap", "rullestol", "wheelchair"),
}
#: Places above or below the street, or steps up to them: with no lift, a wheelchair cannot
#: get there ("1. sal uden elevator"). A missing lift alone ("Elevator: nej") says no more
#: than that the place is not step-free.
_UP_OR_DOWN = re.compile(r"\b(?:\d\.|første|anden|øverste)\s*sal\b|\bkælder\w*|\btrapp\w*|\btrin\b"
                         r"|\bovenpå\b|\bfirst\s+floor|\bloft\w*")
#: Only stairs lead there ("kan kun nås ad en trappe", "kun adgang via trappen"; a word that
#: starts with "trap"): with steps, a wheelchair cannot get there. Steps alone ("14 trappetrin
#: op til salen") say nothing of a lift, so they make `step_free` false only.
_ONLY_STAIRS = re.compile(r"\bkun\b[^.;]*?\btrap")
#: A question answered yes or no: "Trapper? Nej." reads as "Trapper: nej".
_ANSWER = re.compile(r"\?\s*(ja|nej)\b")
#: A negation reaches back to the last comma or "og": "uden trin, og der er lift" negates
#: the steps, not the lift.
_SCOPE = re.compile(r",|\bog\b")


_Features = list[tuple[str, re.Pattern[str], bool, tuple[str, ...]]]
#: _FEATURES with each row's cues.
_CUED_FEATURES: _Features = [(flag, rx, plain, _FEATURE_CUES[flag])
                             for flag, rx, plain in _FEATURES]


def _clauses(text: str) -> list[str]:
    """The text's clauses, stripped (`_read` reads only those that may mention a feature)."""
    return [c.strip() for c in _CLAUSE.split(text) if c and c.strip()]


def _negated(clause: str, start: int, end: int) -> bool:
    # Up to the end of the match: "toilettet er ikke handicapvenligt" is one match.
    scope = [m.end() for m in _SCOPE.finditer(clause, 0, start)]
    return (bool(_NEGATION.search(clause, scope[-1] if scope else 0, end))
            or bool(_AFTER_NO.match(clause[end:])))


def _mentions(clause: str, features: _Features | None = None) -> Iterator[tuple[str, bool]]:
    """(feature, what is said of it) for each feature the clause mentions, in table order.
    `features`: the table's rows to look for (all by default)."""
    taken: list[tuple[int, int]] = []
    for flag, rx, plain, cues in _CUED_FEATURES if features is None else features:
        if not any(map(clause.__contains__, cues)):
            continue
        for m in rx.finditer(clause):
            if any(s <= m.start() < e for s, e in taken):
                continue  # "handicaptoilet" is a toilet, not a wheelchair statement
            taken.append((m.start(), m.end()))
            yield flag, plain != _negated(clause, m.start(), m.end())


@dataclass
class _Said:
    """What the clauses have said so far."""

    yes: dict[str, bool] = field(default_factory=dict)
    stairs: bool = False
    step_free_means: bool = False  # a lift or ramp that is there
    no_lift: bool = False  # a lift or ramp said to be missing or out of order

    def add(self, flag: str, value: bool) -> None:
        yes = self.yes
        if flag == "stairs":
            # "ingen trin" is step-free; "trapper" a barrier unless a lift is there too.
            if value:
                yes.setdefault("step_free", True)
            else:
                self.stairs = True
            return
        if flag == "step_free":
            if value:
                self.step_free_means = True
            else:
                self.no_lift = True
        if flag == "wheelchair" and flag in yes and yes[flag] != value:
            value = False  # "handicapvenligt, men elevatoren er for lille til kørestole"
        yes[flag] = value if flag not in yes or not value else yes[flag]

    def flags(self, low: str) -> dict[str, bool]:
        """The flags, once every clause is read (`low`: the whole text, case-folded)."""
        yes = self.yes
        if self.step_free_means:
            yes["step_free"] = True
        elif self.stairs:
            yes["step_free"] = False
        if (yes.get("step_free") is False and "wheelchair" not in yes
                and ((self.no_lift and _UP_OR_DOWN.search(low)) or _ONLY_STAIRS.search(low))):
            yes["wheelchair"] = False  # up or down with no lift, or only by stairs
        return yes


@remembered()
def parse_accessibility(text: str | None) -> Accessibility:
    """Flags the text speaks of (True stated yes, False stated no); the others stay unknown."""
    if not text or not text.strip():
        return Accessibility()
    return Accessibility(**dict(_read(text)), text=text)


@remembered()
def _read(text: str) -> tuple[tuple[str, bool], ...]:
    """(flag, value) for each flag the text speaks of: `parse_accessibility` without building
    a model, for `from_amenity_features`, which only reads the flags."""
    low = text.casefold()
    # A clause mentions only features whose cues the whole text holds (every match of a
    # feature's pattern holds one of its cues): the others are not looked for, and a text
    # without any says nothing. (No cue holds "?", ":" or a space, so the rewrite of answers
    # below neither makes nor breaks one.)
    features = [row for row in _CUED_FEATURES if any(map(low.__contains__, row[3]))]
    if not features:
        return ()
    if "?" in low:  # (every match of _ANSWER holds one)
        low = _ANSWER.sub(r": \1", low)
    said = _Said()
    cues = tuple(cue for row in features for cue in row[3])
    for piece in _CLAUSE.split(low):
        # Only a clause that holds one of those cues can mention a feature (stripping it
        # keeps them); the others are neither stripped nor searched.
        if piece and any(map(piece.__contains__, cues)) and (clause := piece.strip()):
            for flag, value in _mentions(clause, features):
                said.add(flag, value)
    return tuple(said.flags(low).items())


def from_amenity_features(features: object, text: str | None = None) -> Accessibility:
    """Flags from schema.org `amenityFeature` (LocationFeatureSpecification name/value) and text.

    >>> a = from_amenity_features([{"name": "Teleslynge", "value": True},
    ...                            {"name": "Elevator", "value": False}])
    >>> a.hearing_loop, a.step_free, a.wheelchair
    (True, False, None)
    """
    if features is None:
        # Most places publish no features: the text alone speaks (as the loop below would
        # leave it, with nothing to join to the text).
        return Accessibility(**dict(_read(text)) if text and text.strip() else {},
                             text=text or None)
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
        for flag, value in _read(name):
            flags[flag] = value if stated else False
    from_text = dict(_read(text)) if text and text.strip() else {}
    for flag in FLAGS:
        if flag not in flags and flag in from_text:
            flags[flag] = from_text[flag]
    joined = "; ".join(parts)
    source_text = " ".join(t for t in (joined, text) if t) or None
    return Accessibility(**flags, text=source_text) if flags else Accessibility(text=source_text)
