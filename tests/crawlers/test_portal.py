"""The portal spider on a Boblberg-style portal's saved JSON pages, parsed once under the
frozen clock: every page, private persons' one-to-one posts skipped and their data kept out
of the posts that are kept (the crawl through the pipeline: test_pipeline_portal.py)."""

from __future__ import annotations

import json
import re

import pytest

from core.schema import Activity
from crawlers.items import ActivityItem
from crawlers.spiders.portal import PortalSpider
from tests.conftest import FILES
from tests.crawlers import pages

SITE = FILES / "portal" / "boblberg"

SOURCES = """
[[source]]
name = "boblberg"
kind = "portal"
spider = "portal"
start_urls = ["{portal}/api/bobler/side-1.json"]
[source.api]
items = "items"
next = "next"
id = "id"
url = "url"
title = "title"
description = "text"
category = "category"
postcode = "area.postcode"
city = "area.city"
age_from = "age_from"
age_to = "age_to"
poster_type = "poster.type"
poster_name = "poster.name"
poster_email = "poster.email"
poster_phone = "poster.phone"
"""


def _private_people() -> list[tuple[str, str, str]]:
    """(name, e-mail, phone) of every private person in the fixture's sidecar table."""
    rows = re.findall(r"^\| b-\d+ \| ([^|]+) \| ([^|]+@[^|]+) \| ([\d ]+) \|",
                      (SITE / "EXPECTED.md").read_text(encoding="utf-8"), re.M)
    return [(n.strip(), e.strip(), p.strip()) for n, e, p in rows]


RENDERED = """
[[source]]
name = "boblberg-web"
kind = "portal"
spider = "portal"
start_urls = ["{portal}/index.html"]
[source.options]
render = true
render_wait = "ul#bobler li"
[source.selectors]
item = "ul#bobler li.boble"
title = "a"
category = ".boble__meta"
"""

BASE = "https://www.boblberg.dk"
SOURCE = pages.sources(SOURCES + RENDERED, {"portal": BASE})
API_PAGES = ("api/bobler/side-1.json", "api/bobler/side-2.json", "api/bobler/side-3.json")

SPIDER = pages.spider(PortalSpider, SOURCE["boblberg"])
OUT = pages.parse(SPIDER.parse, *(pages.response(SITE / p, f"{BASE}/{p}") for p in API_PAGES))
ITEMS = pages.activities(OUT)
POSTS = {a.title: a for a in pages.normalize(ITEMS)}
#: The index page without a browser: its posts are written by JavaScript.
WEB = pages.spider(PortalSpider, SOURCE["boblberg-web"])
WEB_OUT = pages.parse(WEB.parse, pages.response(SITE / "index.html", f"{BASE}/index.html"))

#: Posts by private persons who seek one other person: not activities.
ONE_TO_ONE = ("Veninde søges til kaffe og gåture", "Ven søges", "Sød mand søges",
              "Skakmakker søges", "Ny i Holstebro – søger nogen at snakke med")


def _posted() -> dict[str, dict[str, object]]:
    """Every post of the saved pages, by its id."""
    return {post["id"]: post for p in API_PAGES
            for post in json.loads((SITE / p).read_text(encoding="utf-8"))["items"]}


def _secrets() -> list[str]:
    """What must not be kept of a private person: name, each part of it, e-mail, phone."""
    return [s for name, email, phone in _private_people()
            for s in (name, email, phone, *name.split()) if len(s) >= 4]


def _kept(item: ActivityItem) -> str:
    """Everything an item keeps of its post, as one text."""
    raw = item.raw
    return "\n".join([raw.origin_id or "", raw.source.url, *raw.texts.values(),
                      json.dumps(raw.structured or {}, ensure_ascii=False)])


def test_every_page_is_read() -> None:
    assert pages.stat(SPIDER, "fkort/pages") == 3


def test_next_pages_are_followed() -> None:
    assert [r.url for r in pages.requests(OUT)] == [f"{BASE}/{p}" for p in API_PAGES[1:]]


def test_activities_are_kept() -> None:
    assert len(ITEMS) == 13


def test_one_to_one_posts_are_counted_as_skipped() -> None:
    assert pages.stat(SPIDER, "fkort/skipped/private_post") == 5


