"""Approved corrections and removals as overrides, applied to records as they enter the index."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, TypeVar

from core.schema import Activity, Organization, Status

logger = logging.getLogger(__name__)


@dataclass
class Overrides:
    """Approved corrections and removals, applied to records as they enter the index."""

    #: (target type, target id) → {field: value}
    by_target: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.by_target)

    def removed_organizations(self) -> set[str]:
        return {tid for (tt, tid), f in self.by_target.items()
                if tt == "organization" and f.get("status") == Status.removed.value}

    def apply(self, activity: Activity) -> Activity:
        """The activity with its approved corrections; removed if it, or its association,
        was taken down. A correction that no longer fits the record is left out (and the
        record kept as crawled) rather than failing the crawl."""
        fields = dict(self.by_target.get(("activity", activity.id), {}))
        org = self.by_target.get(("organization", activity.organization_id or ""), {})
        if org.get("status") == Status.removed.value:
            fields["status"] = Status.removed.value
        if not fields:
            return activity
        return _apply(activity, fields, activity.id)

    def apply_organization(self, org: Organization) -> Organization:
        fields = {k: v for k, v in self.by_target.get(("organization", org.id), {}).items()
                  if k != "status"}
        return _apply(org, fields, org.id) if fields else org


_Record = TypeVar("_Record", Activity, Organization)


def _apply(record: _Record, fields: dict[str, Any], record_id: str) -> _Record:
    out = record
    for path, value in sorted(fields.items()):
        data = out.model_dump(mode="json")
        node = data
        *parents, leaf = path.split(".")
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = value
        try:
            out = type(record).model_validate(data)
        except ValueError:
            # Only ids and field names are logged: never what a requester wrote.
            logger.warning("Override of %s on %s no longer fits the record; left out",
                           path, record_id)
    return out
