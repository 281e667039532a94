"""Benchmark: what the HTTP API adds to the in-process search, and how many `near` + free
text requests per second it answers with 8 clients, at 100k activities (issue 16's targets:
p50 overhead ≤ 5 ms, ≥ 100 requests/s).

Run: `.venv/bin/python bench/api_load.py [--size 100000] [--queries 40] [--clients 8]`.
The index is built with bench/search_backends.py's generator and kept under the temp dir it
names (rebuilt when the generator or the SQLite backend's code changes). The server is
`fkort serve` in a child process on 127.0.0.1, as an operator starts it. `--other PATH` also
serves from another checkout (e.g. the start commit) and measures both alternately in one run,
so a noisy shared machine affects both alike (`--serve-args "--workers 1"` and
`--other-serve-args` set each server's options; `fkort serve` starts one process per core by
default). Figures: wall-clock latencies, and the server's CPU time per request (read from
/proc, steadier than wall time on a loaded machine) beside the in-process search's.

The generated corpus has only 18 distinct schedules (6 weekdays × 3 hours), so the API's
memory of next meetings (search_api/upcoming.py) is nearly always used here; a real index's
schedules differ more, and its hit rate is that of activities shown again within a week.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.search_backends import NOW, corpus, pct, query_mix  # noqa: E402
from index import SearchQuery  # noqa: E402
from index.backends.sqlite import SQLiteBackend  # noqa: E402
from records.runlog import RunLog  # noqa: E402

#: Issue 16's targets.
MAX_OVERHEAD_MS = 5.0
MIN_RPS = 100.0
#: What decides whether a cached index still fits: the generator and the store's code.
_CACHE_KEYS = [ROOT / "bench" / "search_backends.py", *sorted(
    (ROOT / "index" / "backends" / "sqlite").glob("*.py")), ROOT / "core" / "schema.py"]


def cache_dir() -> Path:
    return Path(tempfile.gettempdir()) / "fkort-api-load"


def build_index(size: int, where: Path | None = None) -> Path:
    """A SQLite index of `size` generated activities, reused while its inputs are unchanged."""
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in _CACHE_KEYS)).hexdigest()[:12]
    folder = where or cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / f"api-{size}-{digest}.db"
    if not db.exists():
        os.environ["FKORT_NOW"] = NOW.isoformat()  # written at the time it is searched at
        part = db.with_suffix(".part")
        for stale in folder.glob(f"{part.name}*"):
            stale.unlink()
        backend = SQLiteBackend(part)
        docs = corpus(size)
        for i in range(0, len(docs), 1000):
            backend.upsert(docs[i: i + 1000])
        backend.close()
        for extra in folder.glob(f"{part.name}-*"):  # WAL files of a closed store
            extra.unlink()
        part.rename(db)
    return db


def build_run_log(db: Path) -> Path:
    """A data folder beside the index whose run log (crawls.db) has seen every activity of
    the index a day after it was written, as a live server's has: each hit's "sidst set" is
    then read from it. Kept, like the index."""
    folder = db.with_suffix(".data")
    path = folder / "crawls.db"
    if not path.exists():
        part = folder / "crawls.part"
        for stale in folder.glob("crawls.part*"):
            stale.unlink()
        backend = SQLiteBackend(db)
        try:
            ids = sorted(backend.source_last_seen("bench"))
        finally:
            backend.close()
        log = RunLog(part)
        log.saw("bench", ids, NOW + timedelta(days=1))
        log.close()
        part.rename(path)
    return folder


def api_params(query: SearchQuery) -> dict[str, Any]:
    """The API's query parameters for a search the bench's mix holds."""
    params: dict[str, Any] = {}
    if query.lat is not None and query.lon is not None:
        params["near"] = f"{query.lat!r},{query.lon!r}"
    for name, value in (("radius_km", query.radius_km), ("age", query.age),
                        ("q", query.text), ("limit", query.limit)):
        if value is not None:
            params[name] = value
    if query.free:
        params["free"] = "true"
    if query.categories:
        params["categories"] = ",".join(query.categories)
    return params


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    proc: subprocess.Popen[bytes]

    def cpu_s(self) -> float:
        """CPU time of the server and its worker processes so far."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in [self.proc.pid, *_children(self.proc.pid)]:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / ticks


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


