"""The pages under their Content-Security-Policy in a real browser: the search page with its
map (tiles from the configured tile server on another origin), the match-kort, the
association's pages and the API docs all work, and the browser blocks nothing on them; and
what is not allowed (an image from elsewhere) is blocked and would be seen."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from core.schema import organization_id
from core.settings import Settings
from search_api.main import create_app
from tests.browser.conftest import csp_violation
from tests.browser.corpus import ACTIVITIES, ASSOCIATION, build_index, record_crawls
from tests.conftest import REPO, LiveServer

TILE = (REPO / "search_api" / "static" / "vendor" / "leaflet" / "images" / "layers.png")
#: Collects the page's own `securitypolicyviolation` events (an init script runs outside the
#: page's policy), next to what Chromium logs to the console.
LISTEN = """window.__blocked = [];
document.addEventListener('securitypolicyviolation',
    e => window.__blocked.push(e.violatedDirective + ' ' + e.blockedURI));"""


class TileServer:
    """Map tiles on another origin (127.0.0.1, another port): one PNG for every z/x/y."""

    def __init__(self) -> None:
        png = TILE.read_bytes()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(png)))
                self.end_headers()
                self.wfile.write(png)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not TILE.exists():
        pytest.skip("no Leaflet in search_api/static/vendor: run scripts/bootstrap")
    tmp = tmp_path_factory.mktemp("csp")
    tiles = TileServer()
    app = create_app(Settings(db_path=build_index(tmp / "csp.db"),
                              data_dir=record_crawls(tmp / "data"),
                              tile_url=tiles.url + "/{z}/{x}/{y}.png"))
    try:
        with LiveServer(app=app) as server:
            yield server.url
    finally:
        tiles.close()


@pytest.fixture
def watched(browser: Any) -> Iterator[tuple[Any, list[str]]]:
    """A page, and the list of what the policy blocked on it (console and events)."""
    context = browser.new_context(locale="da-DK", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    context.add_init_script(LISTEN)
    p = context.new_page()
    logged: list[str] = []
    errors: list[str] = []
    p.on("console", lambda msg: logged.extend(filter(None, [csp_violation(msg)])))
    p.on("pageerror", lambda exc: errors.append(str(exc)))
    yield p, logged
    context.close()
    assert errors == [], errors


def _blocked(p: Any, logged: list[str]) -> list[str]:
    p.wait_for_timeout(300)  # a report is delivered as a task: let it land
    return [*logged, *p.evaluate("window.__blocked")]


def test_search_page_and_its_map_with_tiles(watched: tuple[Any, list[str]], site: str) -> None:
    p, logged = watched
    p.goto(f"{site}/")
    p.fill("#near", "Kvæsthusgade 9, 7500 Holstebro")
    with p.expect_navigation():
        p.press("#near", "Enter")
    p.wait_for_selector("#kort[data-ready=true]")
    p.wait_for_selector("#kort .leaflet-tile-loaded")  # a tile from the other origin
    assert p.locator("#kort .leaflet-marker-icon").count() >= 1
    assert p.evaluate("document.activeElement.id") == "resultater-titel"  # site.js ran
    p.locator("#kort .leaflet-marker-icon[data-nr='1']").focus()
    p.keyboard.press("Enter")
    p.locator(".leaflet-popup-content").wait_for()
    assert _blocked(p, logged) == []


def test_match_card_and_association_pages(watched: tuple[Any, list[str]], site: str) -> None:
    p, logged = watched
    p.goto(f"{site}/aktivitet/{ACTIVITIES[0].id}/kort")
    assert p.is_visible("#udskriv")  # kort-print.js ran
    p.goto(f"{site}/forening")
    p.fill("#q", "senior")
    with p.expect_navigation():
        p.press("#q", "Enter")
    p.goto(f"{site}/forening/{organization_id(ASSOCIATION)}")
    p.locator("form.request").wait_for()
    assert _blocked(p, logged) == []


def test_api_docs_render(watched: tuple[Any, list[str]], site: str) -> None:
    p, logged = watched
    p.goto(f"{site}/docs")
    p.wait_for_selector(".swagger-ui .opblock-summary-path")  # the operations are listed
    assert "Fællesskabskort API" in p.inner_text(".swagger-ui .info")
    assert _blocked(p, logged) == []
    p.goto(f"{site}/redoc")
    p.wait_for_selector("[data-section-id]")  # ReDoc rendered the operations
    assert "Fællesskabskort API" in p.inner_text("h1")
    p.wait_for_selector(".ps")  # perfect-scrollbar's styles (allowed by hash) took effect
    assert p.evaluate("getComputedStyle(document.querySelector('.ps')).overflow") == "hidden"
    # Only the logo ReDoc's footer would fetch from its CDN is blocked, by design.
    assert [b for b in _blocked(p, logged) if "cdn.redoc.ly/redoc/logo-mini.svg" not in b] == []


def test_what_the_policy_forbids_is_blocked_and_seen(watched: tuple[Any, list[str]],
                                                     site: str) -> None:
    """The check above can fail: an image from an origin the policy does not name, and an
    inline script, are blocked, and both are reported."""
    p, logged = watched
    p.goto(f"{site}/")
    p.evaluate("""() => {
        const img = new Image(); img.src = 'http://localhost:9/elsewhere.png';
        document.body.appendChild(img);
        const s = document.createElement('script'); s.textContent = 'window.ran = 1';
        document.body.appendChild(s);
    }""")
    blocked = _blocked(p, logged)
    assert p.evaluate("typeof window.ran") == "undefined"
    assert any("img-src" in b for b in blocked) and any("script-src" in b for b in blocked)
    assert any("elsewhere.png" in b for b in blocked)
    logged.clear()  # (the fixture's own check is for the pages, not this test)

