"""`fkort schedule`: crawls every source on its schedule until stopped (SIGTERM or Ctrl-C).

Each run is `fkort crawl --source NAME` in a child process (Scrapy's reactor cannot be
restarted in one process, and a crash in one crawl must not take the scheduler down). The
per-source lock still holds, so a cron job and this scheduler never crawl one source at once.
A source that is due when the scheduler starts (never crawled, or a run was missed while it
was down) is crawled at once; further missed runs are coalesced into one.
"""

from __future__ import annotations

import json
import logging
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler

from core import clock
from core.clock import TZ
from core.settings import Settings
from crawlers.logs import use_json_lines
from crawlers.sources import SourceConfig
from records.runlog import RunLog

log = logging.getLogger("fkort.schedule")

#: What `fkort crawl` exit codes mean, for the scheduler's log.
OUTCOME = {0: "ok", 1: "failed", 2: "usage error", 3: "partly failed", 4: "busy (another run)",
           5: "degraded (pages failed, kept)", 6: "guarded (nothing marked stale)"}


def _say(json_lines: bool, **fields: Any) -> None:
    if json_lines:
        print(json.dumps({"time": clock.now().isoformat(), **fields}, ensure_ascii=False),
              file=sys.stderr, flush=True)
    else:
        text = " ".join(f"{k}={v}" for k, v in fields.items() if k != "event")
        print(f"{clock.now():%Y-%m-%d %H:%M:%S} {fields.get('event')}: {text}", file=sys.stderr,
              flush=True)


def crawl_one(name: str, sources_path: Path, extra: list[str], json_lines: bool) -> int:
    """One crawl of one source in a child process; returns its exit code."""
    started = time.monotonic()
    _say(json_lines, event="crawl_started", source=name)
    code = subprocess.call([sys.executable, "-m", "fkort", "crawl", "--source", name,
                            "--sources", str(sources_path), *extra],
                           stdout=subprocess.DEVNULL)
    _say(json_lines, event="crawl_finished", source=name, exit_code=code,
         outcome=OUTCOME.get(code, "error"), seconds=round(time.monotonic() - started, 1))
    return code


def run_scheduler(sources: list[SourceConfig], sources_path: Path, settings: Settings,
                  extra: list[str], *, workers: int = 2, json_lines: bool = False) -> int:
    if json_lines:
        use_json_lines("WARNING")
    else:
        logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s: %(message)s")
    scheduler = BlockingScheduler(timezone=TZ,
                                  executors={"default": ThreadPoolExecutor(max(1, workers))})
    runs = RunLog(settings.data_dir / "crawls.db")
    now = clock.now()
    try:
        for s in sources:
            timing = s.timing
            if timing.manual:
                _say(json_lines, event="skipped", source=s.name, reason="manual schedule")
                continue
            last = runs.latest(s.name)
            due_now = timing.is_due(last.started if last else None, now)
            # APScheduler runs on the wall clock, whatever FKORT_NOW says.
            options: dict[str, Any] = {"next_run_time": datetime.now(TZ)} if due_now else {}
            scheduler.add_job(crawl_one, timing.trigger(), id=s.name, name=s.name,
                              args=[s.name, sources_path, extra, json_lines],
                              max_instances=1, coalesce=True, misfire_grace_time=3600,
                              **options)
            _say(json_lines, event="scheduled", source=s.name, schedule=s.schedule,
                 due_now=due_now)
    finally:
        runs.close()
    if not scheduler.get_jobs():
        print("fkort schedule: no source has a schedule (all manual or disabled)",
              file=sys.stderr)
        return 2

    def stop(signum: int, frame: FrameType | None) -> None:
        _say(json_lines, event="stopping", signal=signal.Signals(signum).name)
        scheduler.shutdown(wait=True)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    scheduler.start()
    _say(json_lines, event="stopped")
    return 0

