"""The generic JSON-LD/microdata spider on the saved pages of a municipal site, parsed once
under the frozen clock (the crawl through the pipeline: test_pipeline_jsonld.py)."""

from __future__ import annotations

import pytest
from scrapy.http import Request

from core.schema import Activity
from crawlers.items import ActivityItem, OrganizationItem
from crawlers.sources import SourceConfig
from crawlers.spiders.jsonld import JsonLdSpider
from normalize.activity import NotAnActivity, build_activity
from tests.conftest import FILES, FROZEN_NOW
from tests.crawlers import pages

SITE = FILES / "jsonld" / "struer"
BASE = "https://www.struer.example"
SOURCE = SourceConfig(name="struer", kind="municipal", start_urls=[BASE + "/"],
                      options={"follow": ["/aktivitet/", r"/side-\d+"]})

#: The pages a crawl reaches: the listings, the pages they link to, and the one only the
#: sitemap names.
LISTINGS = ("index.html", "side-2.html")
DETAILS = ("aktivitet/kortklub.html", "aktivitet/gaatur.html", "aktivitet/oedelagt.html",
           "aktivitet/ingen-data.html", "aktivitet/mandeklub.html", "aktivitet/uden-navn.html",
           "aktivitet/syklub.html", "aktivitet/kun-i-sitemap.html")
#: Its event has no name: the spider hands it on, the normalize pipeline drops it.
UNNAMED = "aktivitet/uden-navn.html"


def _spider() -> JsonLdSpider:
    return pages.spider(JsonLdSpider, SOURCE)


def _parse(page: str, spider: JsonLdSpider | None = None) -> tuple[list[object], JsonLdSpider]:
    spider = spider or _spider()
    url = f"{BASE}/{page}"
    response = pages.response(SITE / page, url, fk_depth=0 if page in LISTINGS else 1)
    return pages.parse(spider.parse, response), spider


def _activities(page: str) -> list[Activity]:
    """The page parsed anew by a spider of its own."""
    out, _ = _parse(page)
    return [build_activity(i.raw) for i in out if isinstance(i, ActivityItem)]


#: One spider reads the whole site, as in a crawl.
SPIDER = _spider()
PARSED = {page: _parse(page, SPIDER)[0] for page in (*LISTINGS, *DETAILS)}
SITEMAP = pages.parse(SPIDER.parse_sitemap, pages.response(SITE / "sitemap.xml",
                                                           f"{BASE}/sitemap.xml"))
ACTIVITIES = {page: pages.normalize(out) for page, out in PARSED.items() if page != UNNAMED}
ALL_ACTIVITIES = [a for acts in ACTIVITIES.values() for a in acts]
ALL_REQUESTS = pages.requests(r for out in (*PARSED.values(), SITEMAP) for r in out)


@pytest.fixture(scope="module")
def kortklub() -> Activity:
    (activity,) = ACTIVITIES["aktivitet/kortklub.html"]
    return activity


def test_every_event_of_the_site_is_read() -> None:
    assert len(ALL_ACTIVITIES) == 5


def test_title_is_tidied(kortklub: Activity) -> None:
    assert kortklub.title == "Kortklubben i Aktivitetshuset"


def test_id_is_namespaced_by_source_and_stable(kortklub: Activity) -> None:
    assert kortklub.id.startswith("struer:")
    assert kortklub.id == _activities("aktivitet/kortklub.html")[0].id


def test_recurring_schedule(kortklub: Activity) -> None:
    assert kortklub.schedule.start is not None and kortklub.schedule.end is not None
    assert kortklub.schedule.kind.value == "recurring"
    assert kortklub.schedule.rrule == "FREQ=WEEKLY;INTERVAL=1;BYDAY=TU"
    assert kortklub.schedule.start.isoformat() == "2026-09-01T13:30:00+02:00"
    assert kortklub.schedule.end.isoformat() == "2026-09-01T16:00:00+02:00"


def test_coordinates_with_decimal_comma(kortklub: Activity) -> None:
    loc = kortklub.location
    assert (loc.lat, loc.lon, loc.precision.value) == (56.4912, 8.5937, "address")
    assert (loc.address, loc.postcode, loc.city) == ("Smedegade 12", "7600", "Struer")


def test_accessibility_yes_and_stated_no(kortklub: Activity) -> None:
    acc = kortklub.accessibility
    assert acc.wheelchair is True
    assert acc.hearing_loop is False  # "value": "false" is a stated no
    assert acc.step_free is None  # not mentioned: unknown
    assert "Teleslynge" in (acc.text or "")


def test_price_age_drop_in(kortklub: Activity) -> None:
    assert kortklub.price.period is not None
    assert (kortklub.price.amount_dkk, kortklub.price.period.value) == (10.0, "per_time")
    assert kortklub.price.text == "10 kr. pr. gang inkl. kaffe"
    assert (kortklub.age.min, kortklub.age.max, kortklub.age.text) == (60, None, "60-")
    assert kortklub.drop_in is True
    assert "spil" in kortklub.categories


def test_organizer(kortklub: Activity) -> None:
    assert kortklub.organizer.name == "Kortklubben Struer"
    assert kortklub.organizer.email == "kortklubben@struer-foreninger.dk"
    assert kortklub.organization_id and kortklub.organization_id.startswith("org:")


