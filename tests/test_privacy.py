"""A citizen's address is used for the search, then forgotten: it is in no file we write."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from core.settings import Settings
from index.backends.sqlite import SQLiteBackend
from normalize.geo.chain import make_geocoder
from normalize.geo.logfilter import HideQueries
from tests.conftest import FROZEN_NOW, REPO, free_port, run_fkort
from tests.index.corpus import make
from tests.nominatim import CITIZEN_STREETS, CITIZENS, NominatimServer

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



@contextmanager
def serving(db: Path, env: dict[str, str], log: Path, port: int, *options: str,
            tries: int = 100) -> Iterator[str]:
    """`fkort serve [options]` in a child process writing its log to `log`; yields its
    address once /health answers (or after `tries` tenths of a second)."""
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "fkort", "serve", "--port", str(port), "--db", str(db),
             *options], cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            for _ in range(tries):
                try:
                    httpx.get(f"{url}/health", timeout=1)
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            yield url
        finally:
            server.terminate()
            server.wait(timeout=20)

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
        with serving(db, env, log, port) as url:
            api = httpx.get(f"{url}/v1/activities", params={"near": ADDRESS, "radius_km": 5})
            page = httpx.post(f"{url}/", data={"near": ADDRESS, "q": "spil"})
            bad = httpx.get(f"{url}/v1/activities", params={"near": ADDRESS + ", Ukendtby",
                                                            "radius_km": "-1"})
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
    assert body["near"] == {"precision": "postcode", "provider": "gazetteer",
                            "approximate": True, "note": None}
    assert "Lemvig" not in str(body) and "7620" not in str(body)
    assert point["near"] is None


def test_offline_an_address_stands_at_its_postcode_and_leaves_no_trace(tmp_path: Path) -> None:
    """No online geocoder: the address's street is not known, its postcode's point is used
    and the answer says so; an unknown postcode is a 422; neither repeats the address, and
    no file written holds it (the API and the page of `fkort serve`, and `fkort search`)."""
    data = tmp_path / "data"
    db = data / "fkort.db"
    b = SQLiteBackend(db)
    b.upsert([make("x", "Brætspilsaften", at=(56.3601, 8.6155))])
    b.close()
    env = {**os.environ, "FKORT_DATA_DIR": str(data), "FKORT_DB_PATH": str(db)}
    env.pop("FKORT_GEOCODER_URL", None)
    log, port = tmp_path / "serve.log", free_port()
    unknown = "Kvæsthusgade 99, 9999"
    with serving(db, env, log, port) as url:
        api = httpx.get(f"{url}/v1/activities", params={"near": ADDRESS, "radius_km": 5})
        page = httpx.post(f"{url}/", data={"near": ADDRESS, "q": "spil"})
        bad_api = httpx.get(f"{url}/v1/activities", params={"near": "9999"})
        bad_page = httpx.post(f"{url}/", data={"near": unknown, "q": "spil"})
    cli = run_fkort("search", "spil", "--near", ADDRESS, "--db", str(db),
                    env={"FKORT_DATA_DIR": str(data), "FKORT_GEOCODER_URL": ""})
    body = api.json()
    assert api.status_code == 200 and body["count"] == 1
    assert body["near"] == {"precision": "postcode", "provider": "gazetteer",
                            "approximate": True, "note": "omtrentlig: postnummerets midtpunkt"}
    assert body["data"][0]["distance_approximate"] is True
    assert page.status_code == 200 and "afstand målt fra postnummerets midtpunkt" in page.text
    assert bad_api.status_code == 422 and "postcode in near does not exist" in bad_api.text
    assert bad_page.status_code == 422
    assert cli.returncode == 0 and "Brætspilsaften" in cli.stdout
    assert page.text.count("Kvæsthusgade") == 1  # the form's field, and nothing else
    assert bad_page.text.count("Kvæsthusgade") == 1
    assert _files_contain(tmp_path, PIECES) == []
    for text in (api.text, bad_api.text, cli.stdout, cli.stderr, log.read_text()):
        assert not any(p in text for p in PIECES)
    assert "9999" not in bad_api.text and "9999" not in log.read_text()


def spellings(street: str) -> list[bytes]:
    """Every way a street name may be written to a file, lower-cased: as typed, folded to ASCII
    (æ → ae/a, ø → oe/o, å → aa/a), percent-encoded, \\u-escaped (JSON) and \\x-escaped (a
    bytes repr), in UTF-8 and Latin-1."""
    forms: set[str] = set()
    for name in (street, street.casefold()):
        for fold in ({"æ": "ae", "ø": "oe", "å": "aa"}, {"æ": "ae", "ø": "o", "å": "a"}):
            forms.add("".join(fold.get(c, c) for c in name.casefold()))
        forms.update({name, quote(name), json.dumps(name)[1:-1], repr(name.encode())[2:-1]})
    found = {f.encode().lower() for f in forms}
    found.add(street.casefold().encode("latin-1"))
    return sorted(found)


def _written_with(root: Path, needles: list[bytes]) -> list[str]:
    """Files under root holding any needle (compared lower-cased)."""
    hits = []
    for path in sorted(root.rglob("*")):
        if path.is_file():
            data = path.read_bytes().lower()
            hits += [f"{path.relative_to(root)}: {n!r}" for n in needles if n in data]
    return hits


#: `fkort search --near` with debug logging for every logger, once per address, in one child
#: process (the CLI's own entry point, called as `python -m fkort` would).
CLI_WITH_DEBUG_LOG = """
import logging, sys
from fkort.cli import main
log, db, *addresses = sys.argv[1:]
logging.basicConfig(level=logging.DEBUG, filename=log,
                    format="%(asctime)s %(levelname)s %(name)s: %(message)s")
