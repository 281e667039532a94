"""The brobygger's page in a real browser: the search by keyboard only, the map and its
markers, the match-kort and its print view, and axe-core's check of each page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from core.settings import Settings
from search_api.main import create_app
from tests.browser.conftest import ARTIFACTS, axe_problems, tab_to
from tests.browser.corpus import build_index
from tests.conftest import LiveServer

#: A distinctive address; offline, the gazetteer places it at Holstebro's centre.
ADDRESS = "Kvæsthusgade 9, 7500 Holstebro"


def _focus_is_visible(page: Any) -> bool:
    style = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
        return [s.outlineStyle, parseFloat(s.outlineWidth)]; }""")
    return style[0] != "none" and style[1] >= 2


def _search(page: Any, url: str, **fields: Any) -> None:
    """Fill and post the form (by mouse-free Playwright calls) and wait for the map."""
    page.goto(f"{url}/")
    for name, value in fields.items():
        if isinstance(value, bool):
            page.check(f"input[name={name}][value=true]")
        elif isinstance(value, list):
            for v in value:
                page.check(f"input[name={name}][value={v}]")
        else:
            page.fill(f"#{name}", str(value))
    with page.expect_navigation():
        page.press("#q", "Enter")


def _api_points(url: str, params: dict[str, Any]) -> tuple[int, int]:
    """(hits, hits with a point) for the same search, asked of the API, not the page."""
    body = httpx.get(f"{url}/v1/activities", params={**params, "limit": 30}).json()
    return body["count"], sum(1 for a in body["data"] if a["location"]["lat"] is not None)


