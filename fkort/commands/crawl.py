"""Crawl sources into the index (all, by name, or those whose schedule is due)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from core import clock
from core.settings import Settings, get_settings
from crawlers import hostmap
from crawlers.run import SourceReport, crawl
from crawlers.sources import SourceConfig, SourcesError, load_sources
from fkort.commands._base import (
    EXIT_BUSY,
    EXIT_DEGRADED,
    EXIT_FAILED,
    EXIT_GUARDED,
    EXIT_OK,
    EXIT_PARTIAL,
    EXIT_USAGE,
    Subparsers,
)
from index import open_index
from records.locks import SourceLocks
from records.runlog import RunLog


def add_parser(sub: Subparsers) -> None:
    p = sub.add_parser("crawl", help="crawl sources into the index")
    p.add_argument("--source", action="append", help="only this source (repeatable)")
    p.add_argument("--sources", help="sources file (default: FKORT_SOURCES or sources.toml)")
    p.add_argument("--db", help="SQLite index file (default: FKORT_DB_PATH)")
    p.add_argument("--settings", default="crawlers.settings.prod",
                   help="Scrapy settings module")
    p.add_argument("--substitute", action="append", metavar="KEY=VALUE",
                   help="replace {KEY} in the sources file")
    p.add_argument("--no-cache", action="store_true", help="bypass the HTTP cache")
    p.add_argument("--set", action="append", metavar="NAME=VALUE",
                   help="override a Scrapy setting for this run (e.g. DOWNLOAD_TIMEOUT=5)")
    p.add_argument("--json", action="store_true", help="print the run report as JSON")
    p.add_argument("--due", action="store_true",
                   help="only the sources whose schedule says they are due (for cron)")
    p.add_argument("--log-level", default="INFO")
    p.add_argument("--log-format", choices=["text", "json"], default="text",
                   help="json: one JSON object per log line on stderr")
    p.set_defaults(func=run)


def _print_reports(reports: list[SourceReport], as_json: bool) -> None:
    if as_json:
        print(json.dumps([r.as_dict() for r in reports], ensure_ascii=False, indent=2))
        return
    header = (f"{'kilde':<24} {'status':<8} {'sider':>5} {'304':>5} {'nye':>4} {'ændr.':>5} "
              f"{'uænd.':>5} {'væk':>4} {'beholdt':>7} {'afvist':>6} {'fejl':>4}")
    print(header)
    print("-" * len(header))
    for r in reports:
        print(f"{r.source:<24} {r.status:<8} {r.pages:>5} {r.revalidated:>5} {r.new:>4} "
              f"{r.changed:>5} {r.unchanged:>5} {r.gone:>4} {r.kept:>7} {r.dropped:>6} "
              f"{sum(r.errors.values()):>4}")
    if reports and reports[0].merged:
        print(f"Sammenlagt på tværs af kilder: {reports[0].merged} poster skrevet")
    for r in reports:
        _print_details(r)


#: How the summary names an activity indexed as not taking place.
_NOT_TAKING_PLACE = {"cancelled": "aflyst", "postponed": "udsat"}


def _print_details(r: SourceReport) -> None:
    """What the summary table counts, named: why the status, what went, what was kept."""
    if r.reason:
        print(f"  {r.source}: {r.status}: {r.reason}")
    for label, items in (("væk", r.gone_items), ("beholdt", r.kept_items),
                         ("holdt tilbage", r.held_items), ("mangler", r.missing_items)):
        for it in items:
            print(f"  {r.source}: {label} ({it['why']}) {it['id']} «{it['title']}» "
                  f"{it['url']}".rstrip())
    for p in r.problems:
        print(f"  {r.source}: {p['reason']} {p['url']} {p.get('detail', '')}".rstrip())
    for d in r.dropped_items:
        print(f"  {r.source}: afvist ({d['reason']}) {d['url']}")
    for k in r.skipped_items:
        print(f"  {r.source}: sprunget over ({k['reason']}) {k.get('detail', '')} {k['url']}")
    for n in r.not_taking_place_items:
        said = f" ({n['text']})" if n.get("text") else ""
        print(f"  {r.source}: {_NOT_TAKING_PLACE.get(n['status'], n['status'])}{said} "
              f"{n['id']} «{n['title']}» {n['url']}")
    for fix in r.repairs:
        print(f"  {r.source}: rettet ({fix['reason']}: {fix.get('detail', '')}) {fix['url']}")


def _due(sources: list[SourceConfig], settings: Settings) -> list[SourceConfig]:
    """The sources whose schedule says they are due now (see records.crawl_schedule)."""
    log = RunLog(settings.data_dir / "crawls.db")
    now = clock.now()
    due = []
    try:
        for s in sources:
            last = log.latest(s.name)
            started = last.started if last else None
            if s.timing.is_due(started, now):
                due.append(s)
            else:
                nxt = s.timing.next_due(started)
                when = f"next at {nxt:%Y-%m-%d %H:%M}" if nxt else "manual: only by name"
                print(f"fkort crawl: {s.name} not due ({s.schedule}; {when})", file=sys.stderr)
    finally:
        log.close()
    return due


class _Stop(Exception):
    """Nothing to crawl: the command ends with this exit code."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def _usage(message: str) -> _Stop:
    print(f"fkort crawl: {message}", file=sys.stderr)
    return _Stop(EXIT_USAGE)


