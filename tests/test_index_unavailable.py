"""An index that cannot be used (a file that is no SQLite database, a folder, a search engine
that does not answer) is one clear line and exit 2 from every command that needs it, never
a traceback; a crawl stops before its first request."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import IndexUnavailable
from index import open_backend
from tests.conftest import free_port, run_fkort

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture()
def not_a_database(tmp_path: Path) -> Path:
    path = tmp_path / "fkort.db"
    path.write_text("Dette er en indkøbsseddel, ikke en database.\n", encoding="utf-8")
    return path


def test_sqlite_backend_says_which_file_and_why(not_a_database: Path, tmp_path: Path) -> None:
    with pytest.raises(IndexUnavailable, match=r"fkort\.db cannot be used: file is not a"):
        open_backend("sqlite", path=not_a_database)
    with pytest.raises(IndexUnavailable, match="cannot be used"):
        open_backend("sqlite", path=tmp_path)  # a folder


@pytest.mark.parametrize("command", [
    ["search", "spil", "--near", "7500"],
    ["serve", "--port", "0"],
    ["crawl", "--sources", "demo/sources.toml"],
])
def test_commands_exit_2_with_one_line(not_a_database: Path, command: list[str]) -> None:
    done = run_fkort(*command, "--db", str(not_a_database), timeout=120)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert f"fkort {command[0]}: the SQLite index {not_a_database} cannot be used" in done.stderr
    # The citizen's place is not repeated in an error about the index.
    assert "7500" not in done.stderr
    if command[0] == "crawl":
        assert "Crawler" not in done.stderr  # stopped before crawling


def test_search_engine_that_does_not_answer(tmp_path: Path) -> None:
    port = free_port()  # nothing listens there
    done = run_fkort("search", "strikkecafé", env={
        "FKORT_BACKEND": "opensearch", "FKORT_SEARCH_URL": f"http://127.0.0.1:{port}",
        "FKORT_DATA_DIR": str(tmp_path)}, timeout=120)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "fkort search: the search engine holding 'fkort-activities' does not answer" in (
        done.stderr)
    assert "strikkecafé" not in done.stderr


def test_api_answers_503_when_the_engine_does_not_answer(tmp_path: Path) -> None:
    import httpx

    from core.settings import Settings
    from search_api.main import create_app
    from tests.conftest import LiveServer

    port = free_port()
    app = create_app(Settings(backend="opensearch", search_url=f"http://127.0.0.1:{port}",
                              data_dir=tmp_path))
    with LiveServer(app=app) as server:
        resp = httpx.get(f"{server.url}/v1/activities",
                         params={"q": "strikkecafé", "near": "Vestergade 12, 7500 Holstebro"},
                         timeout=60)
    assert resp.status_code == 503, resp.text
    assert resp.headers["retry-after"] == "30"
    body = resp.json()
    assert body["error"] == "index_unavailable"
    assert "Prøv igen" in body["message_da"]
    assert "Vestergade" not in resp.text and "strikkecafé" not in resp.text
