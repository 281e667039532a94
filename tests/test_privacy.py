"""A citizen's address is used for the search, then forgotten: it is in no file we write."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

from index.backends.sqlite import SQLiteBackend
from tests.conftest import REPO, free_port, run_fkort
from tests.index.corpus import make
from tests.nominatim import NominatimServer

#: A distinctive address that the local Nominatim server knows.
ADDRESS = "Kvæsthusgade 99, 7500 Holstebro"
PIECES = ["Kvæsthusgade", "Kvaesthusgade", "Kv%C3%A6sthusgade", "Kv\\u00e6sthusgade"]


def _files_contain(root: Path, needles: list[str]) -> list[str]:
    hits = []
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for needle in needles:
                if needle.encode() in data:
                    hits.append(f"{path}: {needle}")
    return hits


def test_address_searches_leave_no_trace(tmp_path: Path) -> None:
    data = tmp_path / "data"
    db = data / "fkort.db"
    b = SQLiteBackend(db)
    b.upsert([make("x", "Brætspilsaften", at=(56.3601, 8.6155))])
    b.close()
    log = tmp_path / "serve.log"
    port = free_port()
    with NominatimServer() as nominatim:
        env = {**os.environ, "FKORT_GEOCODER_URL": nominatim.url, "FKORT_GEOCODER_MIN_DELAY": "0",
               "FKORT_DATA_DIR": str(data), "FKORT_DB_PATH": str(db)}
        import subprocess
        import sys
        import time

        with log.open("w") as out:
            server = subprocess.Popen(
                [sys.executable, "-m", "fkort", "serve", "--port", str(port), "--db", str(db)],
                cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
            try:
                url = f"http://127.0.0.1:{port}"
                for _ in range(100):
                    try:
                        httpx.get(f"{url}/health", timeout=1)
                        break
                    except httpx.TransportError:
                        time.sleep(0.1)
                api = httpx.get(f"{url}/v1/activities", params={"near": ADDRESS, "radius_km": 5})
                page = httpx.post(f"{url}/", data={"near": ADDRESS, "q": "spil"})
                bad = httpx.get(f"{url}/v1/activities", params={"near": ADDRESS + ", Ukendtby",
                                                                "radius_km": "-1"})
            finally:
                server.terminate()
                server.wait(timeout=10)
        cli = run_fkort("search", "spil", "--near", ADDRESS, "--db", str(db),
                        env={k: env[k] for k in ("FKORT_GEOCODER_URL", "FKORT_GEOCODER_MIN_DELAY",
                                                 "FKORT_DATA_DIR")})
        asked = list(nominatim.queries)
    # The searches worked, from the address's point.
    assert api.status_code == 200 and api.json()["count"] == 1
    assert page.status_code == 200 and "Brætspilsaften" in page.text
    assert bad.status_code == 422
    assert cli.returncode == 0 and "Brætspilsaften" in cli.stdout
    assert asked.count(ADDRESS) >= 3  # it was really used, and resolved each time (no cache)
    assert ADDRESS in page.text  # the form shows it back to the brobygger, and nothing else
    # ...and then it is nowhere: not in the database, a cache, the logs or any answer's echo.
    assert _files_contain(tmp_path, PIECES) == []
    for text in (api.text, bad.text, cli.stdout, cli.stderr, log.read_text()):
        assert not any(p in text for p in PIECES)


@pytest.mark.parametrize("near", ["Kvæsthusgade 99, 7500 Holstebro"])
def test_near_address_sorts_by_distance_from_it(near: str, tmp_path: Path) -> None:
    db = tmp_path / "fkort.db"
    b = SQLiteBackend(db)
    b.upsert([make("far", "Langt væk", at=(56.40, 8.62)),
              make("near", "Tæt på", at=(56.356, 8.611))])
    b.close()
    with NominatimServer() as nominatim:
        cli = run_fkort("search", "--near", near, "--db", str(db), "--json",
                        env={"FKORT_GEOCODER_URL": nominatim.url, "FKORT_GEOCODER_MIN_DELAY": "0",
                             "FKORT_DATA_DIR": str(tmp_path)})
    import json

    hits = json.loads(cli.stdout)["hits"]
    assert [h["activity"]["title"] for h in hits] == ["Tæt på", "Langt væk"]
    assert hits[0]["distance_km"] < 0.2


def test_api_says_how_near_was_found_without_repeating_it(tmp_path: Path) -> None:
    from tests.conftest import LiveServer

    db = tmp_path / "fkort.db"
    SQLiteBackend(db).close()
    with LiveServer(db) as server:
        body = httpx.get(f"{server.url}/v1/activities", params={"near": "7620 Lemvig"}).json()
        point = httpx.get(f"{server.url}/v1/activities", params={"near": "56.5,8.3"}).json()
    assert body["near"] == {"precision": "town", "provider": "gazetteer"}
    assert "Lemvig" not in str(body)
    assert point["near"] is None
