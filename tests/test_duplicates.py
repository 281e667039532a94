"""One offer on the municipal calendar, on a portal and as a Facebook event: one record, with
three sources, across re-crawls; look-alikes at the same place and time stay apart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from core.schema import Activity, Status
from core.settings import Settings
from fkort.sites import SiteServer
from index import SearchQuery
from index.backends.sqlite import SQLiteBackend
from search_api.main import create_app
from tests.conftest import FILES, LiveServer, crawl, run_fkort
from tests.crawlers import test_portal

SOURCES = """
[[source]]
name = "struer-kommune"
kind = "municipal"
start_urls = ["{kommune}/"]
[source.options]
follow = ["/aktivitet/"]

{portal_source}
[[source]]
name = "facebook"
kind = "facebook"
spider = "facebook"
start_urls = ["{fb}/recurring-parent.html", "{fb}/public-oneoff.html"]
"""
# The portal is read as the Boblberg-style portal of the portal tests, at another address.
SOURCES = SOURCES.replace("{portal_source}", test_portal.SOURCES.strip()
                          .replace('"boblberg"', '"portal"')
                          .replace("/api/bobler/side-1.json", "/api/opslag.json"))
SITES = FILES / "duplicates"


def _crawl(tmp: Path, sites: dict[str, str], day: str) -> list[dict[str, Any]]:
    proc, report = crawl(SOURCES, tmp, sites, "--no-cache", db=tmp / "fkort.db",
                         env={"FKORT_NOW": f"{day}T03:00:00+01:00"})
    assert proc.returncode in (0, 3), proc.stderr[-3000:]
    return report


def _all(tmp: Path) -> list[Activity]:
    b = SQLiteBackend(tmp / "fkort.db")
    try:
        return list(b.all_activities())
    finally:
        b.close()


def _search(tmp: Path, text: str) -> list[str]:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    b = SQLiteBackend(tmp / "fkort.db")
    try:
        result = b.search(SearchQuery(text=text, limit=50,
                                      now=datetime(2026, 11, 24, 3, tzinfo=ZoneInfo(
                                          "Europe/Copenhagen"))))
        return [h.activity.id for h in result.hits]
    finally:
        b.close()


def test_one_walking_group_from_three_sources_is_one_record(tmp_path: Path) -> None:
    with SiteServer(SITES / "kommune") as kommune, SiteServer(SITES / "portal") as portal, \
            SiteServer(FILES / "facebook") as fb:
        sites = {"kommune": kommune.base_url, "portal": portal.base_url, "fb": fb.base_url}
        first = _crawl(tmp_path, sites, "2026-11-22")
        assert {r["source"]: r["new"] for r in first} == {
            "struer-kommune": 3, "portal": 3, "facebook": 2}
        records = _all(tmp_path)
        merged = [a for a in records if a.merged_from]
        assert len(merged) == 1, [a.title for a in merged]
        walk = merged[0]
        assert walk.status is Status.active
        assert sorted(s.name for s in walk.sources) == ["facebook", "portal", "struer-kommune"]
        members = {a.id: a for a in records if a.id in walk.merged_from}
        assert all(m.status is Status.merged for m in members.values())
        # The municipal page is trusted first; the most precise place is an address.
        assert walk.source.name == "struer-kommune"
        assert walk.title == "Gå-klubben ved Limfjorden"
        assert members[walk.provenance["location"]].location.precision.value == "address"
        assert walk.schedule.rrule and "BYDAY=TU" in walk.schedule.rrule
        # Search shows the walk once; look-alikes at the same place and time stay apart.
        hits = _search(tmp_path, "gåtur")
        assert walk.id in hits and not set(walk.merged_from) & set(hits)
        titles = {a.title for a in records if a.status is Status.active}
        assert {"Strikkecafé på biblioteket", "Lektiecafé på biblioteket",
                "Gåtur i Holstebro Plantage"} <= titles

        # The merge is explained, field by field, and the evidence names place and time.
        proc = run_fkort("duplicates", "--db", str(tmp_path / "fkort.db"), "--explain",
                         walk.merged_from[-1], env={"FKORT_DATA_DIR": str(tmp_path / "data")})
        assert proc.returncode == 0, proc.stderr
        assert f"merged record {walk.id} of 3 sources" in proc.stdout
        assert "location" in proc.stdout and "same activity" in proc.stdout
        lektie = next(a for a in records if a.title == "Lektiecafé på biblioteket")
        proc = run_fkort("duplicates", "--db", str(tmp_path / "fkort.db"), "--explain",
                         lektie.id, env={"FKORT_DATA_DIR": str(tmp_path / "data")})
        assert "not merged" in proc.stdout and "different" in proc.stdout

        # Re-crawls: still one record, with the same id, and nothing rewritten.
        for day in ("2026-11-23", "2026-11-24"):
            again = _crawl(tmp_path, sites, day)
            assert all(r["new"] == 0 and r["changed"] == 0 for r in again), again
            assert all(r["merged"] == 0 for r in again)
            now = [a for a in _all(tmp_path) if a.merged_from and a.status is Status.active]
            assert [a.id for a in now] == [walk.id]

        # The page lists every source; "sidst set" is the last crawl that found it, though
        # the re-crawls wrote nothing to the index.
        app = create_app(Settings(db_path=tmp_path / "fkort.db", data_dir=tmp_path / "data"))
        with LiveServer(app=app) as server:
            html = httpx.post(f"{server.url}/", data={"q": "gåtur limfjorden"}).text
            api = httpx.get(f"{server.url}/v1/activities/{walk.id}").json()
        assert "Kilder: " in html and all(f">{n}</a>" in html for n in (
            "struer-kommune", "portal", "facebook"))
        assert "sidst set 24. november 2026" in html
        assert api["last_seen"].startswith("2026-11-24") and len(api["sources"]) == 3

        # The Facebook event goes away for good: once its source has missed it in two good
        # runs, the walk stays one record, of the two sources left.
        fb.faults["/recurring-parent.html"] = "gone"
        for day in ("2026-11-25", "2026-11-26"):
            _crawl(tmp_path, sites, day)
        now = [a for a in _all(tmp_path) if a.merged_from and a.status is Status.active]
        assert [a.id for a in now] == [walk.id]
        assert sorted(s.name for s in now[0].sources) == ["portal", "struer-kommune"]


def test_corrections_and_removals_of_a_merged_record_survive_the_merge_step(
        tmp_path: Path) -> None:
    from records.request_store import ChangeRequest, RequestStore

    with SiteServer(SITES / "kommune") as kommune, SiteServer(SITES / "portal") as portal, \
            SiteServer(FILES / "facebook") as fb:
        _crawl(tmp_path, {"kommune": kommune.base_url, "portal": portal.base_url,
                          "fb": fb.base_url}, "2026-11-22")
    (walk,) = [a for a in _all(tmp_path) if a.merged_from]
    assert walk.accessibility.hearing_loop is None
    store = RequestStore.for_data_dir(tmp_path / "data")
    index = SQLiteBackend(tmp_path / "fkort.db")

    def ask(target: str, kind: str, **fields: str) -> None:
        req = store.add(ChangeRequest(target_type="activity", target_id=target, kind=kind,
                                      requester_name="Ældre Sagen Struer",
                                      requester_contact="struer@aeldresagen.example",
                                      message="Ret venligst.", **fields))  # type: ignore[arg-type]
        assert req.id is not None
        store.approve(req.id, index)

    try:
        ask(walk.id, "correction", field="accessibility.hearing_loop", proposed_value="ja")
        assert index.get(walk.id).accessibility.hearing_loop is True  # type: ignore[union-attr]
        # The merge step rebuilds the record from its members: the correction stays.
        proc = run_fkort("duplicates", "--apply", "--db", str(tmp_path / "fkort.db"),
                         env={"FKORT_DATA_DIR": str(tmp_path / "data")})
        assert proc.returncode == 0, proc.stderr
        assert index.get(walk.id).accessibility.hearing_loop is True  # type: ignore[union-attr]
        # A removed offer stays removed, members and all, whatever the merge step finds.
        ask(walk.id, "removal")
        run_fkort("duplicates", "--apply", "--db", str(tmp_path / "fkort.db"),
                  env={"FKORT_DATA_DIR": str(tmp_path / "data")})
        assert index.get(walk.id).status is Status.removed  # type: ignore[union-attr]
        assert {index.get(m).status for m in walk.merged_from} == {  # type: ignore[union-attr]
            Status.merged}
    finally:
        store.close()
        index.close()
    assert not set(_search(tmp_path, "gåtur")) & {walk.id, *walk.merged_from}
