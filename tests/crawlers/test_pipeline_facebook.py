"""Facebook event pages crawled on 127.0.0.1, through the pipeline into the index: public
events indexed, the rest reported, and pages rendered in a browser (the spider and the page
parser on saved pages: test_facebook.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fkort.sites import SiteServer
from index import SearchQuery
from index.backends.sqlite import SQLiteBackend
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
    assert walk.schedule.kind.value == "once" and len(walk.schedule.dates) == 5
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
