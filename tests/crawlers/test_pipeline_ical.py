"""iCal feeds crawled on 127.0.0.1, through the pipeline into the index: the run report, the
next meetings of every series as indexed, cancelled and postponed events indexed with their
status (no search hit, readable by id), a cancelled meeting of a series left out of its dates,
an event cancelled on a re-crawl, and a broken feed reported (the spider on saved feeds:
test_ical.py)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from core.schema import Activity, EventStatus, activity_id
from fkort.sites import SiteServer
from index.backends.sqlite import SQLiteBackend
from index.contract import SearchQuery
from normalize.schedule import next_occurrences
from tests.conftest import FROZEN_NOW, crawl
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


def ids(db: Path, text: str) -> set[str]:
    """The ids a free-text search finds (at the crawl's frozen clock)."""
    b = SQLiteBackend(db)
    found = b.search(SearchQuery(text=text, now=datetime.fromisoformat(FROZEN_NOW)))
    b.close()
    return {h.activity.id for h in found.hits}


def test_report(crawled: Crawled) -> None:
    report, _ = crawled
    # 9 + 8 events, the cancelled and postponed ones among them (they were once skipped:
    # `skipped == {"cancelled": 1}`); the two cancelled meetings of series are no events.
    assert report["new"] == 17
    assert report["skipped"] == {"cancelled_occurrence": 2}
    assert report["not_taking_place"] == {"cancelled": 2, "postponed": 1}
    assert report["errors"] == {"broken_ical": 1}
    assert report["problems"][0]["url"].endswith("/broken.ics")


def test_report_names_what_does_not_take_place(crawled: Crawled) -> None:
    report, _ = crawled
    named = sorted((n["title"], n["status"], n["text"]) for n in report["not_taking_place_items"])
    assert named == [
        ("AFLYST: Juleklip og gløgg", "cancelled", "AFLYST: Juleklip og gløgg"),
        ("Foredrag om Humlum Fiskerleje – UDSAT", "postponed",
         "Foredrag om Humlum Fiskerleje – UDSAT"),
        ("Juletur til Ribe", "cancelled", "CANCELLED")]
    meetings = sorted(s["detail"] for s in report["skipped_items"]
                      if s["reason"] == "cancelled_occurrence")
    assert meetings == ["4hq2c0a7m1l9t3r8v6k5n0b2pe@google.com: 2026-12-14T14:00:00+01:00",
                        "hold-1050-krydsord@seniorcenter-vestervang.dk: 2026-12-11T09:30:00+01:00"]


@pytest.mark.parametrize(("uid", "status", "words"), [
    ("2r5t8y1u4i7o0p3a6s9d2f5g8h@google.com", EventStatus.cancelled, "juletur ribe"),
    ("7c2v5b8n1m4q6w9e3r0t2y5u8i@google.com", EventStatus.cancelled, "juleklip"),
    ("5p8o2i6u9y3t7r1e4w0q6a9s3d@google.com", EventStatus.postponed, "fiskerleje"),
])
def test_not_taking_place_is_readable_by_id_and_no_hit(crawled: Crawled, uid: str,
                                                       status: EventStatus, words: str) -> None:
    _, db = crawled
    found = get(db, uid)
    assert found.event_status is status
    # The words are in its title, so only its status keeps it out of the search.
    assert all(w in found.title.casefold() for w in words.split())
    assert activity_id("vestervang", uid) not in ids(db, words)


def test_cancelled_by_id_over_http_with_its_banner(crawled: Crawled) -> None:
    """The API and the match-kort, on the crawled index: the cancelled event is there by id
    with its status, and its card says it is cancelled."""
    import httpx

    from tests.conftest import LiveServer

    _, db = crawled
    aid = activity_id("vestervang", "2r5t8y1u4i7o0p3a6s9d2f5g8h@google.com")
    with LiveServer(db) as server, httpx.Client(base_url=server.url, timeout=10) as api:
        one = api.get(f"/v1/activities/{aid}")
        assert one.status_code == 200
        assert (one.json()["event_status"], one.json()["event_status_text"]) == (
            "cancelled", "CANCELLED")
        found = api.get("/v1/activities", params={"q": "juletur"}).json()
        card = api.get(f"/aktivitet/{aid}/kort")
    assert aid not in {a["id"] for a in found["data"]}
    assert card.status_code == 200 and 'class="status-banner' in card.text
    assert "Arrangementet er aflyst." in card.text


def test_tentative_and_series_with_a_cancelled_meeting_are_hits(crawled: Crawled) -> None:
    _, db = crawled
    for uid, words in (("1a4s7d0f3g6h9j2k5l8z1x4c7v@google.com", "nytårsbanko"),
                       ("4hq2c0a7m1l9t3r8v6k5n0b2pe@google.com", "strikkeklub"),
                       ("hold-1050-krydsord@seniorcenter-vestervang.dk", "krydsord")):
        assert activity_id("vestervang", uid) in ids(db, words), uid


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
    ("hold-1050-krydsord@seniorcenter-vestervang.dk",  # two EXDATEs, DURATION, and an
     ["2026-12-04T09:30", "2026-12-18T09:30", "2027-01-08T09:30"]),  # "AFLYST:" override
    ("4hq2c0a7m1l9t3r8v6k5n0b2pe@google.com",  # floating time, a cancelled override
     ["2026-12-07T14:00", "2026-12-21T14:00", "2026-12-28T14:00"]),
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


def test_cancelled_on_a_recrawl_is_changed_not_gone(tmp_path: Path) -> None:
    """An event the feed cancels after it was indexed keeps its record, now cancelled: no
    search hit, readable by id, counted as changed, and nothing went stale."""
    site = tmp_path / "site"
    site.mkdir()
    feed = site / "google-forening.ics"
    shutil.copy(FEEDS / "google-forening.ics", feed)
    sources = SOURCES.replace('"{ics}/seniorcenter.ics", ', "").replace(
        ', "{ics}/broken.ics"', "")
    uid = "6e1b9c4a2d8f7g3h5j0k1l6m2n@google.com"  # Ordinær generalforsamling
    with SiteServer(site) as ics:
        proc, (first,) = crawl(sources, tmp_path, {"ics": ics.base_url})
        assert proc.returncode == 0, proc.stderr[-3000:]
        assert get(tmp_path / "crawl.db", uid).event_status is EventStatus.scheduled
        assert activity_id("vestervang", uid) in ids(tmp_path / "crawl.db", "generalforsamling")
        body = feed.read_text(encoding="utf-8")
        start = body.index(f"UID:{uid}")
        end = body.index("END:VEVENT", start)
        feed.write_text(body[:start] + body[start:end].replace(
            "STATUS:CONFIRMED", "STATUS:CANCELLED") + body[end:], encoding="utf-8")
        later = feed.stat().st_mtime + 60
        os.utime(feed, (later, later))
        proc, (second,) = crawl(sources, tmp_path, {"ics": ics.base_url})
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (second["changed"], second["gone"], second["new"]) == (1, 0, 0)
    assert second["not_taking_place"] == {**first["not_taking_place"], "cancelled":
                                          first["not_taking_place"]["cancelled"] + 1}
    again = get(tmp_path / "crawl.db", uid)
    assert (again.event_status, again.event_status_text) == (EventStatus.cancelled, "CANCELLED")
    assert again.status.value == "active"
    assert activity_id("vestervang", uid) not in ids(tmp_path / "crawl.db", "generalforsamling")
