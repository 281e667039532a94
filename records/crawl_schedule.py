"""When a source is crawled: the `schedule` of a source in `sources.toml`.

A schedule is one of

- a word: ``hourly`` (at minute 0), ``daily`` (03:00), ``weekly`` (Monday 03:00),
  ``monthly`` (the 1st, 03:00) — night hours, when municipal sites are quiet;
- an interval: ``every 6h``, ``every 30m``, ``every 2d`` (also ``s`` and ``w``);
- a crontab line of five fields, e.g. ``30 2 * * mon-fri``, in Danish local time;
- ``manual``: never due; crawled only when asked for by name.

A source is *due* when a scheduled time has come since its last run started (any run: a
failed run is not retried before its next time, so a broken site is not hammered by a cron
job that runs every quarter of an hour). A source that has never run is due.

>>> s = parse("daily")
>>> from datetime import datetime
>>> last = datetime(2026, 11, 20, 3, 0, 5, tzinfo=TZ)
>>> s.is_due(last, datetime(2026, 11, 21, 2, 59, tzinfo=TZ))
False
>>> s.is_due(last, datetime(2026, 11, 21, 3, 0, tzinfo=TZ))
True
>>> parse("every 6h").next_due(last).isoformat()  # 5 % early counts as on time
'2026-11-20T08:42:05+01:00'
>>> parse("manual").is_due(None, last)
False
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from core.clock import TZ

WORDS = {
    "hourly": "0 * * * *",
    "daily": "0 3 * * *",
    "weekly": "0 3 * * mon",
    "monthly": "0 3 1 * *",
}
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_EVERY = re.compile(r"every\s+(\d+)\s*([smhdw])", re.IGNORECASE)
#: An interval run counts as on time this much early (a cron job every quarter of an hour
#: starts the crawl a little earlier or later each day).
_SLACK = 0.05


class ScheduleError(ValueError):
    """A schedule that cannot be read; the message says what is accepted."""


@dataclass(frozen=True)
class CrawlSchedule:
    text: str
    cron: str | None = None
    every: timedelta | None = None

    @property
    def manual(self) -> bool:
        return self.cron is None and self.every is None

    def next_due(self, last_started: datetime | None) -> datetime | None:
        """When the source is next due after a run that started at `last_started`."""
        if self.manual:
            return None
        if last_started is None:
            return datetime.min.replace(tzinfo=TZ)
        if self.every is not None:
            return last_started + self.every * (1 - _SLACK)
        # Strictly after the start: a run that began on the stroke is not due again at once.
        after = last_started.astimezone(TZ) + timedelta(seconds=1)
        fire: datetime | None = self.trigger().get_next_fire_time(None, after)
        return fire

    def is_due(self, last_started: datetime | None, now: datetime) -> bool:
        due = self.next_due(last_started)
        return due is not None and due <= now

    def trigger(self) -> BaseTrigger:
        """The APScheduler trigger for `fkort schedule`."""
        if self.every is not None:
            return IntervalTrigger(seconds=self.every.total_seconds(), timezone=TZ)
        if self.cron is None:
            raise ScheduleError(f"schedule {self.text!r} is manual: it has no trigger")
        return CronTrigger.from_crontab(self.cron, timezone=TZ)


def parse(text: str) -> CrawlSchedule:
    """Read a schedule; raises ScheduleError with the accepted forms when it cannot.

    >>> parse("30 2 * * mon-fri").cron
    '30 2 * * mon-fri'
    >>> parse("hver dag")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    records.crawl_schedule.ScheduleError: schedule 'hver dag' not understood: use hourly, ...
    """
    t = " ".join(text.split()).lower()
    if t in ("manual", "never"):
        return CrawlSchedule(text)
    if t in WORDS:
        return CrawlSchedule(text, cron=WORDS[t])
    m = _EVERY.fullmatch(t)
    if m:
        n = int(m.group(1))
        if n <= 0:
            raise ScheduleError(f"schedule {text!r}: the interval must be above zero")
        return CrawlSchedule(text, every=timedelta(**{_UNITS[m.group(2)]: n}))
    if len(t.split()) == 5:
        try:
            CronTrigger.from_crontab(t, timezone=TZ)
        except ValueError as exc:
            raise ScheduleError(f"schedule {text!r}: not a valid crontab line: {exc}") from exc
        return CrawlSchedule(text, cron=t)
    raise ScheduleError(
        f"schedule {text!r} not understood: use hourly, daily, weekly, monthly, manual, "
        "'every 6h' (s, m, h, d, w) or a five-field crontab line")
