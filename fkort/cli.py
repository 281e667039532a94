"""The `fkort` command: crawl, serve, search, schema, demo."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from core.settings import get_settings
from fkort import __version__
from index import open_index
from normalize.geo.chain import make_geocoder

REPO_ROOT = Path(__file__).resolve().parent.parent
DEMO_DIR = REPO_ROOT / "demo"

#: Exit codes, for cron and scripts.
#: 4: every source asked for is already being crawled by another run.
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_PARTIAL, EXIT_BUSY = 0, 1, 2, 3, 4


def _print_reports(reports: list[Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps([r.as_dict() for r in reports], ensure_ascii=False, indent=2))
        return
    header = (f"{'kilde':<24} {'status':<8} {'sider':>5} {'304':>5} {'nye':>4} {'ændr.':>5} "
              f"{'uænd.':>5} {'væk':>4} {'afvist':>6} {'fejl':>4}")
    print(header)
    print("-" * len(header))
    for r in reports:
        status = "guarded" if r.guard else r.status
        print(f"{r.source:<24} {status:<8} {r.pages:>5} {r.revalidated:>5} {r.new:>4} "
              f"{r.changed:>5} {r.unchanged:>5} {r.gone:>4} {r.dropped:>6} "
              f"{sum(r.errors.values()):>4}")
    if reports and reports[0].merged:
        print(f"Sammenlagt på tværs af kilder: {reports[0].merged} poster skrevet")
    for r in reports:
        if r.guard:
            print(f"  {r.source}: {r.guard}")
    for r in reports:
        for p in r.problems:
            print(f"  {r.source}: {p['reason']} {p['url']} {p.get('detail', '')}".rstrip())
        for d in r.dropped_items:
            print(f"  {r.source}: afvist ({d['reason']}) {d['url']}")


def _due(sources: list[Any], settings: Any) -> list[Any]:
    """The sources whose schedule says they are due now (see records.crawl_schedule)."""
    from core import clock
    from records.runlog import RunLog

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


def cmd_crawl(args: argparse.Namespace) -> int:
    from crawlers.run import crawl
    from crawlers.sources import SourcesError, load_sources

    settings = get_settings()
    substitute = dict(kv.split("=", 1) for kv in args.substitute or [])
    try:
        sources = load_sources(Path(args.sources or settings.sources), substitute=substitute)
    except SourcesError as exc:
        print(f"fkort crawl: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.source:
        wanted = set(args.source)
        unknown = wanted - {s.name for s in sources}
        if unknown:
            print(f"fkort crawl: unknown source(s): {', '.join(sorted(unknown))}", file=sys.stderr)
            return EXIT_USAGE
        sources = [s for s in sources if s.name in wanted]
    sources = [s for s in sources if s.enabled]
    if not sources:
        print("fkort crawl: no sources to crawl", file=sys.stderr)
        return EXIT_USAGE
    if args.due:
        sources = _due(sources, settings)
        if not sources:
            print("fkort crawl: no source is due", file=sys.stderr)
            return EXIT_OK
    from records.locks import SourceLocks

    locks = SourceLocks(settings.data_dir / "locks")
    busy = [s for s in sources if not locks.acquire(s.name)]
    for s in busy:
        print(f"fkort crawl: {s.name} is being crawled by another run (pid "
              f"{locks.holder(s.name)}); skipped", file=sys.stderr)
    sources = [s for s in sources if s not in busy]
    if not sources:
        return EXIT_BUSY
    overrides: dict[str, Any] = {"LOG_LEVEL": args.log_level,
                                 "FKORT_LOG_JSON": args.log_format == "json"}
    for item in args.set or []:
        key, _, value = item.partition("=")
        overrides[key.strip()] = value.strip()
    if args.no_cache:
        overrides["HTTPCACHE_ENABLED"] = False
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
    _print_reports(reports, args.json)
    failed = [r for r in reports if r.status != "ok"]
    if len(failed) == len(reports):
        return EXIT_FAILED
    if failed or any(r.errors or r.dropped for r in reports):
        return EXIT_PARTIAL
    return EXIT_OK


def cmd_schedule(args: argparse.Namespace) -> int:
    """A long-lived scheduler (APScheduler) for operators without cron: each source is crawled
    on its schedule, in a child process of its own; missed runs are made up once at start."""
    from crawlers.sources import SourcesError, load_sources
    from fkort.scheduler import run_scheduler

    settings = get_settings()
    path = Path(args.sources or settings.sources)
    try:
        sources = [s for s in load_sources(path) if s.enabled]
    except SourcesError as exc:
        print(f"fkort schedule: {exc}", file=sys.stderr)
        return EXIT_USAGE
    extra = ["--settings", args.settings, "--log-format", args.log_format]
    if args.db:
        extra += ["--db", args.db]
    return run_scheduler(sources, path, settings, extra, workers=args.workers,
                         json_lines=args.log_format == "json")


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from search_api.main import create_app

    settings = get_settings()
    if args.db:
        settings = settings.model_copy(update={"db_path": Path(args.db)})
    app = create_app(settings)
    print(f"Fællesskabskort kører på http://{args.host}:{args.port}/", flush=True)
    # No access log: request lines carry the citizen's address in `near`.
    uvicorn.run(app, host=args.host, port=args.port, access_log=False, log_level="warning",
                proxy_headers=True, forwarded_allow_ips=settings.forwarded_allow_ips)
    return EXIT_OK


def cmd_search(args: argparse.Namespace) -> int:
    from core import clock
    from normalize.category import CATEGORY_LABELS
    from normalize.schedule import duration, next_occurrences
    from search_api.formatting import km, price, when, where
    from search_api.params import ParamError, build_query

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


def cmd_schema(args: argparse.Namespace) -> int:
    from core.schema import json_schemas

    print(json.dumps(json_schemas(), ensure_ascii=False, indent=2))
    return EXIT_OK


def cmd_eval(args: argparse.Namespace) -> int:
    """Accuracy of the normalisers on a labelled gold set, per field."""
    from fkort.evaluate import GoldError, evaluate, load_cases

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
                           "accuracy": round(r.accuracy, 4), "failures": r.failures}
                       for f, r in reports.items()},
            "below": below,
        }, ensure_ascii=False, indent=2))
    else:
        print(f"{'field':<14} {'cases':>5} {'correct':>7} {'accuracy':>8}")
        for r in reports.values():
            mark = "  < min" if r.name in below else ""
            print(f"{r.name:<14} {r.cases:>5} {r.correct:>7} {r.accuracy:>8.3f}{mark}")
        for r in reports.values():
            for fail in r.failures[: args.show]:
                print(f"\n[{r.name}] {fail['id']}: {fail['text']!r} (ref {fail['ref']})")
                print(f"  expected: {json.dumps(fail['expected'], ensure_ascii=False)}")
                print(f"  got:      {json.dumps(fail['got'], ensure_ascii=False)}")
    return EXIT_FAILED if below else EXIT_OK


def _next_due(source: Any, last: Any) -> str | None:
    """When the source is next due ("now" when it is), or None for a manual schedule."""
    if source is None:
        return None
    from core import clock

    due = source.timing.next_due(last.started if last else None)
    if due is None:
        return None
    return "now" if due <= clock.now() else due.isoformat(timespec="minutes")


def cmd_sources(args: argparse.Namespace) -> int:
    """The health of every source: its last run, its last good run, what it holds."""
    from crawlers.sources import SourcesError, load_sources
    from records.runlog import RunLog

    settings = get_settings()
    try:
        configured = {s.name: s for s in load_sources(Path(args.sources or settings.sources))}
    except SourcesError:
        configured = {}
    names = list(configured)
    log = RunLog(settings.data_dir / "crawls.db")
    rows: list[dict[str, Any]] = []
    for name in sorted(set(names) | set(log.sources())):
        last, good = log.latest(name), log.good(name, 1)
        rows.append({
            "source": name,
            "configured": name in names,
            "last_run": last.finished.isoformat() if last else None,
            "last_status": last.status if last else "never",
            "last_good_run": good[0].finished.isoformat() if good else None,
            "activities": good[0].items if good else 0,
            "gone_last_run": last.gone if last else 0,
            "errors_last_run": sum((last.report.get("errors") or {}).values()) if last else 0,
            "guard": last.report.get("guard") if last else None,
            "schedule": configured[name].schedule if name in configured else None,
            "next_due": _next_due(configured.get(name), last),
        })
    log.close()
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    print(f"{'kilde':<24} {'seneste':<8} {'kørt':<20} {'seneste gode':<20} {'aktiv.':>6} "
          f"{'fejl':>4}  {'næste':<16}")
    for r in rows:
        print(f"{r['source']:<24} {r['last_status']:<8} {(r['last_run'] or '-')[:19]:<20} "
              f"{(r['last_good_run'] or '-')[:19]:<20} {r['activities']:>6} "
              f"{r['errors_last_run']:>4}  {(r['next_due'] or '-')[:16]:<16}")
        if r["guard"]:
            print(f"  {r['guard']}")
    failing = [r for r in rows if r["configured"] and r["last_status"] in ("failed", "never")]
    return EXIT_PARTIAL if failing else EXIT_OK


def cmd_duplicates(args: argparse.Namespace) -> int:
    """The merged records (one offer found by several sources), and why they were merged."""
    from core import clock
    from core.schema import Status
    from records.merging import explain, merge_duplicates, plan
    from records.request_store import load_overrides

    settings = get_settings()
    if args.db:
        settings = settings.model_copy(update={"db_path": Path(args.db)})
    index = open_index(settings)
    try:
        if args.explain:
            lines = explain(index, args.explain, clock.now())
            print("\n".join(lines))
            return EXIT_USAGE if lines[0].startswith("no activity") else EXIT_OK
        if args.apply:
            report = merge_duplicates(index, clock.now(), load_overrides(settings.data_dir))
            print(f"{len(report.clusters)} aktiviteter fundet i flere kilder; skrevet: "
                  f"{report.new} nye, {report.changed} ændrede sammenlagte poster; "
                  f"{report.hidden} skjult bag dem, {report.released} vist igen, "
                  f"{report.retired} opløst")
            return EXIT_OK
        merged = [a for a in index.all_activities()
                  if a.merged_from and a.status is Status.active]
        if args.json:
            print(json.dumps([{"id": a.id, "title": a.title, "members": a.merged_from,
                               "sources": [s.name for s in a.sources]} for a in merged],
                             ensure_ascii=False, indent=2))
            return EXIT_OK
        pending, _ = plan(list(index.all_activities()), clock.now())
        for a in merged:
            print(f"{a.id}  {a.title}\n    kilder: {', '.join(s.name for s in a.sources)}")
        print(f"{len(merged)} sammenlagte aktiviteter"
              + ("" if len(pending.clusters) == len(merged) else
                 f" ({len(pending.clusters)} efter næste sammenlægning: fkort duplicates "
                 "--apply)"))
        return EXIT_OK
    finally:
        index.close()


def cmd_index(args: argparse.Namespace) -> int:
    """Copy the embedded store into a search engine as a fresh index (alias swapped at once)."""
    settings = get_settings()
    source_db = Path(args.from_db or settings.db_path)
    if not source_db.exists():
        print(f"fkort index: no embedded store at {source_db}", file=sys.stderr)
        return EXIT_USAGE
    from index.backends.sqlite import SQLiteBackend

    source = SQLiteBackend(source_db)
    try:
        target = open_index(settings, args.backend)
    except ValueError as exc:
        print(f"fkort index: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not args.rebuild or not hasattr(target, "rebuild"):
        print("fkort index: only --rebuild into a search engine backend is supported",
              file=sys.stderr)
        return EXIT_USAGE
    started = time.monotonic()
    try:
        stats = target.rebuild(source.all_activities())
    except Exception as exc:  # the engine went away: the old index still serves
        print(f"fkort index: rebuild failed ({type(exc).__name__}: {exc}); the previous "
              "index is still serving", file=sys.stderr)
        return EXIT_FAILED
    print(f"Indekseret {stats.new + stats.changed} aktiviteter i {args.backend} på "
          f"{time.monotonic() - started:.1f} s; fejl: {len(stats.errors)}")
    for activity_id, reason in stats.errors[:20]:
        print(f"  {activity_id}: {reason}")
    return EXIT_PARTIAL if stats.errors else EXIT_OK


def cmd_requests(args: argparse.Namespace) -> int:
    """Correction and removal requests: list them, approve or reject one."""
    from records.request_fields import RequestError
    from records.request_store import RequestStore

    settings = get_settings()
    if args.db:
        settings = settings.model_copy(update={"db_path": Path(args.db)})
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


def cmd_demo(args: argparse.Namespace) -> int:
    """Serve the bundled demo sites, crawl them into a fresh index, then serve the API."""
    from fkort.sites import serve_sites

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
    return cmd_serve(serve)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="fkort", description=__doc__)
    p.add_argument("--version", action="version", version=f"fkort {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    c = sub.add_parser("crawl", help="crawl sources into the index")
    c.add_argument("--source", action="append", help="only this source (repeatable)")
    c.add_argument("--sources", help="sources file (default: FKORT_SOURCES or sources.toml)")
    c.add_argument("--db", help="SQLite index file (default: FKORT_DB_PATH)")
    c.add_argument("--settings", default="crawlers.settings.prod",
                   help="Scrapy settings module")
    c.add_argument("--substitute", action="append", metavar="KEY=VALUE",
                   help="replace {KEY} in the sources file")
    c.add_argument("--no-cache", action="store_true", help="bypass the HTTP cache")
    c.add_argument("--set", action="append", metavar="NAME=VALUE",
                   help="override a Scrapy setting for this run (e.g. DOWNLOAD_TIMEOUT=5)")
    c.add_argument("--json", action="store_true", help="print the run report as JSON")
    c.add_argument("--due", action="store_true",
                   help="only the sources whose schedule says they are due (for cron)")
    c.add_argument("--log-level", default="INFO")
    c.add_argument("--log-format", choices=["text", "json"], default="text",
                   help="json: one JSON object per log line on stderr")
    c.set_defaults(func=cmd_crawl)

    sch = sub.add_parser("schedule", help="run every source on its schedule, until stopped")
    sch.add_argument("--sources", help="sources file (default: FKORT_SOURCES)")
    sch.add_argument("--db", help="SQLite index file (default: FKORT_DB_PATH)")
    sch.add_argument("--settings", default="crawlers.settings.prod",
                     help="Scrapy settings module")
    sch.add_argument("--workers", type=int, default=2, help="crawls at the same time")
    sch.add_argument("--log-format", choices=["text", "json"], default="text")
    sch.set_defaults(func=cmd_schedule)

    s = sub.add_parser("serve", help="serve the API and web pages")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--db", help="SQLite index file")
    s.set_defaults(func=cmd_serve)

    q = sub.add_parser("search", help="search the index from the command line")
    q.add_argument("text", nargs="*")
    q.add_argument("--near", help="address, postcode, town or lat,lon (never stored)")
    q.add_argument("--radius-km", type=float)
    q.add_argument("--age", type=int)
    q.add_argument("--max-price", type=float)
    q.add_argument("--free", action="store_true")
    q.add_argument("--wheelchair", action="store_true")
    q.add_argument("--hearing-loop", action="store_true")
    q.add_argument("--drop-in", action="store_true")
    q.add_argument("--category", action="append")
    q.add_argument("--weekday", action="append")
    q.add_argument("--time-of-day", action="append", metavar="PART",
                   help="formiddag, eftermiddag or aften (repeatable)")
    q.add_argument("--municipality")
    q.add_argument("--strict", action="store_true")
    q.add_argument("--sort", choices=["distance", "relevance", "next"])
    q.add_argument("--limit", type=int, default=10)
    q.add_argument("--db")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_search)

    sc = sub.add_parser("schema", help="print the JSON Schema of Activity and Organization")
    sc.set_defaults(func=cmd_schema)

    so = sub.add_parser("sources", help="the health of every source")
    so.add_argument("--sources", help="sources file (default: FKORT_SOURCES)")
    so.add_argument("--json", action="store_true")
    so.set_defaults(func=cmd_sources)

    du = sub.add_parser("duplicates", help="offers found by several sources, merged")
    du.add_argument("--explain", metavar="ID", help="why this record is (not) merged")
    du.add_argument("--apply", action="store_true", help="run the merge step now")
    du.add_argument("--db", help="SQLite index file (default: FKORT_DB_PATH)")
    du.add_argument("--json", action="store_true")
    du.set_defaults(func=cmd_duplicates)

    ix = sub.add_parser("index", help="copy the embedded store into a search engine")
    ix.add_argument("--backend", required=True, choices=["opensearch", "elasticsearch"])
    ix.add_argument("--rebuild", action="store_true", help="build a new index, swap the alias")
    ix.add_argument("--from-db", help="the SQLite store to copy (default: FKORT_DB_PATH)")
    ix.set_defaults(func=cmd_index)

    e = sub.add_parser("eval", help="accuracy of the normalisers on a gold set")
    e.add_argument("--gold", default="tests/gold", help="a .jsonl file or a folder of them")
    e.add_argument("--field", choices=["schedule", "age", "price", "accessibility",
                                       "category", "drop_in"])
    e.add_argument("--min-accuracy", type=float, default=0.95)
    e.add_argument("--json", action="store_true")
    e.add_argument("--show", type=int, default=1000, help="failures to print per field")
    e.set_defaults(func=cmd_eval)

    r = sub.add_parser("requests", help="correction and removal requests: list, approve, reject")
    r.add_argument("action", choices=["list", "approve", "reject"])
    r.add_argument("id", nargs="?", type=int, help="the request (approve, reject)")
    r.add_argument("--status", default="pending", choices=["pending", "approved", "rejected"],
                   help="list only these (default: pending)")
    r.add_argument("--all", action="store_true", help="list every request")
    r.add_argument("--reason", help="why a request is rejected (kept with it)")
    r.add_argument("--db", help="SQLite index file (default: FKORT_DB_PATH)")
    r.add_argument("--json", action="store_true")
    r.set_defaults(func=cmd_requests)

    d = sub.add_parser("demo", help="crawl the bundled demo sites and serve them")
    d.add_argument("--host", default="127.0.0.1")
    d.add_argument("--port", type=int, default=8000)
    d.add_argument("--data-dir", default="data")
    d.add_argument("--no-serve", action="store_true", help="crawl only, then exit")
    d.set_defaults(func=cmd_demo)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
