"""Municipal sites crawled on 127.0.0.1, through the pipeline into the index: both CMS
structures, pagination, robots.txt, a page served without its charset, a page that is no
activity, an association directory and linked calendars (the spider on saved pages:
test_municipal.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.schema import Activity
from fkort.sites import Fault, SiteServer
from index import SearchQuery
from index.backends.sqlite import SQLiteBackend
from tests.conftest import crawl
from tests.crawlers.test_municipal import SITES, SOURCES

#: The run report by source, the index the crawl wrote, and the paths Lemvig's site served.
Crawled = tuple[dict[str, Any], Path, list[str]]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    tmp = tmp_path_factory.mktemp("municipal")
    faults: dict[str, Fault] = {"/aktivitet/seniorbowling.html": "no-charset"}
    with SiteServer(SITES / "lemvig", faults=faults) as lemvig, \
            SiteServer(SITES / "ikast-brande") as ikast, \
            SiteServer(SITES / "foreninger-lemvig") as foreninger:
        proc, report = crawl(SOURCES, tmp, {"lemvig": lemvig.base_url, "ikast": ikast.base_url,
                                            "foreninger": foreninger.base_url})
        paths = [p for p, _ in lemvig.requests]
    assert proc.returncode in (0, 3), proc.stderr[-3000:]
    yield {r["source"]: r for r in report}, tmp / "crawl.db", paths


@pytest.fixture(scope="module")
def activities(crawled: Crawled) -> dict[str, Activity]:
    _, db, _ = crawled
    b = SQLiteBackend(db)
    hits = b.search(SearchQuery(limit=100, now=None)).hits
    b.close()
    return {h.activity.title: h.activity for h in hits}


def _find(acts: dict[str, Activity], start: str) -> Activity:
    (match,) = [a for t, a in acts.items() if t.startswith(start)]
    return match


def test_every_activity_of_both_structures_is_indexed(crawled: Crawled,
                                                      activities: dict[str, Activity]) -> None:
    report, _, _ = crawled
    assert report["lemvig"]["new"] == 9
    assert report["ikast-brande"]["new"] == 7
    assert len([a for a in activities.values() if a.source.name == "lemvig"]) == 9


def test_pagination_followed(crawled: Crawled) -> None:
    _, _, paths = crawled
    assert "/aktiviteter/side-2.html" in paths
    assert not any(p.startswith("/admin/") for p in paths)  # robots.txt


def test_the_news_page_is_reported_not_indexed(crawled: Crawled,
                                               activities: dict[str, Activity]) -> None:
    report, _, _ = crawled
    assert report["lemvig"]["errors"] == {"selectors_matched_nothing": 1}
    (problem,) = report["lemvig"]["problems"]
    assert problem["url"].endswith("/nyheder/aeldreraadsvalg.html")
    assert not any("ældreråd" in t.casefold() for t in activities)


def test_windows_1252_page_without_charset(activities: dict[str, Activity]) -> None:
    bowling = _find(activities, "Seniorbowling")
    assert bowling.price.period is not None
    assert "Ã" not in bowling.title and "\ufffd" not in (bowling.description or "")
    assert bowling.location.postcode == "7620"
    assert (bowling.price.amount_dkk, bowling.price.period.value) == (40.0, "per_time")
    assert bowling.drop_in is True
    assert bowling.accessibility.wheelchair is True
    assert (bowling.age.min, bowling.age.max) == (60, None)
    assert bowling.schedule.rrule == "FREQ=WEEKLY;BYDAY=FR"


def test_place_split_over_lines(activities: dict[str, Activity]) -> None:
    walk = _find(activities, "Gå-gruppen i Thyborøn")
    assert walk.location.postcode == "7680" and walk.location.city == "Thyborøn"
    assert walk.location.address == "Kirkevej 8"
    assert walk.price.amount_dkk is None and walk.price.is_free is None  # not stated
    assert walk.schedule.rrule == "FREQ=WEEKLY;BYDAY=MO,TH"


def test_fields_as_the_page_states_them(activities: dict[str, Activity]) -> None:
    strik = _find(activities, "Strik & snak")
    assert strik.price.period is not None
    assert strik.schedule.rrule == "FREQ=MONTHLY;BYDAY=1WE,3WE"
    assert strik.accessibility.step_free is False and strik.accessibility.wheelchair is False
    assert (strik.price.amount_dkk, strik.price.period.value) == (300.0, "year")
    assert strik.age.min is None  # not stated
    sang = _find(activities, "Syng sammen")
    assert sang.accessibility.hearing_loop is True
    assert "musik_sang" in sang.categories
    sorg = _find(activities, "Sorggruppe")
    assert sorg.drop_in is False and sorg.price.is_free is True
    men = _find(activities, "Mænds Mødested")
    assert "maend" in men.categories and men.drop_in is True
    assert men.location.municipality == "Lemvig"


def test_sitecore_fact_list_by_xpath(activities: dict[str, Activity]) -> None:
    fitness = _find(activities, "Seniorfitness")
    assert fitness.price.period is not None
    assert (fitness.price.amount_dkk, fitness.price.period.value) == (450.0, "half_year")
    assert fitness.age.min == 65
    assert fitness.schedule.rrule == "FREQ=WEEKLY;BYDAY=MO,TH"
    assert fitness.location.city == "Ikast"
    party = _find(activities, "Nytårsfest")
    assert party.schedule.start is not None
    assert party.schedule.kind.value == "once"
    assert party.schedule.start.isoformat() == "2027-01-09T18:00:00+01:00"
    assert party.drop_in is False


def test_association_directory_gives_organizations(crawled: Crawled) -> None:
    report, db, _ = crawled
    assert report["foreninger-lemvig"]["status"] == "ok"
    from core.schema import organization_id

    b = SQLiteBackend(db)
    org = b.get_organization(organization_id("Lemvig Roklub"))
    assert org is not None and org.phone == "97 82 05 13" and org.url is None
    pens = b.get_organization(organization_id("Lemvig Pensionistforening"))
    assert pens is not None and pens.url and pens.email and "7620" in (pens.address or "")
    b.close()


def test_association_contact_read_as_an_organisers(crawled: Crawled) -> None:
    """The directory's e-mail and phone are read as an organiser's contact: spaces cut, the
    domain in lower case, a Danish number as "97 83 44 10" (with +45 or not); a phone field
    that holds no number ("ring til formanden") is not kept, and the run report counts and
    names it (the association and the field, never the text)."""
    report, db, _ = crawled
    from core.schema import organization_id

    b = SQLiteBackend(db)
    song = b.get_organization(organization_id("Lemvig Seniorsang"))
    petanque = b.get_organization(organization_id("Harboøre Petanqueklub"))
    b.close()
    assert song is not None and (song.email, song.phone) == ("Sang@lemvig-seniorsang.dk", None)
    assert petanque is not None and petanque.phone == "97 83 44 10"
    directory = report["foreninger-lemvig"]
    assert directory["skipped"] == {"unreadable_contact": 1}
    (named,) = directory["skipped_items"]
    assert named["reason"] == "unreadable_contact"
    assert named["detail"] == "Lemvig Seniorsang: phone"
    assert "formanden" not in str(directory)

def test_calendars_a_page_links_to_are_read(tmp_path: Path) -> None:
    source = """
[[source]]
name = "viborg"
kind = "municipal"
spider = "municipal"
start_urls = ["{viborg}/aktiviteter/index.html"]
[source.options]
municipality = "Viborg"
"""
    with SiteServer(SITES / "viborg") as viborg:
        proc, (report,) = crawl(source, tmp_path, {"viborg": viborg.base_url})
    # The webcal:// link points off-site: not followed (allowed_domains), not an error.
    assert report["new"] == 2 and report["errors"] == {}, proc.stderr[-2000:]
    b = SQLiteBackend(tmp_path / "crawl.db")
    hits = {h.activity.title: h.activity for h in b.search(SearchQuery(limit=10)).hits}
    b.close()
    petanque = hits["Petanque på banerne bag centret"]
    assert petanque.schedule.rrule == "FREQ=WEEKLY;BYDAY=TU" and petanque.drop_in is True
    assert hits["Julebanko"].drop_in is False