for address in addresses:
    print("exit", main(["search", "spil", "--near", address, "--radius-km", "5", "--db", db]),
          flush=True)
"""


def test_twenty_addresses_leave_no_trace_with_debug_logs_and_an_access_log(
        tmp_path: Path) -> None:
    data = tmp_path / "data"
    db = data / "fkort.db"
    b = SQLiteBackend(db)
    b.upsert([make("x", "Brætspilsaften", at=(56.3601, 8.6155))])
    b.close()
    # Temporary files and any library's cache are written under tmp_path too, to be read.
    for d in ("tmp", "home/.cache"):
        (tmp_path / d).mkdir(parents=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    answers: list[tuple[httpx.Response, httpx.Response, httpx.Response]] = []
    with NominatimServer() as nominatim:
        env = {**os.environ, "FKORT_GEOCODER_URL": nominatim.url, "FKORT_GEOCODER_MIN_DELAY": "0",
               "FKORT_DATA_DIR": str(data), "FKORT_DB_PATH": str(db), "FKORT_NOW": FROZEN_NOW,
               "TMPDIR": str(tmp_path / "tmp"), "HOME": str(tmp_path / "home"),
               "XDG_CACHE_HOME": str(tmp_path / "home/.cache")}
        with (tmp_path / "serve.out").open("w") as out, (tmp_path / "serve.err").open("w") as err:
            # Every logger at trace (below debug: uvicorn's ASGI messages too), access log on.
            server = subprocess.Popen(
                [sys.executable, "-m", "fkort", "serve", "--port", str(port), "--db", str(db),
                 "--log-level", "trace", "--access-log"],
                cwd=REPO, env=env, stdout=out, stderr=err)
            try:
                for _ in range(150):
                    try:
                        httpx.get(f"{url}/health", timeout=1)
                        break
                    except httpx.TransportError:
                        time.sleep(0.1)
                with httpx.Client(base_url=url, timeout=30) as client:
                    for address in CITIZENS:
                        answers.append((
                            client.get("/v1/activities", params={"near": address,
                                                                 "radius_km": 5}),
                            client.post("/", data={"near": address, "q": "spil"}),
                            # An old bookmark: the page ignores a place in its URL.
                            client.get("/", params={"near": address, "q": "spil"}),
                        ))
            finally:
                server.terminate()
                server.wait(timeout=10)
        cli = subprocess.run(
            [sys.executable, "-c", CLI_WITH_DEBUG_LOG, str(tmp_path / "cli.log"), str(db),
             *CITIZENS], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
        asked = list(nominatim.queries)
    (tmp_path / "cli.out").write_text(cli.stdout)
    (tmp_path / "cli.err").write_text(cli.stderr)
    # Every search worked, from its address's point, and each address was really looked up.
    for (api, page, bookmark), address in zip(answers, CITIZENS, strict=True):
        assert api.status_code == 200 and api.json()["count"] == 1, address
        assert page.status_code == 200 and "Brætspilsaften" in page.text, address
        assert bookmark.status_code == 200 and "Brætspilsaften" not in bookmark.text
        assert 'method="post"' in page.text and 'method="post"' in bookmark.text  # page: POST
        assert asked.count(address) == 3, address  # the API, the page and the CLI
    assert cli.returncode == 0, cli.stderr[-3000:]
    assert cli.stdout.count("exit 0") == 20 and cli.stdout.count("Brætspilsaften") == 20
    # The logs were really written at that level: access lines, the server's ASGI messages,
    # and the libraries' debug lines about the geocoder's requests.
    served = (tmp_path / "serve.out").read_text() + (tmp_path / "serve.err").read_text()
    assert served.count('"GET /v1/activities?near=') == 20
    assert served.count('"POST / HTTP/1.1" 200') == 20
    assert "ASGI [" in served and "Started scope=" in served
    for log in (served, (tmp_path / "cli.log").read_text()):
        assert log.count("/search?q=") >= 20  # urllib3 and geopy, each geocoder request
    # ...and no spelling of any of the twenty addresses is in any byte written.
    needles = [n for street in CITIZEN_STREETS for n in spellings(street)]
    assert _written_with(tmp_path, needles) == []


@pytest.mark.parametrize("kind", ["nominatim", "dawa"])
def test_the_geocoders_request_logs_hide_the_address(kind: str, tmp_path: Path,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    # geopy and urllib3 (Nominatim), httpx and httpcore (DAWA) log each request's URL; an
    # error page that repeats the query is logged by geopy. All of it at debug level.
    street = CITIZEN_STREETS[0]
    with NominatimServer() as nominatim, caplog.at_level(logging.DEBUG):
        settings = Settings(geocoder_url=nominatim.url, geocoder=kind, geocoder_min_delay=0,
                            data_dir=tmp_path)
        found = make_geocoder(settings, with_cache=False).resolve_query(CITIZENS[0])
        failed = make_geocoder(settings, with_cache=False).resolve_query(
            f"{street} 3, 7500 Fejlby")
        asked = list(nominatim.queries)
    assert found is not None and (found.lat, found.lon) == (56.35, 8.6)
    assert failed is None and asked == [CITIZENS[0], f"{street} 3, 7500 Fejlby"]
    logged = caplog.text
    assert logged.count("?q=[skjult]") >= 2  # both requests were logged, without the address
    if kind == "nominatim":
        assert "Received an HTTP error (500): [skjult]" in logged
    assert not [n for n in spellings(street) if n in logged.lower().encode()]


def test_access_lines_stay_formattable_and_tracebacks_are_hidden_too() -> None:
    from uvicorn.logging import AccessFormatter

    access = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5", "GET", "/v1/activities?near=Kv%C3%A6sthusgade+99&radius_km=5", "1.1",
         200), None)
    assert HideQueries().filter(access)  # hidden, never dropped
    line = AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s').format(access)
    assert line == ('127.0.0.1:5 - "GET /v1/activities?near=[skjult]&radius_km=[skjult] '
                    'HTTP/1.1" 200 OK')
    try:
        raise ValueError(f"Max retries exceeded with url: /search?q={quote(ADDRESS)}&format=json")
    except ValueError:
        failure = logging.LogRecord("urllib3.connectionpool", logging.ERROR, __file__, 1,
                                    "Request failed: %r", (sys.exc_info()[1],), sys.exc_info())
    HideQueries().filter(failure)
    text = logging.Formatter().format(failure)
    assert text.startswith("Request failed: 'Max retries exceeded with url: /search?q=[skjult]")
    assert "ValueError: Max retries exceeded with url: /search?q=[skjult]&format=[skjult]" in text
    assert not any(p in text for p in PIECES)


def test_serve_with_workers_answers_from_its_db_and_hides_near(tmp_path: Path) -> None:
    """`fkort serve --workers 2`: each process builds the app from the environment, so the
    index `--db` names must reach them, and so must the access log's hiding of `near`."""
    db = tmp_path / "elsewhere.db"  # not FKORT_DB_PATH's default
    b = SQLiteBackend(db)
    b.upsert([make("x", "Brætspilsaften", at=(56.3601, 8.6155))])
    b.close()
    port, log = free_port(), tmp_path / "serve.log"
    env = {k: v for k, v in os.environ.items() if k != "FKORT_DB_PATH"}
    env.update(FKORT_DATA_DIR=str(tmp_path / "data"), FKORT_NOW=FROZEN_NOW)
    with serving(db, env, log, port, "--workers", "2", "--access-log", "--log-level", "info",
                 tries=300) as url, httpx.Client(base_url=url, timeout=30) as client:
        answers = [client.get("/v1/activities", params={
            "near": "56.36123,8.61789", "radius_km": 5}) for _ in range(6)]
    assert all(a.status_code == 200 and a.json()["count"] == 1 for a in answers)
    written = log.read_text()
    assert written.count("Started server process") == 2  # two workers
    assert written.count('"GET /v1/activities?near=[skjult]&radius_km=[skjult] HTTP/1.1" 200') == 6
    assert "56.36123" not in written and "8.61789" not in written
