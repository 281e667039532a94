"""One-edit typo tolerance for words of five letters or more, only where the word as typed
finds nothing: the same on every backend."""

from __future__ import annotations

from typing import Any

import pytest

from tests.index.corpus import make
from tests.index.test_contract import search


@pytest.fixture
def clubs(backend: Any) -> Any:
    backend.upsert([
        make("whist", "Whistklubben", description="Vi spiller whist hver mandag."),
        make("demens", "Demenscafé", description="For pårørende til en med alzheimer."),
        make("strik", "Strikkeklub", description="Tag garn med."),
        make("stik", "Stik og søm", description="Vi syr sammen."),
        make("bridge", "Bridge for begyndere"),
    ])
    return backend


@pytest.mark.parametrize(("typed", "expected"), [
    ("whsit", {"Whistklubben"}),  # two letters swapped
    ("alzhiemer", {"Demenscafé"}),  # two letters swapped, in the text
    ("bidge", {"Bridge for begyndere"}),  # a letter dropped
    ("bridgge", {"Bridge for begyndere"}),  # a letter added
    ("whist", {"Whistklubben"}),  # as typed
    # Known as typed: no look-alikes ("strik" is one edit from "stik").
    ("strik", {"Strikkeklub"}),
    ("whit", set()),  # four letters: not corrected
    ("alzhemr", set()),  # two edits
], ids=["swap", "swap-in-text", "drop", "add", "exact", "known-word", "short", "two-edits"])
def test_one_edit_for_words_of_five_letters_or_more(clubs: Any, typed: str,
                                                     expected: set[str]) -> None:
    assert set(search(clubs, text=typed)) == expected
