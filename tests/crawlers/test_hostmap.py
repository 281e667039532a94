"""The host map: a crawl of a real source entry (as `fkort init` writes it) whose host is
sent to a fixture server on 127.0.0.1, while everything else sees the real URL."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from core.schema import Activity
from crawlers.hostmap import HostMapError, parse, target_of
from fkort.sites import SiteServer
from index import SearchQuery
from index.backends.sqlite import SQLiteBackend
from tests.conftest import REPO, run_fkort
from tests.crawlers.test_jsonapi_crawl import Timed

LIBRARY = REPO / "tests" / "files" / "dpl-cms" / "holstebro"


@pytest.mark.parametrize("bad", ["a.dk", "a.dk=", "=http://x", "a.dk=ftp://x", "a.dk=x:1"])
def test_an_unreadable_map_is_refused_with_the_pair(bad: str) -> None:
    with pytest.raises(HostMapError, match="is not host=http"):
        parse(f"ok.dk=http://127.0.0.1:1 {bad}")


def test_subdomain_wildcard_does_not_take_the_bare_domain_or_lookalikes() -> None:
    m = parse("*.nemtilmeld.dk=http://127.0.0.1:2")
    assert target_of("https://klub.nemtilmeld.dk/12/", m) == "http://127.0.0.1:2/12/"
    assert target_of("https://nemtilmeld.dk/", m) is None
    assert target_of("https://evilnemtilmeld.dk/", m) is None


def test_a_crawl_of_a_real_entry_through_the_map(tmp_path) -> None:
    sources = tmp_path / "sources.toml"
    proc = run_fkort("init", "--kommune", "Holstebro", "--out", str(sources))
    assert proc.returncode == 0, proc.stderr
    with SiteServer(LIBRARY) as library:
        proc = run_fkort(
            "crawl", "--sources", str(sources), "--source", "holstebro-bibliotek",
            "--db", str(tmp_path / "crawl.db"), "--settings", "crawlers.settings.local",
            "--json", "--log-level", "WARNING", "--set", "FKORT_CRAWL_DELAY_MAX=1",
            env={"FKORT_DATA_DIR": str(tmp_path / "data"),
                 "FKORT_HOST_MAP": f"www.holstebrobibliotek.dk={library.base_url}"})
        asked = [path for path, _ in library.requests]
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "host map in use: www.holstebrobibliotek.dk -> http://127.0.0.1" in proc.stderr
    # robots.txt and the API were asked of the fixture server under their real paths.
    assert asked[0] == "/robots.txt" and "/api/v1/events?_format=json" in asked
    backend = SQLiteBackend(tmp_path / "crawl.db")
    hits = backend.search(SearchQuery(limit=100)).hits
    backend.close()
    found: list[Activity] = [h.activity for h in hits]
    assert found
    for a in found:
        # The activity's page is the real site's (the server answered as the host the
        # request named), never the address it was downloaded from.
        assert urlsplit(str(a.source.url)).hostname == "www.holstebrobibliotek.dk"
        assert a.source.name == "holstebro-bibliotek"


def test_without_the_map_nothing_is_redirected(tmp_path) -> None:
    """An unreachable real host stays unreachable: the map is the only way round it."""
    sources = tmp_path / "sources.toml"
    sources.write_text('[[source]]\nname = "x"\nplatform = "dpl-cms"\n'
                       'start_urls = ["http://fkort-no-such-host.invalid"]\n', encoding="utf-8")
    proc = run_fkort("crawl", "--sources", str(sources), "--db", str(tmp_path / "c.db"),
                     "--settings", "crawlers.settings.local", "--json", "--log-level", "ERROR",
                     "--set", "RETRY_TIMES=0",
                     env={"FKORT_DATA_DIR": str(tmp_path / "data"), "FKORT_HOST_MAP": ""})
    assert proc.returncode == 1, proc.stderr[-2000:]


def test_a_bad_map_stops_the_crawl_before_any_request(tmp_path) -> None:
    proc = run_fkort("crawl", "--sources", str(REPO / "sources.toml"), "--set",
                     "FKORT_HOST_MAP=www.holstebrobibliotek.dk")
    assert proc.returncode == 2
    assert "host map: 'www.holstebrobibliotek.dk' is not host=http" in proc.stderr


def test_a_crawl_that_needs_no_browser_starts_no_playwright(tmp_path) -> None:
    """scrapy-playwright logs "Starting download handler" when it starts Playwright's driver
    (a Node process); a crawl of sources that do not render never does (a rendering source's
    crawl does: tests/crawlers/test_pipeline_portal.py)."""
    sources = tmp_path / "sources.toml"
    sources.write_text('[[source]]\nname = "bib"\nplatform = "dpl-cms"\n'
                       'start_urls = ["https://www.holstebrobibliotek.dk"]\n', encoding="utf-8")
    with SiteServer(LIBRARY) as library:
        proc = run_fkort(
            "crawl", "--sources", str(sources), "--db", str(tmp_path / "crawl.db"),
            "--settings", "crawlers.settings.local", "--log-level", "INFO",
            "--set", "FKORT_CRAWL_DELAY_MAX=1",
            env={"FKORT_DATA_DIR": str(tmp_path / "data"),
                 "FKORT_HOST_MAP": f"www.holstebrobibliotek.dk={library.base_url}"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Spider closed (finished)" in proc.stderr
    assert "Starting download handler" not in proc.stderr


def test_a_source_that_renders_gets_the_browser(tmp_path) -> None:
    """The control of the test above: the same log line when a source renders."""
    sources = tmp_path / "sources.toml"
    sources.write_text('[[source]]\nname = "struer"\nkind = "municipal"\nspider = "jsonld"\n'
                       'start_urls = ["https://www.struer.dk/"]\n[source.options]\n'
                       'render = true\nmax_depth = 0\n', encoding="utf-8")
    with SiteServer(REPO / "tests" / "files" / "jsonld" / "struer") as site:
        proc = run_fkort(
            "crawl", "--sources", str(sources), "--db", str(tmp_path / "crawl.db"),
            "--settings", "crawlers.settings.local", "--log-level", "INFO",
            env={"FKORT_DATA_DIR": str(tmp_path / "data"),
                 "FKORT_HOST_MAP": f"www.struer.dk={site.base_url}"})
    assert "Spider closed (finished)" in proc.stderr, proc.stderr[-3000:]
    assert "Starting download handler" in proc.stderr


def test_a_sources_own_download_delay_spaces_its_requests(tmp_path) -> None:
    """`[source.options] download_delay` holds between two requests to the site, even under
    the local settings (no delay); a source without it keeps the settings' pace."""
    sources = tmp_path / "sources.toml"
    sources.write_text(
        '[[source]]\nname = "struer"\nkind = "municipal"\nspider = "jsonld"\n'
        'start_urls = ["https://www.struer.dk/"]\n[source.options]\n'
        'follow = ["/aktivitet/", "/side-"]\ndownload_delay = 0.6\n', encoding="utf-8")
    with SiteServer(REPO / "tests" / "files" / "jsonld" / "struer") as site:
        site.requests = Timed()
        proc = run_fkort(
            "crawl", "--sources", str(sources), "--db", str(tmp_path / "crawl.db"),
            "--settings", "crawlers.settings.local", "--log-level", "WARNING",
            env={"FKORT_DATA_DIR": str(tmp_path / "data"),
                 "FKORT_HOST_MAP": f"www.struer.dk={site.base_url}"})
        times = [t for _, _, t in site.requests]
    assert proc.returncode in (0, 3), proc.stderr[-3000:]
    assert len(times) >= 4
    gaps = [b - a for a, b in zip(times[1:], times[2:], strict=False)]  # after robots.txt
    assert min(gaps) >= 0.5, gaps
