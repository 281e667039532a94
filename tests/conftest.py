"""Shared fixtures: a pinned clock, fixture sites on 127.0.0.1, an index, a live API server."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import uvicorn

from core.settings import Settings
from fkort.sites import SiteServer
from index.backends.sqlite import SQLiteBackend
from tests.forkserver import ForkServer

REPO = Path(__file__).resolve().parent.parent
FILES = Path(__file__).resolve().parent / "files"
TZ = ZoneInfo("Europe/Copenhagen")
#: Every test runs at this instant unless it says otherwise.
FROZEN_NOW = "2026-11-22T12:00:00+01:00"


@pytest.fixture(autouse=True)
def _frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FKORT_NOW", FROZEN_NOW)


@pytest.fixture
def now() -> datetime:
    return datetime.fromisoformat(FROZEN_NOW)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def struer_site() -> Iterator[SiteServer]:
    with SiteServer(FILES / "jsonld" / "struer") as server:
        yield server


#: Backends the contract tests run on. A search engine takes part when its URL is set
#: (scripts/test starts a real OpenSearch node and sets FKORT_TEST_OPENSEARCH_URL).
ENGINES = {"opensearch": "FKORT_TEST_OPENSEARCH_URL",
           "elasticsearch": "FKORT_TEST_ELASTICSEARCH_URL"}


def open_test_backend(name: str, tmp_path: Path) -> Any:
    if name == "sqlite":
        return SQLiteBackend(tmp_path / "test.db")
    url = os.environ.get(ENGINES[name])
    if not url:
        pytest.skip(f"{name}: set {ENGINES[name]} to a running node to test this backend")
    from index import open_backend

    alias = f"t-{tmp_path.name.casefold().replace('_', '-')}-{os.getpid()}"[:60]
    return open_backend(name, url=url, alias=alias)


@pytest.fixture(params=["sqlite", "opensearch", "elasticsearch"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    b = open_test_backend(request.param, tmp_path)
    yield b
    if request.param != "sqlite":
        b.client.indices.delete(index=f"{b.alias}*", ignore_unavailable=True)
    b.close()


class LiveServer:
    """The real app under uvicorn on a free port, in a thread."""

    def __init__(self, db_path: Path | None = None, app: Any = None) -> None:
        from search_api.main import create_app

        self.app = app if app is not None else create_app(Settings(db_path=db_path))
        self.port = free_port()
        # As `fkort serve`: the app itself reads X-Forwarded-For (FKORT_FORWARDED_ALLOW_IPS).
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning",
                                access_log=False, proxy_headers=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("API server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def run_fkort(*args: str, env: dict[str, str] | None = None, timeout: float = 120
              ) -> subprocess.CompletedProcess[str]:
    """Run the real `fkort` command in a child process."""
    full_env = {**os.environ, "FKORT_NOW": FROZEN_NOW, **(env or {})}
    if _FORK_SERVER is not None:
        return _FORK_SERVER.run(list(args), full_env, REPO, timeout)
    return subprocess.run(
        [sys.executable, "-m", "fkort", *args], capture_output=True, text=True, env=full_env,
        timeout=timeout, cwd=REPO,
    )


#: `run_fkort` forks each command from one warm process (tests/forkserver.py) unless
#: FKORT_TEST_FORK=0 asks for a fresh interpreter each time.
_FORK_SERVER = ForkServer() if os.environ.get("FKORT_TEST_FORK") != "0" else None


@pytest.fixture(scope="session", autouse=True)
def _fork_server() -> Iterator[None]:
    yield
    if _FORK_SERVER is not None:
        _FORK_SERVER.close()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled demo sites crawled once by the real `fkort demo --no-serve`, at the frozen
    clock: the fixture corpus of the persona tests."""
    data = tmp_path_factory.mktemp("demo-crawl")
    proc = run_fkort("demo", "--no-serve", "--data-dir", str(data), timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return data / "demo.db"


def crawl(toml_body: str, tmp_path: Path, bases: dict[str, str], *extra: str,
          db: Path | None = None, env: dict[str, str] | None = None
          ) -> tuple[subprocess.CompletedProcess[str], list[dict[str, Any]]]:
    """Crawl with a sources file whose {key} placeholders are site addresses; returns the
    finished process and the run report (one dict per source)."""
    sources = tmp_path / "sources.toml"
    body = toml_body
    for key, base in bases.items():
        body = body.replace("{" + key + "}", base)
    sources.write_text(body, encoding="utf-8")
    proc = run_fkort(
        "crawl", "--sources", str(sources), "--db", str(db or tmp_path / "crawl.db"),
        "--settings", "crawlers.settings.local", "--json", "--log-level", "WARNING", *extra,
        env={"FKORT_DATA_DIR": str(tmp_path / "data"), **(env or {})}, timeout=300,
    )
    report = json.loads(proc.stdout) if proc.stdout.strip().startswith("[") else []
    return proc, report


def crawl_site(site: SiteServer, tmp_path: Path, name: str, toml_body: str
               ) -> tuple[subprocess.CompletedProcess[str], list[dict[str, object]], Path]:
    """Crawl one fixture site with a sources file written for it; returns the run report."""
    sources = tmp_path / "sources.toml"
    sources.write_text(toml_body.replace("{BASE}", site.base_url), encoding="utf-8")
    db = tmp_path / "crawl.db"
    proc = run_fkort(
        "crawl", "--sources", str(sources), "--db", str(db), "--settings",
        "crawlers.settings.local", "--json", "--log-level", "WARNING",
        env={"FKORT_DATA_DIR": str(tmp_path / "data")},
    )
    report = json.loads(proc.stdout) if proc.stdout.strip().startswith("[") else []
    return proc, report, db
