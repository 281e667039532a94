"""When the crawls last found an activity, for the pages' "sidst set".

The index holds an activity as it was last *written*; a re-crawl that finds it unchanged
writes nothing there and records the sighting in the run log (`data/crawls.db`). The pages
and the API show the later of the two. A merged record was seen when any of its members was.
"""

from __future__ import annotations

from core.schema import Activity
from core.settings import Settings
from index import SearchResult
from records.runlog import RunLog


def last_seen(settings: Settings, activities: list[Activity]) -> list[Activity]:
    path = settings.data_dir / "crawls.db"
    if not activities or not path.exists():
        return activities
    ids = sorted({i for a in activities for i in (a.id, *a.merged_from)})
    log = RunLog(path)
    try:
        seen = log.last_seen_of(ids)
    finally:
        log.close()
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
