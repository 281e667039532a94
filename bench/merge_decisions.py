"""A dump of what the whole-index merge pass decides, to check that a speed-up changes nothing.

For fixed seeds (the records of `bench/merge_step.py`), it writes every pair compared that is
at the same place (its evidence; a pair at different places can never be judged the same, and
the pass no longer compares such pairs), every cluster with the evidence that joined it, every
merged record and every status change that `records.merging.plan` decides: once on freshly
crawled records, and once more on the index as that pass left it after a crawl changed some of
them (merged records kept, some members retitled, new copies, some gone), which exercises
keeping merged ids.
Run it at two commits and `cmp` the files: they must be byte-identical.
Run: `.venv/bin/python bench/merge_decisions.py OUT [--sizes 5000 10000]`.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path
from typing import TextIO

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.schema import Activity, Status  # noqa: E402
from normalize.matching import NEAR_KM, PairEvidence  # noqa: E402
from records.merging import plan  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from merge_step import NOW, change, make  # noqa: E402


def dump(out: TextIO, label: str, records: list[Activity]) -> list[Activity]:
    """Write what `plan` decides for `records`; return the records as the pass leaves them."""
    report, status = plan(records, NOW)
    pairs = [e for e in report.evidence if _same_place(e)]
    out.write(f"== {label}: {len(records)} records, {len(pairs)} pairs at the same place, "
              f"{len(report.clusters)} clusters\n")
    for e in pairs:
        out.write(f"pair {e.explain()} d={e.distance_km}\n")
    for c in report.clusters:
        out.write(f"cluster {' '.join(c.ids)}\n")
        out.writelines(f"  by {e.explain()}\n" for e in c.evidence)
    for rid, r in report.records.items():
        out.write(f"record {rid} {r.model_dump_json()}\n")
    for rid, s in sorted(status.items()):
        out.write(f"status {rid} {s.value}\n")
    kept = {r.id: r.model_copy(update={"status": status.get(r.id, r.status)}) for r in records}
    kept.update(report.records)
    return sorted(kept.values(), key=lambda r: r.id)


def _same_place(e: PairEvidence) -> bool:
    """Whether `compare` found the pair at the same place (as its evidence says)."""
    if e.distance_km is not None:
        return e.distance_km <= NEAR_KM
    return e.place.startswith("same town")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--sizes", type=int, nargs="+", default=[5_000, 10_000])
    args = ap.parse_args()
    with open(args.out, "w", encoding="utf-8") as out:
        for size in args.sizes:
            records = make(random.Random(size), size, 0.1)
            merged = dump(out, f"{size} fresh", records)
            written, gone = change(random.Random(size + 1), [r for r in records], 60)
            by_id = {r.id: r for r in merged}
            by_id.update({a.id: a for a in written})
            for i in gone:
                by_id[i] = by_id[i].model_copy(update={"status": Status.stale})
            dump(out, f"{size} after a crawl", sorted(by_id.values(), key=lambda r: r.id))


if __name__ == "__main__":
    main()
