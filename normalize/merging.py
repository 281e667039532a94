"""One record for the records of one activity: each field from the member that knows it best.

A cluster found by `normalize.matching` becomes one record that lists every source; each
field is taken from the member that says the most about it (an address over a town, a stated
time over none, a stated price over none), and `provenance` records which member each field
came from. Members come best source first (`preference`), and ties go to the first.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from datetime import datetime

from core.schema import (
    MERGED_PREFIX,
    Activity,
    Availability,
    EventStatus,
    Precision,
    ScheduleKind,
    Status,
)
from normalize.matching import Cluster, preference

_PRECISION_RANK = {p: i for i, p in enumerate(Precision)}
_STATUS_RANK = {s: i for i, s in enumerate((EventStatus.cancelled, EventStatus.postponed,
                                             EventStatus.scheduled, EventStatus.unknown))}
_PLACES_RANK = {s: i for i, s in enumerate((Availability.waitlist, Availability.full,
                                             Availability.available, Availability.unknown))}


def merged_id(member_ids: Iterable[str]) -> str:
    """A new merged record's id, from its first members (kept while the cluster lives on).

    >>> merged_id(["b:2", "a:1"]) == merged_id(["a:1", "b:2"])
    True
    """
    digest = hashlib.sha1("\x1f".join(sorted(member_ids)).encode()).hexdigest()[:16]
    return f"{MERGED_PREFIX}:{digest}"


def _first(members: list[Activity], known: Callable[[Activity], bool]) -> Activity:
    """The first member (in preference order) for which `known(member)` holds, else the
    first."""
    for m in members:
        if known(m):
            return m
    return members[0]


def _schedule_rank(a: Activity) -> tuple[int, int]:
    kind = {ScheduleKind.recurring: 0, ScheduleKind.once: 1, ScheduleKind.ongoing: 2,
            ScheduleKind.unknown: 3}[a.schedule.kind]
    return (0 if a.schedule.time_known else 1), kind


def merge(cluster: Cluster, record_id: str, now: datetime) -> Activity:
    """One record for the cluster: each field from the member that knows it best."""
    ms = cluster.members
    best = ms[0]
    prov: dict[str, str] = {"title": best.id}
    loc = min(ms, key=lambda m: (_PRECISION_RANK[m.location.precision], preference(m)))
    prov["location"] = loc.id
    sched = min(ms, key=lambda m: (_schedule_rank(m), preference(m)))
    prov["schedule"] = sched.id
    desc = max(ms, key=lambda m: (len(m.description or ""), [-ord(c) for c in m.id]))
    prov["description"] = desc.id
    picks = {
        "price": _first(ms, lambda m: m.price.is_free is not None
                        or m.price.amount_dkk is not None),
        "age": _first(ms, lambda m: m.age.min is not None or m.age.max is not None),
        "drop_in": _first(ms, lambda m: m.drop_in is not None),
        "organizer": _first(ms, lambda m: m.organizer.name is not None),
        "organization_id": _first(ms, lambda m: m.organization_id is not None),
        "language": _first(ms, lambda m: m.language is not None),
    }
    # A stated cancellation by any source wins: no one is sent to a cancelled event.
    picks["event_status"] = min(ms, key=lambda m: _STATUS_RANK[m.event_status])
    picks["availability"] = min(ms, key=lambda m: _PLACES_RANK[m.availability])
    prov.update({f: m.id for f, m in picks.items()})
    flags = {}
    texts = []
    for flag in ("wheelchair", "step_free", "accessible_toilet", "hearing_loop", "parking"):
        m = _first(ms, lambda m, f=flag: getattr(m.accessibility, f) is not None)  # type: ignore[misc]
        flags[flag] = getattr(m.accessibility, flag)
        prov[f"accessibility.{flag}"] = m.id
    for m in ms:
        if m.accessibility.text and m.accessibility.text not in texts:
            texts.append(m.accessibility.text)
    categories = sorted({c for m in ms for c in m.categories})
    return Activity(
        id=record_id,
        title=best.title,
        description=desc.description,
        organizer=picks["organizer"].organizer,
        organization_id=picks["organization_id"].organization_id,
        categories=categories,
        location=loc.location,
        schedule=sched.schedule,
        age=picks["age"].age,
        price=picks["price"].price,
        accessibility=best.accessibility.model_copy(
            update={**flags, "text": " / ".join(texts) or None}),
        drop_in=picks["drop_in"].drop_in,
        drop_in_text=picks["drop_in"].drop_in_text,
        event_status=picks["event_status"].event_status,
        event_status_text=picks["event_status"].event_status_text,
        availability=picks["availability"].availability,
        availability_text=picks["availability"].availability_text,
        language=picks["language"].language,
        source=best.source,
        sources=[m.source for m in ms],
        merged_from=[m.id for m in ms],
        provenance=prov,
        first_seen=min(m.first_seen for m in ms),
        last_seen=max(m.last_seen for m in ms),
        status=Status.active,
    )
