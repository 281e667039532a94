"""The `fkort` command: init, crawl, schedule, serve, search, sources, duplicates, index,
eval, requests, schema, demo. Each subcommand is a module of `fkort.commands`."""

from __future__ import annotations

import argparse
import sys

from fkort import __version__
from fkort.commands import (
    crawl,
    demo,
    duplicates,
    eval,
    index,
    init,
    requests,
    schedule,
    schema,
    search,
    serve,
    sources,
)

#: In the order `fkort --help` lists them.
COMMANDS = (init, crawl, schedule, serve, search, schema, sources, duplicates, index, eval,
            requests, demo)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="fkort", description=__doc__)
    p.add_argument("--version", action="version", version=f"fkort {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.add_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
