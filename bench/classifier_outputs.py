"""Frozen outputs of the normalisers: a dump to compare before and after a speed-up.

Runs `build_activity` over the bench's items (seeds 0-2, 3,000 each) and every gold text (both
sets) through each text classifier (category, drop-in, accessibility with and without amenity
features, age, price), and writes one JSON line per result. A speed-up must leave the dump
byte-identical: save it from the start commit, then compare after every change.
Run: `.venv/bin/python bench/classifier_outputs.py OUT.jsonl [--items N] [--seeds 0 1 2]`,
then `cmp BEFORE.jsonl OUT.jsonl`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.normalize_items import make_items  # noqa: E402
from normalize.accessibility import from_amenity_features, parse_accessibility  # noqa: E402
from normalize.activity import NotAnActivity, build_activity  # noqa: E402
from normalize.age import parse_age  # noqa: E402
from normalize.category import parse_categories  # noqa: E402
from normalize.dropin import parse_drop_in  # noqa: E402
from normalize.price import parse_price  # noqa: E402

#: Feature names as venues publish them in schema.org amenityFeature.
FEATURES = ["Elevator", "Teleslynge", "Handicaptoilet", "Parkering", "Trapper", "Rampe",
            "Kørestolsvenlig", "Høreslynge", "Niveaufri adgang", "P-pladser"]


def gold_texts() -> list[str]:
    texts: list[str] = []
    for file in sorted((ROOT / "tests" / "gold").rglob("*.jsonl")):
        texts += [json.loads(line)["text"] for line in file.read_text("utf-8").splitlines()
                  if line.strip()]
    return texts


def text_results(texts: list[str]) -> list[object]:
    """Each gold text through every classifier (a text of one field is often another's)."""
    out: list[object] = []
    for i, text in enumerate(texts):
        feats = [{"name": FEATURES[i % len(FEATURES)], "value": i % 3 != 0}]
        out.append([
            text,
            parse_categories(text),
            parse_drop_in(text),
            parse_accessibility(text).model_dump(mode="json"),
            from_amenity_features(feats, text).model_dump(mode="json"),
            parse_age(text).model_dump(mode="json"),
            parse_price(text).model_dump(mode="json"),
        ])
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("out", type=Path)
    p.add_argument("--items", type=int, default=3_000)
    p.add_argument("--seeds", type=int, nargs="*", default=[0, 1, 2])
    args = p.parse_args()
    with args.out.open("w", encoding="utf-8") as out:
        for row in text_results(gold_texts()):
            out.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
        for seed in args.seeds:
            for raw in make_items(args.items, seed=seed):
                try:
                    dumped: object = build_activity(raw).model_dump(mode="json")
                except NotAnActivity as exc:
                    dumped = {"not_an_activity": str(exc)}
                out.write(json.dumps(dumped, ensure_ascii=False, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
