"""The Danish pages over real HTTP on a real SQLite index: the search form and its answers,
the match-kort, and what the pages never show (a citizen's address outside the form field)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from core.settings import Settings
from search_api.main import create_app
from tests.browser.corpus import ACTIVITIES, build_index
from tests.conftest import REPO, LiveServer

#: A distinctive address; offline, its street is not known and it stands at 7500's point.
ADDRESS = "Kvæsthusgade 9, 7500 Holstebro"
BRAET = ACTIVITIES[0]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_index(tmp_path_factory.mktemp("pages") / "pages.db")


@pytest.fixture(scope="module")
def site(db: Path) -> Iterator[httpx.Client]:
    with LiveServer(db) as server, httpx.Client(base_url=server.url, timeout=10) as client:
        yield client


def _map_data(html: str) -> dict[str, object]:
    m = re.search(r'<script type="application/json" id="kort-data">(.*?)</script>', html, re.S)
    assert m, "no map data on the page"
    return json.loads(m.group(1))  # type: ignore[no-any-return]


def test_empty_page_is_the_form_in_danish(site: httpx.Client) -> None:
    page = site.get("/")
    assert page.status_code == 200
    html = page.text
    assert '<html lang="da">' in html and 'method="post"' in html
    assert 'href="#indhold"' in html and '<main id="indhold"' in html  # skip link, landmark
    for field in ("near", "radius_km", "age", "max_price", "q", "sort"):
        assert f'for="{field}"' in html and f'id="{field}"' in html  # visible labels
    for name in ("wheelchair", "step_free", "hearing_loop", "drop_in", "strict", "categories",
                 "weekday"):
        assert f'name="{name}"' in html
    assert "Vis kun dem der oplyser det" in html
    assert "fundet" not in html


def test_a_get_never_searches_by_address(site: httpx.Client) -> None:
    # A place in a URL is ignored: the page answers the plain form and does not repeat it.
    page = site.get("/", params={"near": ADDRESS, "q": "spil"})
    assert page.status_code == 200
    assert "Kvæsthusgade" not in page.text and "fundet" not in page.text


def test_posted_search_lists_what_who_where_when_price_and_unknowns(site: httpx.Client) -> None:
    page = site.post("/", data={"near": ADDRESS, "radius_km": "10", "hearing_loop": "true"})
    assert page.status_code == 200
    html = page.text
    assert str(page.url).endswith("/")
    assert "4 tilbud fundet" in html  # Holstebro's four with a point; not Assens, not no-place
    assert "Mænds Mødested Assens" not in html and "Gå-gruppen" not in html
    # Stated fit first, then the unknowns, labelled.
    # The unknowns by distance from 7500's point: 0.8, 0.9 (the town's centre) and 1.2 km.
    order = [html.index(t) for t in ("Brætspilsaften i Medborgerhuset", "Strikkeklubben Maskerne",
                                     "Mændenes Værksted", "Fællessang på biblioteket")]
    assert order == sorted(order)
    assert html.count("ikke oplyst om der er teleslynge") == 3
    assert "Passer: teleslynge" in html
    # Plain Danish dates; frozen clock: Sunday 22 November 2026.
    assert "tirsdag 24. november kl. 19.00–21.30" in html
    assert "torsdag 26. november kl. 10.00–11.30" in html
    assert "20 kr. pr. gang" in html and "fra 60 år" in html and "Gratis" in html
    assert "Drop-in: bare mød op" in html and "Tilmelding nødvendig" in html
    assert "Medborgerhuset, Kirkestræde 11, 7500 Holstebro" in html
    # Measured from the postcode's point, so every distance is approximate, and says why.
    assert "1,0 km (omtrent)" in html and "1,2 km (omtrent)" in html
    assert ("Adressen blev ikke fundet; afstand målt fra postnummerets midtpunkt (omtrentlig)."
            in html)
    assert 'aria-label="Kørestol"' in html and "✗ </span>nej" in html
    assert 'href="https://x.example/braet"' in html and "sidst set 20. november 2026" in html
    assert f'href="/aktivitet/{BRAET.id}/kort"' in html


def test_the_address_is_only_in_the_field_it_was_typed_in(site: httpx.Client) -> None:
    html = site.post("/", data={"near": ADDRESS, "radius_km": "10"}).text
    assert html.count("Kvæsthusgade") == 1  # the field's value
    assert f'value="{ADDRESS}"' in html
    data = _map_data(html)
    assert "Kvæsthusgade" not in json.dumps(data, ensure_ascii=False)
    centre = data["centre"]
    assert isinstance(centre, dict)
    assert centre["lat"] == pytest.approx(56.36, abs=0.01) and centre["radius_km"] == 10


def test_map_data_has_a_marker_per_hit_with_a_point(site: httpx.Client) -> None:
    # Without a place: the activity without coordinates is listed but has no marker.
    html = site.post("/", data={"categories": ["motion", "maend"]}).text
    assert "3 tilbud fundet" in html and "Gå-gruppen i plantagen" in html
    data = _map_data(html)
    assert data["centre"] is None
    markers = data["markers"]
    assert isinstance(markers, list)
    assert sorted(m["title"] for m in markers) == ["Mændenes Værksted", "Mænds Mødested Assens"]
    assert "Hver onsdag formiddag" in html and "(ingen adresse)" in html


def test_each_interest_says_how_many_it_would_give(site: httpx.Client) -> None:
    # Counted under every other filter: the chosen interests do not narrow their own counts.
    html = site.post("/", data={"categories": ["motion", "maend"]}).text
    assert "> For mænd (2)</label>" in html and "> Kreativ (2)</label>" in html
    assert "> Motion og bevægelse (1)</label>" in html
    html = site.post("/", data={"q": "strikker"}).text
    assert "> Kreativ (1)</label>" in html and "> For mænd (0)</label>" in html
    # The empty form counts nothing.
    assert "> For mænd</label>" in site.get("/").text


def test_strict_keeps_only_stated_fits(site: httpx.Client) -> None:
    html = site.post("/", data={"near": ADDRESS, "radius_km": "10", "hearing_loop": "true",
                                "strict": "true"}).text
    assert "1 tilbud fundet" in html and "Brætspilsaften" in html
    assert 'name="strict" value="true" checked' in html


def test_time_of_day_on_the_form(site: httpx.Client) -> None:
    html = site.post("/", data={"near": ADDRESS, "radius_km": "10", "time_of_day": "aften",
                                "strict": "true"}).text
    assert "1 tilbud fundet" in html and "Brætspilsaften" in html  # 19:00; the others not
    assert 'name="time_of_day" value="aften" checked' in html
    html = site.post("/", data={"time_of_day": "formiddag"}).text
    assert "Fællessang" in html and "Brætspilsaften" not in html
    assert "Passer: tid på dagen" in html


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"time_of_day": ["midnat"]}, "time_of_day", "Vælg tid på dagen på listen"),
    ({"near": "Xyzvej 1, 9999 Ukendtby"}, "near", "Vi kunne ikke finde stedet"),
    ({"near": "9999"}, "near", "Postnummeret findes ikke"),
    ({"near": "DK-0000"}, "near", "Postnummeret findes ikke"),
    ({"near": ADDRESS, "radius_km": "langt"}, "radius_km", "Afstanden skal være et tal"),
    ({"near": ADDRESS, "radius_km": "9000"}, "radius_km", "højst 500"),
    ({"age": "gammel"}, "age", "Alderen skal være et helt tal"),
    ({"age": "300"}, "age", "Alderen skal være et helt tal"),
    ({"max_price": "-5"}, "max_price", "Højst-prisen skal være"),
    ({"q": "spil", "sort": "hvad"}, "sort", "Vælg en af sorteringerne"),
    ({"categories": ["rumfart"]}, "categories", "Vælg interesserne på listen"),
    ({"weekday": ["blursdag"]}, "weekday", "Vælg dagene på listen"),
])
def test_bad_fields_get_a_danish_message_that_does_not_repeat_them(
        site: httpx.Client, data: dict[str, object], field: str, message: str) -> None:
    page = site.post("/", data=data)  # type: ignore[arg-type]
    assert page.status_code == 422
    summary = page.text.split('<form')[0]
    assert message in summary and 'role="alert"' in summary
    for value in data.values():
        for v in (value if isinstance(value, list) else [value]):
            assert str(v) not in summary
    if field in ("near", "radius_km", "age", "max_price"):
        assert re.search(rf'id="{field}"[^>]*aria-invalid="true"', page.text)


def test_match_card(site: httpx.Client) -> None:
    page = site.get(f"/aktivitet/{BRAET.id}/kort")
    assert page.status_code == 200
    html = page.text
    assert "<h1" in html and "Brætspilsaften i Medborgerhuset" in html
    assert "tirsdag 22. december kl. 19.00–21.30" in html  # five next dates
    assert "97 11 22 33" in html and "mailto:spil@medborgerhuset.example" in html
    link = re.search(r'<a class="trip" href="([^"]+)"', html)
    assert link
    url = urlsplit(link.group(1).replace("&amp;", "&"))
    assert url.netloc == "www.rejseplanen.dk"
    q = parse_qs(url.query)
    assert q["Z"] == ["Kirkestræde 11, 7500 Holstebro"] and q["ZADR"] == ["1"]
    assert q["ZID"] == ["A=2@O=Kirkestræde 11, 7500 Holstebro@X=8615500@Y=56360100"]
    assert q["date"] == ["24.11.26"] and q["time"] == ["19:00"] and q["timesel"] == ["arrive"]
    assert "S" not in q  # the start is the citizen's to type, never ours to send


def test_match_card_of_a_place_known_only_by_town_sends_no_point(site: httpx.Client) -> None:
    town_only = next(a for a in ACTIVITIES if a.title == "Mændenes Værksted")
    html = site.get(f"/aktivitet/{town_only.id}/kort").text
    assert "Den præcise adresse er ikke oplyst" in html
    assert "ZID" not in html and "Z=Holstebro" in html
    no_place = next(a for a in ACTIVITIES if a.location.lat is None)
    html = site.get(f"/aktivitet/{no_place.id}/kort").text
    assert "rejseplanen" in html.casefold() or "Spørg arrangøren" in html


def test_unknown_activity_card_is_a_danish_404(site: httpx.Client) -> None:
    page = site.get("/aktivitet/test:nope/kort")
    assert page.status_code == 404 and "findes ikke" in page.text and "<html" in page.text


def test_print_css_and_local_map_library(site: httpx.Client) -> None:
    css = site.get("/static/site.css").text
    assert "@media print" in css
    leaflet = site.get("/static/vendor/leaflet/leaflet.js")
    assert leaflet.status_code == 200 and "Leaflet" in leaflet.text[:500]
    version = json.loads((REPO / "package-lock.json").read_text())["packages"][
        "node_modules/leaflet"]["version"]
    assert f"Leaflet {version}" in leaflet.text[:500] or version in leaflet.text[:500]
    html = site.post("/", data={"q": "spil"}).text
    assert 'src="/static/vendor/leaflet/leaflet.js"' in html
    assert not re.search(r'(src|href)="https?://(?!x\.example|www\.rejseplanen)', html)


def test_tile_url_is_configurable(db: Path) -> None:
    tiles = "http://127.0.0.1:1/tiles/{z}/{x}/{y}.png"
    app = create_app(Settings(db_path=db, tile_url=tiles))
    with LiveServer(app=app) as server:
        html = httpx.post(f"{server.url}/", data={"q": "spil"}).text
    assert f'data-tile-url="{tiles}"' in html and "uden baggrundskort" not in html


@pytest.mark.parametrize("data", [
    {"near": "\x00", "radius_km": "nan"}, {"near": "56,8", "radius_km": "inf"},
    {"age": "1e400"}, {"max_price": "nan"}, {"q": "\"'*OR(\x00"}, {"q": "NEAR("},
    {"categories": ["spil"] * 500}, {"near": "x" * 5000}, {"free": "ja"}, {"near": "91,200"},
])
def test_odd_input_never_breaks_the_page(site: httpx.Client, data: dict[str, object]) -> None:
    page = site.post("/", data=data)  # type: ignore[arg-type]
    assert page.status_code in (200, 422) and "<html" in page.text


def test_a_post_that_is_not_a_form_is_just_the_form(site: httpx.Client) -> None:
    page = site.post("/", content=b'{"near": "x"}', headers={"content-type": "application/json"})
    assert page.status_code == 200 and "fundet" not in page.text


def test_nothing_found_says_which_words_and_offers_a_category(site: httpx.Client) -> None:
    form = {"near": ADDRESS, "radius_km": "10", "q": "kortklub"}
    html = site.post("/", data=form).text
    assert "0 tilbud fundet" in html
    assert "Ingen aktiviteter med »kortklub«." in html
    assert re.search(r'Prøv kategorien\s*<button type="submit" form="soegning" '
                     r'name="kategori_i_stedet" value="spil">Spil</button>', html)
    # The button searches again with the category instead of the text.
    html = site.post("/", data={**form, "kategori_i_stedet": "spil"}).text
    assert "Brætspilsaften i Medborgerhuset" in html and "Ingen aktiviteter" not in html
    assert "Mændenes Værksted" not in html
    # An unknown category in the button is ignored (the text search stands).
    html = site.post("/", data={**form, "kategori_i_stedet": "<script>"}).text
    assert "Ingen aktiviteter med »kortklub«." in html