def test_graph_one_off_free() -> None:
    (walk,) = ACTIVITIES["aktivitet/gaatur.html"]
    assert walk.schedule.start is not None
    assert walk.schedule.kind.value == "once"
    assert walk.schedule.start.isoformat() == "2026-12-05T10:00:00+01:00"
    assert walk.price.is_free is True and walk.price.amount_dkk == 0
    assert walk.id.startswith("struer:")


def test_microdata_event() -> None:
    (club,) = ACTIVITIES["aktivitet/mandeklub.html"]
    assert club.price.period is not None
    assert club.title == "Mandeklubben"
    assert (club.location.lat, club.location.lon) == (56.4801, 8.5755)
    assert (club.price.amount_dkk, club.price.period.value) == (150.0, "half_year")
    assert club.organizer.phone == "97 85 00 00"
    assert "maend" in club.categories


def test_events_inside_an_organization() -> None:
    out = PARSED["aktivitet/syklub.html"]
    orgs = [i for i in out if isinstance(i, OrganizationItem)]
    assert [o.data["name"] for o in orgs] == ["Syklubben Nålen"]
    (sy,) = ACTIVITIES["aktivitet/syklub.html"]
    assert sy.schedule.rrule is not None
    assert sy.organizer.name == "Syklubben Nålen"
    assert sy.schedule.rrule.startswith("FREQ=WEEKLY;INTERVAL=2;BYDAY=WE;UNTIL=20270428T")
    assert sy.drop_in is False
    assert sy.location.lat is None and sy.location.precision.value == "none"


def test_page_only_the_sitemap_names() -> None:
    (reading,) = ACTIVITIES["aktivitet/kun-i-sitemap.html"]
    assert reading.title == "Læsekreds på biblioteket"


def test_page_without_structured_data_gives_nothing() -> None:
    assert PARSED["aktivitet/ingen-data.html"] == []


def test_event_without_a_name_is_left_for_the_pipeline_to_drop() -> None:
    (item,) = pages.activities(PARSED[UNNAMED])
    with pytest.raises(NotAnActivity, match="no title"):
        pages.normalize([item])


def test_broken_jsonld_is_reported_not_raised() -> None:
    out = PARSED["aktivitet/oedelagt.html"]
    assert not [i for i in out if isinstance(i, ActivityItem)]
    problems = pages.stat(SPIDER, "fkort/problems")
    assert problems and problems[0]["reason"] == "broken_jsonld"
    assert problems[0]["url"].endswith("/aktivitet/oedelagt.html")


def test_only_the_broken_page_is_a_problem() -> None:
    assert pages.problems(SPIDER) == [("broken_jsonld", "oedelagt.html")]


def test_every_page_is_counted() -> None:
    assert pages.stat(SPIDER, "fkort/pages") == len(LISTINGS) + len(DETAILS)


def test_listing_follows_only_wanted_links() -> None:
    out = PARSED["index.html"]
    urls = sorted(r.url for r in out if isinstance(r, Request))
    assert f"{BASE}/aktivitet/kortklub.html" in urls
    assert f"{BASE}/side-2.html" in urls
    assert not any(u.endswith(".pdf") for u in urls)  # documents are not pages
    assert not any("/intern/" in u for u in urls)  # follow patterns do not match it


def test_sitemap_gives_only_wanted_pages() -> None:
    assert [r.url for r in pages.requests(SITEMAP)] == [
        f"{BASE}/aktivitet/kortklub.html", f"{BASE}/aktivitet/kun-i-sitemap.html"]


def test_the_listings_reach_every_detail_page_but_the_sitemaps_own() -> None:
    linked = {r.url.removeprefix(BASE + "/") for r in ALL_REQUESTS}
    assert linked - set(LISTINGS) == set(DETAILS)


# -- invariants over everything the spider gave ------------------------------------------

@pytest.mark.parametrize("activity", ALL_ACTIVITIES, ids=lambda a: a.title)
def test_has_a_title(activity: Activity) -> None:
    assert activity.title.strip()


@pytest.mark.parametrize("activity", ALL_ACTIVITIES, ids=lambda a: a.title)
def test_id_is_namespaced_by_the_source(activity: Activity) -> None:
    assert activity.id.startswith("struer:") and activity.source.name == "struer"


@pytest.mark.parametrize("activity", ALL_ACTIVITIES, ids=lambda a: a.title)
def test_source_url_is_the_page(activity: Activity) -> None:
    assert activity.source.url.startswith(f"{BASE}/aktivitet/")


@pytest.mark.parametrize("activity", ALL_ACTIVITIES, ids=lambda a: a.title)
def test_fetched_at_the_frozen_clock(activity: Activity) -> None:
    assert activity.source.fetched_at.isoformat() == FROZEN_NOW


@pytest.mark.parametrize("activity", ALL_ACTIVITIES, ids=lambda a: a.title)
def test_has_a_known_schedule(activity: Activity) -> None:
    assert activity.schedule.kind.value in ("once", "recurring")


@pytest.mark.parametrize("activity", ALL_ACTIVITIES, ids=lambda a: a.title)
def test_has_a_postcode(activity: Activity) -> None:
    assert activity.location.postcode == "7600"


@pytest.mark.parametrize("request_", ALL_REQUESTS, ids=lambda r: r.url)
def test_follows_only_pages_of_the_site(request_: Request) -> None:
    assert request_.url.startswith(BASE + "/") and request_.url.endswith(".html")
