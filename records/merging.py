"""The merge step: after a crawl, the same offer found by several sources becomes one record.

The decisions are `normalize.matching`'s and `normalize.merging`'s; this applies them to an
index through the search contract (any backend). It is idempotent: run twice on the same
records, the second run writes nothing. Members are kept as they were crawled, with status
`merged` (hidden from search); the merged record lists them all. A merged record keeps its id
while any of its members is still in the cluster, so links to it survive re-crawls and new
sources joining.

After a crawl only the clusters around the records the run changed are worked out again
(`merge_changed`): the records reachable from them through pairs judged the same, and through
the merged records that list them, looked up in the index (`records_near`, `merged_with`).
Clustering joins only records of one such group, so the result for them is the one the
whole-index pass (`merge_duplicates`, `fkort duplicates merge --all`) finds, and the rest of the
index is left as the last pass left it. What only time changes (an offer whose meetings move
out of the compared months) is seen by the whole-index pass alone: run it now and then.
"""

from __future__ import annotations

import gc
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from core.schema import Activity, Status
from index.contract import IndexBackend
from normalize.matching import (
    Cluster,
    Features,
    PairEvidence,
    candidate_pairs,
    compare,
    could_be_same,
    features,
    find_clusters,
    reach,
)
from normalize.merging import merge, merged_id
from records.overrides import Overrides


@dataclass
class MergeReport:
    clusters: list[Cluster] = field(default_factory=list)
    evidence: list[PairEvidence] = field(default_factory=list)
    records: dict[str, Activity] = field(default_factory=dict)  # merged records by id
    new: int = 0
    changed: int = 0
    hidden: int = 0  # members newly hidden behind a merged record
    released: int = 0  # members no longer in a cluster: shown again on their own
    retired: int = 0  # merged records no longer backed by two members
    looked_at: int = 0  # records the step read (the whole index, or those around a change)

    @property
    def written(self) -> int:
        return self.new + self.changed + self.hidden + self.released + self.retired


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for a while (as it was after). A whole-index
    pass builds many lasting containers (features, blocks, evidence) beside tens of thousands
    of records, and each time they grow by a quarter the collector walks every record: a
    fifth of the pass's time, for nothing, as the pass leaves no cycles behind."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def plan(records: list[Activity], now: datetime) -> tuple[MergeReport, dict[str, Status]]:
    """What the merge step would do to these records: the merged records to write, and the
    status each record should have (only those that change)."""
    with _collector_paused():
        return _plan(records, now)


def _plan(records: list[Activity], now: datetime) -> tuple[MergeReport, dict[str, Status]]:
    report = MergeReport()
    report.clusters, report.evidence = find_clusters(records, now)
    # Which merged records list each member, so that a cluster looks only at those that
    # share a member with it (not at every merged record in the index).
    listed_in: defaultdict[str, list[str]] = defaultdict(list)
    for rid, listed in {r.id: set(r.merged_from) for r in records if r.merged_from}.items():
        for member in listed:
            listed_in[member].append(rid)
    used: set[str] = set()
    members: set[str] = set()
    for c in report.clusters:
        ids = set(c.ids)
        # The merged record sharing the most members with the cluster keeps its id (ties: the
        # smallest id), unless an earlier cluster took it.
        shared = Counter(m for i in ids for m in listed_in.get(i, ()) if m not in used)
        best = min(shared.items(), key=lambda t: (-t[1], t[0]), default=None)
        rid = best[0] if best else merged_id(c.ids)
        used.add(rid)
        report.records[rid] = merge(c, rid, now)
        members |= ids
    status: dict[str, Status] = {}
    for r in records:
        if r.merged_from:
            if r.id not in used and r.status is Status.active:
                status[r.id] = Status.stale
        elif r.id in members and r.status is Status.active:
            status[r.id] = Status.merged
        elif r.id not in members and r.status is Status.merged:
            status[r.id] = Status.active
    return report, status


def merge_duplicates(index: IndexBackend, now: datetime,
                     overrides: Overrides | None = None) -> MergeReport:
    """Find and merge duplicates across sources in the index; returns what it did.

    Approved corrections of a merged record (`overrides`) are applied to it each time it is
    rebuilt, as the crawl applies them to the records it finds.
    """
    records = list(index.all_activities())
    return _write(index, records, now, overrides)


def merge_changed(index: IndexBackend, changed: Iterable[str], now: datetime,
                  overrides: Overrides | None = None) -> MergeReport:
    """The merge step after a crawl: only the clusters around the records that the run
    changed (`changed`: ids of records new, changed or gone, whether or not still stored);
    the same result for them as `merge_duplicates`, without reading the whole index."""
    return _write(index, around(index, changed, now), now, overrides)


