"""Recall: citizens' own words find the fitting demo offer in the first three, on every backend.

The phrasings (`recall_phrasings.jsonl`) were written before the concept map, by someone who did
not write it: `q` as a brobygger would type it, `near` the town the citizen lives in, and
`any_of` title prefixes of the demo offers that fit. Each is searched near the town's centre
(the offline gazetteer) with a radius that covers its municipality, by relevance and in the
default order, on the demo corpus crawled by the real `fkort demo --no-serve`; the
search-engine side gets the same activities indexed into the test node.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from index import SearchQuery
from index.backends.sqlite import SQLiteBackend
from index.contract import Sort
from normalize.geo.gazetteer import town
from tests.conftest import open_test_backend

PHRASINGS = [json.loads(line) for line in
             (Path(__file__).parent / "recall_phrasings.jsonl").read_text("utf-8").splitlines()
             if line.strip()]
#: km from the town centre that take in the whole municipality (Ulfborg is 25 km from
#: Holstebro, Haarby 16 km from Assens).
RADIUS = {"Holstebro": 30.0, "Assens": 25.0, "København": 10.0}


@pytest.fixture(scope="module", params=["sqlite", "opensearch"])
def demo_backend(request: pytest.FixtureRequest, demo_db: Path,
                 tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    store = SQLiteBackend(demo_db)
    if request.param == "sqlite":
        yield store
        store.close()
        return
    engine = open_test_backend("opensearch", tmp_path_factory.mktemp("recall"))
    stats = engine.upsert(store.all_activities())
    assert stats.new == store.count() and not stats.errors
    store.close()
    yield engine
    engine.client.indices.delete(index=f"{engine.alias}*", ignore_unavailable=True)
    engine.close()


def near(case: dict[str, Any], text: str, sort: Sort | None) -> SearchQuery:
    place = town(case["near"])
    assert place is not None, case["near"]
    return SearchQuery(text=text, lat=place.lat, lon=place.lon, radius_km=RADIUS[case["near"]],
                       sort=sort, limit=3)


# Ordered by relevance (the words decide), and in the default order of a search near a place
# (distance): the minimum must keep the matches few enough for the nearest three to fit.
@pytest.mark.parametrize("sort", [Sort.relevance, None], ids=["relevance", "default-sort"])
@pytest.mark.parametrize("case", PHRASINGS, ids=[c["id"] for c in PHRASINGS])
def test_phrasing_finds_a_fitting_offer_in_the_first_three(demo_backend: Any,
                                                           case: dict[str, Any],
                                                           sort: Sort | None) -> None:
    titles = [h.activity.title for h in demo_backend.search(near(case, case["q"], sort)).hits]
    assert any(t.startswith(tuple(case["any_of"])) for t in titles), (case["q"], titles)


def test_the_fitting_offers_are_in_the_corpus(demo_backend: Any) -> None:
    # Every title named by a phrasing is there: a phrasing cannot pass by naming nothing.
    everything = [a.title for a in SQLiteBackend.all_activities(demo_backend)] \
        if isinstance(demo_backend, SQLiteBackend) else \
        [a.title for a in demo_backend.all_activities()]
    for case in PHRASINGS:
        for prefix in case["any_of"]:
            assert any(t.startswith(prefix) for t in everything), prefix


@pytest.mark.parametrize("words", ["strik", "petanque", "billard"])
def test_a_plain_word_keeps_its_precision(demo_backend: Any, words: str) -> None:
    # Any-word matching must not turn one word into everything.
    result = demo_backend.search(SearchQuery(text=words, limit=100))
    total = demo_backend.search(SearchQuery(limit=1)).total
    assert 0 < result.total <= 3 < total, [h.activity.title for h in result.hits]
