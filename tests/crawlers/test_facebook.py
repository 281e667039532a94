"""Public Facebook event pages: the parser on fixture pages and real captured pages, and the
spider's reports for pages it must not index."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawlers.facebook_page import FacebookPageProblem, parse_event_page
from fkort.sites import SiteServer
from index import SearchQuery
from index.backends.sqlite import SQLiteBackend
from tests.conftest import FILES, REPO, crawl

PAGES = FILES / "facebook"
REALWORLD = REPO.parent / "shared" / "realworld" / "facebook"
URL = "https://www.facebook.com/events/1/"


def page(name: str):  # type: ignore[no-untyped-def]
    return parse_event_page((PAGES / name).read_text(encoding="utf-8"), URL)


def test_public_one_off() -> None:
    e = page("public-oneoff.html")
    assert e.title == "Julebanko i Forsamlingshuset" and e.id == "1193847562038471"
    assert e.start.isoformat() == "2026-12-08T19:00:00+01:00"
    assert e.end.isoformat() == "2026-12-08T22:00:00+01:00"
    assert (e.place_name, e.address) == ("Vemb Forsamlingshus", "Bygaden 22, 7570 Vemb")
    assert (e.lat, e.lon) == (56.354021, 8.345327)
    assert e.creator == "Vemb Borgerforening" and e.creator_is_page is True
    assert "Plader 10 kr. stk." in (e.description or "")
    assert not (e.is_online or e.is_past or e.is_canceled)


def test_recurring_series_has_its_children() -> None:
    e = page("recurring-parent.html")
    assert [d.date().isoformat() for d in e.child_starts] == [
        "2026-12-01", "2026-12-08", "2026-12-15", "2026-12-22", "2026-12-29", "2027-01-05"]
    assert all(d.hour == 10 for d in e.child_starts)


def test_suggested_events_do_not_leak_in() -> None:
    # The page ends with other events' times and places: the event's own must win.
    e = page("past-event.html")
    assert e.title == "Sankthansfest i Præstegårdshaven"
    assert e.start.isoformat() == "2026-06-14T18:00:00+02:00" and e.is_past


def test_online_only() -> None:
    e = page("online-only.html")
    assert e.is_online and e.lat is None


@pytest.mark.parametrize(("name", "reason"), [("login-wall.html", "login_wall"),
                                              ("removed.html", "removed")])
def test_pages_without_a_public_event(name: str, reason: str) -> None:
    with pytest.raises(FacebookPageProblem) as problem:
        page(name)
    assert problem.value.reason == reason


@pytest.mark.skipif(not REALWORLD.is_dir(), reason="../shared/realworld/facebook is absent")
@pytest.mark.parametrize(("name", "title", "start", "online", "past"), [
    ("spring-markiet.html", "Spring Market 2023", "2023-04-22T15:00:00+00:00", False, False),
    ("monday-night-trivia.html", "Monday Night Trivia!", "2023-04-04T02:00:00+00:00", True, False),
    ("shark-tank-pub-past.html", "80s 90s 00s Night", "2019-11-16T02:00:00+00:00", False, True),
])
def test_real_captured_pages(name: str, title: str, start: str, online: bool, past: bool) -> None:
    from datetime import UTC

    e = parse_event_page((REALWORLD / name).read_text(encoding="utf-8"), URL)
    assert e.title == title
    assert e.start is not None and e.start.astimezone(UTC).isoformat() == start
    assert e.end is None or e.end > e.start
    assert (e.is_online, e.is_past) == (online, past)


def test_real_page_place_and_coordinates() -> None:
    if not REALWORLD.is_dir():
        pytest.skip("../shared/realworld/facebook is absent")
    e = parse_event_page((REALWORLD / "shark-tank-pub-past.html").read_text(encoding="utf-8"),
                         URL)
    assert e.place_name == "Shark Tank Pub"
    assert e.lat == pytest.approx(44.156, abs=0.001) and e.lon == pytest.approx(-77.429, abs=0.001)


SOURCES = """
[[source]]
name = "facebook-events"
kind = "facebook"
spider = "facebook"
start_urls = ["{fb}/public-oneoff.html", "{fb}/recurring-parent.html", "{fb}/login-wall.html",
              "{fb}/removed.html", "{fb}/online-only.html", "{fb}/past-event.html"]
"""


def test_spider_indexes_public_events_and_reports_the_rest(tmp_path: Path) -> None:
    with SiteServer(PAGES) as fb:
        proc, (report,) = crawl(SOURCES, tmp_path, {"fb": fb.base_url})
    assert report["new"] == 2
    assert report["errors"] == {"login_wall": 1, "removed": 1, "online_only": 1,
                                "past_event": 1}
    b = SQLiteBackend(tmp_path / "crawl.db")
    hits = {h.activity.title: h.activity for h in b.search(SearchQuery(limit=10)).hits}
    b.close()
    walk = hits["Gå-klub ved Limfjorden"]
    assert walk.schedule.kind.value == "once" and len(walk.schedule.dates) == 5
    assert walk.location.lat == 56.49182 and walk.organizer.name == "Ældre Sagen Struer"
    bingo = hits["Julebanko i Forsamlingshuset"]
    assert bingo.location.precision.value == "address"
    assert bingo.schedule.end.isoformat() == "2026-12-08T22:00:00+01:00"


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="no Chromium installed")
def test_spider_renders_event_pages_in_the_browser(tmp_path: Path) -> None:
    sources = """
[[source]]
name = "facebook-rendered"
kind = "facebook"
spider = "facebook"
start_urls = ["{fb}/public-oneoff.html", "{fb}/login-wall.html"]
[source.options]
render = true
"""
    with SiteServer(PAGES) as fb:
        proc, (report,) = crawl(sources, tmp_path, {"fb": fb.base_url})
    assert proc.returncode == 3, proc.stderr[-2000:]
    assert report["new"] == 1 and report["errors"] == {"login_wall": 1}
