""""Sidst set" from the run log, which each thread of the API keeps open: what a crawl
records later is read at the next request, a run log made or replaced later is the one read,
and a thread keeps only a few open."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from core.settings import Settings
from records.runlog import RunLog
from search_api import seen
from search_api.seen import MAX_OPEN_PER_THREAD, last_seen, run_log
from tests.index.corpus import SEEN, make

STRIK = make("strik", "Strikkeklub")
LATER, LATEST = SEEN + timedelta(days=2), SEEN + timedelta(days=5)


def sighting(path: Path, when: object) -> None:
    log = RunLog(path)
    try:
        log.saw("test", [STRIK.id], when)  # type: ignore[arg-type]
    finally:
        log.close()


def shown(settings: Settings) -> object:
    (activity,) = last_seen(settings, [STRIK])
    return activity.last_seen


def test_what_a_crawl_records_later_is_read(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, db_path=tmp_path / "unused.db")
    assert shown(settings) == SEEN  # no run log yet: as the index holds it
    sighting(tmp_path / "crawls.db", LATER)
    assert shown(settings) == LATER  # made after the first request
    assert run_log(tmp_path / "crawls.db") is run_log(tmp_path / "crawls.db")  # kept open
    sighting(tmp_path / "crawls.db", LATEST)  # by another connection, as a crawl writes it
    assert shown(settings) == LATEST


def test_a_replaced_run_log_is_the_one_read(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, db_path=tmp_path / "unused.db")
    sighting(tmp_path / "crawls.db", LATEST)
    assert shown(settings) == LATEST
    sighting(tmp_path / "restored.db", LATER)  # e.g. a backup put back
    os.replace(tmp_path / "restored.db", tmp_path / "crawls.db")
    assert shown(settings) == LATER


def test_a_thread_keeps_few_run_logs_open(tmp_path: Path) -> None:
    for n in range(MAX_OPEN_PER_THREAD + 3):
        sighting(tmp_path / f"{n}.db", LATER)
        assert run_log(tmp_path / f"{n}.db") is not None
    kept = seen._open.logs
    assert len(kept) == MAX_OPEN_PER_THREAD
    assert {Path(k[0]).name for k in kept} == {
        f"{n}.db" for n in range(3, MAX_OPEN_PER_THREAD + 3)}  # the latest ones