@contextmanager
def serve(db: Path, checkout: Path = ROOT, extra: list[str] | None = None,
          log: Path | None = None, paths: list[str] | None = None,
          data: Path | None = None) -> Iterator[Server]:
    """`fkort serve` from `checkout` on a free port, searching `db` at the corpus's time;
    `paths` are put on the server's import path after the checkout; `data` is its data
    folder (default: a new one, without a run log: hits are as the index holds them)."""
    port = _free_port()
    data = data or db.parent / f"data-{port}"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(checkout), *(paths or [])]),
           "FKORT_NOW": NOW.isoformat(), "FKORT_DATA_DIR": str(data), "FKORT_DB_PATH": str(db)}
    out = log.open("wb") if log else subprocess.DEVNULL
    proc = subprocess.Popen(
        [sys.executable, "-m", "fkort", "serve", "--port", str(port), "--db", str(db),
         *(extra or [])], cwd=checkout, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"fkort serve exited with {proc.returncode}")
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("fkort serve did not start")
            time.sleep(0.1)
        yield Server(url, proc)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        if log and out is not subprocess.DEVNULL:
            out.close()  # type: ignore[union-attr]


def in_process(db: Path, queries: list[SearchQuery]) -> tuple[list[float], float]:
    """Milliseconds per search, the index's contract called directly; and CPU ms per search."""
    os.environ["FKORT_NOW"] = NOW.isoformat()
    backend = SQLiteBackend(db)
    try:
        for q in queries[:10]:
            backend.search(q)
        out = []
        cpu = time.process_time()
        for q in queries:
            t = time.perf_counter()
            backend.search(q)
            out.append((time.perf_counter() - t) * 1000)
        return out, (time.process_time() - cpu) * 1000 / len(queries)
    finally:
        backend.close()


def sequential(server: Server, queries: list[SearchQuery]) -> tuple[list[float], float]:
    """Milliseconds per request, one client after the other; and server CPU ms per request."""
    with httpx.Client(base_url=server.url, timeout=60) as client:
        for q in queries[:10]:
            client.get("/v1/activities", params=api_params(q)).raise_for_status()
        cpu = server.cpu_s()
        out = []
        for q in queries:
            t = time.perf_counter()
            client.get("/v1/activities", params=api_params(q)).raise_for_status()
            out.append((time.perf_counter() - t) * 1000)
        return out, (server.cpu_s() - cpu) * 1000 / len(queries)


def paired(server: Server, db: Path, queries: list[SearchQuery]) -> list[float]:
    """Per query, the in-process search and then the same request over HTTP, one right after
    the other: the milliseconds the request took more. A shared machine whose load changes
    between two passes minutes apart slows both sides of a pair alike."""
    os.environ["FKORT_NOW"] = NOW.isoformat()
    backend = SQLiteBackend(db)
    try:
        with httpx.Client(base_url=server.url, timeout=60) as client:
            for q in queries[:10]:
                backend.search(q)
                client.get("/v1/activities", params=api_params(q)).raise_for_status()
            out = []
            for q in queries:
                t = time.perf_counter()
                backend.search(q)
                inproc = time.perf_counter() - t
                t = time.perf_counter()
                client.get("/v1/activities", params=api_params(q)).raise_for_status()
                out.append((time.perf_counter() - t - inproc) * 1000)
        return out
    finally:
        backend.close()


@dataclass
class Load:
    rps: float
    latencies: list[float]
    cpu_ms: float  # the server's CPU time per request


def load(server: Server, queries: list[SearchQuery], clients: int, total: int) -> Load:
    """`total` requests from `clients` threads, each with its own keep-alive connection,
    taking the queries in turn."""
    params = [api_params(q) for q in queries]
    lock = threading.Lock()
    counter = iter(range(total))
    latencies: list[float] = []
    errors: list[BaseException] = []
    ready = threading.Barrier(clients + 1)

    def client_loop() -> None:
        with httpx.Client(base_url=server.url, timeout=60) as client:
            client.get("/health")  # connected before the clock starts
            ready.wait()
            while True:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                t = time.perf_counter()
                try:
                    client.get("/v1/activities", params=params[i % len(params)]
                               ).raise_for_status()
                except httpx.HTTPError as exc:  # counted, never dropped silently
                    errors.append(exc)
                    return
                with lock:
                    latencies.append((time.perf_counter() - t) * 1000)

    threads = [threading.Thread(target=client_loop) for _ in range(clients)]
    for th in threads:
        th.start()
    ready.wait()
    cpu, started = server.cpu_s(), time.perf_counter()
    for th in threads:
        th.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"{len(errors)} requests failed, e.g. {errors[0]!r}")
    return Load(len(latencies) / elapsed, latencies,
                (server.cpu_s() - cpu) * 1000 / max(1, len(latencies)))


