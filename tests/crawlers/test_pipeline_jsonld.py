"""The generic spider's crawl of a fixture site on 127.0.0.1, through the pipeline into the
index: robots.txt, the planted faults, dropped items, the API over the result (the spider on
saved pages: test_jsonld.py)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from fkort.sites import SiteServer
from tests.conftest import FILES, LiveServer, crawl, crawl_site

#: The finished crawl, its run report, the index it wrote, and the requests the site saw.
Crawled = tuple[subprocess.CompletedProcess[str], list[dict[str, Any]], Path,
                list[tuple[str, str]]]

SOURCES = """
[[source]]
name = "struer"
kind = "municipal"
start_urls = ["{BASE}/"]
[source.options]
follow = ["/aktivitet/", "/side-\\\\d+\\\\.html$", "/index.html$", "/intern/"]
sitemap_urls = ["{BASE}/sitemap.xml"]
municipality = "Struer"
"""


@pytest.fixture(scope="module")
def crawled(struer_site: SiteServer, tmp_path_factory: pytest.TempPathFactory) -> Crawled:
    tmp = tmp_path_factory.mktemp("crawl")
    proc, report, db = crawl_site(struer_site, tmp, "struer", SOURCES)
    return proc, report, db, list(struer_site.requests)


def test_crawl_indexes_every_activity(crawled: Crawled) -> None:
    proc, report, db, _ = crawled
    assert proc.returncode == 3, proc.stderr  # partial: the planted faults are reported
    (r,) = report
    assert r["status"] == "ok"
    assert r["new"] == 5  # kortklub, gåtur, mandeklub, syklub, and the sitemap-only læsekreds
    from index.backends.sqlite import SQLiteBackend

    titles = sorted(a.activity.title for a in SQLiteBackend(db).search(
        __import__("index").SearchQuery(limit=50)).hits)
    assert titles == ["Gå-tur langs fjorden", "Kortklubben i Aktivitetshuset",
                      "Læsekreds på biblioteket", "Mandeklubben",
                      "Syklubben Nålen – syning og snak"]


def test_crawl_reports_exactly_the_planted_faults(crawled: Crawled) -> None:
    _, (r,), _, _ = crawled
    assert r["errors"] == {"broken_jsonld": 1}
    assert [p["url"].rsplit("/", 1)[-1] for p in r["problems"]] == ["oedelagt.html"]
    assert r["dropped"] == 1
    assert r["dropped_items"][0]["reason"] == "no title"
    assert r["dropped_items"][0]["url"].endswith("/aktivitet/uden-navn.html")


def test_crawl_obeys_robots_txt(crawled: Crawled) -> None:
    proc, (r,), db, requests = crawled
    from index import SearchQuery
    from index.backends.sqlite import SQLiteBackend

    hits = SQLiteBackend(db).search(SearchQuery(text="medarbejderdag")).hits
    assert hits == []
    assert r["skipped"] == {"robots_txt": 1}
    paths = [p for p, _ in requests]
    assert paths[0] == "/robots.txt"
    assert not any(p.startswith("/intern/") for p in paths)


def test_robots_txt_switched_off_only_by_explicit_option(tmp_path: Path) -> None:
    sources = """
[[source]]
name = "struer-uden-robots"
kind = "municipal"
start_urls = ["{struer}/intern/hemmelig.html"]
[source.options]
ignore_robots_txt = true
"""
    with SiteServer(FILES / "jsonld" / "struer") as struer:
        proc, (report,) = crawl(sources, tmp_path, {"struer": struer.base_url})
        paths = [p for p, _ in struer.requests]
    assert report["robots_txt_ignored"] is True and report["new"] == 1
    assert "/intern/hemmelig.html" in paths
    assert "robots.txt is IGNORED for source struer-uden-robots" in proc.stderr


def test_crawl_says_who_it_is_and_fetches_each_page_once(crawled: Crawled) -> None:
    _, _, _, requests = crawled
    agents = {ua for _, ua in requests}
    (agent,) = agents
    assert agent.startswith("Faellesskabskort/") and "(+http" in agent
    paths = [p for p, _ in requests]
    assert len(paths) == len(set(paths))
    assert "/aktivitet/kun-i-sitemap.html" in paths  # found through the sitemap only
    assert "/om-kommunen.html" not in paths  # in the sitemap, but not a followed pattern


def test_crawl_then_api_returns_the_activity(crawled: Crawled) -> None:
    import httpx

    _, _, db, _ = crawled
    with LiveServer(Path(db)) as server:
        resp = httpx.get(f"{server.url}/v1/activities",
                         params={"near": "56.49,8.59", "radius_km": 5, "q": "whist"})
    assert resp.status_code == 200
    body = resp.json()
    assert [a["title"] for a in body["data"]] == ["Kortklubben i Aktivitetshuset"]
    assert body["data"][0]["location"]["municipality"] == "Struer"
    assert body["data"][0]["distance_km"] == pytest.approx(0.24, abs=0.05)


def test_crawl_of_a_down_source_fails_cleanly(tmp_path: Path) -> None:
    from tests.conftest import free_port, run_fkort

    sources = tmp_path / "sources.toml"
    sources.write_text(SOURCES.replace("{BASE}", f"http://127.0.0.1:{free_port()}"),
                       encoding="utf-8")
    proc = run_fkort("crawl", "--sources", str(sources), "--db", str(tmp_path / "x.db"),
                     "--settings", "crawlers.settings.local", "--json", "--log-level", "ERROR",
                     env={"FKORT_DATA_DIR": str(tmp_path)})
    assert proc.returncode == 1
    import json

    (r,) = json.loads(proc.stdout)
    assert r["status"] == "failed" and r["pages"] == 0
    assert sum(r["errors"].values()) >= 1
