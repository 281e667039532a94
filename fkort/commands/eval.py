"""Accuracy of the normalisers on a labelled gold set."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path

from fkort.commands._base import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    Subparsers,
)
from fkort.evaluate import FieldReport, GoldError, evaluate, load_cases


def add_parser(sub: Subparsers) -> None:
    p = sub.add_parser("eval", help="accuracy of the normalisers on a gold set")
    p.add_argument("--gold", default="tests/gold", help="a .jsonl file or a folder of them")
    p.add_argument("--field", choices=["schedule", "age", "price", "accessibility",
                                       "category", "drop_in"])
    p.add_argument("--min-accuracy", type=float, default=0.95)
    p.add_argument("--json", action="store_true")
    p.add_argument("--show", type=int, default=1000, help="failures to print per field")
    p.set_defaults(func=run)


def _print_classes(reports: Iterable[FieldReport]) -> None:
    """Accuracy per field and class of difficulty, for gold cases that name their class."""
    rows = [(r.name, k, n, c) for r in reports for k, (n, c) in sorted(r.by_class.items())]
    if not rows:
        return
    print(f"\n{'field':<14} {'class':<24} {'cases':>5} {'correct':>7} {'accuracy':>8}")
    for name, klass, n, c in rows:
        print(f"{name:<14} {klass:<24} {n:>5} {c:>7} {c / n:>8.3f}")


def run(args: argparse.Namespace) -> int:
    """Accuracy of the normalisers on a labelled gold set, per field."""
    try:
        cases = load_cases(Path(args.gold))
    except GoldError as exc:
        print(f"fkort eval: {exc}", file=sys.stderr)
        return EXIT_USAGE
    reports = evaluate(cases, args.field)
    if not reports:
        print(f"fkort eval: no cases{' for ' + args.field if args.field else ''}", file=sys.stderr)
        return EXIT_USAGE
    below = [r.name for r in reports.values() if r.accuracy < args.min_accuracy]
    if args.json:
        print(json.dumps({
            "min_accuracy": args.min_accuracy,
            "fields": {f: {"cases": r.cases, "correct": r.correct,
                           "accuracy": round(r.accuracy, 4), "failures": r.failures,
                           "by_class": {k: {"cases": n, "correct": c}
                                        for k, (n, c) in sorted(r.by_class.items())}}
                       for f, r in reports.items()},
            "below": below,
        }, ensure_ascii=False, indent=2))
    else:
        print(f"{'field':<14} {'cases':>5} {'correct':>7} {'accuracy':>8}")
        for r in reports.values():
            mark = "  < min" if r.name in below else ""
            print(f"{r.name:<14} {r.cases:>5} {r.correct:>7} {r.accuracy:>8.3f}{mark}")
        _print_classes(reports.values())
        for r in reports.values():
            for fail in r.failures[: args.show]:
                print(f"\n[{r.name}] {fail['id']}: {fail['text']!r} (ref {fail['ref']})")
                print(f"  expected: {json.dumps(fail['expected'], ensure_ascii=False)}")
                print(f"  got:      {json.dumps(fail['got'], ensure_ascii=False)}")
    return EXIT_FAILED if below else EXIT_OK
