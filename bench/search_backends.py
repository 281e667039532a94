"""Benchmark: indexing speed and query latency of the embedded SQLite backend and OpenSearch,
side by side, on a synthetic corpus spread over Denmark.

Run: `scripts/opensearch-node start` (prints the node's URL), then
`.venv/bin/python bench/search_backends.py --opensearch URL --sizes 10000 100000`.
Without --opensearch only SQLite is measured. Each size gets a fresh SQLite file and a fresh
OpenSearch index; the query mix (near+radius, +age, +free, +category, +text) is run
`--queries` times per kind from random towns. `--by-kind` adds p50/p95 per kind; with
--opensearch the last line per size is SQLite's p95 over OpenSearch's. `--keep DIR` keeps
each size's SQLite file in DIR and reuses it on the next run (no indexing figure then;
the corpus is the same for a size, the file is opened, and brought up to date, as found).
"""

from __future__ import annotations

import argparse
import collections
import os
import random
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.clock import TZ  # noqa: E402
from core.schema import Activity, activity_id  # noqa: E402
from index import SearchQuery, open_backend  # noqa: E402
from index.backends.sqlite import SQLiteBackend  # noqa: E402
from normalize.geo.gazetteer import towns  # noqa: E402

NOW = datetime(2026, 11, 22, 12, tzinfo=TZ)
TITLES = ["Brætspilsaften", "Kortspil og kaffe", "Strikkeklub", "Fællessang", "Gåtur",
          "Fællesspisning", "Mandeklub", "Sorggruppe", "IT-hjælp", "Petanque", "Seniordans",
          "Læsekreds", "Stolegymnastik", "Havefællesskab", "Danskcafé", "Whistklub"]
CATS = ["spil", "kreativ", "musik_sang", "motion", "mad", "maend", "sorg_stoette", "digital",
        "kultur_foredrag", "natur_have", "sprog", "cafe_netvaerk"]
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA"]


def corpus(n: int, seed: int = 1) -> list[Activity]:
    rng = random.Random(seed)
    places = list(towns().values())
    out = []
    for i in range(n):
        t = rng.choice(places)
        title = rng.choice(TITLES)
        out.append(Activity.model_validate({
            "id": activity_id("bench", str(i)),
            "title": f"{title} i {t.name}",
            "description": f"{title}. Vi mødes og hygger os. " + rng.choice(
                ["Alle er velkomne.", "Kom og vær med.", "Vi strikker og spiller kort."]),
            "categories": rng.sample(CATS, rng.randint(1, 2)),
            "location": {"lat": t.lat + rng.uniform(-0.05, 0.05),
                         "lon": t.lon + rng.uniform(-0.08, 0.08), "precision": "address",
                         "city": t.name, "municipality": t.municipality},
            "schedule": {"kind": "recurring", "rrule": f"FREQ=WEEKLY;BYDAY={rng.choice(DAYS)}",
                         "start": datetime(2026, 9, 1, rng.choice([10, 14, 19]), tzinfo=TZ)},
            "age": rng.choice([{}, {"min": 60}, {"min": 18, "max": 30}, {"min": 65}]),
            "price": rng.choice([{}, {"amount_dkk": 0, "is_free": True},
                                 {"amount_dkk": 20, "is_free": False, "period": "per_time"},
                                 {"amount_dkk": 300, "is_free": False, "period": "year"}]),
            "accessibility": {"wheelchair": rng.choice([None, True, False]),
                              "hearing_loop": rng.choice([None, None, True])},
            "drop_in": rng.choice([None, True, False]),
            "source": {"name": "bench", "kind": "municipal", "url": f"https://x.example/{i}",
                       "fetched_at": NOW},
            "first_seen": NOW, "last_seen": NOW,
        }))
    return out


