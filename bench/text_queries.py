"""Benchmark: what reading the citizen's words costs on the embedded backend, as a ratio to the
former every-word query, in one run on the same synthetic corpus (`search_backends.corpus`).

Run: `.venv/bin/python bench/text_queries.py --size 10000`. Each phrasing is searched
`--queries` times near random towns (radius 25 km, ordered by relevance) with the plan of
`normalize.question` and with the former expression (every typed stem as a prefix, AND); the
p50 and p95 of both and their ratio are printed. Absolute figures depend on the machine; the
ratio is the result.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.search_backends import NOW, corpus  # noqa: E402
from index import SearchQuery  # noqa: E402
from index.backends.sqlite import SQLiteBackend  # noqa: E402
from index.backends.sqlite import query as sqlite_query  # noqa: E402
from index.contract import Sort  # noqa: E402
from normalize import analysis  # noqa: E402
from normalize.geo.gazetteer import towns  # noqa: E402

PHRASINGS = ["spil", "strik", "enke", "mistet min mand", "lære at bruge tablet",
             "kaffe og en snak", "alzhiemer", "han spiser altid alene"]


def former(text: str, typos: object = None) -> sqlite_query.TextQuery | None:
    """The question before issue 16: every typed stem as a prefix, all required."""
    terms = analysis.query_terms(text)
    return sqlite_query.TextQuery([[(t, True)] for t in terms], len(terms), []) if terms \
        else None


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def run(size: int, queries: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        backend = SQLiteBackend(Path(tmp) / "bench.db")
        backend.upsert(corpus(size))
        rng = random.Random(7)
        places = list(towns().values())
        points = [rng.choice(places) for _ in range(queries)]
        current = sqlite_query.text_query
        print(f"{size} activities, {queries} searches per phrasing (ms)")
        print(f"{'phrasing':28} {'new p50':>8} {'new p95':>8} {'old p50':>8} {'old p95':>8}"
              f" {'p95 new/old':>11} {'hits new/old':>13}")
        for text in PHRASINGS:
            timings: dict[str, list[float]] = {"new": [], "old": []}
            hits: dict[str, int] = {"new": 0, "old": 0}
            for name, fn in (("new", current), ("old", former)):
                sqlite_query.text_query = fn  # type: ignore[assignment]
                for t in points:
                    q = SearchQuery(text=text, lat=t.lat, lon=t.lon, radius_km=25,
                                    sort=Sort.relevance, limit=20, now=NOW,
                                    exact_total=True)
                    start = time.perf_counter()
                    hits[name] += backend.search(q).total
                    timings[name].append((time.perf_counter() - start) * 1000)
            sqlite_query.text_query = current
            new95, old95 = percentile(timings["new"], 95), percentile(timings["old"], 95)
            print(f"{text:28} {statistics.median(timings['new']):8.1f} {new95:8.1f} "
                  f"{statistics.median(timings['old']):8.1f} {old95:8.1f} "
                  f"{new95 / old95:11.2f} {hits['new']:>6}/{hits['old']:<6}")
        backend.close()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--size", type=int, default=10_000)
    p.add_argument("--queries", type=int, default=50)
    args = p.parse_args()
    run(args.size, args.queries)


if __name__ == "__main__":
    main()
