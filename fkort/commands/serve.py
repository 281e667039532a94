"""Serve the API and the web pages."""

from __future__ import annotations

import argparse
from pathlib import Path

import uvicorn

from core.settings import get_settings
from fkort.commands._base import (
    EXIT_OK,
    Subparsers,
)
from search_api.main import create_app


def add_parser(sub: Subparsers) -> None:
    p = sub.add_parser("serve", help="serve the API and web pages")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--db", help="SQLite index file")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = get_settings()
    if args.db:
        settings = settings.model_copy(update={"db_path": Path(args.db)})
    app = create_app(settings)
    print(f"Fællesskabskort kører på http://{args.host}:{args.port}/", flush=True)
    # No access log: request lines carry the citizen's address in `near`.
    uvicorn.run(app, host=args.host, port=args.port, access_log=False, log_level="warning",
                proxy_headers=False)  # the app reads them: FKORT_FORWARDED_ALLOW_IPS
    return EXIT_OK
