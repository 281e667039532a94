"""The next meetings of the activities the API and the pages show, remembered between
requests for as long as they are exactly what a fresh expansion would give.

Expanding a schedule's rule (dateutil walks it from its first meeting) cost more per page of
hits than the search itself. The next meetings at or after a time `t` are the first ones of a
fixed, ordered sequence; so the answer found at `t0` is the answer for any later `t` up to its
first meeting (no meeting lies between). An entry is used only then, and expanded afresh
otherwise: nothing is approximated, only work not repeated. Keyed by the schedule's content,
so a schedule that changes is a new entry; bounded, least recently used first out.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import datetime, timedelta

from core.clock import TZ
from core.schema import Schedule
from normalize.schedule import next_meetings

Meetings = list[tuple[datetime, timedelta | None]]


class Upcoming:
    """`meetings(schedule, now, count)` as `normalize.schedule.next_meetings`, remembered."""

    def __init__(self, max_entries: int = 20_000) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple[str, int], tuple[datetime, Meetings]] = OrderedDict()
        self._lock = threading.Lock()

    def meetings(self, schedule: Schedule, now: datetime, count: int = 3) -> Meetings:
        if schedule.start is None:
            return []
        key = (schedule.model_dump_json(), count)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and _still_exact(entry[0], entry[1], now):
                self._entries.move_to_end(key)
                return list(entry[1])
        found = next_meetings(schedule, now, count)
        with self._lock:
            self._entries[key] = (now, found)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return list(found)

    def starts(self, schedule: Schedule, now: datetime, count: int = 3) -> list[datetime]:
        """As `normalize.schedule.next_occurrences`."""
        return [start for start, _ in self.meetings(schedule, now, count)]


def _still_exact(at: datetime, found: Meetings, now: datetime) -> bool:
    """Whether what was found at `at` is what a fresh expansion at `now` gives: `now` is not
    before `at` and not after the first meeting found, both as instants and as local clock
    time (rules are expanded on the local clock, which repeats an hour in October).

    >>> from datetime import datetime as dt
    >>> at, first = dt(2026, 3, 2, 12, tzinfo=TZ), dt(2026, 3, 3, 14, tzinfo=TZ)
    >>> [_still_exact(at, [(first, None)], t) for t in (at, first, dt(2026, 3, 2, 11, tzinfo=TZ),
    ...  dt(2026, 3, 3, 14, 1, tzinfo=TZ))]
    [True, True, False, False]
    >>> _still_exact(at, [], dt(2027, 1, 1, tzinfo=TZ))  # nothing after `at`: nothing later
    True
    """
    local = _local(now)
    if now < at or local < _local(at):
        return False
    if not found:
        return True
    first = found[0][0]
    return now <= first and local <= _local(first)


def _local(moment: datetime) -> datetime:
    return moment.astimezone(TZ).replace(tzinfo=None)


#: The process's one memory of next meetings (what it holds is exact whichever app asks).
UPCOMING = Upcoming()
