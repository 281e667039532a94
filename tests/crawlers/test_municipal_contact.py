"""The contact an organiser publishes for an activity, into the record's organizer: the
municipal page's contact field (its text, and the addresses of its mailto:/tel: links), and
schema.org's organizer (telephone, contactPoint). Read from saved pages by the spider, then
crawled through the pipeline into the index and shown on the match-kort. The site's own
numbers (the footer) are never taken, and a field without a contact gives none."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from core.schema import Activity
from crawlers.spiders.municipal import MunicipalSpider
from fkort.sites import SiteServer
from index import SearchQuery
from index.backends.sqlite import SQLiteBackend
from tests.conftest import FILES, LiveServer, crawl
from tests.crawlers import pages
from tests.crawlers.test_municipal import DRUPAL_SELECTORS

SITE = FILES / "municipal" / "holstebro"
BASE = "https://www.holstebro.dk"
SOURCES = f"""
[[source]]
name = "holstebro"
kind = "municipal"
spider = "municipal"
start_urls = ["{{holstebro}}/aktiviteter/index.html"]
[source.options]
detail_links = "article.node--type-aktivitet h2 a"
municipality = "Holstebro"
{DRUPAL_SELECTORS}
"""
SLUGS = ("strikkecafe", "gaaklub", "sangaften", "foredrag", "kortklub")
#: The municipality's own contact, in every page's footer: never an organiser's.
SITE_CONTACT = ("96 11 75 00", "holstebro@holstebro.dk")

SPIDER = pages.spider(MunicipalSpider, pages.sources(SOURCES, {"holstebro": BASE})["holstebro"])
OUT = pages.parse(SPIDER.parse, *(
    pages.response(SITE / "aktivitet" / f"{slug}.html", f"{BASE}/aktivitet/{slug}.html",
                   fk_depth=1, fk_detail=True) for slug in SLUGS))
ACTIVITIES = {a.source.url.rsplit("/", 1)[-1].removesuffix(".html"): a
              for a in pages.normalize(OUT)}


def _contact(slug: str) -> tuple[str | None, str | None]:
    organizer = ACTIVITIES[slug].organizer
    return organizer.phone, organizer.email


def test_every_page_is_an_activity() -> None:
    assert sorted(ACTIVITIES) == sorted(SLUGS)
    assert pages.problems(SPIDER) == []


def test_phone_written_in_two_groups_and_an_email_behind_a_link_text() -> None:
    # "Tlf. 9782 1100 (hverdage kl. 9-12) · <a href="mailto:...">Skriv til os</a>"
    assert _contact("strikkecafe") == ("97 82 11 00", "strikkecafe@holstebro-frivillig.dk")
    assert ACTIVITIES["strikkecafe"].organizer.name == "Strikkecaféen Holstebro"


def test_the_links_address_is_added_to_the_contact_text() -> None:
    (item,) = [i for i in OUT if i.raw.source.url.endswith("/strikkecafe.html")]
    assert item.raw.texts["contact"].splitlines() == [
        "Tlf. 9782 1100 (hverdage kl. 9-12) ·", "Skriv til os",
        "strikkecafe@holstebro-frivillig.dk"]


def test_a_tel_link_alone() -> None:
    assert _contact("gaaklub") == ("20 45 67 89", None)


def test_a_contact_field_with_times_a_cvr_number_and_years_gives_no_contact() -> None:
    assert _contact("sangaften") == (None, None)
    assert ACTIVITIES["sangaften"].organizer.name == "Sangkoret Holstebro"


def test_no_contact_field_gives_no_contact_not_the_sites_own() -> None:
    assert _contact("foredrag") == (None, None)


def test_schema_org_organizer_telephone_and_contact_point() -> None:
    assert _contact("kortklub") == ("97 42 11 00", "Kortklub@holstebro-foreninger.dk")


def test_the_sites_own_contact_is_never_an_organisers() -> None:
    for activity in ACTIVITIES.values():
        assert activity.organizer.phone not in SITE_CONTACT
        assert activity.organizer.email not in SITE_CONTACT


# -- crawled, indexed and shown ----------------------------------------------------------------

@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    tmp = tmp_path_factory.mktemp("contact")
    with SiteServer(SITE) as site:
        proc, report = crawl(SOURCES, tmp, {"holstebro": site.base_url})
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert report[0]["new"] == len(SLUGS)
    b = SQLiteBackend(tmp / "crawl.db")
    hits = b.search(SearchQuery(limit=50, now=None)).hits
    b.close()
    yield tmp / "crawl.db", {h.activity.source.url.rsplit("/", 1)[-1].removesuffix(".html"):
                             h.activity.id for h in hits}


def _stored(db: Path, activity_id: str) -> Activity:
    b = SQLiteBackend(db)
    found = b.get(activity_id)
    b.close()
    assert found is not None
    return found


def _card_facts(html: str) -> dict[str, str]:
    """The match-kort's facts as label → text (tags dropped, spaces folded)."""
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", html, re.S)
    return {k: " ".join(re.sub(r"<[^>]+>", " ", v).split()) for k, v in pairs}


def test_crawled_contact_reaches_the_record_the_api_and_the_match_kort(
        crawled: tuple[Path, dict[str, str]]) -> None:
    db, ids = crawled
    stored = _stored(db, ids["strikkecafe"])
    assert (stored.organizer.phone, stored.organizer.email) == (
        "97 82 11 00", "strikkecafe@holstebro-frivillig.dk")
    with LiveServer(db) as server, httpx.Client(base_url=server.url, timeout=10) as client:
        api = client.get(f"/v1/activities/{ids['strikkecafe']}").json()
        card = client.get(f"/aktivitet/{ids['strikkecafe']}/kort").text
        tel_only = client.get(f"/aktivitet/{ids['gaaklub']}/kort").text
        none = client.get(f"/aktivitet/{ids['foredrag']}/kort").text
        noise = client.get(f"/aktivitet/{ids['sangaften']}/kort").text
    assert api["organizer"] == {"name": "Strikkecaféen Holstebro", "url": None,
                                "email": "strikkecafe@holstebro-frivillig.dk",
                                "phone": "97 82 11 00"}
    facts = _card_facts(card)
    assert facts["Arrangør"] == "Strikkecaféen Holstebro"
    assert facts["Kontakt"] == "Telefon: 97 82 11 00 E-mail: strikkecafe@holstebro-frivillig.dk"
    assert 'href="tel:+4597821100"' in card
    assert 'href="mailto:strikkecafe@holstebro-frivillig.dk"' in card
    assert "Ring til arrangøren på 97 82 11 00 og hør, om det stadig passer." in card
    assert _card_facts(tel_only)["Kontakt"] == "Telefon: 20 45 67 89"
    assert "Ring til arrangøren på 20 45 67 89" in tel_only
    for page in (none, noise):
        assert _card_facts(page)["Kontakt"] == "ikke oplyst"
        assert "Ring" not in page  # no number: the brobygger is not told to call
        assert "Arrangørens kontakt er ikke oplyst." in page