def query_mix(n: int, seed: int = 2) -> list[tuple[str, SearchQuery]]:
    rng = random.Random(seed)
    places = list(towns().values())
    out = []
    for _ in range(n):
        t = rng.choice(places)
        base: dict[str, Any] = {"lat": t.lat, "lon": t.lon, "radius_km": 15, "now": NOW}
        out.append(("near", SearchQuery(**base)))
        out.append(("+age", SearchQuery(age=72, **base)))
        out.append(("+free", SearchQuery(free=True, **base)))
        out.append(("+category", SearchQuery(categories=[rng.choice(CATS)], **base)))
        out.append(("+text", SearchQuery(text=rng.choice(["spil", "strik", "sang", "gåtur"]),
                                         **base)))
    return out


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def measure(name: str, backend: Any, docs: list[Activity], queries: list[tuple[str, Any]],
            index: bool = True) -> dict[str, Any]:
    started = time.perf_counter()
    cpu = time.process_time()
    if not index:
        pass
    elif hasattr(backend, "rebuild"):
        backend.rebuild(docs)
    else:
        for i in range(0, len(docs), 1000):
            backend.upsert(docs[i: i + 1000])
    index_s = time.perf_counter() - started
    index_cpu = time.process_time() - cpu
    for _, q in queries[:20]:  # warm caches
        backend.search(q)
    lat: list[float] = []
    by_kind: dict[str, list[float]] = collections.defaultdict(list)
    for kind, q in queries:
        t = time.perf_counter()
        backend.search(q)
        lat.append((time.perf_counter() - t) * 1000)
        by_kind[kind].append(lat[-1])
    return {"backend": name, "docs_s": len(docs) / index_s if index else None,
            "cpu_docs_s": len(docs) / index_cpu if index else None, "p50": pct(lat, 50),
            "p95": pct(lat, 95), "p99": pct(lat, 99), "n": len(lat),
            "kinds": {k: (pct(v, 50), pct(v, 95)) for k, v in by_kind.items()}}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    p.add_argument("--queries", type=int, default=100, help="queries per kind")
    p.add_argument("--opensearch", help="URL of a running OpenSearch node")
    p.add_argument("--by-kind", action="store_true", help="also p50/p95 per query kind")
    p.add_argument("--keep", type=Path, metavar="DIR",
                   help="keep each size's SQLite file in DIR and reuse it when there")
    args = p.parse_args()
    # The corpus is written at the time it is searched at, as a live index is written
    # before it is searched (the SQLite store keeps each activity's next start as of then).
    os.environ["FKORT_NOW"] = NOW.isoformat()
    queries = query_mix(args.queries)
    print(f"{'size':>7} {'backend':<10} {'index docs/s':>12} {'(cpu)':>8} {'p50 ms':>8} "
          f"{'p95 ms':>8} {'p99 ms':>8} {'queries':>8}")
    for size in args.sizes:
        docs = corpus(size)
        with tempfile.TemporaryDirectory() as tmp:
            path = (args.keep or Path(tmp)) / f"bench-{size}.db"
            fresh = not path.exists()
            if args.keep:
                args.keep.mkdir(parents=True, exist_ok=True)
            rows = [measure("sqlite", SQLiteBackend(path), docs, queries, index=fresh)]
            if args.opensearch:
                engine = open_backend("opensearch", url=args.opensearch, alias=f"bench-{size}")
                try:
                    rows.append(measure("opensearch", engine, docs, queries))
                finally:
                    engine.client.indices.delete(index=f"bench-{size}*",
                                                 ignore_unavailable=True)
            for r in rows:
                speed = "-" if r["docs_s"] is None else f"{r['docs_s']:,.0f}"
                cpu = "-" if r["cpu_docs_s"] is None else f"{r['cpu_docs_s']:,.0f}"
                print(f"{size:>7} {r['backend']:<10} {speed:>12} {cpu:>8} {r['p50']:>8.1f} "
                      f"{r['p95']:>8.1f} {r['p99']:>8.1f} {r['n']:>8}", flush=True)
                if args.by_kind:
                    print("        p50/p95 by kind: " + ", ".join(
                        f"{k} {a:.1f}/{b:.1f}" for k, (a, b) in r["kinds"].items()))
            if len(rows) == 2:
                print(f"{size:>7} sqlite ÷ opensearch p95: {rows[0]['p95'] / rows[1]['p95']:.2f}")


if __name__ == "__main__":
    main()
