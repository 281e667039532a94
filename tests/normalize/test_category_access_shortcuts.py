"""The shortcuts of category and accessibility (round 2 of issue 15) read what the plain scans
read: each shortcut is checked against the plain way, written out here, on every gold text and
on phrases written for the shortcut (near misses included)."""

from __future__ import annotations

import re

import pytest

from normalize import accessibility as acc
from normalize import category
from tests.normalize.test_classifier_guards import TEXTS

#: Texts for the meal/café re-reading: marks of something on the side, line breaks and spaced
#: dashes, phrases and patterns across them.
SIDE_MEALS = [
    "Gåtur\nVi slutter med kaffe", "Kaffe og\nsnak", "Kaffe - og snak", "kaffe\n- snak",
    "Spiser sammen\nkaffe", "kaffe og snak - hyggeligt", "Frokost\nmed kaffe bagefter",
    "Vi laver\nmad. Kaffe kan købes", "Hyggeligt\nsamvær; kaffe", "Fællesspisning - inkl. kaffe",
    "Mødes og\nsnakke over en kop kaffe", "Åbent\nhus med kaffe og kage", "Café\n– kaffe",
    "Kaffe og en snak\n– gåtur bagefter", "spise sammen – kaffe serveres",
    # The second reading joins "kaffe" and "snak" (a café pattern the text itself lacks).
    "Frokost og kaffe inkl. kage. Snak med andre",
    "Fællesspisning hver fredag. Vi slutter med kaffe og kage", "Gåtur. Frokost på vejen",
    "Vi spiser frokost og drikker kaffe. Kaffe inkl.", "Frokost, frokost inkl. frokost",
    "Spisning inkl. frokost\nkaffe og snak", "Café og mad; kaffe kan købes. Café bagefter",
]
#: Texts for the performer scan: names after every kind of ensemble, cased oddly.
PERFORMERS = [
    "Koncert med coverbandet Alter Bridge Tribute", "KORET Vox Aros synger", "Trioen Ørsted",
    "bandet the who", "Gruppen Kaffe og Kage", "orkestret Aarhus Sinfonietta", "DUO Bridge",
    "Kvartetten \u212aaffe", "koret", "Band  Skak",
]
#: Texts for accessibility: each feature's cues, "plan" with and without a word end,
#: questions answered, negations.
ACCESS = [
    "planen", "i ét plan", "HC", "hc-toilet", "Trapper? Nej.", "Elevator: nej", "Elevator? ja",
    "Niveau 2, ingen niveaufri adgang", "høreapparat på t", "Teleslynge; parkering ved døren",
    "Lokalet ligger på 1. sal uden elevator.", "Der er trapper, men også en elevator.",
    "toilettet er for smalt til en kørestol", "  ; . ", "lift\n\n- rampe", "",
]


def _plain_side_meals(low: str, found: set[str]) -> set[str]:
    """The re-reading of meal and café words as it was before the shortcut."""
    if found & category._WEAK and any(cue in low for cue in category._EXTRA_CUES):
        clauses = category._CLAUSE.split(low)
        kept = [c[: category._main_length(c)] for c in clauses]
        if kept != clauses or "\n" in low or category._SPACED_DASH.search(low):
            found = (found - category._WEAK) | category._hits(" . ".join(kept), category._WEAK)
    return found


@pytest.mark.parametrize("texts", [TEXTS, SIDE_MEALS], ids=["gold", "written"])
def test_category_side_meals_as_the_plain_re_reading(texts: list[str]) -> None:
    skipped = kept = 0
    for text in texts:
        low = text.casefold()
        read = category._reading(low)
        from_words, found = read.from_words, read.found
        plain = _plain_side_meals(low, set(found))
        assert category._without_side_meals(low, read._replace(found=set(found))) == plain, text
        weak = found & category._WEAK
        skipped += bool(weak and weak <= from_words and "\n" in low)
        clauses = category._CLAUSE.split(low)
        cut = [c[: category._main_length(c)] for c in clauses]
        kept += bool(weak and cut != clauses
                     and category._kept_words_keep(low, read, weak, clauses, cut))
    assert skipped and kept  # both shortcuts are taken


def test_category_words_read_as_the_plain_lookup(monkeypatch: pytest.MonkeyPatch) -> None:
    lows = [t.casefold() for t in TEXTS + SIDE_MEALS]
    for low in lows:
        unique = set(category._TOKEN.findall(low))
        plain = set().union(*(category._word_slugs(w) for w in unique))
        assert category._words_hits(unique) == plain, low
    # A full memo is emptied and filled again, with the same answers.
    monkeypatch.setattr(category, "_KNOWN_MAX", 50)
    for name, empty in (("_KNOWN", set()), ("_WITH_SLUGS", {}), ("_WITH_SLUGS_KEYS", set())):
        monkeypatch.setattr(category, name, empty)
    for low in lows:
        unique = set(category._TOKEN.findall(low))
        assert category._words_hits(unique) == set().union(
            *(category._word_slugs(w) for w in unique)), low
        assert len(category._KNOWN) <= max(50, len(unique))


def test_category_phrases_looked_for_only_when_they_may_follow() -> None:
    extra = ["går en tur; går ture", "for mænd", "kaffe og en snak", "er blevet alene",
             "tur til", "laver maden", "spiser sammen!", "kaffe og snakken"]
    for text in TEXTS + SIDE_MEALS + extra:
        tokens = category._TOKEN.findall(text.casefold())
        unique = set(tokens)
        for first in unique & category._PHRASES.keys():
            at = category._places(tokens, first)
            for rest, _ in category._PHRASES[first]:
                if category._phrase_at(tokens, at, rest):
                    assert not category._may_follow(rest).isdisjoint(unique), (text, rest)
    assert [(r, s) for r, s, _ in category._PHRASE_LOOKS["kaffe"]] == category._PHRASES["kaffe"]


def test_category_performer_scan_as_without_its_lookahead() -> None:
    lookahead = "(?=(?i:[btdkog]))"
    assert category._PERFORMER.pattern.startswith(lookahead)
    plain = re.compile(category._PERFORMER.pattern[len(lookahead):])
    changed = 0
    for text in TEXTS + PERFORMERS:
        got = category._PERFORMER.sub(r"\1", text)
        assert got == plain.sub(r"\1", text), text
        changed += got != text
    assert changed >= len(PERFORMERS) - 2  # "koret" alone and "Band  Skak"... are names too


def _plain_read(text: str) -> tuple[tuple[str, bool], ...]:
    """Accessibility read as before the shortcuts: every clause, every feature."""
    low = acc._ANSWER.sub(r": \1", text.casefold())
    said = acc._Said()
    for clause in acc._clauses(low):
        for flag, value in acc._mentions(clause):
            said.add(flag, value)
    return tuple(said.flags(low).items())


def test_accessibility_read_as_the_plain_scan() -> None:
    said = 0
    for text in TEXTS + ACCESS:
        if not text.strip():
            continue
        got = acc._read(text)
        assert got == _plain_read(text), text
        said += bool(got)
    assert said > 50


def test_accessibility_without_features_as_with_an_empty_list() -> None:
    for text in [*TEXTS[:200], *ACCESS, "   ", None]:
        # A feature without a name is skipped: the loop runs and joins nothing.
        assert acc.from_amenity_features(None, text) == acc.from_amenity_features(
            [{"name": ""}], text), text
