"""Shared fixtures for the browser tests: real headless Chromium (Debian's, else Playwright's)
driving the real app over HTTP on a real SQLite index, an axe-core check, and screenshots kept
as artifacts (FKORT_ARTIFACTS, default tests/artifacts/).

Other pages' browser tests reuse these: `browser`, `page`, `live_url` (and its folder
`live_dir`), `shoot`, `axe_problems` and `tab_to`.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from core.settings import Settings
from search_api.main import create_app
from tests.browser.corpus import build_index, record_crawls
from tests.conftest import REPO, LiveServer

playwright_sync = pytest.importorskip("playwright.sync_api")

#: axe-core from npm (package.json; scripts/bootstrap runs `npm ci`), injected by the tests only.
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
#: Where screenshots (and PDFs) of the browser tests go.
ARTIFACTS = Path(os.environ.get("FKORT_ARTIFACTS") or REPO / "tests" / "artifacts")


def chromium_path() -> str | None:
    """Debian's Chromium when installed (the house rule), else None: Playwright's own."""
    for candidate in (os.environ.get("FKORT_CHROMIUM"), "/usr/bin/chromium",
                      shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    with playwright_sync.sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=chromium_path(), headless=True,
                                  args=["--no-sandbox", "--disable-gpu"])
        except playwright_sync.Error as exc:  # no browser at all on this machine
            pytest.skip(f"no Chromium to drive (run scripts/bootstrap as root): {exc}")
        yield b
        b.close()


def csp_violation(message: Any) -> str | None:
    """The text of a console message when it reports a Content-Security-Policy violation."""
    text = str(message.text)
    return text if "Content Security Policy" in text else None


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh Danish, desktop-sized page; JavaScript errors fail the test, and so does
    anything the pages' Content-Security-Policy blocked (Chromium logs it to the console)."""
    context = browser.new_context(locale="da-DK", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    p = context.new_page()
    errors: list[str] = []
    blocked: list[str] = []
    p.on("pageerror", lambda exc: errors.append(str(exc)))
    p.on("console", lambda msg: blocked.extend(filter(None, [csp_violation(msg)])))
    yield p
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"
    assert blocked == [], f"Blocked by the Content-Security-Policy: {blocked}"


@pytest.fixture(scope="module")
def live_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The live server's own folder: its index, and its data dir (`live_dir / "data"`: the
    requests and crawl logs), so nothing a test sends lands in the working tree's data/."""
    return tmp_path_factory.mktemp("browser")


@pytest.fixture(scope="module")
def live_url(live_dir: Path) -> Iterator[str]:
    """The app on the browser corpus (tests/browser/corpus.py), served over HTTP."""
    db = build_index(live_dir / "browser.db")
    data = record_crawls(live_dir / "data")
    with LiveServer(app=create_app(Settings(db_path=db, data_dir=data))) as server:
        yield server.url


@pytest.fixture
def shoot(request: pytest.FixtureRequest) -> Callable[..., Path]:
    """shoot(page, "name") saves a full-page PNG as a test artifact and returns its path."""

    def _shoot(p: Any, name: str, full_page: bool = True) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{request.node.name}-{name}.png"
        p.screenshot(path=str(path), full_page=full_page)
        return path

    return _shoot


def axe_problems(p: Any, impacts: tuple[str, ...] = ("serious", "critical")) -> list[str]:
    """axe-core's violations of the given impact on the page as it is now, one line each."""
    if not AXE.exists():
        raise AssertionError(f"{AXE} is missing: run scripts/bootstrap (npm ci)")
    if not p.evaluate("typeof window.axe !== 'undefined'"):
        # Through DevTools, not as an inline <script>: the pages' CSP forbids those.
        p.evaluate(AXE.read_text(encoding="utf-8"))
    result = p.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.map(n => n.target.join(' '))}));
    }""")
    return [f"{v['impact']}: {v['id']} ({v['help']}) at {v['nodes'][:3]}"
            for v in result if v["impact"] in impacts]


def tab_to(p: Any, selector: str, limit: int = 80) -> None:
    """Press Tab (keyboard only) until `selector` has focus; fails if it never gets it."""
    for _ in range(limit):
        if p.evaluate("s => document.activeElement && document.activeElement.matches(s)",
                      selector):
            return
        p.keyboard.press("Tab")
    raise AssertionError(f"{selector} never got keyboard focus in {limit} presses of Tab")
