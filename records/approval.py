"""An approved correction takes effect at once: the stored records of its target are rewritten,
and a merged record it touches is rebuilt."""

from __future__ import annotations

from core import clock
from core.schema import Status
from index.contract import IndexBackend
from records.merging import merge_duplicates
from records.overrides import Overrides


def apply_now(overrides: Overrides, target_type: str, target_id: str, index: IndexBackend) -> int:
    """Apply the overrides to the stored records of one target; how many were rewritten."""
    if target_type == "activity":
        activity = index.get(target_id)
        targets = [activity] if activity is not None else []
    else:
        org = index.get_organization(target_id)
        if org is not None:
            index.upsert_organizations([overrides.apply_organization(org)])
        targets = index.organization_activities(target_id)
    changed = [overrides.apply(a) for a in targets]
    changed = [new for new, old in zip(changed, targets, strict=True) if new != old]
    if changed:
        index.upsert(changed)
    if any(a.merged_from or a.status is Status.merged for a in targets):
        # Part of an offer found by several sources: the merged record is rebuilt now, with
        # the correction (or without the removed member), not at the next crawl.
        merge_duplicates(index, clock.now(), overrides)
    return len(changed)
