"""Dump of what the pipeline makes of a fixed large sample, to prove a speed-up changes nothing.

Runs `build_activity` over the bench's items (seeds 0-2, 3,000 each), over items made from
every gold text of both sets (as a time field beside a structured date, as a description,
as each text field) and every gold text through the schedule and status readers, and writes
one JSON line per reading. Dump before a change and after it; the files must be identical.
Run: `.venv/bin/python bench/pipeline_outputs.py OUT [--items N]`.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.normalize_items import FETCHED, make_items  # noqa: E402
from core.schema import RawActivity, Source  # noqa: E402
from normalize import event_status, geo, schedule  # noqa: E402
from normalize.activity import NotAnActivity, build_activity  # noqa: E402
from normalize.schedule_text import parse_schedule  # noqa: E402

FIELDS = ("when", "description", "price", "age", "accessibility", "signup", "status",
          "organizer", "contact", "where", "category")


def gold_cases() -> list[dict[str, object]]:
    cases = []
    for file in sorted((ROOT / "tests" / "gold").rglob("*.jsonl")):
        cases += [json.loads(line) for line in file.read_text("utf-8").splitlines()
                  if line.strip()]
    return cases


def _build(raw: RawActivity) -> str:
    try:
        return build_activity(raw).model_dump_json()
    except NotAnActivity as exc:
        return f"NotAnActivity: {exc}"


def _gold_items(cases: list[dict[str, object]]) -> Iterator[RawActivity]:
    for n, case in enumerate(cases):
        text = str(case["text"])
        source = Source(name="gold", kind="municipal", url=f"https://x.example/g/{n}",
                        fetched_at=FETCHED)
        for start in ("2026-12-01T10:00:00+01:00", "2026-11-24", "2026-11-26T16:30"):
            yield RawActivity(source=source, origin_id=str(n), structured={
                "name": f"Gold {n}", "startDate": start, "endDate": "2026-12-01T12:00",
                "description": text, "location": text, "organizer": text,
                "eventStatus": text, "offers": {"price": text, "availability": text}})
        yield RawActivity(source=source, origin_id=str(n), texts={"title": f"Gold {n}",
                                                                    "when": text})
        yield RawActivity(source=source, origin_id=str(n), texts={
            "title": text[:60] or "x", **{k: text for k in FIELDS}})
        yield RawActivity(source=source, origin_id=str(n), texts={
            "title": f"Gold {n}", "description": text})


def lines(items: int) -> Iterator[str]:
    for seed in range(3):
        for raw in make_items(items, seed=seed):
            yield _build(raw)
    cases = gold_cases()
    for raw in _gold_items(cases):
        yield _build(raw)
    for case in cases:
        text = str(case["text"])
        ref = date.fromisoformat(str(case.get("ref") or "2026-01-10")[:10])
        for day in (ref, FETCHED):
            yield parse_schedule(text, day).model_dump_json()
        yield schedule.from_schema_org("2026-03-28", None, None, ref=FETCHED,
                                       text=text).model_dump_json()
        yield repr(event_status.read([("text", text), ("state", text)]))
        yield geo.from_schema_org(text).model_dump_json()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("out", type=Path)
    p.add_argument("--items", type=int, default=3000)
    args = p.parse_args()
    with args.out.open("w", encoding="utf-8") as out:
        for line in lines(args.items):
            out.write(line + "\n")


if __name__ == "__main__":
    main()