@pytest.mark.parametrize("title", ONE_TO_ONE)
def test_one_to_one_post_is_not_kept(title: str) -> None:
    assert title not in {i.raw.texts["title"] for i in ITEMS}


def test_no_problems() -> None:
    assert pages.problems(SPIDER) == []


def test_without_a_browser_the_page_holds_no_posts() -> None:
    assert WEB_OUT == []


def test_post_address() -> None:
    assert POSTS["Gåtur hver tirsdag fra Nytorv"].source.url == f"{BASE}/boble/b-1002"


def test_private_group_has_no_organiser() -> None:
    walk = POSTS["Gåtur hver tirsdag fra Nytorv"]
    assert (walk.organizer.name, walk.organizer.email, walk.organizer.phone) == (None, None, None)


def test_private_groups_phone_number_is_masked() -> None:
    assert "Ring på [telefon]." in (POSTS["Gåtur hver tirsdag fra Nytorv"].description or "")


def test_private_groups_email_is_masked() -> None:
    assert "Skriv til [e-mail]" in (POSTS["Kortspil om torsdagen i Lemvig"].description or "")


def test_area() -> None:
    location = POSTS["Gåtur hver tirsdag fra Nytorv"].location
    assert (location.postcode, location.city) == ("7500", "Holstebro")


def test_time_from_the_text() -> None:
    schedule = POSTS["Gåtur hver tirsdag fra Nytorv"].schedule
    assert schedule.rrule == "FREQ=WEEKLY;BYDAY=TU"
    assert schedule.start is not None and schedule.start.hour == 10


def test_organisations_post_keeps_its_organiser() -> None:
    assert POSTS["Mandeklubben i Struer søger nye medlemmer"].organizer.name == (
        "Mandeklubben Struer")


def test_organisations_contact_is_kept() -> None:
    (club,) = [i for i in ITEMS if i.raw.origin_id == "b-1001"]
    assert club.raw.texts["contact"] == "mandeklubben@struer-foreninger.dk 97 85 10 20"


def test_price_from_the_text() -> None:
    price = POSTS["Mandeklubben i Struer søger nye medlemmer"].price
    assert (price.amount_dkk, price.period and price.period.value) == (20.0, "per_time")


def test_age_range() -> None:
    age = POSTS["Netværksgruppe for nye pensionister"].age
    assert (age.min, age.max) == (60, 75)


def test_category() -> None:
    assert "maend" in POSTS["Mandeklubben i Struer søger nye medlemmer"].categories


# -- invariants ------------------------------------------------------------------------------

@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i.raw.origin_id)
def test_has_a_title(item: ActivityItem) -> None:
    assert item.raw.texts["title"].strip()


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i.raw.origin_id)
def test_origin_is_the_posts_id(item: ActivityItem) -> None:
    assert re.fullmatch(r"b-\d{4}", item.raw.origin_id or "")


@pytest.mark.parametrize("activity", POSTS.values(), ids=lambda a: a.title)
def test_id_is_namespaced_by_the_source(activity: Activity) -> None:
    assert activity.id.startswith("boblberg:") and activity.source.name == "boblberg"


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i.raw.origin_id)
def test_source_url_is_the_posts_address(item: ActivityItem) -> None:
    assert item.raw.source.url == f"{BASE}/boble/{item.raw.origin_id}"


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i.raw.origin_id)
def test_has_an_area(item: ActivityItem) -> None:
    assert re.fullmatch(r"\d{4} \w+", item.raw.texts["where"])


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i.raw.origin_id)
def test_no_private_persons_contact_details(item: ActivityItem) -> None:
    kept = _kept(item)
    assert [s for s in _secrets() if s in kept] == []


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i.raw.origin_id)
def test_private_persons_post_has_no_organiser_or_contact(item: ActivityItem) -> None:
    poster = _posted()[item.raw.origin_id or ""]["poster"]
    assert isinstance(poster, dict)
    if poster["type"] == "person":
        assert not ({"organizer", "contact"} & item.raw.texts.keys())


def test_the_fixtures_private_people_are_all_checked() -> None:
    assert len(_private_people()) == 10
