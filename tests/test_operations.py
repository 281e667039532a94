"""What an operator runs from cron or systemd: `fkort crawl --due`, `fkort schedule`, JSON
log lines."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from fkort.sites import SiteServer
from records.runlog import RunLog
from tests.conftest import FILES, FROZEN_NOW, REPO, run_fkort

SITE = FILES / "jsonld" / "struer"


def _sources(tmp: Path, base: str, schedules: dict[str, str]) -> Path:
    body = "".join(f"""
[[source]]
name = "{name}"
kind = "municipal"
start_urls = ["{base}/"]
schedule = "{schedule}"
[source.options]
follow = ["/aktivitet/", "/side-\\\\d+\\\\.html$"]
""" for name, schedule in schedules.items())
    path = tmp / "sources.toml"
    path.write_text(body, encoding="utf-8")
    return path


def _due(tmp: Path, sources: Path, now: str) -> tuple[int, list[str], str]:
    proc = run_fkort("crawl", "--due", "--sources", str(sources), "--db", str(tmp / "f.db"),
                     "--settings", "crawlers.settings.local", "--no-cache", "--json",
                     env={"FKORT_DATA_DIR": str(tmp / "data"), "FKORT_NOW": now}, timeout=300)
    crawled = [r["source"] for r in json.loads(proc.stdout)] if proc.stdout.strip() else []
    return proc.returncode, crawled, proc.stderr


def test_crawl_due_runs_the_sources_whose_time_has_come(tmp_path: Path) -> None:
    with SiteServer(SITE) as site:
        sources = _sources(tmp_path, site.base_url, {
            "nightly": "daily", "by-hand": "manual", "hourly-ish": "every 1h"})
        code, crawled, err = _due(tmp_path, sources, "2026-11-20T03:30:00+01:00")
        assert code == 3 and crawled == ["nightly", "hourly-ish"]  # 3: planted bad pages
        assert "by-hand not due (manual; manual: only by name)" in err
        code, crawled, err = _due(tmp_path, sources, "2026-11-20T03:40:00+01:00")
        assert (code, crawled) == (0, []) and "no source is due" in err
        assert "nightly not due (daily; next at 2026-11-21 03:00)" in err
        _, crawled, _ = _due(tmp_path, sources, "2026-11-20T04:30:00+01:00")
        assert crawled == ["hourly-ish"]
        _, crawled, _ = _due(tmp_path, sources, "2026-11-21T03:05:00+01:00")
        assert crawled == ["nightly", "hourly-ish"]
    # `fkort sources` says when each source is next due.
    proc = run_fkort("sources", "--sources", str(sources), "--json",
                     env={"FKORT_DATA_DIR": str(tmp_path / "data"),
                          "FKORT_NOW": "2026-11-21T03:30:00+01:00"})
    due = {r["source"]: (r["schedule"], r["next_due"]) for r in json.loads(proc.stdout)}
    assert due["nightly"] == ("daily", "2026-11-22T03:00+01:00")
    assert due["by-hand"] == ("manual", None)
    assert due["hourly-ish"][1] == "2026-11-21T04:02+01:00"  # 5 % early counts as on time
    # A schedule that cannot be read is refused with the forms that can.
    bad = _sources(tmp_path, "http://127.0.0.1:9", {"x": "hver nat"})
    proc = run_fkort("crawl", "--due", "--sources", str(bad),
                     env={"FKORT_DATA_DIR": str(tmp_path / "data")})
    assert proc.returncode == 2 and "'every 6h'" in proc.stderr


def test_schedule_crawls_on_time_and_stops_cleanly(tmp_path: Path) -> None:
    with SiteServer(SITE) as site:
        sources = _sources(tmp_path, site.base_url, {"often": "every 3s", "by-hand": "manual"})
        env = {**os.environ, "FKORT_DATA_DIR": str(tmp_path / "data"), "FKORT_NOW": FROZEN_NOW}
        proc = subprocess.Popen(
            [sys.executable, "-m", "fkort", "schedule", "--sources", str(sources), "--db",
             str(tmp_path / "f.db"), "--settings", "crawlers.settings.local",
             "--log-format", "json"], cwd=REPO, env=env, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 120
            runs = 0
            while runs < 2 and time.monotonic() < deadline and proc.poll() is None:
                time.sleep(0.5)
                db = tmp_path / "data" / "crawls.db"
                if db.exists():
                    log = RunLog(db)
                    runs = len(log.good("often", 10)) + len(log._runs(
                        "source = ? AND status != 'ok'", ("often",), 10))
                    log.close()
        finally:
            proc.send_signal(signal.SIGTERM)
            _, err = proc.communicate(timeout=120)
    assert runs >= 2, err[-3000:]
    assert proc.returncode == 0, err[-3000:]
    records = [json.loads(line) for line in err.splitlines()]  # the crawls' lines too
    kinds = [(e["event"], e.get("source")) for e in records if "logger" not in e]
    assert ("skipped", "by-hand") in kinds and ("scheduled", "often") in kinds
    assert kinds.count(("crawl_finished", "often")) >= 2
    assert kinds[-1] == ("stopped", None)


def test_crawl_logs_json_lines(tmp_path: Path) -> None:
    with SiteServer(SITE) as site:
        sources = _sources(tmp_path, site.base_url, {"struer": "daily"})
        proc = run_fkort("crawl", "--sources", str(sources), "--db", str(tmp_path / "f.db"),
                         "--settings", "crawlers.settings.local", "--no-cache",
                         "--log-format", "json", "--log-level", "INFO",
                         env={"FKORT_DATA_DIR": str(tmp_path / "data")}, timeout=300)
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    assert {"time", "level", "logger", "message"} <= set(records[0])
    problems = [r for r in records if r.get("source") == "struer" and r["level"] == "warning"]
    assert any("broken_jsonld" in r["message"] for r in problems)
