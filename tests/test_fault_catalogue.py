"""The fault catalogue (issue 13): each way a site fails, played on a local fixture site of ten
activities after one good crawl. Every case asserts that every healthy activity is kept, and
that the failure shows in the run report, in the exit code and in `fkort sources --json`.

The site serves validators as real servers do: an ETag and a Last-Modified a year old, and no
Cache-Control. Scrapy's own cache policy would have held such pages fresh for 36 days and
sent no request at all; every run here must ask, and see the fault.

Most cases run with FKORT_STALE_AFTER_RUNS=1, so that one run could already mark an activity
stale: a fault that did so would show at once.
"""

from __future__ import annotations

import json
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from core.schema import Status, activity_id
from fkort.sites import Fault, SiteServer
from index.backends.sqlite import SQLiteBackend
from tests.conftest import FILES, REPO, crawl, run_fkort

SITE = FILES / "faults" / "holstebro"
SOURCES = """
[[source]]
name = "holstebro"
kind = "municipal"
start_urls = ["{base}/"]
[source.options]
follow = ["/aktivitet/", "/side-\\\\d+\\\\.html$"]
"""
SLUGS = [f"a{i:02d}" for i in range(1, 11)]
IDS = {slug: activity_id("holstebro", f"holstebro-{slug}") for slug in SLUGS}
DAY = ["2026-11-20T03:00:00+01:00", "2026-11-21T03:00:00+01:00", "2026-11-22T03:00:00+01:00"]
YEAR = 365 * 24 * 3600.0
#: Short timeouts and one retry keep the slow faults fast.
FAST = ("--set", "DOWNLOAD_TIMEOUT=3", "--set", "RETRY_TIMES=1")
#: `fkort sources` exits like this for a source whose last run had this status.
SOURCES_EXIT = {"ok": 0, "degraded": 5, "guarded": 6, "failed": 3}


def listing(slugs: list[str]) -> str:
    """The listing page, linking only these activities (and no second page)."""
    links = "".join(f'<li><a href="/aktivitet/{s}.html">{s}</a></li>' for s in slugs)
    return (f'<!DOCTYPE html><html lang="da"><head><meta charset="utf-8"><title>Fællesskaber'
            f'</title></head><body><h1>Fællesskaber for seniorer</h1><ul>{links}</ul>'
            f'</body></html>')


@dataclass
class Crawled:
    proc: subprocess.CompletedProcess[str]
    report: dict[str, Any]
    statuses: dict[str, Status]
    sources_code: int
    row: dict[str, Any]
    tmp: Path


def _statuses(db: Path) -> dict[str, Status]:
    b = SQLiteBackend(db)
    try:
        return {slug: a.status for slug, aid in IDS.items() if (a := b.get(aid)) is not None}
    finally:
        b.close()


def _sources_json(tmp: Path) -> tuple[int, dict[str, Any]]:
    proc = run_fkort("sources", "--sources", str(tmp / "sources.toml"), "--json",
                     env={"FKORT_DATA_DIR": str(tmp / "data")})
    (row,) = json.loads(proc.stdout)
    return proc.returncode, row


def run_crawl(site: SiteServer, tmp: Path, day: str, *extra: str,
              env: dict[str, str] | None = None, faults: dict[str, Fault] | None = None
              ) -> Crawled:
    """One crawl of the site (with these faults planted for it) into `tmp`."""
    site.faults.clear()
    site.faults.update(faults or {})
    site.hits.clear()  # ("fail", n) counts from this run's first request
    try:
        proc, reports = crawl(SOURCES, tmp, {"base": site.base_url}, *FAST, *extra,
                              db=tmp / "f.db", env={"FKORT_NOW": day, **(env or {})})
    finally:
        site.faults.clear()
    assert len(reports) == 1, proc.stderr[-3000:]
    code, row = _sources_json(tmp)
    return Crawled(proc, reports[0], _statuses(tmp / "f.db"), code, row, tmp)


def assert_reported(c: Crawled, status: str, code: int) -> None:
    """The run's status and exit code, and `fkort sources --json` saying the same."""
    assert (c.report["status"], c.proc.returncode) == (status, code), (
        c.report, c.proc.stderr[-2000:])
    assert c.row["last_status"] == status and c.sources_code == SOURCES_EXIT[status]
    assert c.row["reason"] == c.report["reason"]
    assert (c.report["reason"] is None) == (status == "ok")
    assert c.row["kept_items_last_run"] == c.report["kept_items"]
    assert c.row["gone_items_last_run"] == c.report["gone_items"]


