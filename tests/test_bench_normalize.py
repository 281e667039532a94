"""The normalisation benchmark still runs (its figures are read only by people: never timed
here)."""

from __future__ import annotations

from bench import normalize_items


def test_the_bench_builds_its_items_in_turns_with_the_reference_loop() -> None:
    items = normalize_items.make_items(7, seed=1)
    assert len({raw.origin_id for raw in items}) == 7
    # Both kinds of item: structured events and text-only pages.
    assert any(raw.structured for raw in items) and any(raw.texts for raw in items)
    items_s, ref_s = normalize_items.timed_run(items, chunk=3)
    assert items_s > 0 and ref_s > 0
