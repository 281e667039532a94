"""Correction and removal requests: list, approve, reject."""

from __future__ import annotations

import argparse
import json
import sys

from fkort.commands._base import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    Subparsers,
    settings_for,
)
from index import open_index
from records.request_fields import RequestError
from records.request_store import RequestStore


def add_parser(sub: Subparsers) -> None:
    p = sub.add_parser("requests", help="correction and removal requests: list, approve, reject")
    p.add_argument("action", choices=["list", "approve", "reject"])
    p.add_argument("id", nargs="?", type=int, help="the request (approve, reject)")
    p.add_argument("--status", default="pending", choices=["pending", "approved", "rejected"],
                   help="list only these (default: pending)")
    p.add_argument("--all", action="store_true", help="list every request")
    p.add_argument("--reason", help="why a request is rejected (kept with it)")
    p.add_argument("--db", help="SQLite index file (default: FKORT_DB_PATH)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Correction and removal requests: list them, approve or reject one."""
    settings = settings_for(args)
    store = RequestStore.for_data_dir(settings.data_dir)
    try:
        if args.action == "list":
            found = store.find(None if args.all else args.status)
            if args.json:
                print(json.dumps([{**r.__dict__, "created": r.created.isoformat() if r.created
                                   else None, "decided": r.decided.isoformat() if r.decided
                                   else None} for r in found], ensure_ascii=False, indent=2))
                return EXIT_OK
            if not found:
                print("Ingen anmodninger.")
            for r in found:
                change = (f"{r.field} = {r.proposed_value!r}" if r.field else
                          "fjern" if r.kind == "removal" else "se beskeden")
                print(f"#{r.id} {r.status:<8} {r.kind:<10} {r.target_type} {r.target_id}: "
                      f"{change}\n    fra {r.requester_name} <{r.requester_contact}>: "
                      f"{r.message}")
            return EXIT_OK
        if args.id is None:
            print(f"fkort requests {args.action}: give the request's id", file=sys.stderr)
            return EXIT_USAGE
        try:
            if args.action == "approve":
                index = open_index(settings)
                try:
                    req = store.approve(args.id, index)
                finally:
                    index.close()
                what = ("skjult" if req.kind == "removal" else
                        f"{req.field} rettet" if req.field else "godkendt (intet felt at rette)")
                print(f"#{req.id} godkendt: {req.target_type} {req.target_id} {what}.")
            else:
                req = store.reject(args.id, args.reason)
                print(f"#{req.id} afvist.")
        except RequestError as exc:
            print(f"fkort requests: {exc.en}", file=sys.stderr)
            return EXIT_USAGE if exc.code != "invalid_value" else EXIT_FAILED
        return EXIT_OK
    finally:
        store.close()
