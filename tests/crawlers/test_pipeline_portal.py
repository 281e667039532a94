"""A Boblberg-style portal crawled on 127.0.0.1 from its JSON endpoint, through the pipeline
into the index: every page read, and private persons' data stored nowhere (the spider on
saved pages: test_portal.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.schema import Activity
from fkort.sites import SiteServer
from index import SearchQuery
from index.backends.sqlite import SQLiteBackend
from tests.conftest import crawl
from tests.crawlers.test_portal import RENDERED, SITE, SOURCES, _private_people

#: The run report, the index the crawl wrote, and everything the crawl printed.
Crawled = tuple[dict[str, Any], Path, str]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    tmp = tmp_path_factory.mktemp("portal")
    with SiteServer(SITE) as portal:
        proc, (report,) = crawl(SOURCES, tmp, {"portal": portal.base_url})
    assert proc.returncode == 0, proc.stderr[-3000:]
    yield report, tmp / "crawl.db", proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def posts(crawled: Crawled) -> dict[str, Activity]:
    _, db, _ = crawled
    b = SQLiteBackend(db)
    hits = b.search(SearchQuery(limit=100)).hits
    b.close()
    return {h.activity.title: h.activity for h in hits}


def test_all_pages_read_and_only_activities_kept(crawled: Crawled,
                                                 posts: dict[str, Activity]) -> None:
    report, _, _ = crawled
    assert report["pages"] == 3
    assert report["new"] == 13
    assert report["skipped"] == {"private_post": 5}
    for skipped in ("Veninde søges til kaffe og gåture", "Ven søges", "Sød mand søges",
                    "Skakmakker søges", "Ny i Holstebro – søger nogen at snakke med"):
        assert skipped not in posts


def test_private_persons_data_is_nowhere(crawled: Crawled) -> None:
    _, db, output = crawled
    stored = b"".join(p.read_bytes() for p in db.parent.glob("crawl.db*"))
    people = _private_people()
    assert len(people) == 10
    for name, email, phone in people:
        for secret in (name, email, phone, *name.split()):
            if len(secret) < 4:
                continue
            assert secret.encode() not in stored, secret
            assert secret not in output, secret


def test_private_group_kept_without_its_poster(posts: dict[str, Activity]) -> None:
    walk = posts["Gåtur hver tirsdag fra Nytorv"]
    assert walk.schedule.start is not None
    assert walk.organizer.name is None and walk.organizer.phone is None
    assert "[telefon]" in (walk.description or "")
    assert walk.location.postcode == "7500" and walk.location.city == "Holstebro"
    # The time is read from the post's text: "hver tirsdag kl. 10".
    assert walk.schedule.rrule == "FREQ=WEEKLY;BYDAY=TU"
    assert walk.schedule.start.hour == 10
    assert walk.drop_in is None  # "alle er velkomne" says nothing about signing up
    assert "motion" in walk.categories


def test_organisation_post_keeps_its_organiser(posts: dict[str, Activity]) -> None:
    club = posts["Mandeklubben i Struer søger nye medlemmer"]
    assert club.price.period is not None
    assert club.organizer.name == "Mandeklubben Struer"
    assert club.price.amount_dkk == 20.0 and club.price.period.value == "per_time"
    assert "maend" in club.categories


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists() and "FKORT_CHROMIUM" not in
                    __import__("os").environ, reason="no Chromium: install Debian's chromium")
def test_posts_that_only_javascript_shows_are_read_with_a_real_browser(tmp_path: Path) -> None:
    with SiteServer(SITE) as portal:
        (tmp_path / "plain").mkdir()
        plain, (without,) = crawl(RENDERED.replace("render = true", "render = false"),
                                  tmp_path / "plain", {"portal": portal.base_url})
        proc, (report,) = crawl(RENDERED, tmp_path, {"portal": portal.base_url})
    assert without["new"] == 0  # the page's HTML holds no posts
    assert proc.returncode == 0, proc.stderr[-3000:]
    b = SQLiteBackend(tmp_path / "crawl.db")
    titles = {h.activity.title for h in b.search(SearchQuery(limit=50)).hits}
    b.close()
    # Only the first page is on screen; private posts without an activity are skipped.
    assert "Gåtur hver tirsdag fra Nytorv" in titles
    assert "Mandeklubben i Struer søger nye medlemmer" in titles
    assert "Veninde søges til kaffe og gåture" not in titles
    assert report["skipped"].get("private_post", 0) >= 1
