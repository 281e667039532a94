"""The stale sweep: an activity leaves the search only when its site says so.

The site says so when the activity's page answers 404 or 410, when its page was read and no
longer holds it (a complete feed without the event), or when the listing that linked it was
read without error and links it no more (`records.evidence`). An activity the run could not
reach because of an error (a 500, a timeout, a redirect loop, a login wall, robots.txt) keeps
its last good version and is reported as kept.

Two guards hold the whole sweep back, so that a broken run never wipes a source:
- a run that finds fewer activities than `guard_ratio` of the last good run's (an emptied
  listing, an error page in the site's template);
- a run that would mark more than `max_share` of the source stale in one go (at least one
  activity may always go, so that small sources are not stuck).

An activity goes stale only after `stale_after_runs` good runs did not find it, the last of
them vouching that it is gone. A failed run marks nothing and records no sightings.

The sweep of every run that did not fail also refreshes the index's stored next starts, so a
`sort=next` search between crawls has only the meetings passed since then to recompute.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from core import clock
from core.schema import MERGED_PREFIX, Status
from index.contract import IndexBackend
from records.evidence import RunEvidence
from records.runlog import RunLog

#: Statuses the sweep may turn stale (removed and stale records stay as they are).
_SWEPT = (Status.active, Status.merged)


@dataclass
class SweepOutcome:
    """What the sweep made of one source's run."""

    status: str  # ok | degraded | guarded | failed
    guard: str | None = None  # why nothing was marked stale, for the report
    gone: int = 0  # activities marked stale
    #: Marked stale by this run: id, title, url and why the site is believed.
    gone_items: list[dict[str, str]] = field(default_factory=list)
    #: Not found, and not vouched gone because a page failed: their last good version stays.
    kept_items: list[dict[str, str]] = field(default_factory=list)
    #: Not found and vouched gone, but not yet for `stale_after_runs` good runs.
    missing_items: list[dict[str, str]] = field(default_factory=list)
    #: What would have gone stale, had the guard not held the sweep back.
    held_items: list[dict[str, str]] = field(default_factory=list)
    #: Activities of the source a failed run could not check (all kept).
    kept_unchecked: int = 0
    #: Activities (of any source) whose stored next start the sweep brought up to now: a
    #: meeting of theirs had passed (`IndexBackend.refresh_next_starts`).
    next_refreshed: int = 0


@dataclass
class SweepRun:
    """One run of one source, as the sweep needs it."""

    source: str
    status: str  # ok | failed, as the crawl saw it
    found: int
    seen: list[str]
    started: datetime
    evidence: RunEvidence = field(default_factory=RunEvidence)


@dataclass
class SweepPolicy:
    stale_after_runs: int = 2
    guard_ratio: float = 0.5
    max_share: float = 0.2


def max_stale(total: int, share: float) -> int:
    """How many of a source's `total` activities one run may mark stale.

    >>> max_stale(10, 0.2), max_stale(4, 0.2), max_stale(0, 0.2), max_stale(10, 1.0)
    (2, 1, 1, 10)
    """
    return max(1, math.floor(total * share + 1e-9))


def sweep_source(log: RunLog, index: IndexBackend, run: SweepRun,
                 policy: SweepPolicy) -> SweepOutcome:
    """Record what one run of a source saw and mark stale what its site says is gone."""
    out = SweepOutcome(run.status)
    if run.status == "failed":
        seen = set(run.seen)
        out.kept_unchecked = sum(1 for aid, (_, st) in index.source_last_seen(run.source).items()
                                 if st in _SWEPT and aid not in seen
                                 and not aid.startswith(MERGED_PREFIX + ":"))
        return out
    last = log.good(run.source, 1)
    if last and run.found < policy.guard_ratio * last[0].items:
        out.guard = (f"found {run.found} activities, under {policy.guard_ratio:.0%} "
                     f"of the last good run's {last[0].items}: nothing marked stale")
    log.saw(run.source, run.seen, run.started, run.evidence.found_at)
    log.record_links(run.source, run.evidence.via)
    candidates, total = _classify(log, index, run, policy, out)
    if out.guard is None and len(candidates) > max_stale(total, policy.max_share):
        out.guard = (f"would mark {len(candidates)} of {total} activities stale, over "
                     f"{policy.max_share:.0%} of the source: nothing marked stale")
    out.next_refreshed = index.refresh_next_starts(clock.now())
    if out.guard is not None:
        out.status = "guarded"
        out.held_items = candidates
        return out
    out.gone = index.set_status([c["id"] for c in candidates], Status.stale)
    out.gone_items = candidates
    if run.evidence.failed or out.kept_items:
        out.status = "degraded"
    return out


def _classify(log: RunLog, index: IndexBackend, run: SweepRun, policy: SweepPolicy,
              out: SweepOutcome) -> tuple[list[dict[str, str]], int]:
    """Sort the activities the run did not find into kept, missing and stale candidates;
    returns the candidates and how many activities the source holds."""
    window = [run.started] + [g.started for g in log.good(run.source,
                                                          policy.stale_after_runs - 1)]
    cutoff = min(window) if len(window) >= policy.stale_after_runs else None
    sightings = log.last_seen(run.source)
    pages = log.pages(run.source)
    links = log.links(run.source)
    seen = set(run.seen)
    candidates: list[dict[str, str]] = []
    total = 0
    for aid, (when, st) in sorted(index.source_last_seen(run.source).items()):
        if st not in _SWEPT or aid.startswith(MERGED_PREFIX + ":"):
            continue
        total += 1
        if aid in seen:
            continue
        item = _describe(index, aid, pages.get(aid))
        verdict = run.evidence.verdict(item["page"], links)
        item.update(why=verdict.why, at=verdict.url)
        if not verdict.gone:
            out.kept_items.append(item)
        elif cutoff is not None and max(when, sightings.get(aid, when)) < cutoff:
            candidates.append(item)
        else:
            out.missing_items.append(item)
    return candidates, total


def _describe(index: IndexBackend, aid: str, page: str | None) -> dict[str, str]:
    """An activity as the report names it: id, title, its address and the page it was on."""
    activity = index.get(aid)
    url = activity.source.url if activity is not None else ""
    title = activity.title if activity is not None else ""
    return {"id": aid, "title": title, "url": url, "page": page or url}