def test_search_by_keyboard_only(page: Any, live_url: str,
                                 shoot: Callable[..., Path]) -> None:
    page.goto(f"{live_url}/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    assert page.evaluate("document.activeElement.getBoundingClientRect().top") >= 0  # shown
    assert _focus_is_visible(page)
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "indhold"

    tab_to(page, "#near")
    assert _focus_is_visible(page)
    page.keyboard.type(ADDRESS)
    tab_to(page, "#radius_km")
    page.keyboard.press("Control+A")
    page.keyboard.type("5")
    tab_to(page, "#age")
    page.keyboard.type("78")
    tab_to(page, "input[name=hearing_loop]")
    assert _focus_is_visible(page)
    page.keyboard.press("Space")
    tab_to(page, "input[name=categories][value=spil]")
    page.keyboard.press("Space")
    tab_to(page, "button[type=submit]")
    assert _focus_is_visible(page)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # The address went in the POST body: the URL carries nothing.
    assert page.url == f"{live_url}/"
    assert "hvæst" not in page.url.casefold() and "?" not in page.url
    # Focus lands on the answer, which lists the one stated fit.
    assert page.evaluate("document.activeElement.id") == "resultater-titel"
    assert page.inner_text("#resultater-titel") == "1 tilbud fundet"
    items = page.locator("ol.results > li")
    assert items.count() == 1
    first = items.first.inner_text()
    assert "Brætspilsaften i Medborgerhuset" in first and "tirsdag 24. november" in first
    assert page.input_value("#near") == ADDRESS
    assert page.is_checked("input[name=hearing_loop]")
    # Keyboard on through a result: its match-kort link is reachable.
    tab_to(page, "ol.results a[href^='/aktivitet/']")
    shoot(page, "results")


def test_map_has_a_marker_per_result_with_a_point(page: Any, live_url: str,
                                                   shoot: Callable[..., Path]) -> None:
    _search(page, live_url, near=ADDRESS, radius_km=10, hearing_loop=True)
    page.wait_for_selector("#kort[data-ready=true]")
    hits, with_point = _api_points(live_url, {"near": ADDRESS, "radius_km": 10,
                                              "hearing_loop": "true"})
    assert hits == page.locator("ol.results > li").count() == 4
    markers = page.locator("#kort .leaflet-marker-icon")
    assert markers.count() == with_point == 4
    assert page.locator("#kort .leaflet-tile").count() == 0  # no tile server: plain background
    assert page.locator("#kort .soegepunkt").count() == 1  # the geocoded centre, no text
    assert "Kvæsthusgade" not in page.inner_text("#kort")
    # Markers are numbered like the list and named for screen readers.
    first_title = page.inner_text("#resultat-1 h3 .titel")
    one = page.locator("#kort .leaflet-marker-icon[data-nr='1']")
    assert one.get_attribute("aria-label") == f"Nr. 1: {first_title}"
    # Keyboard: focus the marker, open its popup, follow it to the list.
    one.focus()
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert first_title in popup.inner_text()
    page.wait_for_function(  # the popup has faded in
        "() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'")
    shoot(page, "map-popup", full_page=False)
    popup.locator("a").click()
    page.wait_for_function("() => document.activeElement.id === 'resultat-1'")


def test_results_without_a_point_get_no_marker(page: Any, live_url: str,
                                               shoot: Callable[..., Path]) -> None:
    _search(page, live_url, categories=["motion", "maend"])
    page.wait_for_selector("#kort[data-ready=true]")
    hits, with_point = _api_points(live_url, {"categories": "motion,maend"})
    assert page.locator("ol.results > li").count() == hits == 3
    assert page.locator("#kort .leaflet-marker-icon").count() == with_point == 2
    assert page.locator("#kort .soegepunkt").count() == 0
    shoot(page, "no-point")


def test_tiles_when_configured_and_markers_on_top(page: Any,
                                                  tmp_path_factory: pytest.TempPathFactory
                                                  ) -> None:
    # Tiles from a server of our own (the app's static PNG, whatever z/x/y asks).
    db = build_index(tmp_path_factory.mktemp("tiles") / "tiles.db")
    tiles = "/static/vendor/leaflet/images/layers.png?z={z}&x={x}&y={y}"
    with LiveServer(app=create_app(Settings(db_path=db, tile_url=tiles))) as server:
        _search(page, server.url, q="spil")
        page.wait_for_selector("#kort .leaflet-tile-loaded")
        assert page.locator("#kort .leaflet-marker-icon").count() == 1


def test_match_card_and_its_print_view(page: Any, live_url: str,
                                       shoot: Callable[..., Path]) -> None:
    _search(page, live_url, q="spil")
    tab_to(page, "#resultat-1 a[href^='/aktivitet/']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.inner_text("h1") == "Brætspilsaften i Medborgerhuset"
    text = page.inner_text("main")
    for expected in ("Medborgerhuset, Kirkestræde 11, 7500 Holstebro",
                     "tirsdag 24. november kl. 19.00–21.30", "20 kr. pr. gang",
                     "97 11 22 33", "Drop-in: bare mød op", "Teleslynge"):
        assert expected in text
    trip = page.get_attribute("a.trip", "href")
    assert trip and trip.startswith("https://www.rejseplanen.dk/") and "Kirkestr" in trip
    assert page.is_visible("#udskriv")  # the print button (JavaScript is on)
    shoot(page, "card-screen")

    page.emulate_media(media="print")
    assert not page.is_visible("header.top") and not page.is_visible("#udskriv")
    assert page.is_visible(".print-only")  # the destination to type, for paper
    assert not page.is_visible("a.trip")
    h1_px = page.evaluate("parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)")
    body_px = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.match-card')).fontSize)")
    assert h1_px >= 36 and body_px >= 22  # large type: 30pt and 18pt
    shoot(page, "card-print")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.pdf(path=str(ARTIFACTS / "match-kort.pdf"), format="A4")


def test_axe_finds_no_serious_problems(page: Any, live_url: str) -> None:
    page.goto(f"{live_url}/")
    assert axe_problems(page) == []
    _search(page, live_url, near=ADDRESS, radius_km=10, hearing_loop=True, age=78)
    page.wait_for_selector("#kort[data-ready=true]")
    assert axe_problems(page) == []
    page.locator("#kort .leaflet-marker-icon[data-nr='1']").focus()
    page.keyboard.press("Enter")
    page.locator(".leaflet-popup-content").wait_for()
    page.wait_for_function(  # the popup has faded in
        "() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'")
    assert axe_problems(page) == []  # with a popup open
    _search(page, live_url, age="gammel")  # the page with a problem to fix
    assert page.evaluate("document.activeElement.id") == "fejl"
    assert axe_problems(page) == []
    card = httpx.get(f"{live_url}/v1/activities", params={"q": "spil"}).json()["data"][0]["id"]
    page.goto(f"{live_url}/aktivitet/{card}/kort")
    assert axe_problems(page) == []


def test_the_axe_check_sees_problems(page: Any, live_url: str) -> None:
    # The check above can fail: a field without a label is a critical problem to axe.
    page.goto(f"{live_url}/")
    page.evaluate("document.querySelector('label[for=q]').remove()")
    assert any("label" in p for p in axe_problems(page))
