"""Source health: each source's latest runs, as operators and associations see it."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import Field

from records.runlog import RunLog
from search_api.deps import SettingsDep
from search_api.models import SourcePublic

router = APIRouter(prefix="/v1/sources", tags=["sources"])


class SourceHealth(SourcePublic):
    last_status: str = Field(description=(
        "ok: every page read. degraded: some pages failed; what they held before is kept. "
        "guarded: the sweep guard held the run back; nothing marked stale. failed: no page "
        "could be read; everything kept."))
    reason: str | None = Field(default=None, description=(
        "Why the last run was not ok, in one line (the failed pages, what was kept, the "
        "guard)."))
    kept: int = Field(default=0, description=(
        "Activities the last run could not reach because of errors: their last good version "
        "stays in search."))


@router.get("", response_model=list[SourceHealth])
def list_sources(settings: SettingsDep) -> list[SourceHealth]:
    """Every crawled source, with its last run and last successful run."""
    log = RunLog(settings.data_dir / "crawls.db")
    try:
        out = []
        for name in log.sources():
            last, good = log.latest(name), log.good(name, 1)
            assert last is not None
            out.append(SourceHealth(
                name=name, last_run=last.finished, last_status=last.status,
                reason=last.report.get("reason"), kept=last.report.get("kept") or 0,
                last_good_run=good[0].finished if good else None,
                activities=good[0].items if good else 0, new=last.new, changed=last.changed,
                unchanged=last.unchanged, gone=last.gone, dropped=last.dropped,
                errors=sum((last.report.get("errors") or {}).values()),
            ))
        return out
    finally:
        log.close()
