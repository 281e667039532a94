"""Benchmark: CPU of the pipeline's own work in `build_activity`, without the text classifiers.

The pipeline's part (schedules and dates, status, organiser, place, building the records) is
measured apart from the classifiers it calls (categories, drop-in, accessibility, price, age,
text cleaning): a first pass over the bench's items records each classifier's answers, every
`lru_cache` is emptied, and a second pass replays those answers in call order while its CPU
time is measured. Two checkouts are measured alternately, each run in a fresh process, and the
median ratio of their paired runs is printed (A/B on one machine, so a busy neighbour counts
less). Run from a checkout: `.venv/bin/python bench/pipeline_own_cpu.py OTHER_CHECKOUT
[--items N] [--repeat R]`; the ratio is this checkout's CPU over the other's.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

#: The classifiers `build_activity` calls, by module attribute (replayed, not measured).
CLASSIFIERS = (
    ("normalize.activity", "parse_categories"), ("normalize.activity", "parse_drop_in"),
    ("normalize.activity", "from_amenity_features"), ("normalize.activity", "clean_text"),
    ("normalize.price", "from_schema_org"), ("normalize.price", "parse_price"),
    ("normalize.age", "from_schema_org"), ("normalize.age", "parse_age"),
)


def own_cpu(items: int, seed: int) -> float:
    """Seconds of CPU of the replayed pass, in this process (run from the checkout measured)."""
    sys.path.insert(0, str(Path.cwd()))
    import importlib

    from bench.normalize_items import make_items
    from normalize.activity import build_activity

    depth = [0]
    answers: dict[tuple[str, str], list[Any]] = {}
    for module_name, name in CLASSIFIERS:
        module = importlib.import_module(module_name)
        answers[module_name, name] = kept = []
        classifier = getattr(module, name)

        def record(*a: Any, _f: Any = classifier, _kept: list[Any] = kept, **k: Any) -> Any:
            if depth[0]:  # called by another classifier: not replayed on its own
                return _f(*a, **k)
            depth[0] += 1
            try:
                answer = _f(*a, **k)
            finally:
                depth[0] -= 1
            _kept.append(answer)
            return answer

        setattr(module, name, record)
    raws = make_items(items, seed=seed)
    for raw in raws:
        build_activity(raw)
    for (module_name, name), kept in answers.items():
        replay = iter(kept)
        setattr(importlib.import_module(module_name), name,
                lambda *a, _next=replay.__next__, **k: _next())
    for obj in gc.get_objects():
        if isinstance(obj, functools._lru_cache_wrapper):
            obj.cache_clear()
    gc.collect()
    started = time.process_time()
    for raw in raws:
        build_activity(raw)
    return time.process_time() - started


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("other", nargs="?", type=Path)
    p.add_argument("--items", type=int, default=3000)
    p.add_argument("--repeat", type=int, default=6)
    p.add_argument("--child-seed", type=int, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child_seed is not None:
        if hasattr(os, "sched_setaffinity"):
            os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
        print(json.dumps(own_cpu(args.items, args.child_seed)))
        return
    checkouts = [ROOT] + ([args.other.resolve()] if args.other else [])
    runs: dict[Path, list[float]] = {c: [] for c in checkouts}
    for n in range(args.repeat):
        for checkout in checkouts if n % 2 == 0 else checkouts[::-1]:
            out = subprocess.run(
                [sys.executable, str(Path(__file__).resolve()), "--items", str(args.items),
                 "--child-seed", str(n)], cwd=checkout, capture_output=True, text=True,
                env={**os.environ, "PYTHONPATH": str(checkout)}, check=True)
            runs[checkout].append(json.loads(out.stdout))
    for checkout, seconds in runs.items():
        print(f"{checkout}: own CPU median {statistics.median(seconds):.3f} s for "
              f"{args.items} items ({', '.join(f'{s:.3f}' for s in seconds)})")
    if args.other:
        ratios = [a / b for a, b in zip(runs[ROOT], runs[checkouts[1]], strict=True)]
        print(f"ratio this/other: median {statistics.median(ratios):.3f}")


if __name__ == "__main__":
    main()
