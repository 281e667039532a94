"""sogn.dk's event search crawled on 127.0.0.1 with a `[[source]]` of only name, platform,
the search's address and the municipality, into the index: the query arrives as a GET's JSON
body with the municipality in it, the paging stops on the empty page, church services and
deleted records are counted as skipped and never indexed, and no pastor's name is stored.
The spider on the saved answers: test_sogn.py."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.schema import Activity
from fkort.sites import SiteServer
from index import SearchQuery
from index.backends.sqlite import SQLiteBackend
from tests.conftest import crawl
from tests.crawlers.test_sogn import PASTORS, SITE, SOURCES

#: The run report, the activities indexed by title, the search's server, the index's bytes.
Crawled = tuple[dict[str, Any], dict[str, Activity], SiteServer, bytes]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    tmp: Path = tmp_path_factory.mktemp("sogn")
    with SiteServer(SITE) as sogn:
        proc, (report,) = crawl(SOURCES, tmp, {"sogn": sogn.base_url})
        assert proc.returncode == 0, proc.stderr[-3000:]
        backend = SQLiteBackend(tmp / "crawl.db")
        hits = backend.search(SearchQuery(limit=100)).hits
        backend.close()
        stored = b"".join(p.read_bytes() for p in tmp.rglob("*") if p.is_file())
        yield report, {h.activity.title: h.activity for h in hits}, sogn, stored


def test_run(crawled: Crawled) -> None:
    report = crawled[0]
    assert (report["status"], report["pages"], report["new"], report["problems"]) == (
        "ok", 3, 3, [])


def test_services_and_deleted_counted_in_the_report(crawled: Crawled) -> None:
    assert crawled[0]["skipped"] == {"church_service": 2, "deleted": 1}


def test_pages_asked_until_the_empty_one(crawled: Crawled) -> None:
    assert [p for p, *_ in crawled[2].requests if p.startswith("/sognekalender/")] == [
        "/sognekalender/event/_search?from=0&size=100",
        "/sognekalender/event/_search?from=4&size=100",
        "/sognekalender/event/_search?from=6&size=100"]


def test_the_municipality_arrives_in_the_body(crawled: Crawled) -> None:
    posted = crawled[2].posted
    assert [p for p, _ in posted] == ["/sognekalender/event/_search"] * 3
    for _, body in posted:
        query = json.loads(body)["query"]["bool"]
        assert {"match": {"kommunenavn": {"query": "Holstebro", "operator": "and"}}} in (
            query["filter"])
        assert query["must_not"] == [{"term": {"eventtype": 1}}]


def test_indexed_without_services(crawled: Crawled) -> None:
    assert sorted(crawled[1]) == ["De ni læsninger med korsang",
                                  "Sogneeftermiddag: Fortællinger fra Vestjylland",
                                  "Strikkecafé i Sognehuset"]


def test_indexed_fields(crawled: Crawled) -> None:
    afternoon = crawled[1]["Sogneeftermiddag: Fortællinger fra Vestjylland"]
    assert (afternoon.location.name, afternoon.location.address, afternoon.organizer.name,
            afternoon.schedule.start.isoformat()) == (
        "Sct. Jørgens Sognegård", "Ringkøbingvej 8", "Sct. Jørgens Sogn",
        "2026-12-02T14:00:00+01:00")


def test_no_pastor_name_stored_anywhere(crawled: Crawled) -> None:
    stored = crawled[3]
    assert not [p for p in PASTORS if p.encode() in stored]
    texts = json.dumps([a.model_dump(mode="json") for a in crawled[1].values()],
                       ensure_ascii=False)
    assert not [p for p in PASTORS if p in texts]
