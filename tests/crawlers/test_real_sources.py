"""The shipped catalogue crawled end to end, offline: `fkort init --kommune Holstebro` writes
the real entries (real hosts), and the host map sends each host to the fixture site written
in its platform's documented format (tests/files/<platform>/holstebro/). Every platform's
source must bring activities into the index under its real host."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from core.schema import Activity
from crawlers.sources import SourceConfig, load_sources
from fkort.sites import SiteServer
from index import SearchQuery
from index.backends.sqlite import SQLiteBackend
from tests.conftest import REPO, crawl, run_fkort

FILES = REPO / "tests" / "files"


def fixture_site(platform: str) -> Path:
    """The folder standing in for a platform's Holstebro site."""
    return FILES / "sogn" / "es" if platform == "sogn" else FILES / platform / "holstebro"


@pytest.fixture(scope="module")
def holstebro(tmp_path_factory: pytest.TempPathFactory
              ) -> Iterator[tuple[list[SourceConfig], list[dict[str, Any]], list[Activity]]]:
    tmp = tmp_path_factory.mktemp("real-sources")
    out = tmp / "sources.toml"
    proc = run_fkort("init", "--kommune", "Holstebro", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    # An entry the catalogue marks unchecked is written switched off: switched on here, as an
    # operator would after checking it.
    text = out.read_text(encoding="utf-8").replace("enabled = false", "enabled = true")
    sources = load_sources(out)
    with ExitStack() as stack:
        servers: dict[str, SiteServer] = {}
        for s in sources:
            assert s.platform, f"{s.name}: every catalogue source names its platform"
            for url in s.start_urls:
                host = urlsplit(url).hostname or ""
                if host not in servers:
                    servers[host] = stack.enter_context(SiteServer(fixture_site(s.platform)))
        hostmap = ", ".join(f"{h}={srv.base_url}" for h, srv in servers.items())
        proc, report = crawl(text, tmp, {}, "--set", "FKORT_CRAWL_DELAY_MAX=1",
                             "--set", "DOWNLOAD_DELAY=0", env={"FKORT_HOST_MAP": hostmap})
    assert report, proc.stderr[-3000:]
    backend = SQLiteBackend(tmp / "crawl.db")
    found = [h.activity for h in backend.search(SearchQuery(limit=1000)).hits]
    backend.close()
    yield sources, report, found


def test_init_for_holstebro_names_at_least_five_platforms(holstebro: Any) -> None:
    sources, _, _ = holstebro
    assert len({s.platform for s in sources}) >= 5, sorted({str(s.platform) for s in sources})


def test_every_source_brings_activities_under_its_real_host(holstebro: Any) -> None:
    sources, report, found = holstebro
    by_source: dict[str, list[Activity]] = {}
    for a in found:
        by_source.setdefault(a.source.name, []).append(a)
    for s in sources:
        row = next(r for r in report if r["source"] == s.name)
        assert row["status"] != "failed", row
        assert by_source.get(s.name), f"{s.name} ({s.platform}) indexed nothing: {row}"
        for a in by_source[s.name]:
            # The page it was read from, or its own page on the web (a parish's page on
            # sogn.dk, DN's arrangementer.dn.dk), is a real site's, never the address the
            # fixture was served from.
            host = urlsplit(str(a.source.url)).hostname or ""
            assert host.endswith((".dk", ".com")) and "127.0.0.1" not in str(a.source.url), (
                a.id, a.source.url)
    platforms = {s.platform for s in sources if by_source.get(s.name)}
    assert len(platforms) >= 5, sorted(str(p) for p in platforms)


def test_every_activity_is_in_holstebro(holstebro: Any) -> None:
    _, _, found = holstebro
    assert found and all(a.location.municipality == "Holstebro" for a in found)
