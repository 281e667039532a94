"""The text classifiers' cheap looks (category, drop-in, age) read exactly what the full scans
read: each guard's words are checked against the patterns' own branches, and on every gold
text (and phrases written for this test) the fast path gives what the plain scan gives."""

from __future__ import annotations

import re
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

import pytest

from normalize import age, category, dropin
from normalize._starts import found_at
from tests.normalize.gold_texts import gold_texts

#: Texts written for this test: each guard's words, spaced and cased oddly, and near misses.
WRITTEN = [
    "Bliv frivillig hos os!", "Vil du  være besøgsven?", "Vi mangler hjælpere.",
    "IT-café i biblioteket; mødes i caféen kl. 10", "Reparations-\ncafé", "kit-café",
    "Gymnastik til musik", "for MÆND og kvinder",
    "Enker, enkemænd og herrer", "Tilmelding  er ikke nødvendig", "Kun for medlemmer af klubben",
    "Medlemskab er påkrævet", "Kom bare forbi\n– drop-in", "Book  en plads", "Holdet er fuldt.",
    "Du kan bare møde op", "Gratis for børn under 12 år, kl. 14-16, tlf. 12 34 56 78",
    "+45 12345678; 25 kr. for pensionister over 65 år", "Ældre Sagen: 60+ (2026)",
    "Vi lærer  dansk sammen", "Dansk for udlændinge", "Opkræves kvartalsvis; prøv gratis",
    "kaffe og snak; tur til skoven",
    "mandeklub, herreaften og havedag", "Klub for spillere; spiller kort", "",
]




TEXTS = WRITTEN + gold_texts()
LOWS = [t.casefold() for t in TEXTS]


def _prefixes(items: Any) -> list[tuple[str, bool]]:
    """The literal text each way of matching a parsed regex starts with, and whether more
    literal text may follow ("#" stands for a digit); "" when a way starts with anything
    else. Conservative: what it cannot read ends the prefix."""
    out = [("", True)]
    for op, av in items:
        nxt: list[tuple[str, bool]] = []
        for pre, open_ in out:
            if not open_:
                nxt.append((pre, False))
            elif op is sre.LITERAL:
                nxt.append((pre + ("#" if chr(av).isdigit() else chr(av)), True))
            elif op is sre.AT:
                nxt.append((pre, True))  # \b takes no text
            elif op is sre.BRANCH:
                nxt += [(pre + p, o) for alt in av[1] for p, o in _prefixes(alt)]
            elif op is sre.SUBPATTERN:
                nxt += [(pre + p, o) for p, o in _prefixes(av[3])]
            elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
                nxt += [(pre + p, False) for p, _ in _prefixes(av[2])]
                if av[0] == 0:
                    nxt.append((pre, True))
            elif op is sre.IN and av == [(sre.CATEGORY, sre.CATEGORY_DIGIT)]:
                nxt.append((pre + "#", False))
            else:
                nxt.append((pre, False))
        out = nxt
    return out


def _every_match_starts_with(rx: re.Pattern[str], words: tuple[str, ...]) -> list[str]:
    """The ways of matching `rx` whose start is none of `words` (empty: all are)."""
    return [p for p, _ in _prefixes(sre_parse.parse(rx.pattern)) if not p.startswith(words)]


def test_prefix_reader_sees_a_branch_it_is_not_told_of() -> None:
    assert _every_match_starts_with(re.compile(r"tilmeld\w*|\bbook|\s-\s"), ("tilmeld", "book"))
    assert not _every_match_starts_with(re.compile(r"(?:\+45\s*)?\b\d{2}"), ("+", "#"))


@pytest.mark.parametrize("rx", list(dropin._STARTS), ids=lambda rx: rx.pattern[:20])
def test_dropin_start_words_cover_every_branch(rx: re.Pattern[str]) -> None:
    assert _every_match_starts_with(rx, dropin._STARTS[rx]) == []


def test_dropin_tries_finds_what_a_full_scan_finds() -> None:
    for text in TEXTS:
        low = dropin._one_space(text.casefold())
        assert low == dropin._SPACES.sub(" ", text.casefold()), text
        for rx, starts in dropin._STARTS.items():
            fast = [m.span() for m in dropin._matches_at(rx, low, starts)]
            assert fast == [m.span() for m in rx.finditer(low)], text


def test_age_noise_starts_cover_every_pattern() -> None:
    starts = ("#", "+", "kl", "gratis", "halv", "rabat", "børn", "unge", "pensionister",
              "studerende")
    assert _every_match_starts_with(age._NOISE_ANY, starts) == []
    for word in starts:
        assert age._NOISE_START.match(word.replace("#", "7"))


def test_age_noise_dropped_as_the_full_scan_drops_it() -> None:
    for low in LOWS:
        assert age._drop_noise(low) == age._NOISE_ANY.sub(" ", low), low


