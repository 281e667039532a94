"""The association's page in a real browser: find the association by name with the keyboard
only, read each listing as it was understood beside its own text and the warnings, ask for a
correction with the form and get a Danish receipt; the request is stored and nothing changes
before an operator approves it. axe-core checks each page."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from core.schema import organization_id
from core.settings import Settings
from index.backends.sqlite import SQLiteBackend
from records.request_store import RequestStore
from search_api.main import create_app
from tests.browser.conftest import axe_problems, tab_to
from tests.browser.corpus import ACTIVITIES, ASSOCIATION, build_index, record_crawls
from tests.conftest import LiveServer

ORG_ID = organization_id(ASSOCIATION)
#: The association's listings, from the corpus: the page must show each of them.
LISTINGS = sorted((a for a in ACTIVITIES if a.organization_id == ORG_ID), key=lambda a: a.title)
#: The one whose time and place could not be read.
UNREAD = next(a for a in LISTINGS if a.schedule.start is None)


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """(URL, folder) of a server of the test's own on the browser corpus, for a test that has
    an operator approve what it sent: the module's shared server stays as the corpus is."""
    db = build_index(tmp_path / "browser.db")
    data = record_crawls(tmp_path / "data")
    with LiveServer(app=create_app(Settings(db_path=db, data_dir=data))) as server:
        yield server.url, tmp_path


def _row(section: Any, label: str) -> tuple[str, str]:
    """(what was understood, the source's own text) in a listing's row named `label`."""
    row = section.locator("table.understood tr", has=section.page.locator(
        f"th[scope=row]:text-is('{label}')"))
    assert row.count() == 1, f"no row {label!r}"
    return row.locator("td").nth(0).inner_text(), row.locator("td").nth(1).inner_text()


def _section(page: Any, title: str) -> Any:
    return page.locator("section.listing", has=page.locator(f"h3:text-is('{title}')"))


def test_find_the_association_by_name_and_read_its_listings(
        page: Any, live_url: str, shoot: Callable[..., Path]) -> None:
    page.goto(f"{live_url}/")
    tab_to(page, "nav a[href='/forening']")  # from the site's navigation, by keyboard
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, "#q")
    page.keyboard.type("seniorforening")  # part of the name, any case
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.inner_text("h2") == "1 forening fundet"
    assert page.input_value("#q") == "seniorforening"
    assert axe_problems(page) == []
    shoot(page, "found")
    tab_to(page, "ul.orgs a")
    assert page.evaluate("document.activeElement.textContent") == ASSOCIATION
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.url == f"{live_url}/forening/{ORG_ID}"
    assert page.inner_text("h1") == ASSOCIATION
    titles = page.locator("section.listing h3").all_inner_texts()
    assert titles == [a.title for a in LISTINGS]
    api = httpx.get(f"{live_url}/v1/organizations/{ORG_ID}").json()
    assert sorted(a["title"] for a in api["activities"]) == titles

    # The listing whose time could not be read: the original text beside "ikke oplyst", and
    # the warnings say what could not be read.
    unread = _section(page, UNREAD.title)
    assert UNREAD.schedule.text
    assert _row(unread, "Næste gange") == ("ikke oplyst", UNREAD.schedule.text)
    warnings = unread.locator("ul.warnings li").all_inner_texts()
    assert f'Vi kunne ikke læse tidspunktet ("{UNREAD.schedule.text}").' in warnings
    assert "Ingen adresse fundet." in warnings
    assert _row(unread, "Sted")[0] == "Holstebro"  # the town, not placed on the map
    # The other was read: its next dates in plain Danish, and its place only by the town.
    read = _section(page, next(a.title for a in LISTINGS if a is not UNREAD))
    assert _row(read, "Næste gange")[0].startswith("tirsdag 24. november kl. 14.00–16.00")
    assert "placeret ved byens midte" in _row(read, "Sted")[0]
    assert any("afstanden er omtrentlig" in w
               for w in read.locator("ul.warnings li").all_inner_texts())
    for section in (read, unread):
        assert _row(section, "Arrangør") == (ASSOCIATION, "–")
    # The sources, and when they were last crawled.
    sources = page.locator("table.sources tbody tr")
    assert sources.count() == 1
    assert sources.first.locator("td").all_inner_texts()[:3] == [
        "holstebro.dk", "20.11.2026 kl. 03.00", "20.11.2026 kl. 03.00"]
    assert axe_problems(page) == []
    shoot(page, "association")


