"""The organiser's contact on the brobygger's pages, over real HTTP on a real SQLite index: the
match-kort shows the phone and e-mail the organiser published and tells the brobygger to call
(or write) by them; with neither, it says "ikke oplyst" and tells no one to call. The search
results show the contact too, and the API gives it as the record holds it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from core.schema import Activity
from index.backends.sqlite import SQLiteBackend
from tests.conftest import LiveServer
from tests.index.corpus import make

AT = (56.3601, 8.6155)
CARDS: dict[str, Activity] = dict(zip(("both", "mail", "name", "none"), (
    make("both", "Kortklub med telefon", at=AT, organizer={
        "name": "Kortklubben Es", "phone": "+45 97 42 11 00", "email": "kortklub@es.example"}),
    make("mail", "Strikkecafé med e-mail", at=AT, organizer={
        "name": "Strikkecaféen", "email": "strik@holstebro.example"}),
    make("name", "Sangaften uden kontakt", at=AT, organizer={
        "name": "Sangkoret", "url": "https://sangkoret.example"}),
    make("none", "Gåtur uden arrangør", at=AT),
), strict=True))


def _id(key: str) -> str:
    return CARDS[key].id


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    db: Path = tmp_path_factory.mktemp("contact") / "contact.db"
    b = SQLiteBackend(db)
    b.upsert(list(CARDS.values()))
    b.close()
    with LiveServer(db) as server, httpx.Client(base_url=server.url, timeout=10) as client:
        yield client


def _facts(html: str) -> dict[str, str]:
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", html, re.S)
    return {k: " ".join(re.sub(r"<[^>]+>", " ", v).split()) for k, v in pairs}


def _card(site: httpx.Client, key: str) -> str:
    page = site.get(f"/aktivitet/{_id(key)}/kort")
    assert page.status_code == 200
    return page.text


def test_phone_and_email_with_links_and_the_advice_to_call(site: httpx.Client) -> None:
    html = _card(site, "both")
    facts = _facts(html)
    assert facts["Arrangør"] == "Kortklubben Es"
    assert facts["Kontakt"] == "Telefon: 97 42 11 00 E-mail: kortklub@es.example"
    assert 'href="tel:+4597421100"' in html and 'href="mailto:kortklub@es.example"' in html
    assert "Ring til arrangøren på 97 42 11 00 og hør, om det stadig passer." in html
    assert "Ring gerne" not in html


def test_email_only_tells_to_write_not_to_call(site: httpx.Client) -> None:
    html = _card(site, "mail")
    assert _facts(html)["Kontakt"] == "E-mail: strik@holstebro.example"
    assert "Skriv til arrangøren på strik@holstebro.example og hør, om det stadig passer." in html
    assert "Ring" not in html


@pytest.mark.parametrize("key", ["name", "none"])
def test_no_contact_is_ikke_oplyst_and_no_one_is_told_to_call(site: httpx.Client,
                                                              key: str) -> None:
    html = _card(site, key)
    assert _facts(html)["Kontakt"] == "ikke oplyst"
    assert "Ring" not in html and "tel:" not in html and "mailto:" not in html
    assert "Arrangørens kontakt er ikke oplyst." in html


def test_the_organisers_name_and_page_stand_apart_from_the_contact(site: httpx.Client) -> None:
    assert _facts(_card(site, "name"))["Arrangør"] == "Sangkoret https://sangkoret.example"
    assert _facts(_card(site, "none"))["Arrangør"] == "ikke oplyst"


def test_the_search_results_show_the_contact(site: httpx.Client) -> None:
    html = site.post("/", data={"q": "kortklub"}).text
    assert "<dt>Kontakt</dt><dd>tlf. 97 42 11 00, kortklub@es.example</dd>" in html
    html = site.post("/", data={"q": "gåtur"}).text
    assert "<dt>Kontakt</dt><dd>ikke oplyst</dd>" in html


def test_the_api_gives_the_contact_as_the_record_holds_it(site: httpx.Client) -> None:
    body = site.get(f"/v1/activities/{_id('both')}").json()
    assert body["organizer"] == {"name": "Kortklubben Es", "url": None,
                                 "email": "kortklub@es.example", "phone": "97 42 11 00"}
    assert site.get(f"/v1/activities/{_id('none')}").json()["organizer"] == {
        "name": None, "url": None, "email": None, "phone": None}
