"""Builds activities for index tests: a realistic base record, overridden per test."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.clock import TZ
from core.schema import Activity, activity_id

SEEN = datetime(2026, 11, 20, 3, 0, tzinfo=TZ)


def make(key: str, title: str, **fields: Any) -> Activity:
    """An activity with id from `key`; nested fields given as dicts replace the defaults."""
    base: dict[str, Any] = {
        "id": activity_id("test", key),
        "title": title,
        "description": fields.pop("description", None),
        "location": {"city": "Holstebro", "municipality": "Holstebro"},
        "schedule": {"kind": "recurring", "start": datetime(2026, 9, 1, 14, tzinfo=TZ),
                     "end": datetime(2026, 9, 1, 16, tzinfo=TZ), "rrule": "FREQ=WEEKLY;BYDAY=TU"},
        "source": {"name": "test", "kind": "municipal", "url": f"https://x.example/{key}",
                   "fetched_at": SEEN},
        "first_seen": SEEN,
        "last_seen": SEEN,
    }
    at = fields.pop("at", None)
    if at is not None:
        base["location"].update(lat=at[0], lon=at[1], precision="address")
    for name, value in fields.items():
        if isinstance(value, dict) and isinstance(base.get(name), dict):
            base[name] = {**base[name], **value}
        else:
            base[name] = value
    return Activity.model_validate(base)
