"""Search the index from the command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core import clock
from core.settings import get_settings
from fkort.commands._base import (
    EXIT_OK,
    EXIT_USAGE,
    Subparsers,
)
from index import open_index
from normalize.category import CATEGORY_LABELS
from normalize.geo.chain import make_geocoder
from normalize.schedule import duration, next_occurrences
from search_api.formatting import km, price, when, where
from search_api.params import ParamError, build_query


def add_parser(sub: Subparsers) -> None:
    p = sub.add_parser("search", help="search the index from the command line")
    p.add_argument("text", nargs="*")
    p.add_argument("--near", help="address, postcode, town or lat,lon (never stored)")
    p.add_argument("--radius-km", type=float)
    p.add_argument("--age", type=int)
    p.add_argument("--max-price", type=float)
    p.add_argument("--free", action="store_true")
    p.add_argument("--wheelchair", action="store_true")
    p.add_argument("--hearing-loop", action="store_true")
    p.add_argument("--drop-in", action="store_true")
    p.add_argument("--category", action="append")
    p.add_argument("--weekday", action="append")
    p.add_argument("--time-of-day", action="append", metavar="PART",
                   help="formiddag, eftermiddag or aften (repeatable)")
    p.add_argument("--municipality")
    p.add_argument("--strict", action="store_true")
    p.add_argument("--sort", choices=["distance", "relevance", "next"])
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--db")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = get_settings()
    try:
        query, _origin = build_query(
            near=args.near, radius_km=args.radius_km, q=" ".join(args.text) or None,
            age=args.age, max_price=args.max_price, free=args.free or None,
            wheelchair=args.wheelchair or None, step_free=None,
            hearing_loop=args.hearing_loop or None, categories=args.category,
            weekday=args.weekday, drop_in=args.drop_in or None,
            municipality=args.municipality, strict=args.strict, sort=args.sort,
            limit=args.limit, offset=0, known_categories=set(CATEGORY_LABELS),
            geocoder=make_geocoder(settings, with_cache=False), time_of_day=args.time_of_day,
        )
    except (ParamError, ValueError) as exc:
        print(f"fkort search: {getattr(exc, 'en', None) or exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.db:
        settings = settings.model_copy(update={"db_path": Path(args.db)})
    index = open_index(settings)
    result = index.search(query.model_copy(update={"now": clock.now()}))
    if args.json:
        print(result.model_dump_json(indent=2))
        return EXIT_OK
    print(f"{result.total} fundet")
    for hit in result.hits:
        a = hit.activity
        nxt = next_occurrences(a.schedule, clock.now(), 1)
        first = when(nxt[0], duration(a.schedule)) if nxt else "tidspunkt ikke oplyst"
        print(f"- {a.title}  {km(hit.distance_km)}\n    {where(a)} · {first} · {price(a.price)}")
    return EXIT_OK
