"""The health of every source: last runs, last good run, next due."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from core import clock
from core.settings import get_settings
from crawlers.sources import SourceConfig, SourcesError, load_sources
from fkort.commands._base import (
    EXIT_DEGRADED,
    EXIT_GUARDED,
    EXIT_OK,
    EXIT_PARTIAL,
    Subparsers,
)
from records.runlog import Run, RunLog


def add_parser(sub: Subparsers) -> None:
    p = sub.add_parser("sources", help="the health of every source")
    p.add_argument("--sources", help="sources file (default: FKORT_SOURCES)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def _next_due(source: SourceConfig | None, last: Run | None) -> str | None:
    """When the source is next due ("now" when it is), or None for a manual schedule."""
    if source is None:
        return None
    due = source.timing.next_due(last.started if last else None)
    if due is None:
        return None
    return "now" if due <= clock.now() else due.isoformat(timespec="minutes")


def _row(name: str, configured: dict[str, SourceConfig], log: RunLog) -> dict[str, Any]:
    last, good = log.latest(name), log.good(name, 1)
    report = last.report if last else {}
    return {
        "source": name,
        "configured": name in configured,
        "last_run": last.finished.isoformat() if last else None,
        "last_status": last.status if last else "never",
        #: Why the last run was not ok (degraded, guarded, failed), in one line.
        "reason": report.get("reason"),
        "last_good_run": good[0].finished.isoformat() if good else None,
        "activities": good[0].items if good else 0,
        "gone_last_run": last.gone if last else 0,
        "gone_items_last_run": report.get("gone_items") or [],
        "kept_last_run": report.get("kept") or 0,
        "kept_items_last_run": report.get("kept_items") or [],
        "failed_pages_last_run": report.get("failed_pages") or [],
        "errors_last_run": sum((report.get("errors") or {}).values()),
        "guard": report.get("guard"),
        "schedule": configured[name].schedule if name in configured else None,
        "next_due": _next_due(configured.get(name), last),
    }


def _exit_code(rows: list[dict[str, Any]]) -> int:
    """3 when a configured source's last run failed or it never ran, else 6 when one was
    guarded, else 5 when one was degraded, else 0."""
    statuses = {r["last_status"] for r in rows if r["configured"]}
    if statuses & {"failed", "never"}:
        return EXIT_PARTIAL
    if "guarded" in statuses:
        return EXIT_GUARDED
    if "degraded" in statuses:
        return EXIT_DEGRADED
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    """The health of every source: its last run, its last good run, what it holds."""
    settings = get_settings()
    try:
        configured = {s.name: s for s in load_sources(Path(args.sources or settings.sources))}
    except SourcesError:
        configured = {}
    log = RunLog(settings.data_dir / "crawls.db")
    try:
        rows = [_row(name, configured, log)
                for name in sorted(set(configured) | set(log.sources()))]
    finally:
        log.close()
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return _exit_code(rows)
    print(f"{'kilde':<24} {'seneste':<8} {'kørt':<20} {'seneste gode':<20} {'aktiv.':>6} "
          f"{'fejl':>4} {'beholdt':>7}  {'næste':<16}")
    for r in rows:
        print(f"{r['source']:<24} {r['last_status']:<8} {(r['last_run'] or '-')[:19]:<20} "
              f"{(r['last_good_run'] or '-')[:19]:<20} {r['activities']:>6} "
              f"{r['errors_last_run']:>4} {r['kept_last_run']:>7}  "
              f"{(r['next_due'] or '-')[:16]:<16}")
        if r["reason"]:
            print(f"  {r['reason']}")
    return _exit_code(rows)
