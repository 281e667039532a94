"""Facebook event pages crawled on 127.0.0.1, through the pipeline into the index: public
events indexed, the rest reported, and pages rendered in a browser (the spider and the page
parser on saved pages: test_facebook.py)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from core.clock import TZ
from fkort.sites import SiteServer
from index import SearchQuery
from index.backends.sqlite import SQLiteBackend
from normalize.schedule import next_occurrences
from tests.conftest import crawl
from tests.crawlers.test_facebook import PAGES, SOURCES


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
    # Its six weekly meetings (the page's series) are one weekly rule that gives exactly them
    # (normalize.schedule.weekly_series).
    assert walk.schedule.kind.value == "recurring" and "FREQ=WEEKLY" in str(walk.schedule.rrule)
    meetings = next_occurrences(walk.schedule, datetime(2026, 1, 1, tzinfo=TZ), 50)
    assert len(meetings) == 6 and len({(m.weekday(), m.time()) for m in meetings}) == 1
    assert walk.location.lat == 56.49182 and walk.organizer.name == "Ældre Sagen Struer"
    bingo = hits["Julebanko i Forsamlingshuset"]
    assert bingo.schedule.end is not None
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
