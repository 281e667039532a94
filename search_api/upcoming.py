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
from typing import NamedTuple

from core.clock import TZ
from core.schema import Schedule
from normalize.schedule import next_meetings

Meetings = list[tuple[datetime, timedelta | None]]
#: A schedule's content as the memory's key (its JSON: offsets included, so two schedules
#: at the same instants on different clocks are different keys).
_CONTENT = Schedule.__pydantic_serializer__.to_json


class _Found(NamedTuple):
    """The meetings found at `at`, with the bounds of the times they answer for, each as an
    instant and on the local clock (`_still_exact`)."""

    at: datetime
    at_local: datetime
    meetings: Meetings
    first: datetime | None
    first_local: datetime | None


class Upcoming:
    """`meetings(schedule, now, count)` as `normalize.schedule.next_meetings`, remembered."""

    def __init__(self, max_entries: int = 20_000) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple[bytes, int], _Found] = OrderedDict()
        self._lock = threading.Lock()

    def _meetings(self, schedule: Schedule, now: datetime, count: int) -> Meetings:
        """The meetings, as remembered (not to be changed by the caller)."""
        if schedule.start is None:
            return []
        key = (_CONTENT(schedule), count)
        local = _local(now)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and _still_exact(entry, now, local):
                self._entries.move_to_end(key)
                return entry.meetings
        found = next_meetings(schedule, now, count)
        first = found[0][0] if found else None
        entry = _Found(now, local, found, first, None if first is None else _local(first))
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return found

    def meetings(self, schedule: Schedule, now: datetime, count: int = 3) -> Meetings:
        return list(self._meetings(schedule, now, count))

    def starts(self, schedule: Schedule, now: datetime, count: int = 3) -> list[datetime]:
        """As `normalize.schedule.next_occurrences`."""
        return [start for start, _ in self._meetings(schedule, now, count)]


def _still_exact(found: _Found, now: datetime, local: datetime) -> bool:
    """Whether what was found at `found.at` is what a fresh expansion at `now` (`local` on
    the local clock) gives: `now` is not before `at` and not after the first meeting found,
    both as instants and as local clock time (rules are expanded on the local clock, which
    repeats an hour in October).

    >>> from datetime import datetime as dt
    >>> at, first = dt(2026, 3, 2, 12, tzinfo=TZ), dt(2026, 3, 3, 14, tzinfo=TZ)
    >>> f = _Found(at, _local(at), [(first, None)], first, _local(first))
    >>> [_still_exact(f, t, _local(t)) for t in (at, first, dt(2026, 3, 2, 11, tzinfo=TZ),
    ...  dt(2026, 3, 3, 14, 1, tzinfo=TZ))]
    [True, True, False, False]
    >>> none = _Found(at, _local(at), [], None, None)  # nothing after `at`: nothing later
    >>> _still_exact(none, dt(2027, 1, 1, tzinfo=TZ), _local(dt(2027, 1, 1, tzinfo=TZ)))
    True
    """
    if now < found.at or local < found.at_local:
        return False
    if found.first is None or found.first_local is None:
        return True
    return now <= found.first and local <= found.first_local


def _local(moment: datetime) -> datetime:
    return moment.astimezone(TZ).replace(tzinfo=None)


#: The process's one memory of next meetings (what it holds is exact whichever app asks).
UPCOMING = Upcoming()
