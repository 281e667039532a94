"""`fkort init --kommune NAME`: a sources file with every source known for a municipality."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core.settings import get_settings
from crawlers import catalogue
from crawlers.sources import SourcesError, load_sources
from fkort.commands._base import EXIT_OK, EXIT_USAGE, Subparsers


def add_parser(sub: Subparsers) -> None:
    p = sub.add_parser(
        "init", help="write a sources file for one or more municipalities",
        description="Write a sources file with every source the catalogue "
                    "(crawlers/catalogue/kommuner.toml) knows for the municipalities: the "
                    "library's DPL CMS site, the parishes via sogn.dk, Ældre Sagen's local "
                    "departments, DN's events, association sites on known platforms; each "
                    "with a schedule and a politeness delay.")
    p.add_argument("--kommune", action="append", required=True, metavar="NAME",
                   help="a municipality (repeatable): Holstebro, København, Assens, ...")
    p.add_argument("--out", help="where to write it (default: FKORT_SOURCES, sources.toml); "
                                 "- for standard output")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.add_argument("--disabled", action="store_true",
                   help="write every source with enabled = false (switched on one by one)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        known = catalogue.load()
        kommuner = [catalogue.find(name, known) for name in args.kommune]
    except catalogue.CatalogueError as exc:
        print(f"fkort init: {exc}", file=sys.stderr)
        return EXIT_USAGE
    text = catalogue.render(kommuner, enabled=not args.disabled)
    if args.out == "-":
        sys.stdout.write(text)
        return EXIT_OK
    out = Path(args.out or get_settings().sources)
    if out.exists() and not args.force:
        print(f"fkort init: {out} exists; give --force to overwrite it, or --out another "
              "file", file=sys.stderr)
        return EXIT_USAGE
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    try:
        sources = load_sources(out)
    except SourcesError as exc:  # the catalogue wrote what the loader refuses: say so
        print(f"fkort init: wrote {out}, but it does not load: {exc}", file=sys.stderr)
        return EXIT_USAGE
    on = sum(s.enabled for s in sources)
    check = sum(1 for k in kommuner for e in catalogue.entries(k) if e.get("check"))
    print(f"fkort init: wrote {out}: {len(sources)} source(s) for "
          f"{', '.join(k.name for k in kommuner)} ({on} enabled"
          + (f"; {check} switched off until checked: see CHECK BEFORE ENABLING" if check
             else "") + ")", file=sys.stderr)
    return EXIT_OK