def test_category_required_words() -> None:
    required = {rx.pattern: (word, leading) for _, word, leading, rx in category._PATTERNS}
    assert required[r"\bhave(?:n\b|klub|fællesskab|hold|gruppe|dag|arbejde|selskab|lav)\w*"] \
        == ("have", True)
    assert required[r"\b(?:lær\w*|øv\w*|tal\w*|undervisning\s+i|træne)\s+(?:på\s+)?dansk\b"] \
        == ("dansk", False)
    assert category._required_word(r"\bspil?ler") == ("spi", True)
    assert category._required_word(r"\bfoo|(?:a)?dansk\b") == (None, False)
    assert category._required_word(r"[|(]|(?:a)?dansk\b") == (None, False)
    for _, word, leading, rx in category._PATTERNS:
        if leading:
            assert word is not None
            assert _every_match_starts_with(rx, (word,)) == []


def test_category_looks_change_no_reading() -> None:
    for low in LOWS:
        _category_looks(low)


def _category_looks(low: str) -> None:
    if not any(cue in low for cue in category._RECRUITING_CUES):
        assert not category.RECRUITING.search(low)
    if "cafeen" not in low and "caféen" not in low:
        assert category._VENUE_CAFE.sub(" ", low) == low
    if not category._near(low, "caf", category._HELP_DESKS, 12):
        assert category._HELP_CAFE.sub(r"\1hjælp", low) == low
    if "musik" not in low:
        assert category._ACCOMPANIMENT.sub(" ", low) == low
    if not (any(cue in low for cue in category._MEN_CUES)
            and any(cue in low for cue in category._WOMEN_CUES)):
        assert category._BOTH_SEXES.sub(category._without_men, low) == low
    tokens = category._TOKEN.findall(low)
    for word in set(tokens):
        assert category._places(tokens, word) == [i for i, t in enumerate(tokens) if t == word]
    for _, word, leading, rx in category._PATTERNS:
        if word is not None:
            fast = found_at(rx, low, (word,)) if leading else word in low
            assert fast == bool(rx.search(low)) or (not leading and fast)
    assert category._hits(low, category._WEAK) == category._hits(low) & category._WEAK


def test_price_looks_change_no_reading() -> None:
    from normalize import _price_patterns as pp
    from normalize import price

    for low in LOWS + ["30 -\t50 kr.", "kl.10 - 12", "pris 50 kr \n-\n kaffe kan  købes"]:
        if not price._spaced_dash(low):
            assert pp.SPACED_DASH.sub(" ; ", low) == low, low
        if not any(word in low for word in pp.EXTRAS_CUES):
            assert not pp.EXTRAS.search(low), low
        if "gratis" not in low:
            assert pp.FREE_AFTER_PAYING.sub(" ", low) == low, low
        if "kl" not in low:
            assert pp.CLOCK_TIME.sub(" ", low) == low, low
        if "vis" not in low:
            assert pp.BILLING.sub(" ", low) == low, low


def test_accessibility_feature_cues_change_no_reading() -> None:
    from normalize import accessibility as acc

    extra = ["Toilet for kørestolsbrugere", "Teleslynge; T-slynge", "høreapparat på t",
             "p-pladser og parkering", "i ét plan, ingen dørtrin", "Trappetrin op",
             "hearing loop", "wheelchair access", "Rullestol", "HC-toilet"]
    for text in TEXTS + extra:
        for clause in acc._clauses(text.casefold()):
            for flag, rx, _ in acc._FEATURES:
                if not any(cue in clause for cue in acc._FEATURE_CUES[flag]):
                    assert not rx.search(clause), (flag, clause)


def test_dropin_clause_start_read_from_the_end_as_the_scan_finds_it() -> None:
    extra = ["a - - b men, c", "men", "x.men", "kommentar men amen. - men -", "a –  – b"]
    for text in TEXTS + extra:
        low = dropin._one_space(text.casefold())
        for at in range(0, len(low) + 1):
            part = low[max(0, at - 300):at]
            want = max([m.end() for m in dropin._CLAUSE.finditer(part)], default=0)
            assert dropin._last_boundary_end(part) == want, (part, at)


def test_age_pattern_cues_change_no_reading() -> None:
    tables = [(age._RANGES, age._RANGE_CUES), (age._MIN, age._MIN_CUES),
              ([rx for rx, _ in age._MAX], age._MAX_CUES)]
    for low in LOWS + ["18 -  30 årige", "+ 60", "60plus", "øvre aldersgrænse: 30"]:
        for rxs, cues in tables:
            for rx, cue in zip(rxs, cues, strict=True):
                if cue not in low:
                    assert not rx.search(low), (rx.pattern, low)
        if not any(cue in low for cue in age._AGE_WORD_CUES):
            assert not any(rx.search(low) for rx, _ in age.AGE_WORDS), low


def test_category_uncut_clauses_read_as_the_whole_text() -> None:
    extra = ["Vi spiser sammen. Kaffe og snak!", "Spise\nsammen, kaffe", "tur - til kaffe",
             "kaffe!og snak; hyggeligt samvær...", "Gåtur. Vi slutter med kaffe.",
             "laver mad; kaffe? spise sammen"]
    for text in TEXTS + extra:
        low = text.casefold()
        clauses = category._CLAUSE.split(low)
        kept = [c[: category._main_length(c)] for c in clauses]
        if kept == clauses and "\n" not in low and not category._SPACED_DASH.search(low):
            main = " . ".join(kept)
            assert category._hits(main, category._WEAK) == category._hits(low) & category._WEAK
