"""Print the JSON Schema of Activity and Organization."""

from __future__ import annotations

import argparse
import json

from core.schema import json_schemas
from fkort.commands._base import (
    EXIT_OK,
    Subparsers,
)


def add_parser(sub: Subparsers) -> None:
    p = sub.add_parser("schema", help="print the JSON Schema of Activity and Organization")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    print(json.dumps(json_schemas(), ensure_ascii=False, indent=2))
    return EXIT_OK