def _selected(args: argparse.Namespace, settings: Settings) -> list[SourceConfig]:
    """The enabled sources the command names (all by default; only the due ones with --due)."""
    substitute = dict(kv.split("=", 1) for kv in args.substitute or [])
    try:
        sources = load_sources(Path(args.sources or settings.sources), substitute=substitute)
    except SourcesError as exc:
        raise _usage(str(exc)) from None
    if args.source:
        wanted = set(args.source)
        unknown = wanted - {s.name for s in sources}
        if unknown:
            raise _usage(f"unknown source(s): {', '.join(sorted(unknown))}")
        sources = [s for s in sources if s.name in wanted]
    _say_disabled([s for s in sources if not s.enabled], bool(args.source),
                  Path(args.sources or settings.sources))
    sources = [s for s in sources if s.enabled]
    if not sources:
        raise _usage("no sources to crawl")
    if args.due:
        sources = _due(sources, settings)
        if not sources:
            print("fkort crawl: no source is due", file=sys.stderr)
            raise _Stop(EXIT_OK)
    return sources


def _say_disabled(disabled: list[SourceConfig], named: bool, path: Path) -> None:
    """Say which sources are switched off and how to switch them on: one line each when
    named, one line for all otherwise."""
    how = f"set `enabled = true` in its [[source]] in {path} (or remove the line)"
    if named:
        for s in disabled:
            print(f"fkort crawl: {s.name} is disabled; to crawl it, {how}", file=sys.stderr)
    elif disabled:
        names = ", ".join(s.name for s in disabled)
        print(f"fkort crawl: {len(disabled)} disabled source(s) not crawled ({names}); to "
              f"crawl one, {how}", file=sys.stderr)


def _unlocked(sources: list[SourceConfig], locks: SourceLocks) -> list[SourceConfig]:
    """The sources no other run is crawling now, locked by this run for as long as `locks`
    lives; the others are said and skipped."""
    busy = [s for s in sources if not locks.acquire(s.name)]
    for s in busy:
        print(f"fkort crawl: {s.name} is being crawled by another run (pid "
              f"{locks.holder(s.name)}); skipped", file=sys.stderr)
    free = [s for s in sources if s not in busy]
    if not free:
        raise _Stop(EXIT_BUSY)
    return free


def _scrapy_overrides(args: argparse.Namespace) -> dict[str, Any]:
    overrides: dict[str, Any] = {"LOG_LEVEL": args.log_level,
                                 "FKORT_LOG_JSON": args.log_format == "json"}
    for item in args.set or []:
        key, _, value = item.partition("=")
        overrides[key.strip()] = value.strip()
    if args.no_cache:
        overrides["HTTPCACHE_ENABLED"] = False
    return overrides


def _check_host_map(text: str) -> None:
    """A host map that cannot be read stops the run before any request (crawlers.hostmap)."""
    try:
        hostmap.parse(text)
    except hostmap.HostMapError as exc:
        raise _usage(str(exc)) from None


def _exit_code(reports: list[SourceReport]) -> int:
    """The first that applies: every source failed (1), some did (3), a run was guarded (6),
    a run was degraded (5), pages had problems or items were dropped (3), all well (0)."""
    statuses = {r.status for r in reports}
    if statuses == {"failed"}:
        return EXIT_FAILED
    if "failed" in statuses:
        return EXIT_PARTIAL
    if "guarded" in statuses:
        return EXIT_GUARDED
    if "degraded" in statuses:
        return EXIT_DEGRADED
    if any(r.errors or r.dropped for r in reports):
        return EXIT_PARTIAL
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    settings = get_settings()
    # Held until this process ends: the lock files stay locked while `locks` is alive.
    locks = SourceLocks(settings.data_dir / "locks")
    try:
        overrides = _scrapy_overrides(args)
        _check_host_map(overrides.get("FKORT_HOST_MAP", settings.host_map))
        sources = _unlocked(_selected(args, settings), locks)
    except _Stop as stop:
        return stop.code
    try:
        # An index that cannot be used stops the run before any request (IndexUnavailable:
        # one clear line, exit 2), instead of a crawl whose every item would fail.
        open_index(settings.model_copy(update={"db_path": Path(args.db or settings.db_path)}),
                   settings.backend).close()
        if args.log_format == "text":
            print(f"Crawler {len(sources)} kilde(r) ind i {args.db or settings.db_path} ...",
                  file=sys.stderr)
        reports = crawl(
            sources,
            db_path=Path(args.db or settings.db_path),
            backend=settings.backend,
            settings_module=args.settings,
            overrides=overrides,
        )
    finally:
        locks.release_all()
    _print_reports(reports, args.json)
    return _exit_code(reports)
