"""The municipal spider on saved pages of five sites, parsed once under the frozen clock: two
CMS structures read by selectors, an association directory, pagination, a Windows-1252 page
without charset, a page that is no activity and a page of calendars (their crawl through
the pipeline: test_pipeline_municipal.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from scrapy.http import Request

from core.schema import Activity
from crawlers.items import OrganizationItem
from crawlers.spiders.municipal import MunicipalSpider
from fkort.sites import SiteServer
from index import SearchQuery
from index.backends.sqlite import SQLiteBackend
from tests.conftest import FILES, crawl
from tests.crawlers import pages

SITES = FILES / "municipal"

DRUPAL_SELECTORS = """
[source.selectors]
title = "h1.page-title"
description = ".field--name-body"
when = ".field--name-field-tidspunkt .field__item"
where = ".field--name-field-sted .field__item"
price = ".field--name-field-pris .field__item"
age = ".field--name-field-maalgruppe .field__item"
accessibility = ".field--name-field-tilgaengelighed .field__item"
signup = ".field--name-field-tilmelding .field__item"
organizer = ".field--name-field-arrangoer .field__item"
contact = ".field--name-field-kontakt .field__item"
"""

SOURCES = f"""
[[source]]
name = "lemvig"
kind = "municipal"
spider = "municipal"
start_urls = ["{{lemvig}}/aktiviteter/index.html"]
[source.options]
detail_links = "article.node--type-aktivitet h2 a"
next_page = "li.pager__item--next a"
municipality = "Lemvig"
{DRUPAL_SELECTORS}

[[source]]
name = "ikast-brande"
kind = "municipal"
spider = "municipal"
start_urls = ["{{ikast}}/det-sker/index.html"]
[source.options]
detail_links = "a.event-card"
next_page = "a.pagination__next"
municipality = "Ikast-Brande"
[source.selectors]
title = "h1.event-hero__title"
description = ".rich-text"
when = "xpath://dt[normalize-space()='Hvornår']/following-sibling::dd[1]"
where = "xpath://dt[normalize-space()='Hvor']/following-sibling::dd[1]"
price = "xpath://dt[normalize-space()='Pris']/following-sibling::dd[1]"
age = "xpath://dt[normalize-space()='Målgruppe']/following-sibling::dd[1]"
organizer = "xpath://dt[normalize-space()='Arrangør']/following-sibling::dd[1]"
signup = "xpath://dt[normalize-space()='Tilmelding']/following-sibling::dd[1]"

