"""Serve the API and the web pages."""

from __future__ import annotations

import argparse
import copy
import os
import socket
from typing import Any

import uvicorn
from uvicorn.config import LOGGING_CONFIG
from uvicorn.supervisors import Multiprocess

from fkort.commands._base import (
    EXIT_OK,
    Subparsers,
    settings_for,
)
from index import open_index
from normalize.geo.logfilter import HideQueries
from search_api.main import create_app

#: uvicorn's names for log levels; "trace" is below debug (uvicorn's ASGI messages).
LOG_LEVELS = {"critical": 50, "error": 40, "warning": 30, "info": 20, "debug": 10, "trace": 5}


def add_parser(sub: Subparsers) -> None:
    p = sub.add_parser("serve", help="serve the API and web pages")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--db", help="SQLite index file")
    p.add_argument("--log-level", choices=list(LOG_LEVELS), default="warning",
                   help="for every logger, ours and the libraries' (default: warning)")
    p.add_argument("--workers", type=int, default=default_workers(),
                   help="server processes, each with its own open index (default: one per CPU "
                        f"core, at most {MAX_DEFAULT_WORKERS}; here {default_workers()})")
    p.add_argument("--access-log", action="store_true",
                   help="log each request (on stdout), with the values in its query string "
                        "hidden: a `near` there is a citizen's address")
    p.set_defaults(func=run)


#: The default's ceiling: a search is CPU work in Python, so more processes than cores only
#: queue; each holds its own index handle and geocoder.
MAX_DEFAULT_WORKERS = 4


def default_workers() -> int:
    """One server process per CPU core this process may use, at most MAX_DEFAULT_WORKERS."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(MAX_DEFAULT_WORKERS, cores or 1))


class TcpConfig(uvicorn.Config):
    """uvicorn's config, with its listening socket marked as TCP. uvicorn binds the socket for
    several workers itself with `proto` 0; the connections accepted on it inherit that, and
    asyncio then leaves Nagle's algorithm on (it sets TCP_NODELAY only for IPPROTO_TCP), so
    every answer on a kept-alive connection waited ~40 ms for the client's delayed ACK
    (measured: /health 55 ms with 2 workers, 2 ms with 1; uvicorn issue #3149)."""

    def bind_socket(self) -> socket.socket:
        sock = super().bind_socket()
        if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.proto == 0:
            sock = socket.socket(sock.family, sock.type, socket.IPPROTO_TCP,
                                 fileno=sock.detach())
            sock.set_inheritable(True)
        return sock


def log_config(level: str) -> dict[str, Any]:
    """uvicorn's logging, plus a root logger at this level for every other logger, with query
    values hidden (normalize.geo.logfilter) in every line any handler writes."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {"hide_queries": {"()": HideQueries}}
    for handler in config["handlers"].values():
        handler["filters"] = ["hide_queries"]
    config["root"] = {"handlers": ["default"], "level": LOG_LEVELS[level]}
    return config


def run(args: argparse.Namespace) -> int:
    settings = settings_for(args)
    workers = max(1, getattr(args, "workers", None) or default_workers())
    # An index that cannot be used is one clear line here (IndexUnavailable, exit 2), not a
    # traceback in each worker process that its supervisor would keep restarting.
    open_index(settings).close()
    print(f"Fællesskabskort kører på http://{args.host}:{args.port}/", flush=True)
    # The access log is off unless asked for: request lines may carry a citizen's address in
    # `near` (GET /v1/activities). When on, every query value is hidden. (`fkort demo` calls
    # this without the logging and worker options: the defaults then.)
    level = getattr(args, "log_level", "warning")
    options: dict[str, Any] = {
        "host": args.host, "port": args.port, "access_log": getattr(args, "access_log", False),
        "log_level": level, "log_config": log_config(level),
        "proxy_headers": False}  # the app reads them: FKORT_FORWARDED_ALLOW_IPS
    if workers == 1:
        uvicorn.run(create_app(settings), **options)
        return EXIT_OK
    # Several processes each build the app (uvicorn imports it by name in each), from the
    # environment: the index file `--db` names is handed on there.
    os.environ["FKORT_DB_PATH"] = str(settings.db_path)
    config = TcpConfig("search_api.main:app_factory", factory=True, workers=workers, **options)
    Multiprocess(config, sockets=[config.bind_socket()]).run()
    return EXIT_OK
