"""Crawls over days: runs are recorded, vanished activities go stale after two good runs and
come back when restored, and a broken or empty run never wipes anything."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from core.schema import Status, activity_id
from fkort.sites import SiteServer
from index.backends.sqlite import SQLiteBackend
from tests.conftest import FILES, LiveServer, crawl, run_fkort

SOURCES = """
[[source]]
name = "struer"
kind = "municipal"
start_urls = ["{base}/"]
[source.options]
follow = ["/aktivitet/", "/side-\\\\d+\\\\.html$"]
"""
KORTKLUB = activity_id("struer", "struer-akt-17")


def _crawl(site: SiteServer, tmp: Path, day: str) -> dict[str, Any]:
    """One crawl of the site into the same index, on the given day."""
    _, (report,) = crawl(SOURCES, tmp, {"base": site.base_url}, "--no-cache",
                         db=tmp / "fkort.db", env={"FKORT_NOW": f"{day}T03:00:00+01:00"})
    return report


def _status(tmp: Path, aid: str) -> tuple[Status, str]:
    b = SQLiteBackend(tmp / "fkort.db")
    a = b.get(aid)
    b.close()
    assert a is not None
    return a.status, a.first_seen.date().isoformat()


def test_stale_after_two_good_runs_and_back_when_restored(tmp_path: Path) -> None:
    with SiteServer(FILES / "jsonld" / "struer") as site:
        first = _crawl(site, tmp_path, "2026-11-20")
        assert first["new"] == 4
        site.faults["/aktivitet/kortklub.html"] = "gone"  # the club's page is taken down
        second = _crawl(site, tmp_path, "2026-11-21")
        assert second["gone"] == 0 and _status(tmp_path, KORTKLUB)[0] is Status.active
        third = _crawl(site, tmp_path, "2026-11-22")
        assert third["gone"] == 1
        assert _status(tmp_path, KORTKLUB)[0] is Status.stale
        del site.faults["/aktivitet/kortklub.html"]  # and put back
        fourth = _crawl(site, tmp_path, "2026-11-23")
        assert fourth["changed"] == 1
        assert _status(tmp_path, KORTKLUB) == (Status.active, "2026-11-20")  # history kept


def test_a_broken_or_empty_source_wipes_nothing(tmp_path: Path) -> None:
    with SiteServer(FILES / "jsonld" / "struer") as site:
        _crawl(site, tmp_path, "2026-11-20")
        _crawl(site, tmp_path, "2026-11-21")
        # The whole site answers 500: the run fails and marks nothing.
        for path in ("/", "/robots.txt"):
            site.faults[path] = ("fail", 99)
        failed = _crawl(site, tmp_path, "2026-11-22")
        assert failed["status"] == "failed" and failed["gone"] == 0
        site.faults.clear()
        # The listing comes back empty (an error page in the template): too few to trust.
        for page in ("kortklub", "gaatur", "mandeklub", "syklub"):
            site.faults[f"/aktivitet/{page}.html"] = "gone"
        empty = _crawl(site, tmp_path, "2026-11-23")
        assert empty["gone"] == 0 and "nothing marked stale" in str(empty["guard"])
    b = SQLiteBackend(tmp_path / "fkort.db")
    assert all(b.get(activity_id("struer", o)) is not None for o in ("struer-akt-17",))
    assert b.source_last_seen("struer") and all(
        st is Status.active for _, st in b.source_last_seen("struer").values())
    b.close()
    # The operator sees it: `fkort sources` and GET /v1/sources.
    sources = tmp_path / "sources.toml"
    proc = run_fkort("sources", "--sources", str(sources), "--json",
                     env={"FKORT_DATA_DIR": str(tmp_path / "data")})
    (row,) = json.loads(proc.stdout)
    assert row["last_status"] == "guarded" and row["activities"] == 4
    from core.settings import Settings
    from search_api.main import create_app

    app = create_app(Settings(db_path=tmp_path / "fkort.db", data_dir=tmp_path / "data"))
    with LiveServer(app=app) as server:
        (api,) = httpx.get(f"{server.url}/v1/sources").json()
    assert api["name"] == "struer" and api["last_status"] == "guarded"
    assert api["activities"] == 4


def test_two_crawls_of_one_source_do_not_run_at_once(tmp_path: Path) -> None:
    import subprocess
    import sys
    import time

    from tests.conftest import FROZEN_NOW, REPO

    # The listing answers after 9 s (under the 10 s timeout): the first run holds the lock
    # that long, however slowly the second one starts on a busy machine.
    with SiteServer(FILES / "jsonld" / "struer", faults={"/": ("hang", 9)}) as site:
        sources = tmp_path / "sources.toml"
        sources.write_text(SOURCES.replace("{base}", site.base_url), encoding="utf-8")
        args = [sys.executable, "-m", "fkort", "crawl", "--sources", str(sources), "--db",
                str(tmp_path / "fkort.db"), "--settings", "crawlers.settings.local",
                "--no-cache", "--json"]
        env = {**__import__("os").environ, "FKORT_DATA_DIR": str(tmp_path / "data"),
               "FKORT_NOW": FROZEN_NOW}
        first = subprocess.Popen(args, cwd=REPO, env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
        try:
            lock = tmp_path / "data" / "locks" / "struer.lock"
            for _ in range(600):  # until the first run holds the lock
                if lock.exists() and lock.read_text().strip():
                    break
                time.sleep(0.05)
            second = run_fkort(*args[3:], env={"FKORT_DATA_DIR": str(tmp_path / "data")})
        finally:
            first.wait(timeout=60)
    assert second.returncode == 4
    assert "struer is being crawled by another run" in second.stderr
    assert first.returncode in (0, 3)


def _files(db: Path) -> list[tuple[int, int]]:
    return [(p.stat().st_size, p.stat().st_mtime_ns) if p.exists() else (0, 0)
            for p in (db, db.with_name(db.name + "-wal"))]


def test_unchanged_pages_are_revalidated_and_write_nothing_and_a_changed_time_is_updated(
        tmp_path: Path) -> None:
    import shutil

    site_dir = tmp_path / "site"
    shutil.copytree(FILES / "jsonld" / "struer", site_dir)
    db = tmp_path / "fkort.db"

    def run(site: SiteServer, day: str) -> dict[str, Any]:
        # With the HTTP cache: the second run asks with the validators it kept.
        _, (report,) = crawl(SOURCES, tmp_path, {"base": site.base_url}, db=db,
                             env={"FKORT_NOW": f"{day}T03:00:00+01:00"})
        return report

    with SiteServer(site_dir, cache_control="no-cache") as site:
        first = run(site, "2026-11-20")
        assert first["new"] == 4 and first["revalidated"] == 0
        before = _files(db)
        site.validated.clear()
        second = run(site, "2026-11-21")
        asked = [path for path, validator in site.validated if validator]
        assert second["revalidated"] == len(asked) >= 5  # listing, page 2, four activities
        assert (second["new"], second["changed"], second["unchanged"]) == (0, 0, 4)
        assert _files(db) == before  # nothing written to the index
        page = site_dir / "aktivitet" / "kortklub.html"
        page.write_text(page.read_text(encoding="utf-8").replace(
            '"startTime": "13:30"', '"startTime": "14:00"'), encoding="utf-8")
        third = run(site, "2026-11-22")
        assert (third["new"], third["changed"], third["unchanged"]) == (0, 1, 3)
    b = SQLiteBackend(db)
    club = b.get(KORTKLUB)
    b.close()
    assert club is not None and club.schedule.start is not None
    assert club.schedule.start.strftime("%H:%M") == "14:00"
