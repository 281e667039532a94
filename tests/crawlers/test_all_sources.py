"""All source families in one crawl, through one pipeline into one index: every activity the
fixtures hold is indexed, and the run summary reports exactly the planted failures."""

from __future__ import annotations

from pathlib import Path

from fkort.sites import SiteServer
from index import SearchQuery
from index.backends.sqlite import SQLiteBackend
from tests.conftest import FILES, crawl
from tests.crawlers import test_facebook, test_ical, test_municipal, test_portal

STRUER = """
[[source]]
name = "struer"
kind = "municipal"
start_urls = ["{struer}/"]
[source.options]
follow = ["/aktivitet/", "/side-\\\\d+\\\\.html$", "/intern/"]
sitemap_urls = ["{struer}/sitemap.xml"]
"""


def test_one_crawl_of_every_family(tmp_path: Path) -> None:
    sources = "\n".join([STRUER, test_municipal.SOURCES, test_portal.SOURCES, test_facebook.SOURCES,
                         test_ical.SOURCES])
    m = FILES / "municipal"
    with SiteServer(FILES / "jsonld" / "struer") as struer, \
            SiteServer(m / "lemvig", faults={"/aktivitet/seniorbowling.html": "no-charset"}) \
            as lemvig, SiteServer(m / "ikast-brande") as ikast, \
            SiteServer(m / "foreninger-lemvig") as foreninger, \
            SiteServer(FILES / "portal" / "boblberg") as portal, \
            SiteServer(FILES / "facebook") as fb, SiteServer(FILES / "ical") as ics:
        proc, report = crawl(sources, tmp_path, {
            "struer": struer.base_url, "lemvig": lemvig.base_url, "ikast": ikast.base_url,
            "foreninger": foreninger.base_url, "portal": portal.base_url, "fb": fb.base_url,
            "ics": ics.base_url})
    assert proc.returncode == 3, proc.stderr[-3000:]
    got = {r["source"]: (r["new"], r["errors"], r["dropped"]) for r in report}
    assert got == {
        "struer": (5, {"broken_jsonld": 1}, 1),
        "lemvig": (9, {"selectors_matched_nothing": 1}, 0),
        "ikast-brande": (7, {}, 0),
        "foreninger-lemvig": (0, {}, 0),
        "boblberg": (13, {}, 0),
        "facebook-events": (2, {"login_wall": 1, "removed": 1, "online_only": 1,
                                "past_event": 1}, 0),
        # Its cancelled and postponed events are indexed with their status (once skipped).
        "vestervang": (17, {"broken_ical": 1}, 0),
    }
    assert all(r["status"] == "ok" for r in report)
    b = SQLiteBackend(tmp_path / "crawl.db")
    records = list(b.all_activities())
    assert len([a for a in records if not a.merged_from]) == 5 + 9 + 7 + 13 + 2 + 17
    # Mandeklubben Struer is on the municipal site and on the portal: one merged record.
    (merged,) = [a for a in records if a.merged_from]
    assert merged.title == "Mandeklubben"
    assert sorted(s.name for s in merged.sources) == ["boblberg", "struer"]
    kinds = {h.activity.source.kind.value for h in b.search(SearchQuery(limit=100)).hits}
    b.close()
    assert kinds == {"municipal", "portal", "facebook", "ical"}