def _fmt(values: list[float]) -> str:
    return f"p50 {pct(values, 50):.1f} / p95 {pct(values, 95):.1f} ms"


def measure(db: Path, checkout: Path, serve_args: list[str], queries: list[SearchQuery],
            text_queries: list[SearchQuery], clients: int, total: int,
            paths: list[str] | None = None, data: Path | None = None) -> dict[str, Any]:
    with serve(db, checkout, serve_args, paths=paths, data=data) as server:
        api, api_cpu = sequential(server, queries)
        pairs = paired(server, db, queries)
        loaded = load(server, text_queries, clients, total)
    return {"api": api, "api_cpu": api_cpu, "paired": pairs, "load": loaded}


def report(name: str, inproc: tuple[list[float], float], r: dict[str, Any], clients: int
           ) -> None:
    overhead = pct(r["api"], 50) - pct(inproc[0], 50)
    loaded: Load = r["load"]
    ok = "met" if overhead <= MAX_OVERHEAD_MS else "NOT met"
    print(f"[{name}] API sequential {_fmt(r['api'])}; server CPU {r['api_cpu']:.2f} ms/request "
          f"({r['api_cpu'] - inproc[1]:+.2f} ms over the in-process search's CPU)")
    print(f"[{name}] p50 overhead over in-process: {overhead:.1f} ms "
          f"(target ≤ {MAX_OVERHEAD_MS:g}: {ok}); paired, each query in-process then over "
          f"HTTP: median {statistics.median(r['paired']):.1f} ms more")
    ok = "met" if loaded.rps >= MIN_RPS else "NOT met"
    print(f"[{name}] {clients} clients, near + text: {loaded.rps:.0f} requests/s "
          f"(target ≥ {MIN_RPS:g}: {ok}); {_fmt(loaded.latencies)}; "
          f"server CPU {loaded.cpu_ms:.2f} ms/request", flush=True)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--size", type=int, default=100_000, help="activities in the index")
    p.add_argument("--queries", type=int, default=40, help="queries per kind of the mix")
    p.add_argument("--clients", type=int, default=8)
    p.add_argument("--requests", type=int, default=800, help="requests under load")
    p.add_argument("--rounds", type=int, default=1, help="measure each server this often")
    p.add_argument("--serve-args", default="", help="extra `fkort serve` options")
    p.add_argument("--other", type=Path, help="another checkout to measure alternately")
    p.add_argument("--other-serve-args", default="", help="its `fkort serve` options")
    p.add_argument("--path", action="append", default=[],
                   help="also on this checkout's server's import path (e.g. a folder with "
                        "httptools and uvloop installed, which uvicorn then uses)")
    p.add_argument("--run-log", action="store_true",
                   help="serve with a run log that has seen every activity (as a live server "
                        "has: each hit's last sighting is read from it)")
    args = p.parse_args()
    print("command:", " ".join([Path(sys.executable).name, *sys.argv]))
    started = time.process_time()
    db = build_index(args.size)
    print(f"index: {db} ({args.size} activities; built/checked in "
          f"{time.process_time() - started:.1f} s CPU)", flush=True)
    data = build_run_log(db) if args.run_log else None
    if data is not None:
        print(f"run log: {data / 'crawls.db'}")
    mix = query_mix(args.queries)
    queries = [q for _, q in mix]
    text = [q for kind, q in mix if kind == "+text"]
    inproc = in_process(db, queries)
    print(f"in-process search: {_fmt(inproc[0])} ({len(inproc[0])} queries; mean "
          f"{statistics.fmean(inproc[0]):.1f} ms; CPU {inproc[1]:.2f} ms/search)")
    text_inproc = in_process(db, text)
    print(f"in-process near + text: {_fmt(text_inproc[0])}; CPU {text_inproc[1]:.2f} ms/search")
    checkouts = [("this", ROOT)] + ([("other", args.other.resolve())] if args.other else [])
    serve_args = args.serve_args.split()
    for _ in range(args.rounds):
        for name, checkout in checkouts:
            extra = serve_args if name == "this" else args.other_serve_args.split()
            r = measure(db, checkout, extra, queries, text, args.clients, args.requests,
                        args.path if name == "this" else [], data)
            report(name, inproc, r, args.clients)


if __name__ == "__main__":
    main()
