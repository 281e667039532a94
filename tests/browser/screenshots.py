"""The README's screenshots, made the same way every time: the browser-test corpus, a frozen
clock, a fixed window, Debian's Chromium, no map tiles. Run by `scripts/screenshots`.

Each shot is a function from (page, base URL) to a file name under docs/screenshots/; a new
page adds its own to SHOTS.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import FROZEN_NOW, REPO, LiveServer

OUT = REPO / "docs" / "screenshots"


def search_page(page: Any, url: str) -> str:
    """The search page after a brobygger's search: form, list and map."""
    page.goto(f"{url}/")
    page.fill("#near", "Kvæsthusgade 9, 7500 Holstebro")
    page.fill("#age", "78")
    page.check("input[name=hearing_loop]")
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.wait_for_selector("#kort[data-ready=true]")
    page.evaluate("document.activeElement.blur()")  # no focus ring in the picture
    return "search.png"


def match_card(page: Any, url: str) -> str:
    """The match-kort of the first result (the print view differs: no header, no buttons)."""
    page.goto(f"{url}/")
    page.fill("#q", "spil")
    with page.expect_navigation():
        page.press("#q", "Enter")
    with page.expect_navigation():
        page.click("#resultat-1 a[href^='/aktivitet/']")
    return "match-kort.png"


def association_page(page: Any, url: str) -> str:
    """An association's page, found by name: each listing as understood beside its own text,
    the warnings, the sources' crawl times and the request form."""
    page.goto(f"{url}/forening")
    page.fill("#q", "seniorforening")
    with page.expect_navigation():
        page.press("#q", "Enter")
    with page.expect_navigation():
        page.click("ul.orgs a")
    return "forening.png"


SHOTS: list[Callable[[Any, str], str]] = [search_page, match_card, association_page]


def main() -> int:
    os.environ["FKORT_NOW"] = FROZEN_NOW  # the same dates in every picture
    from playwright.sync_api import sync_playwright

    from core.settings import Settings
    from search_api.main import create_app
    from tests.browser.conftest import chromium_path
    from tests.browser.corpus import build_index, record_crawls

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, LiveServer(app=create_app(Settings(
            db_path=build_index(Path(tmp) / "s.db"), data_dir=record_crawls(Path(tmp) / "data")
    ))) as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        for shot in SHOTS:
            context = browser.new_context(locale="da-DK", viewport={"width": 1200, "height": 800},
                                          device_scale_factor=1)
            page = context.new_page()
            name = shot(page, server.url)
            page.screenshot(path=str(OUT / name), full_page=True, animations="disabled")
            print(OUT / name)
            context.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
