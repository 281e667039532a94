"""The API's and pages' hardening over real HTTP: security headers on every kind of response,
ids checked to range, the docs from /static (no CDN), a body limit on every POST, and
X-Forwarded-For trusted from no address unless configured."""

from __future__ import annotations

import os
import re
import select
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from core.schema import organization_id
from core.settings import Settings
from search_api.apidocs import REDOC, STATIC, SWAGGER, install_docs
from search_api.main import create_app
from tests.browser.corpus import ACTIVITIES, ASSOCIATION, build_index
from tests.conftest import FROZEN_NOW, REPO, LiveServer, free_port

KEY = "sikker-noegle-til-test"
BRAET = ACTIVITIES[0]
ORG = organization_id(ASSOCIATION)
#: Every response carries these, whatever it is.
FIXED = {"x-frame-options": "DENY", "x-content-type-options": "nosniff",
         "referrer-policy": "no-referrer"}


def _app(tmp: Path, **settings: Any) -> FastAPI:
    db = tmp / "sec.db"
    if not db.exists():
        build_index(db)
    return create_app(Settings(db_path=db, data_dir=tmp / "data", **settings))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    app = _app(tmp_path_factory.mktemp("sec"), admin_api_key=KEY)

    @app.get("/test-crash", include_in_schema=False)
    def crash() -> None:  # a bug of ours, as the app would meet one
        raise RuntimeError("boom")

    with LiveServer(app=app) as server, httpx.Client(base_url=server.url, timeout=30) as c:
        yield c


