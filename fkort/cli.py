"""The `fkort` command: init, crawl, schedule, serve, search, sources, duplicates, index,
eval, requests, schema, demo. Each subcommand is a module of `fkort.commands`."""

from __future__ import annotations

import argparse
import sys
from importlib import import_module

from core.errors import IndexUnavailable
from fkort import __version__

#: In the order `fkort --help` lists them; each is the module `fkort.commands.<name>`.
COMMANDS = ("init", "crawl", "schedule", "serve", "search", "schema", "sources", "duplicates",
            "index", "eval", "requests", "demo")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser of every subcommand, or of `only` that one (its module alone is imported:
    a crawl never pays for the API's imports, nor `fkort sources` for Scrapy's)."""
    p = argparse.ArgumentParser(prog="fkort", description=__doc__)
    p.add_argument("--version", action="version", version=f"fkort {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    for name in COMMANDS:
        if only is None or name == only:
            import_module(f"fkort.commands.{name}").add_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # A subcommand named first needs only its own parser; anything else (--help, --version,
    # a misspelt command) gets the whole parser and its usual answer.
    parser = build_parser(argv[0] if argv and argv[0] in COMMANDS else None)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return 130
    except IndexUnavailable as exc:  # a clear line instead of a traceback
        print(f"fkort {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
