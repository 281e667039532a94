"""A free-text search that finds nothing says which words were not found and which interest
categories to try instead: the same on every backend."""

from __future__ import annotations

from typing import Any

import pytest

from index import SearchQuery, SearchResult
from index.empty import explain_empty
from tests.index.corpus import make
from tests.index.test_contract import HOLSTEBRO, NOW, at_km


@pytest.fixture
def town(backend: Any) -> Any:
    backend.upsert([
        # A men's workshop by its site's category, though its text says nothing of men.
        make("vaerksted", "Værkstedet i kælderen", description="Vi reparerer cykler.",
             categories=["maend"], at=at_km(1.0)),
        make("gym", "Stolegymnastik", categories=["motion"], at=at_km(1.5)),
        make("strik", "Strikkeklub", description="Tag garn med.", categories=["kreativ"],
             at=at_km(2.0)),
        make("whist", "Whistaften", categories=["spil"], at=at_km(3.0)),
        # Found by their words, but far away: out of reach of a search near the town.
        make("mandeklub", "Mandeklub Nord", categories=["maend"], at=at_km(80.0)),
        make("sorg", "Sorggruppe for enker", categories=["sorg_stoette"], at=at_km(80.0)),
    ])
    return backend


def answer(backend: Any, text: str, radius_km: float = 10, **kw: Any) -> SearchResult:
    q = SearchQuery(text=text, lat=HOLSTEBRO[0], lon=HOLSTEBRO[1], radius_km=radius_km,
                    now=NOW, **kw)
    return explain_empty(backend, q, backend.search(q))


@pytest.mark.parametrize(("typed", "not_found", "categories"), [
    # The concept's category has an offer near, which the words do not find.
    ("mandeklub", ["mandeklub"], ["maend"]),
    ("noget for en mand på 70", ["mand"], ["maend"]),
    # A word the category phrases know.
    ("yoga", ["yoga"], ["motion"]),
    # Grief offers: none near, so none offered.
    ("mistet min mand", ["mistet", "mand"], []),
    # Each word finds something, only together they do not: no word is named; both offered.
    ("strikke whist", [], ["kreativ", "spil"]),
    ("xyzzyq", ["xyzzyq"], []),
], ids=["mandeklub", "mand-paa-70", "yoga", "mistet-min-mand", "together", "nonsense"])
def test_nothing_found_names_the_words_and_offers_categories(
        town: Any, typed: str, not_found: list[str], categories: list[str]) -> None:
    r = answer(town, typed)
    assert r.total == 0 and not r.hits
    assert r.not_found == not_found
    assert r.suggested_categories == categories


def test_a_category_is_offered_only_where_it_finds_something(town: Any) -> None:
    # Further out the men's club itself is found by the word: nothing to explain.
    r = answer(town, "mandeklub", radius_km=100)
    assert [h.activity.title for h in r.hits] == ["Mandeklub Nord"]
    assert r.not_found == [] and r.suggested_categories == []
    # Under a filter that leaves no men's offer, the category is not offered.
    r = answer(town, "mandeklub", municipality="Assens")
    assert r.not_found == ["mandeklub"] and r.suggested_categories == []


def test_a_search_without_text_is_left_as_it_is(town: Any) -> None:
    r = answer(town, "", municipality="Assens")
    assert r.total == 0 and r.not_found == [] and r.suggested_categories == []
