"""Source health: each source's latest runs, as operators and associations see it."""

from __future__ import annotations

from fastapi import APIRouter

from records.runlog import RunLog
from search_api.deps import SettingsDep
from search_api.models import SourcePublic

router = APIRouter(prefix="/v1/sources", tags=["sources"])


@router.get("", response_model=list[SourcePublic])
def list_sources(settings: SettingsDep) -> list[SourcePublic]:
    """Every crawled source, with its last run and last successful run."""
    log = RunLog(settings.data_dir / "crawls.db")
    try:
        out = []
        for name in log.sources():
            last, good = log.latest(name), log.good(name, 1)
            assert last is not None
            out.append(SourcePublic(
                name=name, last_run=last.finished, last_status=last.status,
                last_good_run=good[0].finished if good else None,
                activities=good[0].items if good else 0, new=last.new, changed=last.changed,
                unchanged=last.unchanged, gone=last.gone, dropped=last.dropped,
                errors=sum((last.report.get("errors") or {}).values()),
            ))
        return out
    finally:
        log.close()
