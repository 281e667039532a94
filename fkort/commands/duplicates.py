"""Offers found by several sources, merged into one record, and why."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from core import clock
from core.schema import Status
from fkort.commands._base import (
    EXIT_OK,
    EXIT_USAGE,
    Subparsers,
    settings_for,
)
from index import IndexBackend, open_index
from records.merging import explain, merge_changed, merge_duplicates, plan
from records.request_store import load_overrides


def add_parser(sub: Subparsers) -> None:
    p = sub.add_parser("duplicates", help="offers found by several sources, merged")
    p.add_argument("action", nargs="?", choices=["merge"],
                   help="merge: run the merge step now (--all: the whole index; or around "
                        "the records named)")
    p.add_argument("ids", nargs="*", metavar="ID",
                   help="merge only the clusters around these records (as after a crawl)")
    p.add_argument("--all", action="store_true",
                   help="merge over the whole index (after a crawl only the clusters around "
                        "what changed are merged)")
    p.add_argument("--explain", metavar="ID", help="why this record is (not) merged")
    p.add_argument("--apply", action="store_true", help="the same as: merge --all")
    p.add_argument("--db", help="SQLite index file (default: FKORT_DB_PATH)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def _merge(args: argparse.Namespace, index: IndexBackend, data_dir: Path) -> int:
    """The merge step: over the whole index, or around the records named."""
    if args.apply or args.all:
        if args.ids:
            print("fkort duplicates merge: --all or ids, not both", file=sys.stderr)
            return EXIT_USAGE
        report = merge_duplicates(index, clock.now(), load_overrides(data_dir))
    elif args.ids:
        report = merge_changed(index, args.ids, clock.now(), load_overrides(data_dir))
    else:
        print("fkort duplicates merge: say --all (the whole index) or the ids to merge around",
              file=sys.stderr)
        return EXIT_USAGE
    print(f"{len(report.clusters)} aktiviteter fundet i flere kilder; skrevet: "
          f"{report.new} nye, {report.changed} ændrede sammenlagte poster; "
          f"{report.hidden} skjult bag dem, {report.released} vist igen, "
          f"{report.retired} opløst ({report.looked_at} poster læst)")
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    """The merged records (one offer found by several sources), and why they were merged."""
    settings = settings_for(args)
    index = open_index(settings)
    try:
        if args.explain:
            lines = explain(index, args.explain, clock.now())
            print("\n".join(lines))
            return EXIT_USAGE if lines[0].startswith("no activity") else EXIT_OK
        if args.apply or args.action == "merge":
            return _merge(args, index, settings.data_dir)
        merged = [a for a in index.all_activities()
                  if a.merged_from and a.status is Status.active]
        if args.json:
            print(json.dumps([{"id": a.id, "title": a.title, "members": a.merged_from,
                               "sources": [s.name for s in a.sources]} for a in merged],
                             ensure_ascii=False, indent=2))
            return EXIT_OK
        pending, _ = plan(list(index.all_activities()), clock.now())
        for a in merged:
            print(f"{a.id}  {a.title}\n    kilder: {', '.join(s.name for s in a.sources)}")
        print(f"{len(merged)} sammenlagte aktiviteter"
              + ("" if len(pending.clusters) == len(merged) else
                 f" ({len(pending.clusters)} efter næste sammenlægning: fkort duplicates "
                 "merge --all)"))
        return EXIT_OK
    finally:
        index.close()
