"""Planted faults: each is reported for its source, none stops the crawl or the others."""

from __future__ import annotations

from pathlib import Path

from fkort.sites import Fault, SiteServer
from index import SearchQuery
from index.backends.sqlite import SQLiteBackend
from tests.conftest import FILES, crawl

SOURCES = """
[[source]]
name = "struer"
kind = "municipal"
start_urls = ["{struer}/", "{struer}/omdirigering.html", "{struer}/kaempeside.html"]
[source.options]
follow = ["/aktivitet/", "/side-\\\\d+\\\\.html$"]

[[source]]
name = "nede"
kind = "municipal"
start_urls = ["{slow}/langsom.html"]

[[source]]
name = "lemvig-bowling"
kind = "municipal"
spider = "municipal"
start_urls = ["{lemvig}/aktivitet/seniorbowling.html"]
[source.options]
detail = ["/aktivitet/"]
[source.selectors]
title = "h1.page-title"
when = ".field--name-field-tidspunkt .field__item"
where = ".field--name-field-sted .field__item"
"""


def test_planted_faults_are_reported_and_the_rest_is_indexed(tmp_path: Path) -> None:
    struer_faults: dict[str, Fault] = {"/aktivitet/kortklub.html": ("fail", 1),
                                       "/omdirigering.html": "loop", "/kaempeside.html": "huge"}
    with SiteServer(FILES / "jsonld" / "struer", faults=struer_faults) as struer, \
            SiteServer(FILES / "jsonld" / "struer", faults={"/langsom.html": "hang"}) as slow, \
            SiteServer(FILES / "municipal" / "lemvig",
                       faults={"/aktivitet/seniorbowling.html": "charset-lie"}) as lemvig:
        proc, report = crawl(
            SOURCES, tmp_path,
            {"struer": struer.base_url, "slow": slow.base_url, "lemvig": lemvig.base_url},
            "--set", "DOWNLOAD_TIMEOUT=1", "--set", "RETRY_TIMES=1",
        )
        kortklub_hits = sum(1 for p, _ in struer.requests if p == "/aktivitet/kortklub.html")
    by_source = {r["source"]: r for r in report}
    assert proc.returncode == 3, proc.stderr[-3000:]  # some sources had problems, not all
    struer_report = by_source["struer"]
    # The 500 was retried and the page read; the loop and the 20 MB page were given up.
    assert kortklub_hits == 2
    assert struer_report["new"] == 4  # kortklub, gåtur, mandeklub, syklub
    assert struer_report["errors"] == {"broken_jsonld": 1, "redirect_loop": 1,
                                       "DownloadCancelledError": 1}
    big = [p for p in struer_report["problems"] if p["url"].endswith("/kaempeside.html")]
    assert len(big) == 1
    # A source that does not answer fails alone, and says so.
    assert by_source["nede"]["status"] == "failed"
    assert by_source["nede"]["pages"] == 0
    # A Windows-1252 page under a UTF-8 header is read as Windows-1252.
    b = SQLiteBackend(tmp_path / "crawl.db")
    bowling = [h.activity for h in b.search(SearchQuery(limit=50)).hits
               if h.activity.source.name == "lemvig-bowling"]
    b.close()
    assert len(bowling) == 1
    assert bowling[0].title.startswith("Seniorbowling")
    assert "\ufffd" not in bowling[0].title and bowling[0].location.city == "Lemvig"