[[source]]
name = "foreninger-lemvig"
kind = "municipal"
spider = "municipal"
start_urls = ["{{foreninger}}/foreningsoversigt/index.html"]
[source.options]
municipality = "Lemvig"
[source.organizations]
item = "div.forening"
name = ".forening__navn"
url = "a.forening__web"
email = ".forening__email"
phone = ".forening__telefon"
address = ".forening__adresse"
description = ".forening__formaal"
"""

#: Struer uses Lemvig's CMS: Lemvig's selectors are all its entry needs.
STRUER_SOURCE = f"""
[[source]]
name = "struer-kommune"
kind = "municipal"
spider = "municipal"
start_urls = ["{{struer}}/aktiviteter/index.html"]
[source.options]
detail_links = "article.node--type-aktivitet h2 a"
next_page = "li.pager__item--next a"
municipality = "Struer"
{DRUPAL_SELECTORS}
"""

#: Two more sites as their crawl tests define them: Struer with Lemvig's CMS (and selectors),
#: and Viborg's page of calendars.
MORE_SOURCES = STRUER_SOURCE + """
[[source]]
name = "viborg"
kind = "municipal"
spider = "municipal"
start_urls = ["{viborg}/aktiviteter/index.html"]
[source.options]
municipality = "Viborg"
"""

BASES = {"lemvig": "https://www.lemvig.dk", "ikast": "https://www.ikast-brande.dk",
         "foreninger": "https://foreninger.lemvig.dk", "struer": "https://www.struer.dk",
         "viborg": "https://viborg.dk"}
SOURCE = pages.sources(SOURCES + MORE_SOURCES, BASES)


def _html(site: str, folder: str, *but: str) -> tuple[str, ...]:
    return tuple(sorted(f"{folder}/{p.name}" for p in (SITES / site / folder).glob("*.html")
                        if p.name not in but))


def _read(name: str, site: str, listings: tuple[str, ...], details: tuple[str, ...] = (),
          *, no_charset: tuple[str, ...] = ()) -> tuple[MunicipalSpider, list[Any]]:
    """A source's listings and the detail pages they link to (`detail_links`), read by one
    spider; the pages in `no_charset` served with a Content-Type that names no charset."""
    spider = pages.spider(MunicipalSpider, SOURCE[name])
    start = urlsplit(spider.source.start_urls[0])
    base = f"{start.scheme}://{start.netloc}"
    responses = [pages.response(SITES / site / p, f"{base}/{p}", fk_depth=0) for p in listings]
    responses += [pages.response(SITES / site / p, f"{base}/{p}", fk_depth=1, fk_detail=True,
                                 content_type="text/html" if p in no_charset else None)
                  for p in details]
    return spider, pages.parse(spider.parse, *responses)


SEEN = {
    "lemvig": _read("lemvig", "lemvig", ("aktiviteter/index.html", "aktiviteter/side-2.html"),
                    (*_html("lemvig", "aktivitet"), "nyheder/aeldreraadsvalg.html"),
                    no_charset=("aktivitet/seniorbowling.html",)),
    "ikast-brande": _read("ikast-brande", "ikast-brande",
                          ("det-sker/index.html", "det-sker/side2.html"),
                          _html("ikast-brande", "det-sker", "index.html", "side2.html")),
    "foreninger-lemvig": _read("foreninger-lemvig", "foreninger-lemvig",
                               ("foreningsoversigt/index.html",)),
    "struer-kommune": _read("struer-kommune", "struer", ("aktiviteter/index.html",),
                            _html("struer", "aktivitet")),
    "viborg": _read("viborg", "viborg", ("aktiviteter/index.html",)),
}
SPIDERS = {name: spider for name, (spider, _) in SEEN.items()}
OUT = {name: out for name, (_, out) in SEEN.items()}
#: The calendar Viborg's page links to, read as the spider asks (`parse_ical`).
FEED = f"{BASES['viborg']}/kalender/aktivitetscenter-nord.ics"
OUT["viborg"] += pages.parse(SPIDERS["viborg"].parse_ical,
                             pages.response(SITES / "viborg" / "kalender" /
                                            "aktivitetscenter-nord.ics", FEED))

ACTIVITIES = [a for out in OUT.values() for a in pages.normalize(out)]
ORGANIZATIONS = [i for i in OUT["foreninger-lemvig"] if isinstance(i, OrganizationItem)]
REQUESTS = pages.requests(r for out in OUT.values() for r in out)


def _find(start: str) -> Activity:
    (match,) = [a for a in ACTIVITIES if a.title.startswith(start)]
    return match


def _organization(name: str) -> dict[str, object]:
    (match,) = [o.data for o in ORGANIZATIONS if o.data["name"] == name]
    return match


# -- what each site gives ------------------------------------------------------------------

@pytest.mark.parametrize(("source", "count"), [
    ("lemvig", 9), ("ikast-brande", 7), ("struer-kommune", 4), ("viborg", 2),
    ("foreninger-lemvig", 0)])
def test_activities_of_each_site(source: str, count: int) -> None:
    assert len([a for a in ACTIVITIES if a.source.name == source]) == count


def test_association_directory_gives_every_association() -> None:
    assert len(ORGANIZATIONS) == 12


def test_the_news_page_is_the_only_problem() -> None:
    assert {name: pages.problems(s) for name, s in SPIDERS.items() if pages.problems(s)} == {
        "lemvig": [("selectors_matched_nothing", "aeldreraadsvalg.html")]}


def test_the_news_page_gives_no_activity() -> None:
    assert not any("ældreråd" in a.title.casefold() for a in ACTIVITIES)


def test_listing_links_its_detail_pages() -> None:
    details = {r.url for r in REQUESTS if r.meta.get("fk_detail")
               and r.url.startswith(BASES["lemvig"])}
    assert details == {f"{BASES['lemvig']}/{p}" for p in
                       (*_html("lemvig", "aktivitet"), "nyheder/aeldreraadsvalg.html")}


def test_listing_links_its_next_page() -> None:
    nxt = [r.url for r in REQUESTS if r.meta.get("fk_detail") is False]
    assert f"{BASES['lemvig']}/aktiviteter/side-2.html" in nxt
    assert f"{BASES['ikast']}/det-sker/side2.html" in nxt


def test_page_of_calendars_asks_for_its_feed() -> None:
    feeds = [r for r in REQUESTS if r.url == FEED]
    assert [r.callback for r in feeds] == [SPIDERS["viborg"].parse_ical]


def test_webcal_link_is_asked_for_over_https() -> None:
    # Off the site: the crawl's offsite filter drops it (test_pipeline_municipal.py).
    assert "https://example.invalid/kalender/aktivitetscenter-nord.ics" in {
        r.url for r in REQUESTS}


# -- Lemvig: Drupal fields by CSS selector ---------------------------------------------

def test_page_without_charset_title() -> None:
    assert _find("Seniorbowling").title == "Seniorbowling – og kortspil bagefter"


def test_page_without_charset_description() -> None:
    assert "\ufffd" not in (_find("Seniorbowling").description or "")


def test_page_without_charset_price() -> None:
    price = _find("Seniorbowling").price
    assert (price.amount_dkk, price.period and price.period.value) == (40.0, "per_time")


def test_page_without_charset_schedule() -> None:
    assert _find("Seniorbowling").schedule.rrule == "FREQ=WEEKLY;BYDAY=FR"


def test_place_split_over_lines_address() -> None:
    assert _find("Gå-gruppen i Thyborøn").location.address == "Kirkevej 8"


def test_place_split_over_lines_town() -> None:
    location = _find("Gå-gruppen i Thyborøn").location
    assert (location.postcode, location.city) == ("7680", "Thyborøn")


def test_price_not_stated() -> None:
    price = _find("Gå-gruppen i Thyborøn").price
    assert (price.amount_dkk, price.is_free) == (None, None)


def test_twice_a_month() -> None:
    assert _find("Strik & snak").schedule.rrule == "FREQ=MONTHLY;BYDAY=1WE,3WE"


def test_stated_not_accessible() -> None:
    acc = _find("Strik & snak").accessibility
    assert (acc.step_free, acc.wheelchair) == (False, False)


def test_hearing_loop() -> None:
    assert _find("Syng sammen").accessibility.hearing_loop is True


def test_signup_required() -> None:
    assert _find("Sorggruppe").drop_in is False


def test_free() -> None:
    assert _find("Sorggruppe").price.is_free is True


def test_category() -> None:
    assert "maend" in _find("Mænds Mødested").categories


def test_organizer() -> None:
    assert _find("Seniorbowling").organizer.name == "Lemvig Pensionistforening"


def test_age() -> None:
    age = _find("Seniorbowling").age
    assert (age.min, age.max) == (60, None)


# -- Ikast-Brande: a Sitecore fact list by XPath -----------------------------------------

def test_fact_list_price() -> None:
    price = _find("Seniorfitness").price
    assert (price.amount_dkk, price.period and price.period.value) == (450.0, "half_year")


def test_fact_list_age() -> None:
    assert _find("Seniorfitness").age.min == 65


def test_fact_list_town() -> None:
    assert _find("Seniorfitness").location.city == "Ikast"


def test_fact_list_one_off_start() -> None:
    start = _find("Nytårsfest").schedule.start
    assert start is not None and start.isoformat() == "2027-01-09T18:00:00+01:00"


def test_fact_list_organizer() -> None:
    assert _find("Bordtennis for 60+").organizer.name == "Bording IF – Senioridræt"


# -- Struer: Lemvig's CMS, configured alike ------------------------------------------------

def test_another_site_of_the_same_cms() -> None:
    assert any(a.title.startswith("Whist og kaffe") and a.source.name == "struer-kommune"
               for a in ACTIVITIES)


# -- Viborg: the linked calendar -------------------------------------------------------------

def test_calendar_series() -> None:
    assert _find("Petanque").schedule.rrule == "FREQ=WEEKLY;BYDAY=TU"


def test_calendar_signup() -> None:
    assert _find("Julebanko").drop_in is False


# -- the association directory -----------------------------------------------------------

def test_association_phone() -> None:
    assert _organization("Lemvig Roklub")["telephone"] == "97 82 05 13"


def test_association_without_a_website() -> None:
    assert "url" not in _organization("Lemvig Roklub")


def test_association_website_and_address() -> None:
    pens = _organization("Lemvig Pensionistforening")
    assert pens["url"] == "https://www.lemvig-pensionistforening.dk"
    assert pens["address"] == "Østergade 12, 7620 Lemvig"


# -- invariants ------------------------------------------------------------------------------

@pytest.mark.parametrize("activity", ACTIVITIES, ids=lambda a: a.title)
def test_has_a_title(activity: Activity) -> None:
    assert activity.title.strip() and "\n" not in activity.title


@pytest.mark.parametrize("activity", ACTIVITIES, ids=lambda a: a.title)
def test_id_is_namespaced_by_its_source(activity: Activity) -> None:
    assert activity.source.name in SOURCE and activity.id.startswith(activity.source.name + ":")


@pytest.mark.parametrize("activity", ACTIVITIES, ids=lambda a: a.title)
def test_source_url_is_on_its_site(activity: Activity) -> None:
    start = urlsplit(SOURCE[activity.source.name].start_urls[0])
    assert activity.source.url.startswith(f"{start.scheme}://{start.netloc}/")


@pytest.mark.parametrize("activity", ACTIVITIES, ids=lambda a: a.title)
def test_municipality_of_its_source(activity: Activity) -> None:
    assert activity.location.municipality == SOURCE[activity.source.name].options.municipality


@pytest.mark.parametrize("activity", ACTIVITIES, ids=lambda a: a.title)
def test_has_a_known_schedule(activity: Activity) -> None:
    assert activity.schedule.kind.value in ("once", "recurring")


@pytest.mark.parametrize("activity", ACTIVITIES, ids=lambda a: a.title)
def test_has_a_postcode(activity: Activity) -> None:
    assert activity.location.postcode


@pytest.mark.parametrize("organization", ORGANIZATIONS, ids=lambda o: str(o.data["name"]))
def test_association_has_a_name_and_an_address(organization: OrganizationItem) -> None:
    assert organization.data["@type"] == "Organization"
    assert organization.data["name"] and organization.data["address"]


@pytest.mark.parametrize("organization", ORGANIZATIONS, ids=lambda o: str(o.data["name"]))
def test_association_website_is_absolute(organization: OrganizationItem) -> None:
    assert str(organization.data.get("url", "https://")).startswith("https://")


@pytest.mark.parametrize("request_", REQUESTS, ids=lambda r: r.url)
def test_follows_only_absolute_addresses(request_: Request) -> None:
    assert request_.url.startswith("https://")


# -- a crawl: docs/sources.md shows a new site added by configuration alone with it ----------

def test_a_new_site_needs_only_configuration(tmp_path: Path) -> None:
    """Struer uses Lemvig's CMS: a sources.toml entry with Lemvig's selectors is all it takes."""
    struer_source = STRUER_SOURCE
    with SiteServer(SITES / "struer") as struer:
        proc, (report,) = crawl(struer_source, tmp_path, {"struer": struer.base_url})
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert report["new"] == 4 and report["errors"] == {}
    b = SQLiteBackend(tmp_path / "crawl.db")
    titles = sorted(h.activity.title for h in b.search(SearchQuery(limit=10)).hits)
    b.close()
    assert len(titles) == 4 and any(t.startswith("Whist og kaffe") for t in titles)
