"""Offers found by several sources, merged into one record, and why."""

from __future__ import annotations

import argparse
import json

from core import clock
from core.schema import Status
from fkort.commands._base import (
    EXIT_OK,
    EXIT_USAGE,
    Subparsers,
    settings_for,
)
from index import open_index
from records.merging import explain, merge_duplicates, plan
from records.request_store import load_overrides


def add_parser(sub: Subparsers) -> None:
    p = sub.add_parser("duplicates", help="offers found by several sources, merged")
    p.add_argument("--explain", metavar="ID", help="why this record is (not) merged")
    p.add_argument("--apply", action="store_true", help="run the merge step now")
    p.add_argument("--db", help="SQLite index file (default: FKORT_DB_PATH)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """The merged records (one offer found by several sources), and why they were merged."""
    settings = settings_for(args)
    index = open_index(settings)
    try:
        if args.explain:
            lines = explain(index, args.explain, clock.now())
            print("\n".join(lines))
            return EXIT_USAGE if lines[0].startswith("no activity") else EXIT_OK
        if args.apply:
            report = merge_duplicates(index, clock.now(), load_overrides(settings.data_dir))
            print(f"{len(report.clusters)} aktiviteter fundet i flere kilder; skrevet: "
                  f"{report.new} nye, {report.changed} ændrede sammenlagte poster; "
                  f"{report.hidden} skjult bag dem, {report.released} vist igen, "
                  f"{report.retired} opløst")
            return EXIT_OK
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
                 "--apply)"))
        return EXIT_OK
    finally:
        index.close()
