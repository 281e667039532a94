"""Run every source on its schedule until stopped (APScheduler, for operators without cron)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core.settings import get_settings
from crawlers.sources import SourcesError, load_sources
from fkort.commands._base import (
    EXIT_USAGE,
    Subparsers,
)
from fkort.scheduler import run_scheduler


def add_parser(sub: Subparsers) -> None:
    p = sub.add_parser("schedule", help="run every source on its schedule, until stopped")
    p.add_argument("--sources", help="sources file (default: FKORT_SOURCES)")
    p.add_argument("--db", help="SQLite index file (default: FKORT_DB_PATH)")
    p.add_argument("--settings", default="crawlers.settings.prod",
                     help="Scrapy settings module")
    p.add_argument("--workers", type=int, default=2, help="crawls at the same time")
    p.add_argument("--log-format", choices=["text", "json"], default="text")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """A long-lived scheduler (APScheduler) for operators without cron: each source is crawled
    on its schedule, in a child process of its own; missed runs are made up once at start."""
    settings = get_settings()
    path = Path(args.sources or settings.sources)
    try:
        sources = [s for s in load_sources(path) if s.enabled]
    except SourcesError as exc:
        print(f"fkort schedule: {exc}", file=sys.stderr)
        return EXIT_USAGE
    extra = ["--settings", args.settings, "--log-format", args.log_format]
    if args.db:
        extra += ["--db", args.db]
    return run_scheduler(sources, path, settings, extra, workers=args.workers,
                         json_lines=args.log_format == "json")
