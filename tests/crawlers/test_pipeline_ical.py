"""iCal feeds crawled on 127.0.0.1, through the pipeline into the index: the run report, the
next meetings of every series as indexed, and a broken feed reported (the spider on saved
feeds: test_ical.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.schema import Activity, activity_id
from fkort.sites import SiteServer
from index.backends.sqlite import SQLiteBackend
from normalize.schedule import next_occurrences
from tests.conftest import crawl
from tests.crawlers.test_ical import AFTER, FEEDS, SOURCES

#: The run report and the index the crawl wrote.
Crawled = tuple[dict[str, Any], Path]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    tmp = tmp_path_factory.mktemp("ical")
    with SiteServer(FEEDS) as ics:
        proc, (report,) = crawl(SOURCES, tmp, {"ics": ics.base_url})
    assert proc.returncode == 3, proc.stderr[-3000:]  # the broken feed is reported
    yield report, tmp / "crawl.db"


def get(db: Path, uid: str) -> Activity:
    b = SQLiteBackend(db)
    a = b.get(activity_id("vestervang", uid))
    b.close()
    assert a is not None, uid
    return a


def nxt(a: Activity, n: int = 3) -> list[str]:
    fmt = "%Y-%m-%dT%H:%M" if a.schedule.time_known else "%Y-%m-%d"
    return [d.strftime(fmt) for d in next_occurrences(a.schedule, AFTER, n)]


def test_report(crawled: Crawled) -> None:
    report, _ = crawled
    assert report["new"] == 13  # 9 + 5 events, less one cancelled
    assert report["skipped"] == {"cancelled": 1}
    assert report["errors"] == {"broken_ical": 1}
    assert report["problems"][0]["url"].endswith("/broken.ics")


@pytest.mark.parametrize(("uid", "expected"), [
    ("hold-1041-whist@seniorcenter-vestervang.dk",
     ["2026-12-08T13:00", "2027-01-05T13:00", "2027-01-19T13:00"]),  # INTERVAL=2, EXDATE
    ("arr-2210-faellesspisning@seniorcenter-vestervang.dk",
     ["2026-12-19T17:30", "2027-01-16T12:00", "2027-02-20T12:00"]),  # 3SA, RECURRENCE-ID
    ("hold-1077-stolegymnastik@seniorcenter-vestervang.dk",
     ["2026-12-03T10:00", "2026-12-07T10:00", "2026-12-10T10:00"]),  # UNTIL
    ("hold-1102-smartphone@seniorcenter-vestervang.dk",
     ["2026-12-02T10:00", "2026-12-09T10:00", "2026-12-16T10:00"]),  # COUNT
    ("arr-2231-foredrag-viborg@seniorcenter-vestervang.dk", ["2026-12-10T14:00"]),  # no DTEND
    ("arr-2224-julemarked@seniorcenter-vestervang.dk", ["2026-12-05"]),  # all day
    ("hold-1050-krydsord@seniorcenter-vestervang.dk",
     ["2026-12-04T09:30", "2026-12-11T09:30", "2026-12-18T09:30"]),  # two EXDATEs, DURATION
    ("4hq2c0a7m1l9t3r8v6k5n0b2pe@google.com",
     ["2026-12-07T14:00", "2026-12-14T14:00", "2026-12-21T14:00"]),  # floating time
    ("0s7f3j1d6k2m8p4q9r5t1v3x7z@google.com",
     ["2026-12-03T19:00", "2027-01-07T19:00", "2027-02-04T19:00"]),  # 1TH
    ("6e1b9c4a2d8f7g3h5j0k1l6m2n@google.com", ["2027-02-25T19:00"]),  # UTC
    ("9k3m7n1b5v8c2x6z0l4j8h2g6f@google.com",
     ["2026-12-02T10:00", "2026-12-16T10:00", "2026-12-23T10:00"]),  # EXDATE lines
    ("hold-1033-havehold@seniorcenter-vestervang.dk", []),  # the series has ended
])
def test_occurrences(crawled: Crawled, uid: str, expected: list[str]) -> None:
    _, db = crawled
    assert nxt(get(db, uid), len(expected) or 3) == expected


def test_fields(crawled: Crawled) -> None:
    _, db = crawled
    whist = get(db, "hold-1041-whist@seniorcenter-vestervang.dk")
    assert whist.title == "Whist og kanasta"
    assert whist.organizer.name == "Seniorcenter Vestervang"
    assert whist.location.postcode == "8800" and whist.location.municipality == "Viborg"
    assert whist.price.amount_dkk == 20.0
    assert whist.schedule.end is not None and whist.schedule.end.strftime("%H:%M") == "16:00"
    assert "spil" in whist.categories
    talk = get(db, "arr-2231-foredrag-viborg@seniorcenter-vestervang.dk")
    assert talk.schedule.end is None  # no DTEND: end unknown, not made up
    market = get(db, "arr-2224-julemarked@seniorcenter-vestervang.dk")
    assert market.schedule.time_known is False
