"""Cancelled and postponed activities are never search hits on any backend, yet readable by
id with their status; full ones stay hits; a record that becomes cancelled on a re-crawl
leaves the search; records stored before the field existed read as unknown."""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from core.schema import Availability, EventStatus
from index import SearchQuery
from index.backends.sqlite import SQLiteBackend
from tests.conftest import open_test_backend
from tests.index.corpus import TZ, make

NOW = datetime(2026, 11, 22, 12, tzinfo=TZ)
#: (key, event status, availability): which of them a search may show.
RECORDS: list[tuple[str, EventStatus, Availability, bool]] = [
    ("plain", EventStatus.unknown, Availability.unknown, True),
    ("scheduled", EventStatus.scheduled, Availability.available, True),
    ("cancelled", EventStatus.cancelled, Availability.unknown, False),
    ("postponed", EventStatus.postponed, Availability.unknown, False),
    ("full", EventStatus.scheduled, Availability.full, True),
    ("waitlist", EventStatus.unknown, Availability.waitlist, True),
    ("cancelled_full", EventStatus.cancelled, Availability.full, False),
]


def records() -> list[Any]:
    return [make(key, f"Strikkeklub {key}", event_status=status, availability=places,
                 event_status_text="AFLYST" if status is EventStatus.cancelled else None,
                 at=(56.36 + i * 0.001, 8.62))
            for i, (key, status, places, _) in enumerate(RECORDS)]


QUERIES: list[dict[str, Any]] = [
    {},
    {"text": "strikkeklub"},
    {"lat": 56.36, "lon": 8.62, "radius_km": 10},
    {"municipality": "Holstebro", "sort": "next"},
    {"categories": ["kreativ"]},
]


def _ids(result: Any) -> set[str]:
    return {h.activity.id for h in result.hits}


@pytest.mark.parametrize("params", QUERIES, ids=lambda p: json.dumps(p, ensure_ascii=False))
def test_not_taking_place_is_no_hit(backend: Any, params: dict[str, Any]) -> None:
    items = [a.model_copy(update={"categories": ["kreativ"]}) for a in records()]
    backend.upsert(items)
    result = backend.search(SearchQuery(now=NOW, **params))
    shown = {make(key, "x").id for key, *_, hit in RECORDS if hit}
    assert _ids(result) == shown
    assert result.total == len(shown)
    assert sum(result.facets.get("categories", {}).values()) in (0, len(shown))


def test_readable_by_id_with_status(backend: Any) -> None:
    backend.upsert(records())
    got = backend.get(make("cancelled", "x").id)
    assert got is not None
    assert got.event_status is EventStatus.cancelled and got.event_status_text == "AFLYST"
    full = backend.get(make("full", "x").id)
    assert full is not None and full.availability is Availability.full


def test_becoming_cancelled_on_a_recrawl_leaves_the_search(backend: Any) -> None:
    first = make("club", "Strikkeklub")
    assert backend.upsert([first]).new == 1
    assert _ids(backend.search(SearchQuery(now=NOW, text="strikkeklub"))) == {first.id}
    again = first.model_copy(update={"event_status": EventStatus.cancelled,
                                     "event_status_text": "Arrangementet er aflyst."})
    stats = backend.upsert([again])
    assert stats.changed == 1
    assert backend.search(SearchQuery(now=NOW, text="strikkeklub")).total == 0
    got = backend.get(first.id)
    assert got is not None and got.event_status is EventStatus.cancelled


def test_sqlite_and_opensearch_agree(tmp_path: Path) -> None:
    if not os.environ.get("FKORT_TEST_OPENSEARCH_URL"):
        pytest.skip("set FKORT_TEST_OPENSEARCH_URL to a running OpenSearch node")
    sqlite = open_test_backend("sqlite", tmp_path)
    engine = open_test_backend("opensearch", tmp_path)
    try:
        items = records()
        sqlite.upsert(items)
        engine.upsert(items)
        for params in QUERIES:
            q = SearchQuery(now=NOW, **params)
            a, b = sqlite.search(q), engine.search(q)
            assert [h.activity.id for h in a.hits] == [h.activity.id for h in b.hits], params
            assert a.total == b.total
    finally:
        engine.client.indices.delete(index=f"{engine.alias}*", ignore_unavailable=True)
        engine.close()
        sqlite.close()


def test_sqlite_file_without_the_column_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    backend = SQLiteBackend(path)
    old, cancelled = make("old", "Strikkeklub gammel"), make(
        "c", "Strikkeklub aflyst", event_status=EventStatus.cancelled)
    backend.upsert([old, cancelled])
    backend.close()
    con = sqlite3.connect(path)
    for index in ("activities_search", "activities_place"):  # made later, holding it
        con.execute(f"DROP INDEX {index}")
    con.execute("ALTER TABLE activities DROP COLUMN event_status")
    # A record stored before the field: its document has none of the new fields.
    doc = json.loads(con.execute("SELECT doc FROM activities WHERE id = ?",
                                 (old.id,)).fetchone()[0])
    for field in ("event_status", "event_status_text", "availability", "availability_text"):
        doc.pop(field)
    con.execute("UPDATE activities SET doc = ? WHERE id = ?", (json.dumps(doc), old.id))
    con.commit()
    con.close()
    backend = SQLiteBackend(path)
    try:
        got = backend.get(old.id)
        assert got is not None and got.event_status is EventStatus.unknown
        assert got.availability is Availability.unknown
        assert _ids(backend.search(SearchQuery(now=NOW, text="strikkeklub"))) == {old.id}
    finally:
        backend.close()


def test_engine_document_without_the_field_reads_unknown(tmp_path: Path) -> None:
    engine = open_test_backend("opensearch", tmp_path)
    try:
        old = make("old", "Strikkeklub gammel")
        engine.upsert([old, make("c", "Strikkeklub aflyst", event_status="cancelled")])
        doc = engine.client.get(index=engine.alias, id=old.id)["_source"]
        doc.pop("event_status")
        for field in ("event_status", "event_status_text", "availability", "availability_text"):
            doc["doc"].pop(field)
        index = next(iter(engine.client.indices.get_alias(name=engine.alias)))
        engine.client.index(index=index, id=old.id, body=doc, refresh=True)
        got = engine.get(old.id)
        assert got is not None and got.event_status is EventStatus.unknown
        assert _ids(engine.search(SearchQuery(now=NOW, text="strikkeklub"))) == {old.id}
    finally:
        engine.client.indices.delete(index=f"{engine.alias}*", ignore_unavailable=True)
        engine.close()
