"""Benchmark: bulk indexing into a search engine (OpenSearch), in documents per second.

Two paths: `rebuild` (a fresh index filled from the embedded store, `fkort index --rebuild`)
and `upsert` (a crawl writing into the live index in the pipeline's batches of 200). The
corpus is `bench/search_backends.py`'s. The machine is shared, so compare figures measured in
one run (e.g. this checkout against another one given with --other, alternately).
Run: `.venv/bin/python bench/engine_bulk.py --opensearch URL [--size 10000] [--rounds 2]
[--other /path/to/other/checkout] [--node-pid PID] [--no-upsert]` (`--no-upsert`: the rebuild
only). With the engine's process id it also reports the CPU time per document of this
process and of the engine: on a loaded machine they say more than the wall time (the quiet
machine's rate is about 1 / the larger of them when the two overlap, 1 / their sum when they
take turns).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def cpu_s(pid: int | None) -> float:
    """CPU seconds a process has used (user + system); 0 without a pid."""
    if not pid:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(url: str, size: int, batch: int, code: Path = ROOT,
            node_pid: int | None = None, upsert: bool = True) -> dict[str, float]:
    sys.path.insert(0, str(code))
    from bench.search_backends import corpus
    from index import open_backend

    docs = corpus(size)
    alias = f"bench-bulk-{time.monotonic_ns() % 10**9}"
    engine = open_backend("opensearch", url=url, alias=alias)
    try:
        t, c, n = time.perf_counter(), time.process_time(), cpu_s(node_pid)
        engine.rebuild(docs)  # type: ignore[attr-defined]
        rebuild = size / (time.perf_counter() - t)
        client_ms = (time.process_time() - c) / size * 1000
        node_ms = (cpu_s(node_pid) - n) / size * 1000
        assert engine.count() == size
        written = 0.0
        if upsert:
            engine.client.indices.delete(index=f"{alias}*")  # type: ignore[attr-defined]
            engine = open_backend("opensearch", url=url, alias=alias)
            t = time.perf_counter()
            for i in range(0, size, batch):
                engine.upsert(docs[i:i + batch])
            written = size / (time.perf_counter() - t)
            assert engine.count() == size
    finally:
        engine.client.indices.delete(index=f"{alias}*",  # type: ignore[attr-defined]
                                     ignore_unavailable=True)
        engine.close()
    return {"rebuild": rebuild, "upsert": written, "client_ms": client_ms, "node_ms": node_ms}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--opensearch", required=True, help="URL of a running OpenSearch node")
    p.add_argument("--size", type=int, default=10_000)
    p.add_argument("--batch", type=int, default=200, help="upsert batch (the pipeline's)")
    p.add_argument("--rounds", type=int, default=1)
    p.add_argument("--other", help="another checkout to measure alternately (e.g. main)")
    p.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--code", default=str(ROOT), help=argparse.SUPPRESS)
    p.add_argument("--node-pid", type=int, help="the engine's process, to count its CPU time")
    p.add_argument("--no-upsert", action="store_true", help="measure the rebuild only")
    args = p.parse_args()
    if args.json:  # one measurement, for the parent process
        print(json.dumps(measure(args.opensearch, args.size, args.batch, Path(args.code),
                                args.node_pid, upsert=not args.no_upsert)))
        return
    checkouts = [ROOT] + ([Path(args.other).resolve()] if args.other else [])
    print(f"{'round':>5} {'checkout':<28} {'rebuild docs/s':>15} {'upsert docs/s':>14} "
          f"{'rebuild CPU ms/doc: client':>27} {'engine':>7}")
    for r in range(args.rounds):
        for checkout in checkouts:
            out = subprocess.run(
                [sys.executable, str(ROOT / "bench" / "engine_bulk.py"), "--json",
                 "--opensearch", args.opensearch, "--size", str(args.size),
                 "--batch", str(args.batch), "--code", str(checkout),
                 *(["--node-pid", str(args.node_pid)] if args.node_pid else []),
                 *(["--no-upsert"] if args.no_upsert else [])],
                cwd=checkout,
                capture_output=True, text=True, check=True)
            m = json.loads(out.stdout)
            print(f"{r + 1:>5} {str(checkout):<28} {m['rebuild']:>15,.0f} {m['upsert']:>14,.0f} "
                  f"{m['client_ms']:>27.3f} {m['node_ms']:>7.3f}", flush=True)


if __name__ == "__main__":
    main()
