"""Benchmark: CPU time of the text classifiers, this checkout's against another's, in one process.

Records the calls `build_activity` makes into the classifiers (categories, drop-in,
accessibility with amenity features, age, price) for the bench's items, then times each
classifier of both checkouts over the same calls, alternately, their per-text caches cleared
before each run (the word caches stay warm, as in a crawl). The other checkout's classifier
modules are loaded under other names; what they import comes from this checkout.
Run: `.venv/bin/python bench/classifiers_ab.py --other /path/to/checkout [--items N] [--repeat R]`.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import normalize.activity as activity  # noqa: E402
from bench.normalize_items import make_items  # noqa: E402
from normalize import accessibility, age, category, dropin, price  # noqa: E402

#: Name in the report → (module, function), as build_activity calls them.
TIMED = {"categories": ("category", "parse_categories"), "drop_in": ("dropin", "parse_drop_in"),
         "accessibility": ("accessibility", "from_amenity_features"),
         "age": ("age", "parse_age"), "price": ("price", "parse_price")}
CACHED = {"category": ("_categories",), "dropin": ("parse_drop_in",),
          "accessibility": ("parse_accessibility", "_read"), "age": ("parse_age",),
          "price": ("parse_price",)}


def record(items: int) -> dict[str, list[tuple[tuple[Any, ...], dict[str, Any]]]]:
    calls: dict[str, list[tuple[tuple[Any, ...], dict[str, Any]]]] = {}
    for raw in make_items(1000, seed=5):  # warm the word caches first
        activity.build_activity(raw)
    targets = [(activity, "parse_categories", "categories"), (activity, "parse_drop_in", "drop_in"),
               (activity, "from_amenity_features", "accessibility"), (age, "parse_age", "age"),
               (price, "parse_price", "price")]
    saved = [(mod, attr, getattr(mod, attr)) for mod, attr, _ in targets]

    def recorder(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def call(*a: Any, **k: Any) -> Any:
            calls.setdefault(name, []).append((a, k))
            return fn(*a, **k)
        return call

    for mod, attr, name in targets:
        setattr(mod, attr, recorder(name, getattr(mod, attr)))
    try:
        for raw in make_items(items, seed=1):
            activity.build_activity(raw)
    finally:
        for mod, attr, fn in saved:
            setattr(mod, attr, fn)
    return calls


def load_other(root: Path) -> dict[str, ModuleType]:
    mods = {}
    for name in CACHED:
        spec = importlib.util.spec_from_file_location(f"other_{name}",
                                                      root / "normalize" / f"{name}.py")
        assert spec and spec.loader
        mod = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = mod
        spec.loader.exec_module(mod)
        mods[name] = mod
    return mods


def clear(mods: dict[str, ModuleType]) -> None:
    for name, fns in CACHED.items():
        for fn in fns:
            if hasattr(mods[name], fn):
                getattr(mods[name], fn).cache_clear()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--other", type=Path, required=True)
    p.add_argument("--items", type=int, default=3000)
    p.add_argument("--repeat", type=int, default=6)
    args = p.parse_args()
    calls = record(args.items)
    this = {"category": category, "dropin": dropin, "accessibility": accessibility, "age": age,
            "price": price}
    sides = {"this": this, "other": load_other(args.other)}
    gc.collect()
    best: dict[tuple[str, str], float] = {}
    for run in range(args.repeat):
        for side in (("other", "this") if run % 2 == 0 else ("this", "other")):
            for name, (mod, fn) in TIMED.items():
                func = getattr(sides[side][mod], fn)
                clear(sides[side])
                started = time.process_time()
                for a, k in calls[name]:
                    func(*a, **k)
                took = time.process_time() - started
                best[(name, side)] = min(best.get((name, side), took), took)
    total = {"this": 0.0, "other": 0.0}
    for name in TIMED:
        o, t = best[(name, "other")], best[(name, "this")]
        total["other"] += o
        total["this"] += t
        print(f"{name:14s} other {o * 1000:7.1f} ms  this {t * 1000:7.1f} ms  "
              f"this/other {t / o:.2f}")
    o, t = total["other"], total["this"]
    print(f"{'total':14s} other {o * 1000:7.1f} ms  this {t * 1000:7.1f} ms  "
          f"this/other {t / o:.2f}  (CPU, best of {args.repeat})")


if __name__ == "__main__":
    main()
