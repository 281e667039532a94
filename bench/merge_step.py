"""Benchmark: the merge step (duplicates across sources) on a country-sized index.

Synthetic but shaped like the real thing: activities spread over the gazetteer's Danish towns
(Copenhagen first, some 10 km across, then the rest on a Zipf curve, as offers are), weekly
meetings at common hours, titles drawn from common Danish activity words, from four sources.
A share of them is published again by a second and a third source with a reworded title, as
portals and Facebook do. The titles repeat a lot (18 words, 7 venues), so many offers of
different sources look alike by design: a hard case for the blocking. Measured: the decision
alone (`plan`: features, candidate pairs, comparisons, clusters, merged records; CPU time)
and, with `--index`, the whole step through the embedded SQLite index (read all, write merged
records and statuses; wall and CPU time). The step runs after every crawl, so it must stay well
inside a nightly crawl's minutes.
With `--changed N`, after the whole-index pass N records change as a crawl changes them (a
third retitled, a third new copies of offers by another source, a third gone stale) and the
incremental step after the crawl (`merge_changed`: only the clusters around them) is timed
against the whole-index pass on the same data; `--opensearch URL` does the same on a search
engine (the whole-index pass there is not timed again).
Run: `.venv/bin/python bench/merge_step.py [--sizes 10000 50000] [--dup-share 0.1] [--index]
[--changed 10] [--opensearch URL]`.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.clock import TZ  # noqa: E402
from core.schema import Activity, Status, activity_id  # noqa: E402
from index.contract import IndexBackend  # noqa: E402
from records.merging import merge_changed, merge_duplicates, plan  # noqa: E402

NOW = datetime(2026, 11, 22, 12, tzinfo=TZ)
WORDS = ["Strikkecafé", "Gåtur", "Fællesspisning", "Brætspil", "Seniordans", "Banko",
         "Mandeklub", "Sangaften", "Kortklub", "Cykeltur", "Træværksted", "Læsekreds",
         "Petanque", "Billard", "Sorggruppe", "Madklub", "Havehold", "Yoga for seniorer"]
PLACES = ["Medborgerhuset", "Biblioteket", "Kulturhuset", "Aktivitetscentret", "Forsamlingshuset",
          "Kirkens sal", "Hallen"]
RRULE_DAYS = ["MO", "TU", "WE", "TH", "FR"]


def towns() -> list[tuple[str, float, float]]:
    from normalize.geo import gazetteer

    return sorted(((t.name, t.lat, t.lon) for t in gazetteer.towns().values()),
                  key=lambda t: t[0] != "København")


def make(rng: random.Random, n: int, dup_share: float) -> list[Activity]:
    places = towns()
    # Offers follow population: a few big towns hold most (Copenhagen alone about a fifth).
    weights = [1 / (k + 1) ** 1.1 for k in range(len(places))]
    out: list[Activity] = []
    sources = [("kommune", "municipal"), ("forening", "jsonld"), ("portal", "portal"),
               ("facebook", "facebook")]
    for i in range(n):
        town, lat, lon = rng.choices(places, weights)[0]
        spread = 0.05 if town == "København" else 0.015  # the capital is some 10 km across
        word, place = rng.choice(WORDS), rng.choice(PLACES)
        start = datetime(2026, 9, 1, rng.choice([10, 13, 14, 19]), tzinfo=TZ) + timedelta(
            days=rng.randrange(7))
        base = {
            "title": f"{word} i {place}", "description": f"{word} for alle i {town}. " * 3,
            "location": {"name": place, "city": town, "lat": lat + rng.uniform(-spread, spread),
                         "lon": lon + rng.uniform(-1.7 * spread, 1.7 * spread),
                         "precision": "address"},
            "schedule": {"kind": "recurring", "start": start.isoformat(),
                         "rrule": f"FREQ=WEEKLY;BYDAY={rng.choice(RRULE_DAYS)}"},
            "first_seen": NOW.isoformat(), "last_seen": NOW.isoformat(),
        }
        copies = 1 + (rng.random() < dup_share) + (rng.random() < dup_share / 2)
        for k, (name, kind) in enumerate(rng.sample(sources, copies)):
            title = base["title"] if k == 0 else f"{word} – {place} ({town})"
            out.append(Activity.model_validate({
                **base, "id": activity_id(name, f"a{i}"), "title": title,
                "source": {"name": name, "kind": kind, "url": f"https://{name}.example/{i}",
                           "fetched_at": NOW.isoformat()}}))
    return out


def change(rng: random.Random, records: list[Activity], n: int) -> tuple[
        list[Activity], list[str]]:
    """What a crawl that changed `n` records writes, and the ids it names as gone: a third
    retitled, a third new copies of offers by another source, a third gone."""
    picked = rng.sample(records, n)
    written: list[Activity] = []
    gone: list[str] = []
    for k, a in enumerate(picked):
        if k % 3 == 0:
            written.append(a.model_copy(update={"title": f"{a.title} (ny tid)",
                                                "description": "Ændret: se opslaget."}))
        elif k % 3 == 1:
            written.append(a.model_copy(update={
                "id": activity_id("nyportal", a.id), "title": f"{a.title} – alle velkomne",
                "source": a.source.model_copy(update={"name": "nyportal"})}))
        else:
            gone.append(a.id)
    return written, gone


def incremental(index: IndexBackend, records: list[Activity], n: int, whole: bool
                ) -> tuple[float, float | None, int, int, float]:
    """Seconds of the merge step after a crawl that changed `n` records: incremental, and the
    whole-index pass on the same data (when `whole`); records read; merged records written;
    and this process's CPU seconds in the incremental step (on a shared machine the wall
    time is mostly waiting for a core)."""
    written, gone = change(random.Random(n), records, n)
    index.upsert(written)
    index.set_status(gone, Status.stale)
    t, cpu = time.perf_counter(), time.process_time()
    report = merge_changed(index, [a.id for a in written] + gone, NOW)
    took, cpu = time.perf_counter() - t, time.process_time() - cpu
    again = None
    if whole:
        t = time.perf_counter()
        merge_duplicates(index, NOW)
        again = time.perf_counter() - t
    return took, again, report.looked_at, report.written, cpu


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000])
    ap.add_argument("--dup-share", type=float, default=0.1)
    ap.add_argument("--index", action="store_true", help="also through a SQLite index")
    ap.add_argument("--changed", type=int, default=0,
                    help="then time the incremental step after a crawl that changed N records")
    ap.add_argument("--opensearch", help="also the incremental step on this OpenSearch node")
    ap.add_argument("--again", action="store_true",
                    help="also time the whole-index pass again after the change")
    args = ap.parse_args()
    print(f"{'offers':>8} {'records':>8} {'merged':>7} {'decide s':>9} {'rec/s':>8} "
          f"{'index s':>8} {'index CPU s':>11}")
    for size in args.sizes:
        records = make(random.Random(size), size, args.dup_share)
        t0 = time.process_time()
        report, _ = plan(records, NOW)
        decide = time.process_time() - t0
        through = through_cpu = "-"
        steps: list[str] = []
        if args.index or args.changed:
            from index.backends.sqlite import SQLiteBackend

            with tempfile.TemporaryDirectory() as tmp:
                backend = SQLiteBackend(Path(tmp) / "bench.db")
                backend.upsert(records)
                t1, c1 = time.perf_counter(), time.process_time()
                merge_duplicates(backend, NOW)
                whole = time.perf_counter() - t1
                through, through_cpu = f"{whole:.1f}", f"{time.process_time() - c1:.1f}"
                if args.changed:
                    took, again, read, wrote, cpu = incremental(backend, records, args.changed,
                                                                args.again)
                    steps.append(f"sqlite: merge step after {args.changed} changed of "
                                 f"{len(records)}: {took:.2f} s incremental ({cpu:.2f} s CPU; "
                                 f"{read} records read, {wrote} written) vs {whole:.1f} s "
                                 f"whole-index before the change"
                                 + (f", {again:.1f} s after it" if again else "")
                                 + f"; ratio {took / whole:.4f}")
                backend.close()
        if args.changed and args.opensearch:
            steps.append(_on_engine(args.opensearch, records, size, args.changed))
        print(f"{size:>8} {len(records):>8} {len(report.clusters):>7} {decide:>9.2f} "
              f"{len(records) / decide:>8.0f} {through:>8} {through_cpu:>11}")
        for line in steps:
            print("   " + line, flush=True)


def _on_engine(url: str, records: list[Activity], size: int, changed: int) -> str:
    from index import open_backend

    engine = open_backend("opensearch", url=url, alias=f"bench-merge-{size}")
    try:
        engine.rebuild(records)  # type: ignore[attr-defined]
        merge_duplicates(engine, NOW)
        took, _, read, wrote, cpu = incremental(engine, records, changed, False)
    finally:
        engine.client.indices.delete(index=f"bench-merge-{size}*",  # type: ignore[attr-defined]
                                     ignore_unavailable=True)
        engine.close()
    return (f"opensearch: merge step after {changed} changed of {len(records)}: {took:.2f} s "
            f"incremental ({cpu:.2f} s CPU here; {read} records read, {wrote} written)")


if __name__ == "__main__":
    main()
