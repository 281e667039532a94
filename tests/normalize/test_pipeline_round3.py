"""The pipeline's third round of shortcuts (issue 15's throughput) change no reading: a clause
split written without a repeated group splits as before, and a reader remembered in two
caches (short fields long, descriptions briefly) answers what it answers unremembered."""

from __future__ import annotations

import re
import types

import pytest

from normalize import accessibility, age, category, dropin, event_status, price
from normalize._memo import LONG_TEXT, Remembered, remembered
from tests.normalize.test_classifier_guards import TEXTS

#: Written for this test: stops after abbreviations, runs of marks, dashes spaced and not.
WRITTEN = [
    "kaffe inkl. kage. Slut", "Pris 20 kr.; kl. 10.. ca.? pr.! evt.\n", "a.b", "...", "a - b",
    "a – b", "a -b", "ekskl. mad", "inkl.. frokost", "mad.\n\n– kaffe", "",
]


@pytest.mark.parametrize("text", WRITTEN + TEXTS, ids=lambda t: t[:30])
def test_clause_split_reads_as_a_repeated_stop(text: str) -> None:
    as_before = re.compile(rf"(?:{category._STOP})+|\s[-–]\s")
    low = text.casefold()
    assert category._CLAUSE.split(low) == as_before.split(low)


def test_remembered_reads_short_and_long_texts_alike() -> None:
    calls: list[str | None] = []

    def read(text: str | None) -> str:
        calls.append(text)
        return f"<{text}>"

    memo = remembered(maxsize=10, long_chars=5, long_maxsize=2)(read)
    long_texts = ["a long one", "another long", "a third long"]
    assert [memo(t) for t in ["kort", None, *long_texts]] == [
        "<kort>", "<None>", *(f"<{t}>" for t in long_texts)]
    calls.clear()
    # The short one and None are still remembered; of the long ones only the last two.
    assert [memo(t) for t in ["kort", None, long_texts[2], long_texts[1]]] == [
        "<kort>", "<None>", "<a third long>", "<another long>"]
    assert calls == []
    assert memo(long_texts[0]) == "<a long one>" and calls == [long_texts[0]]
    memo.cache_clear()
    memo("kort")
    assert calls == [long_texts[0], "kort"]


def test_remembered_keeps_the_function_s_name_and_doc() -> None:
    # (doctest finds a remembered function's examples by its name and its doc)
    assert isinstance(dropin.parse_drop_in, types.FunctionType)
    assert dropin.parse_drop_in.__name__ == "parse_drop_in"
    assert dropin.parse_drop_in.__wrapped__.__name__ == "parse_drop_in"
    assert "sign-up" in (dropin.parse_drop_in.__doc__ or "")
    assert remembered()(str.strip).__wrapped__ is str.strip


#: Each remembered reader of one text.
READERS = [dropin.parse_drop_in, accessibility.parse_accessibility, accessibility._read,
           category._categories, age.parse_age, event_status.parse_event_status,
           event_status.parse_availability, event_status.parse_cancelled_days,
           event_status._text_reading, price.parse_price]


@pytest.mark.parametrize("reader", READERS, ids=lambda r: r.__name__)
def test_remembered_readers_answer_as_unremembered(reader: Remembered[str, object]) -> None:
    texts = [t for t in TEXTS if t]
    long_ones = [" ".join(texts[i:i + 4]) for i in range(0, len(texts), 4)]
    assert any(len(t) > LONG_TEXT for t in long_ones)
    for text in texts + long_ones:
        low = text.casefold() if reader is category._categories else text
        assert reader(low) == reader.__wrapped__(low), text
        assert reader(low) == reader.__wrapped__(low), text  # (remembered the second time)


def test_no_white_space_but_the_space_is_printable() -> None:
    # `dropin._one_space` takes a printable text without "  " as one-spaced already.
    every = map(chr, range(0x110000))
    assert [c for c in every if c.isspace() and c != " " and c.isprintable()] == []
    assert [c for c in map(chr, range(0x110000))
            if bool(re.fullmatch(r"\s", c)) != c.isspace()] == []


@pytest.mark.parametrize("text", ["a\u00a0b", "a\u2028b", "a\tb", "a b", "a\x85b", "a\u3000b "])
def test_one_space_as_the_regex_makes_it(text: str) -> None:
    assert dropin._one_space(text) == dropin._SPACES.sub(" ", text)


#: Written for this test: each kind of white space, at the ends and doubled, and empty.
SPACED = ["", " ", "a", " a", "a ", "a  b", "a b", "a\u00a0b", "a\u2009b", "a\nb", "a\x1fb",
          "a\u3000", "\u200b", "a \u0085", "æ ø å", "a\ufeffb", "  ", "a - b"]


@pytest.mark.parametrize("text", SPACED + TEXTS, ids=lambda t: repr(t[:20]))
def test_tidy_text_is_what_split_and_join_give(text: str) -> None:
    from normalize.text import _tidy, clean_text
    joined = " ".join(text.split())
    if _tidy(text):
        assert joined == text
    assert clean_text(text) == (clean_text(text + "  ") or None)  # the slow path's answer
