"""Search the index from the command line. The options are the search's parameters
(`SearchParams`), each as --name-with-dashes; the words given are the free text."""

from __future__ import annotations

import argparse
import sys
from enum import Enum
from typing import Any

from core import clock
from fkort.commands._base import (
    EXIT_OK,
    EXIT_USAGE,
    Subparsers,
    settings_for,
)
from index import open_index
from index.empty import explain_empty
from normalize.category import CATEGORY_LABELS
from normalize.geo.chain import make_geocoder
from normalize.schedule import next_meetings
from search_api.formatting import distance, price, when, where
from search_api.params import ParamError, SearchParams, value_type

#: Options named otherwise than their parameter (given once per value).
_OPTION_NAMES = {"categories": "--category"}
#: Parameters the command sets itself: the free text is its words, and --limit has its own
#: default.
_OWN = ("q", "limit")
#: Hits shown unless --limit says otherwise.
DEFAULT_LIMIT = 10


def _option(flag: str, name: str, description: str | None, kind: Any, default: Any
            ) -> dict[str, Any]:
    """argparse's keywords for one parameter."""
    if kind is bool:
        # A flag asks for yes; left out, it asks for nothing (or keeps its default).
        return {"dest": name, "help": description, "action": "store_const", "const": True,
                "default": default}
    options: dict[str, Any] = {"dest": name, "help": description,
                               "metavar": flag.removeprefix("--").replace("-", "_").upper()}
    if kind is list:
        options.update(action="append", help=f"{description} (repeatable)")
    elif isinstance(kind, type) and issubclass(kind, Enum):
        del options["metavar"]  # argparse shows the choices
        options.update(choices=[member.value for member in kind])
    else:
        options.update(type=kind)
    return options


def add_parser(sub: Subparsers) -> None:
    p = sub.add_parser("search", help="search the index from the command line")
    p.add_argument("text", nargs="*")
    for name, field in SearchParams.model_fields.items():
        if name in _OWN:
            continue
        flag = _OPTION_NAMES.get(name, "--" + name.replace("_", "-"))
        p.add_argument(flag, **_option(flag, name, field.description, value_type(field),
                                       field.default))
    p.add_argument("--limit", type=int, default=DEFAULT_LIMIT,
                   help=f"hits to show (default {DEFAULT_LIMIT})")
    p.add_argument("--db")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = settings_for(args)
    given = {name: getattr(args, name) for name in SearchParams.model_fields
             if name not in _OWN and getattr(args, name) is not None}
    try:
        params = SearchParams.model_validate({**given, "q": " ".join(args.text) or None})
        query, origin = params.to_query(make_geocoder(settings, with_cache=False),
                                         limit=args.limit)
    except (ParamError, ValueError) as exc:
        print(f"fkort search: {getattr(exc, 'en', None) or exc}", file=sys.stderr)
        return EXIT_USAGE
    index = open_index(settings)
    query = query.model_copy(update={"now": clock.now()})
    result = explain_empty(index, query, index.search(query))
    if args.json:
        print(result.model_dump_json(indent=2))
        return EXIT_OK
    print(f"{result.total} fundet" if result.total_exact
          else f"Mere end {result.total} fundet (--exact-count tæller dem alle)")
    from_precision = origin.precision.value if origin is not None else "address"
    if result.not_found:
        print("Ingen aktiviteter med " + " eller ".join(f"»{w}«" for w in result.not_found) + ".")
    if result.suggested_categories:
        print("Prøv kategorien " + " eller ".join(
            f"{CATEGORY_LABELS.get(s, s)} (--categories {s})"
            for s in result.suggested_categories) + ".")
    for hit in result.hits:
        a = hit.activity
        nxt = next_meetings(a.schedule, clock.now(), 1)
        first = when(*nxt[0]) if nxt else "tidspunkt ikke oplyst"
        far = distance(hit.distance_km, a.location.precision.value, from_precision)
        print(f"- {a.title}  {far}\n    {where(a)} · {first} · {price(a.price)}")
    return EXIT_OK
