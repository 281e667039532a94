"""Copy the embedded store into a search engine as a fresh index."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from core.settings import get_settings
from fkort.commands._base import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_PARTIAL,
    EXIT_USAGE,
    Subparsers,
)
from index import open_index
from index.backends.sqlite import SQLiteBackend


def add_parser(sub: Subparsers) -> None:
    p = sub.add_parser("index", help="copy the embedded store into a search engine")
    p.add_argument("--backend", required=True, choices=["opensearch", "elasticsearch"])
    p.add_argument("--rebuild", action="store_true", help="build a new index, swap the alias")
    p.add_argument("--from-db", help="the SQLite store to copy (default: FKORT_DB_PATH)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Copy the embedded store into a search engine as a fresh index (alias swapped at once)."""
    settings = get_settings()
    source_db = Path(args.from_db or settings.db_path)
    if not source_db.exists():
        print(f"fkort index: no embedded store at {source_db}", file=sys.stderr)
        return EXIT_USAGE
    source = SQLiteBackend(source_db)
    try:
        target = open_index(settings, args.backend)
    except ValueError as exc:
        print(f"fkort index: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not args.rebuild or not hasattr(target, "rebuild"):
        print("fkort index: only --rebuild into a search engine backend is supported",
              file=sys.stderr)
        return EXIT_USAGE
    started = time.monotonic()
    try:
        stats = target.rebuild(source.all_activities())
    except Exception as exc:  # the engine went away: the old index still serves
        print(f"fkort index: rebuild failed ({type(exc).__name__}: {exc}); the previous "
              "index is still serving", file=sys.stderr)
        return EXIT_FAILED
    print(f"Indekseret {stats.new + stats.changed} aktiviteter i {args.backend} på "
          f"{time.monotonic() - started:.1f} s; fejl: {len(stats.errors)}")
    for activity_id, reason in stats.errors[:20]:
        print(f"  {activity_id}: {reason}")
    return EXIT_PARTIAL if stats.errors else EXIT_OK