@pytest.fixture(scope="module")
def site() -> Iterator[SiteServer]:
    with SiteServer(SITE, backdate=YEAR) as server:
        yield server


@pytest.fixture(scope="module")
def baseline(site: SiteServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One good crawl of all ten activities (the HTTP cache, the run log and the index)."""
    tmp = tmp_path_factory.mktemp("baseline")
    c = run_crawl(site, tmp, DAY[0])
    assert_reported(c, "ok", 0)
    assert c.report["new"] == 10 and c.statuses == dict.fromkeys(SLUGS, Status.active)
    return tmp


@pytest.fixture
def fresh(baseline: Path, tmp_path: Path) -> Path:
    """A copy of the baseline to play one case on."""
    dest = tmp_path / "run"
    shutil.copytree(baseline, dest)
    return dest


@dataclass
class Case:
    faults: dict[str, Fault]
    status: str
    code: int
    #: Activities kept because of an error: slug → the reason named for it.
    kept: dict[str, str] = field(default_factory=dict)
    #: What the report counts: its errors, or its skipped pages.
    errors: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)


CASES = {
    "500-always": Case({"/aktivitet/a01.html": ("fail", 99)}, "degraded", 5,
                       {"a01": "http_500"}, {"http_500": 1}),
    "timeout": Case({"/aktivitet/a02.html": ("hang", 6)}, "degraded", 5,
                    {"a02": "DownloadTimeoutError"}, {"DownloadTimeoutError": 1}),
    "drip-1-byte-a-second": Case({"/aktivitet/a03.html": "drip"}, "degraded", 5,
                                 {"a03": "DownloadTimeoutError"}, {"DownloadTimeoutError": 1}),
    "truncated-body": Case({"/aktivitet/a04.html": "truncate"}, "degraded", 5,
                           {"a04": "ResponseDataLossError"}, {"ResponseDataLossError": 1}),
    "redirect-loop": Case({"/aktivitet/a06.html": "loop"}, "degraded", 5,
                          {"a06": "redirect_loop"}, {"redirect_loop": 1}),
    "20-MB-page": Case({"/aktivitet/a07.html": "huge"}, "degraded", 5,
                       {"a07": "DownloadCancelledError"}, {"DownloadCancelledError": 1}),
    "robots-disallow": Case({"/robots.txt": ("body", "User-agent: *\nDisallow: /aktivitet/a08\n")},
                            "degraded", 5, {"a08": "robots_txt"}, skipped={"robots_txt": 1}),
    "login-wall": Case({"/aktivitet/a09.html": "login"}, "degraded", 5,
                       {"a09": "login_wall"}, {"login_wall": 1}),
    "forbidden": Case({"/aktivitet/a10.html": ("status", 403)}, "degraded", 5,
                      {"a10": "http_403"}, {"http_403": 1}),
    "only-listing-fails": Case({"/side-2.html": ("fail", 99)}, "degraded", 5,
                               dict.fromkeys(["a07", "a08", "a09", "a10"], "http_500"),
                               {"http_500": 1}),
    "empty-listing": Case({"/": ("body", listing([]))}, "guarded", 6),
    "listing-at-30-percent": Case({"/": ("body", listing(SLUGS[:3]))}, "guarded", 6),
}


@pytest.mark.parametrize("name", list(CASES))
def test_a_failing_page_keeps_its_activity_and_is_reported(
        name: str, site: SiteServer, fresh: Path) -> None:
    case = CASES[name]
    c = run_crawl(site, fresh, DAY[1], env={"FKORT_STALE_AFTER_RUNS": "1"}, faults=case.faults)
    assert c.statuses == dict.fromkeys(SLUGS, Status.active)  # nothing lost
    assert_reported(c, case.status, case.code)
    r = c.report
    assert r["gone"] == 0 and r["gone_items"] == []
    assert {k["id"]: k["why"] for k in r["kept_items"]} == {
        IDS[s]: why for s, why in case.kept.items()}
    assert r["kept"] == len(case.kept)
    for item in r["kept_items"]:  # named: title, address, and the page that failed
        assert item["title"] and item["url"].endswith(".html") and item["at"]
    assert r["errors"] == case.errors and r["skipped"] == case.skipped
    assert r["cached"] == 0  # every page was asked for; none answered from the cache
    if set(case.kept.values()) & {"http_500", "DownloadTimeoutError", "ResponseDataLossError"}:
        assert r["retried"] >= 1  # retried, not answered from the cache
    failed = {p["reason"] for p in r["failed_pages"]}
    for why in set(case.kept.values()) - {"robots_txt", "login_wall"}:
        assert why in failed and why in r["reason"]
    if case.status == "guarded":
        # The guard names what it held back: every activity the listing no longer links.
        assert "nothing marked stale" in r["guard"] and r["guard"] in r["reason"]
        assert r["held_items"] and all(h["why"] == "not_linked" for h in r["held_items"])


def test_500_then_recover_is_retried_and_read(site: SiteServer, fresh: Path) -> None:
    c = run_crawl(site, fresh, DAY[1], env={"FKORT_STALE_AFTER_RUNS": "1"},
                  faults={"/aktivitet/a01.html": ("fail", 1)})
    assert c.statuses == dict.fromkeys(SLUGS, Status.active)
    assert_reported(c, "ok", 0)
    # The 500 was not answered from the cache: it was retried, and the page read.
    assert c.report["retried"] == 1 and c.report["errors"] == {}
    assert c.report["unchanged"] == 10 and c.report["kept"] == 0


def test_a_lying_charset_is_read_right_and_named(site: SiteServer, fresh: Path) -> None:
    c = run_crawl(site, fresh, DAY[1], env={"FKORT_STALE_AFTER_RUNS": "1"},
                  faults={"/aktivitet/a05.html": "charset-lie"})
    assert c.statuses == dict.fromkeys(SLUGS, Status.active)
    # Nothing was lost to it, so the run is ok; the repair is named in the report.
    assert_reported(c, "ok", 0)
    assert c.report["unchanged"] == 10  # read exactly as the honest page was
    assert c.report["repaired"] == {"charset": 1}
    assert c.report["repairs"][0]["url"].endswith("/aktivitet/a05.html")
    b = SQLiteBackend(fresh / "f.db")
    a05 = b.get(IDS["a05"])
    b.close()
    assert a05 is not None and a05.title == "Mænds mødested i værkstedet"


def test_a_listing_at_60_percent_twice_is_guarded(site: SiteServer, fresh: Path) -> None:
    faults: dict[str, Fault] = {"/": ("body", listing(SLUGS[:6]))}
    first = run_crawl(site, fresh, DAY[1], faults=faults)
    # Not found once: named as missing, nothing stale yet (FKORT_STALE_AFTER_RUNS=2).
    assert_reported(first, "ok", 0)
    assert {m["id"] for m in first.report["missing_items"]} == {IDS[s] for s in SLUGS[6:]}
    second = run_crawl(site, fresh, DAY[2], faults=faults)
    # 4 of 10 would go stale: over the 20 % one run may mark. Held back, and named.
    assert second.statuses == dict.fromkeys(SLUGS, Status.active)
    assert_reported(second, "guarded", 6)
    assert "would mark 4 of 10 activities stale" in second.report["guard"]
    held = {h["id"]: h["title"] for h in second.report["held_items"]}
    assert held == {IDS["a07"]: "Læsekreds på biblioteket", IDS["a08"]: "Seniorbowling",
                    IDS["a09"]: "Svømning for ældre", IDS["a10"]: "Havefællesskab i Byhaven"}


def test_old_last_modified_without_cache_control_is_asked_for_every_run(
        site: SiteServer, fresh: Path) -> None:
    changed = (SITE / "aktivitet" / "a01.html").read_text(encoding="utf-8").replace(
        '"startTime": "10:00"', '"startTime": "10:30"')
    site.validated.clear()
    c = run_crawl(site, fresh, DAY[1], env={"FKORT_STALE_AFTER_RUNS": "1"},
                  faults={"/aktivitet/a01.html": ("body", changed),
                          "/aktivitet/a02.html": "gone"})
    # Every page was asked for again, with the validators kept; none served from the cache.
    asked = {path for path, validator in site.validated if validator}
    assert {f"/aktivitet/{s}.html" for s in SLUGS} - {"/aktivitet/a02.html"} <= asked
    assert c.report["cached"] == 0 and c.report["revalidated"] >= 9
    # The change is seen; the page the site took down goes stale, named; the rest stays.
    assert c.report["changed"] == 1
    assert c.statuses == {**dict.fromkeys(SLUGS, Status.active), "a02": Status.stale}
    assert c.report["gone_items"] == [{
        "id": IDS["a02"], "title": "Fællesspisning i Kulturhuset",
        "url": f"{site.base_url}/aktivitet/a02.html",
        "page": f"{site.base_url}/aktivitet/a02.html", "why": "page_gone",
        "at": f"{site.base_url}/aktivitet/a02.html"}]
    assert_reported(c, "ok", 3)  # 3: the broken link (404) is listed as a problem
    assert c.report["errors"] == {"http_404": 1}


@pytest.mark.parametrize("validators", ["etag", "both"])
def test_a_server_down_hides_nothing_and_keeps_everything(validators: str, tmp_path: Path
                                                          ) -> None:
    site = SiteServer(SITE, validators=validators, backdate=YEAR).start()
    try:
        first = run_crawl(site, tmp_path, DAY[0])
        assert first.report["new"] == 10
        if validators == "etag":
            # A 500 on a page with a cached copy: retried and reported, not answered from the
            # cache (with both validators, the catalogue's "500-always" case shows it).
            c = run_crawl(site, tmp_path, DAY[1], env={"FKORT_STALE_AFTER_RUNS": "1"},
                          faults={"/aktivitet/a01.html": ("fail", 99)})
            assert_reported(c, "degraded", 5)
            assert c.report["retried"] == 1 and c.report["errors"] == {"http_500": 1}
            assert c.report["cached"] == 0 and c.report["revalidated"] == 12  # all but a01
    finally:
        site.stop()
    # The server is down: connections refused, retried, the run failed; nothing lost.
    down = run_crawl(site, tmp_path, DAY[2], env={"FKORT_STALE_AFTER_RUNS": "1"})
    assert down.statuses == dict.fromkeys(SLUGS, Status.active)
    assert_reported(down, "failed", 1)
    assert down.report["cached"] == 0 and down.report["revalidated"] == 0
    assert down.report["pages"] == 0 and down.report["retried"] >= 1
    assert sum(down.report["errors"].values()) >= 1
    assert "no page could be read" in down.report["reason"]
    assert "all 10 activities kept" in down.report["reason"]


def test_kill_9_mid_index_then_a_clean_run(site: SiteServer, tmp_path: Path) -> None:
    sources = tmp_path / "sources.toml"
    sources.write_text(SOURCES.replace("{base}", site.base_url), encoding="utf-8")
    db = tmp_path / "f.db"
    env = {**__import__("os").environ, "FKORT_DATA_DIR": str(tmp_path / "data"),
           "FKORT_NOW": DAY[0]}
    # One activity written at a time; the second listing page answers late, so the run is
    # still writing when it is killed.
    site.faults.update({"/side-2.html": ("hang", 4)})
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "fkort", "crawl", "--sources", str(sources), "--db",
             str(db), "--settings", "crawlers.settings.local", "--json", "--set",
             "FKORT_INDEX_BATCH=1"], cwd=REPO, env=env, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True)
        written = 0
        deadline = time.monotonic() + 120
        while written < 3 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
            written = _count(db)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
    finally:
        site.faults.clear()
    written = _count(db)
    assert proc.returncode == -signal.SIGKILL and 3 <= written < 10
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    con.close()
    # The next run is clean: not blocked by the dead run's lock, and everything indexed.
    c = run_crawl(site, tmp_path, DAY[1])
    assert_reported(c, "ok", 0)
    assert c.statuses == dict.fromkeys(SLUGS, Status.active)
    assert c.report["new"] + c.report["unchanged"] == 10 and c.report["new"] == 10 - written


def _count(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return int(con.execute("SELECT count(*) FROM activities").fetchone()[0])
        finally:
            con.close()
    except sqlite3.Error:
        return 0
