"""The offline demo: serve the bundled sites, crawl them, serve the API."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from core.settings import get_settings
from fkort.commands._base import (
    DEMO_DIR,
    EXIT_OK,
    EXIT_PARTIAL,
    Subparsers,
)
from fkort.commands.serve import run as serve_run
from fkort.sites import serve_sites


def add_parser(sub: Subparsers) -> None:
    p = sub.add_parser("demo", help="crawl the bundled demo sites and serve them")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--data-dir", default="data")
    p.add_argument("--no-serve", action="store_true", help="crawl only, then exit")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Serve the bundled demo sites, crawl them into a fresh index, then serve the API."""
    data = Path(args.data_dir)
    data.mkdir(parents=True, exist_ok=True)
    db = data / "demo.db"
    for stale in (db, db.with_suffix(".db-wal"), db.with_suffix(".db-shm")):
        stale.unlink(missing_ok=True)
    servers = serve_sites(DEMO_DIR / "sites")
    try:
        substitute = [f"{name}={srv.base_url}" for name, srv in servers.items()]
        print("Demo-sider kører lokalt:", ", ".join(s.base_url for s in servers.values()),
              file=sys.stderr)
        # The crawl runs in its own process: Scrapy's reactor cannot be restarted in this one.
        env = {**os.environ, "FKORT_DATA_DIR": str(data), "FKORT_HTTP_CACHE": "false"}
        cmd = [sys.executable, "-m", "fkort", "crawl", "--sources",
               str(DEMO_DIR / "sources.toml"), "--db", str(db), "--settings",
               "crawlers.settings.local", "--log-level", "WARNING",
               *(x for s in substitute for x in ("--substitute", s))]
        started = time.monotonic()
        code = subprocess.call(cmd, env=env)
        print(f"Crawl færdig på {time.monotonic() - started:.1f} s (kode {code}).",
              file=sys.stderr)
        if code not in (EXIT_OK, EXIT_PARTIAL):
            return code
    finally:
        if args.no_serve:
            for srv in servers.values():
                srv.stop()
    if args.no_serve:
        return EXIT_OK
    os.environ["FKORT_DB_PATH"] = str(db)
    get_settings.cache_clear()
    serve = argparse.Namespace(host=args.host, port=args.port, db=str(db))
    return serve_run(serve)
