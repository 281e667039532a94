"""The place index's text check (`query.TextQuery.place_sql`, over `schema.place_terms`)
matches exactly the rows FTS5 matches for the same question: a search near a point checks
its words on each place there, and must find what the text index would have found.

Both are asked over every stored row, for every phrase of the concept map, every recall
phrasing, single words and pairs of words from the gold texts, a word one letter off
(typo tolerance), and short words (whole words only)."""

from __future__ import annotations

import json
import random
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.backends.sqlite import SQLiteBackend, query
from index.backends.sqlite.schema import CATEGORY_BITS, category_bits, place_terms
from normalize._concepts import ENTRIES
from normalize.category import CATEGORY_LABELS
from tests.index.corpus import make
from tests.normalize.gold_texts import gold_texts

REPO = Path(__file__).resolve().parent.parent.parent


@pytest.fixture(scope="module")
def gold_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite3.Connection]:
    """One activity per gold text: its first words the title, the whole text the
    description, a category in turn, a town in turn."""
    rng = random.Random(16)
    slugs = sorted(CATEGORY_LABELS)
    towns = ["Holstebro", "Assens", "Aarhus", "Nørre Nebel", "Ærøskøbing"]
    b = SQLiteBackend(tmp_path_factory.mktemp("place-text") / "i.db")
    b.upsert([make(f"g{i}", " ".join(text.split()[:6]) or "Uden titel", description=text,
                   categories=rng.sample(slugs, i % 3),
                   location={"city": towns[i % len(towns)], "name": f"Huset nr. {i}"})
              for i, text in enumerate(gold_texts())])
    yield b._connections.get()
    b.close()


def _questions() -> list[str]:
    rng = random.Random(7)
    asked = [" ".join(e.phrases[0].split()) for e in ENTRIES]
    asked += [json.loads(line)["q"] for line in (
        REPO / "tests" / "search_api" / "recall_phrasings.jsonl").read_text("utf-8").splitlines()
        if line.strip()]
    words = sorted({w.strip(".,:;!?()\"'") for t in gold_texts() for w in t.split()} - {""})
    asked += rng.sample(words, 150)
    asked += [f"{a} {b}" for a, b in zip(rng.sample(words, 40), rng.sample(words, 40),
                                         strict=True)]
    # One letter off (typo tolerance looks up the index's terms one edit away) and short
    # words (whole words only).
    asked += [w[:2] + "x" + w[3:] for w in rng.sample([w for w in words if len(w) > 6], 30)]
    asked += ["øl", "is", "it", "kor", "mad", "spil", "strik", "gåtur", "café", "sang"]
    return asked


def _fts_rows(con: sqlite3.Connection, t: query.TextQuery) -> set[int]:
    return {r for (r,) in con.execute(
        "SELECT rowid FROM activity_fts WHERE activity_fts MATCH ?", (t.fts,))}


def _place_rows(con: sqlite3.Connection, t: query.TextQuery) -> set[int]:
    params: dict[str, object] = {}
    sql = t.place_sql(params)
    return {r for (r,) in con.execute(f"SELECT a.rid FROM activities a WHERE {sql}", params)}


def test_the_place_check_matches_what_fts5_matches(gold_index: sqlite3.Connection) -> None:
    con = gold_index
    typos = query._typos(con)
    asked = _questions()
    assert len(asked) > 300
    compared = found = 0
    for text in asked:
        t = query.text_query(text, typos)
        if t is None:
            continue
        fts = _fts_rows(con, t)
        assert _place_rows(con, t) == fts, (text, t.fts)
        compared += 1
        found += bool(fts)
    # The comparison means something only if most questions find rows.
    assert compared > 250 and found > compared // 2


def test_a_question_with_a_minimum_of_groups_matches_the_same(
        gold_index: sqlite3.Connection) -> None:
    """Several words where at least some must be found (`question.plan`'s minimum), with
    optional words beside them: the combinations FTS5 is given equal a count of groups."""
    t = query.text_query("kaffe kage hygge snak")
    assert t is not None and 0 < t.minimum < len(t.required)
    assert _place_rows(gold_index, t) == _fts_rows(gold_index, t)


def test_the_stored_terms_are_the_text_index_terms_once_each(
        gold_index: sqlite3.Connection) -> None:
    rows = gold_index.execute("""SELECT a.terms, c.c0, c.c1 FROM activities a
                                 JOIN activity_fts_content c ON c.id = a.rid""").fetchall()
    assert rows
    for terms, title, body in rows:
        assert terms == place_terms(title, body)
        assert terms.startswith(" ") and terms.endswith(" ")
        assert len(terms.split()) == len(set(terms.split()))


def test_category_bits_are_the_stored_categories(gold_index: sqlite3.Connection) -> None:
    pairs = gold_index.execute("""SELECT a.cat_bits, group_concat(c.slug) FROM activities a
                                  LEFT JOIN activity_categories c ON c.rid = a.rid
                                  GROUP BY a.rid""").fetchall()
    assert any(bits for bits, _ in pairs) and any(not bits for bits, _ in pairs)
    for bits, slugs in pairs:
        assert bits == category_bits((slugs or "").split(",") if slugs else [])
    # Every category has a bit of its own.
    assert len({category_bits([s]) for s in CATEGORY_BITS}) == len(CATEGORY_LABELS)
