"""The stale sweep: an activity that successive good runs of its source no longer find leaves
the search. A failed run, or one that finds far fewer activities than the last good one,
marks nothing: a broken source must never wipe good data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.schema import MERGED_PREFIX, Status
from index.contract import IndexBackend
from records.runlog import RunLog

#: Statuses the sweep may turn stale (removed and stale records stay as they are).
_SWEPT = (Status.active, Status.merged)


@dataclass
class SweepOutcome:
    """What the sweep made of one source's run."""

    status: str  # the run's status, "guarded" when the guard held the sweep back
    guard: str | None = None  # why nothing was marked stale, for the report
    gone: int = 0  # activities marked stale


def sweep_source(log: RunLog, index: IndexBackend, *, source: str, status: str, found: int,
                 seen: list[str], started: datetime, stale_after_runs: int,
                 guard_ratio: float) -> SweepOutcome:
    """Record what one run of `source` saw and mark stale what good runs no longer find."""
    out = SweepOutcome(status)
    last = log.good(source, 1)
    if status == "ok" and last and found < guard_ratio * last[0].items:
        out.status = "guarded"
        out.guard = (f"found {found} activities, under {guard_ratio:.0%} "
                     f"of the last good run's {last[0].items}: nothing marked stale")
    if out.status != "failed":
        log.saw(source, seen, started)
    if out.status != "ok":
        return out
    window = [started] + [g.started for g in log.good(source, stale_after_runs - 1)]
    if len(window) < stale_after_runs:
        return out
    cutoff = min(window)
    sightings = log.last_seen(source)
    merged_prefix = MERGED_PREFIX + ":"
    gone = []
    for aid, (when, st) in index.source_last_seen(source).items():
        when = max(when, sightings.get(aid, when))
        if st in _SWEPT and when < cutoff and not aid.startswith(merged_prefix):
            gone.append(aid)
    out.gone = index.set_status(gone, Status.stale)
    return out