def _write(index: IndexBackend, records: list[Activity], now: datetime,
           overrides: Overrides | None) -> MergeReport:
    report, status = plan(records, now)
    report.looked_at = len(records)
    merged = list(report.records.values())
    if overrides:
        merged = [overrides.apply(r) for r in merged]
    stats = index.upsert(merged)
    report.new, report.changed = stats.new, stats.changed
    for target in (Status.merged, Status.active, Status.stale):
        ids = sorted(i for i, s in status.items() if s is target)
        n = index.set_status(ids, target) if ids else 0
        if target is Status.merged:
            report.hidden = n
        elif target is Status.active:
            report.released = n
        else:
            report.retired = n
    return report


def _comparable(r: Activity) -> bool:
    """A record the clustering takes (as `find_clusters`): not merged, shown or merged."""
    return not r.merged_from and r.status in (Status.active, Status.merged)


def around(index: IndexBackend, ids: Iterable[str], now: datetime) -> list[Activity]:
    """The records whose clusters a change to `ids` can touch, and the merged records that
    list any of them: from each record, those it is judged the same as (`records_near` finds
    the candidates, `normalize.matching` judges them) and the members of its merged records,
    until nothing new is reached."""
    records: dict[str, Activity] = {}  # reached (not merged records)
    merged: dict[str, Activity] = {}
    feats: dict[str, Features] = {}
    visited: set[str] = set()
    todo = set(ids)
    known: dict[str, Activity] = {}  # fetched by a neighbour look-up, not visited yet
    while todo:
        batch = sorted(todo - visited)
        todo = set()
        visited.update(batch)
        found = {i: known.pop(i) for i in batch if i in known}
        found.update(index.get_many([i for i in batch if i not in found]))
        for m in index.merged_with(batch):
            merged[m.id] = m
            todo.update(m.merged_from)
        for r in found.values():
            if r.merged_from:  # a merged record named itself: its members are the change
                merged[r.id] = r
                todo.update(r.merged_from)
                continue
            records[r.id] = r
            if not _comparable(r):
                continue
            feats.setdefault(r.id, features(r, now))
            for other in _same(index, r, now, feats):
                if other.id not in visited:
                    known[other.id] = other
                    todo.add(other.id)
        todo -= visited
    return sorted([*records.values(), *merged.values()], key=lambda r: r.id)


def _same(index: IndexBackend, r: Activity, now: datetime,
          feats: dict[str, Features]) -> list[Activity]:
    """The records that `find_clusters` would judge the same activity as `r`."""
    where = reach(r, feats[r.id])
    if where is None:
        return []
    near = [o for o in index.records_near(where)
            if o.id != r.id and _comparable(o) and could_be_same(r, o)]
    for o in near:
        feats.setdefault(o.id, features(o, now))
    group = sorted([r, *near], key=lambda o: o.id)
    pairs = candidate_pairs(group, now, {o.id: feats[o.id] for o in group})
    return [b if a.id == r.id else a for a, b in pairs if r.id in (a.id, b.id)
            and compare(a, b, now, feats[a.id], feats[b.id]).same]


def explain(index: IndexBackend, activity_id: str, now: datetime) -> list[str]:
    """Lines that say why a record is (or is not) merged with others, field by field."""
    records = list(index.all_activities())
    by_id = {r.id: r for r in records}
    target = by_id.get(activity_id)
    if target is None:
        return [f"no activity with id {activity_id}"]
    report, _ = plan(records, now)
    ids = set(target.merged_from) | {activity_id}
    cluster = next((c for c in report.clusters if ids & set(c.ids)), None)
    lines = [f"{target.id}: {target.title} ({target.status.value})"]
    if cluster is None:
        lines.append("not merged: no record of another source confirmed as the same activity")
    else:
        record = next(r for r in report.records.values() if set(r.merged_from) == set(
            cluster.ids))
        lines.append(f"merged record {record.id} of {len(cluster.members)} sources:")
        for m in cluster.members:
            lines.append(f"  {m.id}  [{m.source.name}, {m.source.kind.value}]  {m.title}  "
                         f"{m.source.url}")
        lines.append("fields taken from:")
        for name, member in sorted(record.provenance.items()):
            lines.append(f"  {name:<28} {member}")
        lines.append("joined by:")
        lines.extend(f"  {e.explain()}" for e in cluster.evidence)
    others = [e for e in report.evidence if ids & {e.a, e.b}
              and not (cluster and e in cluster.evidence)]
    if others:
        lines.append("other candidates compared:")
        lines.extend(f"  {e.explain()}" for e in others)
    return lines
