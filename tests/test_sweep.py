"""The stale sweep's reasoning, without a crawl: what a run's page outcomes vouch for, and
what the sweep makes of them with a real index and run log (the crawls themselves:
tests/test_fault_catalogue.py, tests/test_runs.py)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from core.clock import TZ
from core.schema import Activity, Status, activity_id
from index import SearchQuery, Sort
from index.backends.sqlite import SQLiteBackend
from records.evidence import RunEvidence
from records.runlog import Run, RunLog
from records.sweep import SweepPolicy, SweepRun, sweep_source

SITE = "https://kommune.example"
DAY1 = datetime(2026, 11, 20, 3, 0, tzinfo=TZ)


def page(n: int) -> str:
    return f"{SITE}/aktivitet/{n}.html"


def test_the_page_itself_decides_when_it_was_asked_for() -> None:
    ev = RunEvidence(read={page(1)}, gone={page(2)}, failed={page(3): "http_500"},
                     unread={page(4): "broken_jsonld"}, skipped={page(5): "robots_txt"})
    got = {n: (v.gone, v.why) for n in range(1, 6) if (v := ev.verdict(page(n), {}))}
    assert got == {1: (True, "not_on_page"), 2: (True, "page_gone"),
                   3: (False, "http_500"), 4: (False, "broken_jsonld"),
                   5: (False, "robots_txt")}


def test_a_page_not_asked_for_is_decided_by_the_listing_that_linked_it() -> None:
    listing, page2 = f"{SITE}/", f"{SITE}/side-2.html"
    known = {page(1): listing, page(7): page2, page2: listing}
    read_listing = RunEvidence(read={listing})
    assert read_listing.verdict(page(1), known).why == "not_linked"
    # Two levels up: page 2 of the listing is gone from page 1, which was read.
    verdict = read_listing.verdict(page(7), known)
    assert (verdict.gone, verdict.why, verdict.url) == (True, "not_linked", listing)
    # Page 2 failed: what it linked is kept.
    failed_page2 = RunEvidence(read={listing}, failed={page2: "TimeoutError"})
    verdict = failed_page2.verdict(page(7), known)
    assert (verdict.gone, verdict.why, verdict.url) == (False, "TimeoutError", page2)
    assert RunEvidence(gone={listing}).verdict(page(1), known).why == "listing_gone"
    # This run's own link wins over the one kept from earlier runs.
    moved = RunEvidence(read={listing}, failed={page2: "http_500"}, via={page(1): page2})
    assert moved.verdict(page(1), known).gone is False


def test_statements_of_the_site_count_as_read_and_problems_do_not() -> None:
    ev = RunEvidence(read={page(1), page(2)}, aliases={f"{SITE}/login": page(2)})
    ev.note_problem(page(1), "past_event")  # the site's own word: the event is over
    ev.note_problem(f"{SITE}/login", "login_wall")  # found after a redirect from page 2
    assert ev.verdict(page(1), {}).gone is True
    assert (ev.verdict(page(2), {}).gone, ev.verdict(page(2), {}).why) == (False, "login_wall")


def test_with_no_page_leading_to_it_only_a_run_without_failures_may_say() -> None:
    assert RunEvidence(read={SITE}).verdict(page(9), {}).gone is True
    assert RunEvidence(read={SITE}, failed={page(1): "http_503"}).verdict(page(9), {}).gone \
        is False


def _activity(n: int) -> Activity:
    return Activity.model_validate({
        "id": activity_id("s", f"s-{n}"), "title": f"Aktivitet {n}",
        "location": {"city": "Holstebro", "municipality": "Holstebro"},
        "schedule": {"kind": "recurring", "start": datetime(2026, 9, 1, 14, tzinfo=TZ),
                     "rrule": "FREQ=WEEKLY;BYDAY=TU"},
        "source": {"name": "s", "kind": "municipal", "url": page(n), "fetched_at": DAY1},
        "first_seen": DAY1, "last_seen": DAY1})


@pytest.fixture
def store(tmp_path: Path) -> tuple[SQLiteBackend, RunLog]:
    index = SQLiteBackend(tmp_path / "i.db")
    index.upsert([_activity(n) for n in range(1, 11)])
    log = RunLog(tmp_path / "crawls.db")
    return index, log


def _run(index: SQLiteBackend, log: RunLog, day: int, seen: list[int],
         ev: RunEvidence, status: str = "ok") -> tuple[str, list[str], list[str], list[str]]:
    """One run of source "s" on DAY1 + day that found the activities `seen`; returns its
    status and the activities it marked stale, kept and held back (by number)."""
    started = DAY1 + timedelta(days=day)
    ids = [activity_id("s", f"s-{n}") for n in seen]
    ev.found_at.update({activity_id("s", f"s-{n}"): page(n) for n in seen})
    out = sweep_source(log, index, SweepRun("s", status, len(seen), ids, started, ev),
                       SweepPolicy(stale_after_runs=1))
    log.record(Run("s", started, started, out.status, 11, len(seen), 0, 0, len(seen),
                   out.gone, 0, {}))

    def numbers(items: list[dict[str, str]]) -> list[str]:
        return sorted(i["title"].removeprefix("Aktivitet ") for i in items)
    return (out.status, numbers(out.gone_items), numbers(out.kept_items),
            numbers(out.held_items))


def _status(index: SQLiteBackend, n: int) -> Status:
    a = index.get(activity_id("s", f"s-{n}"))
    assert a is not None
    return a.status


def test_the_sweep_keeps_what_failed_and_guards_the_share(
        store: tuple[SQLiteBackend, RunLog]) -> None:
    index, log = store
    everything = list(range(1, 11))
    assert _run(index, log, 0, everything, RunEvidence(read={page(n) for n in everything})) \
        == ("ok", [], [], [])
    # Page 1 failed (kept), pages 2 and 3 answered 404 (gone): 2 of 10 may go in one run.
    ev = RunEvidence(read={page(n) for n in range(4, 11)}, failed={page(1): "http_500"},
                     gone={page(2), page(3)})
    assert _run(index, log, 1, list(range(4, 11)), ev) == ("degraded", ["2", "3"], ["1"], [])
    assert (_status(index, 1), _status(index, 2)) == (Status.active, Status.stale)
    # Three more gone at once: over 20 % of the source (8 left, at most 1): held back, named.
    ev = RunEvidence(read={page(n) for n in range(7, 11)}, gone={page(4), page(5), page(6)},
                     failed={page(1): "http_500"})
    assert _run(index, log, 2, list(range(7, 11)), ev) == (
        "guarded", [], ["1"], ["4", "5", "6"])
    assert all(_status(index, n) is Status.active for n in (1, 4, 5, 6))
    # A failed run looks at nothing and keeps everything.
    index_before = index.source_last_seen("s")
    assert _run(index, log, 3, [], RunEvidence(), status="failed") == ("failed", [], [], [])
    assert index.source_last_seen("s") == index_before


def test_the_sweep_brings_passed_next_starts_up_to_now(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FKORT_NOW", DAY1.isoformat())  # written on Friday 20 November
    index = SQLiteBackend(tmp_path / "i.db")
    index.upsert([_activity(n) for n in range(1, 4)])
    log = RunLog(tmp_path / "crawls.db")
    # The next Wednesday: every Tuesday meeting stored has passed.
    wednesday = DAY1 + timedelta(days=5)
    monkeypatch.setenv("FKORT_NOW", wednesday.isoformat())
    everything = [activity_id("s", f"s-{n}") for n in range(1, 4)]
    run = SweepRun("s", "ok", 3, everything, wednesday,
                   RunEvidence(read={page(n) for n in range(1, 4)}))
    assert sweep_source(log, index, run, SweepPolicy()).next_refreshed == 3
    assert sweep_source(log, index, run, SweepPolicy()).next_refreshed == 0
    hits = index.search(SearchQuery(now=wednesday, sort=Sort.next)).hits
    assert {h.activity.schedule.rrule for h in hits} == {"FREQ=WEEKLY;BYDAY=TU"}
    index.close()
