"""When the crawls last found an activity, for the pages' "sidst set".

The index holds an activity as it was last *written*; a re-crawl that finds it unchanged
writes nothing there and records the sighting in the run log (`data/crawls.db`). The pages
and the API show the later of the two. A merged record was seen when any of its members was.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path

from core.schema import Activity
from core.settings import Settings
from index import SearchResult
from records.runlog import RunLog

#: Run logs a thread keeps open, by path and file; the least recently read closed first.
MAX_OPEN_PER_THREAD = 4
_open = threading.local()


def run_log(path: Path) -> RunLog | None:
    """This thread's open run log at `path`, None while there is none. Opening one (a
    connection, its schema checked) cost a search 0.3 ms of CPU and a millisecond of waiting;
    so each thread keeps its own open (SQLite connections stay in their thread), and opens it
    again when the file at `path` is another one (replaced or restored)."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    key = (str(path), stat.st_dev, stat.st_ino)
    logs: OrderedDict[tuple[str, int, int], RunLog] = _open.__dict__.setdefault(
        "logs", OrderedDict())
    log = logs.get(key)
    if log is None:
        for old in [k for k in logs if k[0] == key[0]]:
            logs.pop(old).close()
        log = logs[key] = RunLog(path)
        while len(logs) > MAX_OPEN_PER_THREAD:
            logs.popitem(last=False)[1].close()
    logs.move_to_end(key)
    return log


def last_seen(settings: Settings, activities: list[Activity]) -> list[Activity]:
    if not activities:
        return activities
    log = run_log(settings.data_dir / "crawls.db")
    if log is None:
        return activities
    ids = sorted({i for a in activities for i in (a.id, *a.merged_from)})
    seen = log.last_seen_of(ids)
    out = []
    for a in activities:
        times = [seen[i] for i in (a.id, *a.merged_from) if i in seen]
        latest = max([a.last_seen, *times])
        out.append(a if latest == a.last_seen else a.model_copy(update={"last_seen": latest}))
    return out


def with_last_seen(settings: Settings, result: SearchResult) -> SearchResult:
    activities = last_seen(settings, [h.activity for h in result.hits])
    if all(a is h.activity for h, a in zip(result.hits, activities, strict=True)):
        return result  # nothing seen later than the index says: no copies
    hits = [h if a is h.activity else h.model_copy(update={"activity": a})
            for h, a in zip(result.hits, activities, strict=True)]
    return result.model_copy(update={"hits": hits})