def test_request_a_correction_by_keyboard_and_nothing_changes_until_approved(
        page: Any, own_server: tuple[str, Path], shoot: Callable[..., Path]) -> None:
    live_url, live_dir = own_server
    contact = "formand@senior-example.dk"
    before = httpx.get(f"{live_url}/v1/activities/{UNREAD.id}").json()
    page.goto(f"{live_url}/forening/{ORG_ID}")

    tab_to(page, "#target")
    page.keyboard.type(f"Aktiviteten: {UNREAD.title}")  # a closed select picks by typing
    assert page.input_value("#target") == f"activity:{UNREAD.id}"
    tab_to(page, "input[name=kind][value=correction]")
    assert page.is_checked("input[name=kind][value=correction]")
    tab_to(page, "#field")
    page.keyboard.type("Tidspunkt")
    assert page.input_value("#field") == "schedule"
    tab_to(page, "#proposed_value")
    page.keyboard.type("hver onsdag kl. 10-12")
    tab_to(page, "#message")
    page.keyboard.type("Vi mødes ved indgangen til plantagen.")
    tab_to(page, "#name")
    page.keyboard.type("Inge, formand")
    tab_to(page, "#contact")
    page.keyboard.type(contact)
    tab_to(page, "form.request button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.inner_text("h1") == "Tak, vi har modtaget jeres anmodning"
    receipt = page.inner_text(".receipt")
    assert "om at rette en aktivitet er modtaget" in receipt
    assert "Intet ændres, før en medarbejder har set anmodningen" in page.inner_text("main")
    assert contact not in page.content()  # the contact is for the operator only
    assert axe_problems(page) == []
    shoot(page, "receipt")

    # Stored in the server's data dir, pending, as typed.
    store = RequestStore.for_data_dir(live_dir / "data")
    try:
        (req,) = store.find("pending")
    finally:
        store.close()
    assert req.id is not None and f"nr. {req.id} " in receipt
    assert (req.target_type, req.target_id, req.kind, req.field) == (
        "activity", UNREAD.id, "correction", "schedule")
    assert (req.proposed_value, req.requester_contact) == ("hver onsdag kl. 10-12", contact)

    # Nothing changed before an operator approves it: not in the API, not on the page.
    assert httpx.get(f"{live_url}/v1/activities/{UNREAD.id}").json() == before
    tab_to(page, f"main a[href='/forening/{ORG_ID}']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    unread = _section(page, UNREAD.title)
    assert _row(unread, "Næste gange") == ("ikke oplyst", UNREAD.schedule.text)
    assert any(w.startswith("Vi kunne ikke læse tidspunktet")
               for w in unread.locator("ul.warnings li").all_inner_texts())

    # An operator approves it: now the page shows the time asked for, and no warning of it.
    store, index = RequestStore.for_data_dir(live_dir / "data"), SQLiteBackend(
        live_dir / "browser.db")
    try:
        store.approve(req.id, index)
    finally:
        store.close()
        index.close()
    page.reload()
    unread = _section(page, UNREAD.title)
    assert _row(unread, "Næste gange")[0].startswith("onsdag 25. november kl. 10.00–12.00")
    assert not any(w.startswith("Vi kunne ikke læse tidspunktet")
                   for w in unread.locator("ul.warnings li").all_inner_texts())


def test_a_form_with_a_problem_says_so_and_takes_focus_there(
        page: Any, live_url: str, shoot: Callable[..., Path]) -> None:
    page.goto(f"{live_url}/forening/{ORG_ID}")
    tab_to(page, "#message")
    page.keyboard.type("Slet os, tak.")
    # The browser asks for the name and contact before sending: skip that check, as a client
    # without it would, to see the server's own answer.
    page.evaluate("document.querySelector('form.request').noValidate = true")
    tab_to(page, "form.request button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "fejl"
    problem = page.inner_text("#fejl")
    assert "Udfyld venligst" in problem and "dit navn" in problem
    assert page.input_value("#message") == "Slet os, tak."  # what was typed is kept
    assert axe_problems(page) == []
    shoot(page, "problem", full_page=False)