def _policy(resp: httpx.Response) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: sources}."""
    out: dict[str, list[str]] = {}
    for part in resp.headers["content-security-policy"].split(";"):
        name, *sources = part.split()
        out[name] = sources
    return out


def _assert_hardened(resp: httpx.Response) -> dict[str, list[str]]:
    for name, value in FIXED.items():
        assert resp.headers.get(name) == value, (resp.request.url, name)
    policy = _policy(resp)
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["default-src"] == ["'none'"]
    return policy


def _assert_strict_page(resp: httpx.Response) -> None:
    policy = _assert_hardened(resp)
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["base-uri"] == ["'none'"] and policy["form-action"] == ["'self'"]
    assert all(s in ("'self'", "data:") for s in policy["img-src"])  # no tile server set
    assert "unsafe" not in resp.headers["content-security-policy"]


def test_every_kind_of_response_carries_the_security_headers(site: httpx.Client) -> None:
    pages = [site.get("/"), site.post("/", data={"near": "Holstebro", "q": "spil"}),
             site.get(f"/aktivitet/{BRAET.id}/kort"), site.get("/forening"),
             site.get(f"/forening/{ORG}"), site.get("/aktivitet/findes-ikke/kort")]
    assert [p.status_code for p in pages] == [200, 200, 200, 200, 200, 404]
    for page in pages:
        assert page.headers["content-type"].startswith("text/html")
        _assert_strict_page(page)
    # The pages themselves hold no inline script or style for the policy to block.
    for page in pages:
        assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)", page.text)
        assert "<style" not in page.text and " style=" not in page.text
        assert not re.search(r"\son[a-z]+=", page.text)  # no inline event handlers
    others = [site.get("/v1/activities", params={"near": "56.36,8.62"}),
              site.get("/v1/activities/findes-ikke"), site.get("/v1/activities",
                                                               params={"limit": "x"}),
              site.get("/static/site.css"), site.get("/static/vendor/leaflet/leaflet.js"),
              site.get("/openapi.json"), site.get("/health"), site.get("/findes/ikke"),
              site.get("/v1/admin/requests"),  # 401 without the key
              site.post("/v1/requests", content=b"x" * 20_000,
                        headers={"content-type": "application/json"}),
              site.get("/test-crash")]
    assert [r.status_code for r in others] == [200, 404, 422, 200, 200, 200, 200, 404, 401,
                                               413, 500]
    for resp in others:
        policy = _assert_hardened(resp)
        assert set(policy) >= {"default-src", "frame-ancestors"}
        assert "script-src" not in policy  # nothing may run from an API answer
    assert "boom" not in others[-1].text


def test_the_map_may_load_tiles_from_the_configured_tile_server_only(tmp_path: Path) -> None:
    app = _app(tmp_path, tile_url="https://{s}.tile.example.dk/{z}/{x}/{y}.png")
    with LiveServer(app=app) as server:
        policy = _policy(httpx.get(f"{server.url}/"))
    assert policy["img-src"] == ["'self'", "data:", "https://*.tile.example.dk"]
    assert policy["script-src"] == ["'self'"] and policy["connect-src"] == ["'self'"]


@pytest.mark.parametrize("number", ["9223372036854775808", str(2**64), "1" + "0" * 40, "-1",
                                    "0", "-9223372036854775809", "1e3", "9223372036854775807",
                                    "424242"])
def test_request_ids_out_of_range_are_refused_not_a_crash(site: httpx.Client,
                                                          number: str) -> None:
    key = {"X-API-Key": KEY}
    answers = [site.get(f"/v1/admin/requests/{number}", headers=key),
               site.post(f"/v1/admin/requests/{number}/approve", headers=key),
               site.post(f"/v1/admin/requests/{number}/reject", headers=key,
                         json={"reason": "Forkert"})]
    for resp in answers:
        assert resp.status_code in (404, 422), (number, resp.status_code, resp.text)
        body = resp.json()
        assert body["message_da"] and body["message_en"]
        if resp.status_code == 422:
            assert body["params"] == ["request_id"]
            assert "request_id" in body["message_en"]


def test_the_docs_come_from_this_server(site: httpx.Client) -> None:
    missing = [f for f in (*SWAGGER, *REDOC) if not (STATIC / f).is_file()]
    assert not missing, f"missing {missing}: run scripts/bootstrap (npm ci, then the copy)"
    for path, marker in (("/docs", 'id="swagger-ui"'), ("/redoc", "<redoc ")):
        page = site.get(path)
        assert page.status_code == 200 and marker in page.text
        policy = _assert_hardened(page)
        assert policy["script-src"] == ["'self'"]
        refs = re.findall(r'(?:src|href|spec-url|data-openapi-url)="([^"]*)"', page.text)
        assert refs and not [r for r in refs if "//" in r or not r.startswith(("/", "data:"))]
        assert not re.search(r"https?://", page.text)  # no external address anywhere
        for ref in refs:
            if ref.startswith("/"):
                assert site.get(ref).status_code == 200, ref
    assert site.get("/openapi.json").json()["info"]["title"]


def test_without_the_docs_files_the_docs_say_so(tmp_path: Path) -> None:
    app = FastAPI(title="Prøve", docs_url=None, redoc_url=None)
    install_docs(app, static=tmp_path)  # an empty folder: scripts/bootstrap never ran
    with LiveServer(app=app) as server:
        for path, what in (("/docs", "Swagger UI"), ("/redoc", "ReDoc")):
            page = httpx.get(server.url + path)
            assert page.status_code == 503
            assert f"{what} is not installed" in page.text and "scripts/bootstrap" in page.text
            assert "/openapi.json" in page.text
            assert not re.search(r"https?://", page.text) and "<script" not in page.text


# -- body limit --------------------------------------------------------------------------

def _raw(port: int, head: bytes, body_chunks: Iterator[bytes], wait: float = 0
          ) -> tuple[bytes, int]:
    """Send a request by hand (the head, `wait` seconds, then the body), stopping as soon as
    the server answers; returns (the answer, the body bytes sent)."""
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(head)
        answer = b""
        select.select([s], [], [], wait)
        for chunk in body_chunks:
            if select.select([s], [], [], 0)[0]:
                break  # the server has answered: stop uploading
            try:
                s.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(chunk)
        s.settimeout(30)
        try:
            while not answer.endswith(b"</html>") and (part := s.recv(65536)):
                answer += part
        except ConnectionResetError:
            pass
    return answer, sent


MB30 = 30 * 1024 * 1024
BOUNDARY = "fkortgrænse"


def _multipart_head(port: int, path: str, length: int | None) -> bytes:
    size = (f"Content-Length: {length}" if length is not None
            else "Transfer-Encoding: chunked")
    return (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n{size}\r\n\r\n"
            ).encode()


def _upload(total: int, chunked: bool) -> Iterator[bytes]:
    """A 30 MB multipart upload: one form field, then a file of zeros."""
    part = (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="q"\r\n\r\nspil\r\n'
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="near"; '
            'filename="x.bin"\r\nContent-Type: application/octet-stream\r\n\r\n').encode()
    left = total - len(part)
    pieces = [part]
    block = b"\0" * 65536
    while left > 0:
        pieces.append(block[:left])
        left -= len(pieces[-1])
    for piece in pieces:
        yield (f"{len(piece):x}\r\n".encode() + piece + b"\r\n") if chunked else piece
    if chunked:
        yield b"0\r\n\r\n"


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_30_mb_upload_to_the_search_page_is_refused_unread(tmp_path: Path,
                                                             chunked: bool) -> None:
    app = _app(tmp_path)
    with LiveServer(app=app) as server:
        port = server.port
        started = time.monotonic()
        answer, sent = _raw(port, _multipart_head(port, "/", None if chunked else MB30),
                            _upload(MB30, chunked), wait=0 if chunked else 5)
        took = time.monotonic() - started
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 413"), answer[:300]
        assert b"content-security-policy:" in head.lower() and b"x-frame-options: DENY" in head
        text = body.decode()
        assert '<html lang="da">' in text and "for stor" in text and 'href="/"' in text
        # Refused before it was read: with a Content-Length, on its head alone (not a byte
        # of the body sent); streamed, long before the 30 MB were through (what was sent is
        # mostly the sockets' buffers on the loopback).
        if chunked:
            assert sent < MB30 // 3, sent
        else:
            assert sent == 0
        assert took < 10
        # And the server is fine: the next search works.
        assert httpx.post(f"{server.url}/", data={"q": "spil"}).status_code == 200


def test_every_post_is_limited(site: httpx.Client) -> None:
    big = "x" * 20_000
    form = site.post(f"/forening/{ORG}/anmodning", data={"message": big})
    assert form.status_code == 413 and '<html lang="da">' in form.text
    search = site.post("/", data={"q": big})
    assert search.status_code == 413 and "Søgningen er for stor" in search.text
    admin = site.post("/v1/admin/requests/1/reject", headers={"X-API-Key": KEY},
                      json={"reason": big})
    assert admin.status_code == 413 and admin.json()["error"] == "too_large"
    small = site.post("/", data={"q": "spil", "near": "Holstebro"})
    assert small.status_code == 200 and "Brætspil" in small.text


# -- X-Forwarded-For ------------------------------------------------------------------------

def _request_body() -> dict[str, str]:
    return {"name": "Bent", "contact": "bent@example.dk", "message": "Forkert.",
            "target_type": "activity", "target_id": BRAET.id, "kind": "removal"}


def _rotated(url: str, n: int = 25) -> list[int]:
    """`n` correction requests from this machine, each naming another client in XFF."""
    with httpx.Client(base_url=url, timeout=30) as api:
        return [api.post("/v1/requests", json=_request_body(),
                         headers={"X-Forwarded-For": f"10.0.{i // 250}.{i % 250 + 1}"}
                         ).status_code for i in range(n)]


def test_forwarded_for_is_trusted_from_nobody_by_default(tmp_path: Path) -> None:
    assert Settings().forwarded_allow_ips == ""
    with LiveServer(app=_app(tmp_path)) as server:
        codes = _rotated(server.url)
    # One client (this machine), whatever the header says: the burst of 5, then 429.
    assert codes == [202] * 5 + [429] * 20


def test_forwarded_for_counts_per_client_behind_a_configured_proxy(tmp_path: Path) -> None:
    with LiveServer(app=_app(tmp_path, forwarded_allow_ips="127.0.0.1")) as server:
        codes = _rotated(server.url)
        # The same client behind the proxy is still limited, whatever it writes in the header
        # itself (the proxy appends the address it saw; the nearest untrusted one counts).
        with httpx.Client(base_url=server.url, timeout=30) as api:
            again = [api.post("/v1/requests", json=_request_body(), headers={
                "X-Forwarded-For": f"192.0.2.{i}, 10.9.9.9"}).status_code for i in range(6)]
    assert codes == [202] * 25
    assert again == [202] * 5 + [429]


def _serve(tmp: Path, env: dict[str, str]) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "fkort", "serve", "--port", str(port), "--db",
         str(build_index(tmp / "serve.db"))], cwd=REPO, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, "FKORT_NOW": FROZEN_NOW,
             "FKORT_DATA_DIR": str(tmp / "data"), **env})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return proc, url
        except httpx.TransportError:
            time.sleep(0.2)
    proc.kill()
    raise AssertionError(f"fkort serve did not start: {proc.communicate()}")


@pytest.mark.parametrize("allow", ["", "127.0.0.1"], ids=["unset", "local-proxy"])
def test_fkort_serve_honours_the_setting(tmp_path: Path, allow: str) -> None:
    proc, url = _serve(tmp_path, {"FKORT_FORWARDED_ALLOW_IPS": allow})
    try:
        codes = _rotated(url)
        headers = httpx.get(f"{url}/").headers
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert codes == ([202] * 25 if allow else [202] * 5 + [429] * 20)
    assert headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]


BIG = ["9223372036854775808", str(2**64), "1" + "0" * 5000, "-1", "1e400", "-1e400", "nan",
       "inf", "0x10", "½", "٣", "¹", "²³"]  # (digits to str.isdigit(), not to int())


@pytest.mark.parametrize("value", BIG, ids=[str(i) for i in range(len(BIG))])
def test_numbers_out_of_range_anywhere_are_refused_not_a_crash(site: httpx.Client,
                                                                value: str) -> None:
    """Every number a client can send, in the API's query and in the pages' forms: a 422
    with a readable message (or the value ignored), never a 500."""
    for name in ("limit", "offset", "age", "max_price", "radius_km", "weekday"):
        params = {name: value, "near": "56.36,8.62"}
        resp = site.get("/v1/activities", params=params)
        assert resp.status_code in (200, 422), (name, resp.status_code)
        if resp.status_code == 422:
            assert resp.json()["message_da"] and name in resp.json()["params"]
    for near in (f"{value},8.62", f"56.36,{value}"):
        resp = site.get("/v1/activities", params={"near": near})
        assert resp.status_code in (200, 422), (near, resp.status_code)
        if resp.status_code == 422:
            assert resp.json()["params"] == ["near"]
    for name in ("limit", "offset"):
        assert site.get("/v1/organizations", params={"q": "spil", name: value}
                        ).status_code == 422
    for name in ("age", "max_price", "radius_km"):
        page = site.post("/", data={"near": "Holstebro", name: value})
        assert page.status_code in (200, 422), (name, page.status_code)
        assert '<html lang="da">' in page.text


def test_the_policy_helpers_say_what_they_do() -> None:
    import doctest

    from search_api import security

    assert doctest.testmod(security).failed == 0
