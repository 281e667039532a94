"""The current time, which tests and replayed crawls can pin with FKORT_NOW (ISO 8601)."""

from __future__ import annotations

import os
from datetime import datetime
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Europe/Copenhagen")


def now() -> datetime:
    """Now in Europe/Copenhagen, or the instant FKORT_NOW names."""
    pinned = os.environ.get("FKORT_NOW")
    if pinned:
        dt = datetime.fromisoformat(pinned)
        return (dt if dt.tzinfo else dt.replace(tzinfo=TZ)).astimezone(TZ)
    return datetime.now(TZ)
