"""Correction and removal requests end to end: a crawled index, a request over HTTP, the
operator's decision (CLI and admin API), the change visible at once and kept across re-crawls;
and the requester's contact never in a log or the index."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import httpx
import pytest

from core.schema import organization_id
from core.settings import Settings
from fkort.sites import SiteServer
from search_api.main import create_app
from tests.conftest import FILES, LiveServer, crawl, run_fkort
from tests.test_runs import KORTKLUB, SOURCES

AELDRE_SAGEN = organization_id("Ældre Sagen Struer")
CONTACT = "formand.hemmelig@kortklub-example.dk"
KEY = "test-admin-key-0123456789"


def _crawl(site: SiteServer, tmp: Path, day: str) -> dict[str, Any]:
    proc, (report,) = crawl(SOURCES, tmp, {"base": site.base_url}, "--no-cache",
                            db=tmp / "fkort.db", env={"FKORT_NOW": f"{day}T03:00:00+01:00"})
    assert CONTACT not in proc.stderr + proc.stdout
    return report


def _server(tmp: Path, **settings: Any) -> LiveServer:
    return LiveServer(app=create_app(Settings(
        db_path=tmp / "fkort.db", data_dir=tmp / "data", **settings)))


def _ask(api: httpx.Client, **fields: Any) -> httpx.Response:
    body = {"name": "Bent, formand", "contact": CONTACT, "message": "Det er forkert.",
            **fields}
    return api.post("/v1/requests", json=body)


def _title_ids(api: httpx.Client, text: str) -> list[str]:
    return [a["id"] for a in api.get("/v1/activities", params={"q": text}).json()["data"]]


def test_requests_end_to_end_and_across_recrawls(tmp_path: Path,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    env = {"FKORT_DATA_DIR": str(tmp_path / "data")}
    with SiteServer(FILES / "jsonld" / "struer") as site:
        assert _crawl(site, tmp_path, "2026-11-20")["new"] == 4
        with _server(tmp_path, admin_api_key=KEY) as server, \
                httpx.Client(base_url=server.url, timeout=10) as api:
            before = api.get(f"/v1/activities/{KORTKLUB}").json()
            assert before["price"]["amount_dkk"] != 25
            (mandeklub,) = _title_ids(api, "mandeklub")
            assert _title_ids(api, "fjorden")  # Ældre Sagen's walk is listed

            fix = _ask(api, target_type="activity", target_id=KORTKLUB, kind="correction",
                       field="price", proposed_value="25 kr. pr. gang")
            assert fix.status_code == 202, fix.text
            assert fix.json()["status"] == "pending" and CONTACT not in fix.text
            gone = _ask(api, target_type="activity", target_id=mandeklub, kind="removal")
            org_gone = _ask(api, target_type="organization", target_id=AELDRE_SAGEN,
                            kind="removal", message="Vi har lukket.")
            noise = _ask(api, target_type="activity", target_id=KORTKLUB, kind="correction",
                         message="Kaffen er gratis.")
            assert [r.status_code for r in (gone, org_gone, noise)] == [202, 202, 202]
            # Nothing changes before an operator decides.
            assert api.get(f"/v1/activities/{KORTKLUB}").json()["price"] == before["price"]
            assert _title_ids(api, "mandeklub") == [mandeklub]

            # The operator sees the queue, contact included (operators only).
            listed = run_fkort("requests", "list", env=env)
            assert listed.returncode == 0, listed.stderr
            assert "#1 pending" in listed.stdout and CONTACT in listed.stdout
            assert listed.stdout.count("pending") == 4

            approved = run_fkort("requests", "approve", str(fix.json()["id"]), "--db",
                                 str(tmp_path / "fkort.db"), env=env)
            assert approved.returncode == 0, approved.stderr
            after = api.get(f"/v1/activities/{KORTKLUB}").json()
            assert after["price"]["amount_dkk"] == 25 and after["price"]["period"] == "per_time"

            headers = {"X-API-Key": KEY}
            ok = api.post(f"/v1/admin/requests/{gone.json()['id']}/approve", headers=headers)
            assert ok.status_code == 200 and ok.json()["status"] == "approved"
            assert ok.json()["requester_contact"] == CONTACT
            assert api.post(f"/v1/admin/requests/{org_gone.json()['id']}/approve",
                            headers=headers).status_code == 200
            rejected = run_fkort("requests", "reject", str(noise.json()["id"]), "--reason",
                                 "Står allerede rigtigt", env=env)
            assert rejected.returncode == 0, rejected.stderr
            again = api.post(f"/v1/admin/requests/{noise.json()['id']}/approve",
                             headers=headers)
            assert again.status_code == 409 and again.json()["error"] == "not_pending"

            assert api.get(f"/v1/activities/{mandeklub}").status_code == 404
            assert _title_ids(api, "mandeklub") == [] and _title_ids(api, "fjorden") == []
            assert api.get(f"/v1/organizations/{AELDRE_SAGEN}").status_code == 404
            found = api.get("/v1/organizations", params={"q": "ældre sagen"}).json()
            assert found == {"data": [], "count": 0}
            assert run_fkort("requests", "list", env=env).stdout.strip() == "Ingen anmodninger."

        # Re-crawl twice: the correction and both removals hold.
        for day in ("2026-11-21", "2026-11-22"):
            report = _crawl(site, tmp_path, day)
            assert report["status"] == "ok"
        with _server(tmp_path) as server, httpx.Client(base_url=server.url) as api:
            assert api.get(f"/v1/activities/{KORTKLUB}").json()["price"]["amount_dkk"] == 25
            assert api.get(f"/v1/activities/{mandeklub}").status_code == 404
            assert _title_ids(api, "mandeklub") == [] and _title_ids(api, "fjorden") == []
            assert _title_ids(api, "kortklub") == [KORTKLUB]
    # The requester's contact: in the requests file only; never in a log or the index.
    assert CONTACT not in caplog.text
    for path in tmp_path.rglob("*"):
        if path.is_file() and "requests.db" not in path.name:
            assert CONTACT.encode() not in path.read_bytes(), path


def test_bad_requests_are_readable_and_never_echo(tmp_path: Path) -> None:
    from index.backends.sqlite import SQLiteBackend
    from tests.index.corpus import make

    b = SQLiteBackend(tmp_path / "fkort.db")
    b.upsert([make("a", "Kortklub", organization_id="org:k", organizer={"name": "Kortklubben"})])
    aid = make("a", "Kortklub").id
    b.close()
    with _server(tmp_path, request_max_bytes=6000) as server, \
            httpx.Client(base_url=server.url, timeout=10) as api:
        cases = [
            ({"target_type": "activity", "target_id": "test:nope", "kind": "removal"}, 404),
            ({"target_type": "activity", "target_id": aid, "kind": "correction",
              "field": "colour", "proposed_value": "blå"}, 422),
            ({"target_type": "activity", "target_id": aid, "kind": "correction",
              "field": "schedule", "proposed_value": "når det passer os"}, 422),
            ({"target_type": "activity", "target_id": aid, "kind": "correction",
              "field": "price"}, 422),
            ({"target_type": "activity", "target_id": aid, "kind": "removal",
              "field": "price", "proposed_value": "20 kr."}, 422),
            ({"target_type": "planet", "target_id": aid, "kind": "removal"}, 422),
            ({"target_type": "activity", "target_id": aid, "kind": "correction",
              "contact": ""}, 422),
            ({"target_type": "activity", "target_id": aid, "kind": "removal",
              "message": "x" * 4001}, 422),
        ]
        for fields, status in cases:
            resp = _ask(api, **fields)
            assert resp.status_code == status, (fields, resp.text)
            body = resp.json()
            assert body["message_da"] and body["message_en"]
            assert CONTACT not in resp.text and "blå" not in resp.text
        # Too large: refused before it is read, with or without a Content-Length.
        big = _ask(api, target_type="activity", target_id=aid, kind="removal",
                   message="x" * 7000)
        assert big.status_code == 413 and "for stor" in big.json()["message_da"]

        def chunks() -> Any:
            yield b'{"message": "'
            for _ in range(10):
                yield b"y" * 700
            yield b'"}'
        streamed = api.post("/v1/requests", content=chunks(),
                            headers={"content-type": "application/json"})
        assert streamed.status_code == 413
        assert api.post("/v1/requests", content=b"{not json",
                        headers={"content-type": "application/json"}).status_code == 422
        # Proposed values are read like the crawl reads pages.
        ok = _ask(api, target_type="activity", target_id=aid, kind="correction",
                  field="accessibility.hearing_loop", proposed_value="Ja")
        assert ok.status_code == 202
        org = _ask(api, target_type="organization", target_id="org:k", kind="correction",
                   field="url", proposed_value="https://kortklubben.example")
        assert org.status_code == 202


def test_unreadable_phone_or_email_is_refused_not_stored_as_unknown(tmp_path: Path) -> None:
    """A contact correction the field cannot take ("ring til mig") is refused with what to
    write instead, never taken and later approved as no contact at all; a readable one is
    taken and, approved, read as a crawl reads it."""
    from index.backends.sqlite import SQLiteBackend
    from tests.index.corpus import make

    b = SQLiteBackend(tmp_path / "fkort.db")
    b.upsert([make("a", "Kortklub", organization_id="org:k", organizer={"name": "Kortklubben"})])
    aid = make("a", "Kortklub").id
    b.close()
    with _server(tmp_path, admin_api_key=KEY) as server, \
            httpx.Client(base_url=server.url, timeout=10) as api:
        for target_type, target_id, field, value, said in (
                ("activity", aid, "organizer.phone", "ring til mig", "telefonnummeret"),
                ("activity", aid, "organizer.phone", "9782 110", "telefonnummeret"),
                ("activity", aid, "organizer.email", "skriv på facebook", "e-mailadressen"),
                ("organization", "org:k", "phone", "ring til formanden", "telefonnummeret"),
                ("organization", "org:k", "email", "kasserer@", "e-mailadressen")):
            resp = _ask(api, target_type=target_type, target_id=target_id, kind="correction",
                        field=field, proposed_value=value)
            assert resp.status_code == 422, (field, value, resp.text)
            body = resp.json()
            assert body["error"] == "invalid_value" and body["params"] == ["proposed_value"]
            assert f"Vi kunne ikke læse {said}" in body["message_da"]
            assert body["message_en"] and value not in resp.text
        phone = _ask(api, target_type="activity", target_id=aid, kind="correction",
                     field="organizer.phone", proposed_value=" +45 97821100 ")
        email = _ask(api, target_type="activity", target_id=aid, kind="correction",
                     field="organizer.email", proposed_value="Kasserer@Kortklubben.DK ")
        assert (phone.status_code, email.status_code) == (202, 202), phone.text + email.text
        headers = {"X-API-Key": KEY}
        for req in (phone, email):
            done = api.post(f"/v1/admin/requests/{req.json()['id']}/approve", headers=headers)
            assert done.status_code == 200, done.text
        organizer = api.get(f"/v1/activities/{aid}").json()["organizer"]
        assert (organizer["phone"], organizer["email"]) == (
            "97 82 11 00", "Kasserer@kortklubben.dk")


def test_rate_limited_per_client(tmp_path: Path) -> None:
    from index.backends.sqlite import SQLiteBackend
    from tests.index.corpus import make

    b = SQLiteBackend(tmp_path / "fkort.db")
    b.upsert([make("a", "Kortklub")])
    b.close()
    aid = make("a", "Kortklub").id
    with _server(tmp_path, request_rate_burst=2, request_rate_per_hour=2,
                 forwarded_allow_ips="127.0.0.1") as server, \
            httpx.Client(base_url=server.url, timeout=10) as api:
        codes = [_ask(api, target_type="activity", target_id=aid, kind="removal").status_code
                 for _ in range(3)]
        assert codes == [202, 202, 429]
        limited = _ask(api, target_type="activity", target_id=aid, kind="removal")
        assert limited.status_code == 429
        assert 1 <= int(limited.headers["Retry-After"]) <= 1800
        body = limited.json()
        assert body["error"] == "rate_limited"
        assert "Prøv igen" in body["message_da"] and "Try again" in body["message_en"]
        # Invalid requests store nothing and take no token; reads are not limited.
        assert api.get(f"/v1/activities/{aid}").status_code == 200
        # Behind a trusted reverse proxy (FKORT_FORWARDED_ALLOW_IPS; here the local one) each
        # client behind it has its own bucket, not one shared by everyone using the proxy.
        body = {"name": "Bent", "contact": CONTACT, "message": "Forkert.",
                "target_type": "activity", "target_id": aid, "kind": "removal"}
        other = api.post("/v1/requests", json=body, headers={"X-Forwarded-For": "10.0.0.7"})
        assert other.status_code == 202
    listed = run_fkort("requests", "list", "--json",
                       env={"FKORT_DATA_DIR": str(tmp_path / "data")})
    assert len(__import__("json").loads(listed.stdout)) == 3


def test_admin_needs_a_configured_key(tmp_path: Path) -> None:
    with _server(tmp_path) as server, httpx.Client(base_url=server.url) as api:
        off = api.get("/v1/admin/requests", headers={"X-API-Key": "anything"})
        assert off.status_code == 503 and "FKORT_ADMIN_API_KEY" in off.json()["message_en"]
    with _server(tmp_path, admin_api_key=KEY) as server, httpx.Client(base_url=server.url
                                                                       ) as api:
        assert api.get("/v1/admin/requests").status_code == 401
        wrong = api.get("/v1/admin/requests", headers={"X-API-Key": KEY + "x"})
        assert wrong.status_code == 401 and "nøgle" in wrong.json()["message_da"]
        assert KEY not in wrong.text
        assert api.post("/v1/admin/requests/1/approve",
                        headers={"X-API-Key": "nope"}).status_code == 401
        right = api.get("/v1/admin/requests", headers={"X-API-Key": KEY},
                        params={"status": "pending"})
        assert right.status_code == 200 and right.json() == []
        assert api.get("/v1/admin/requests/99", headers={"X-API-Key": KEY}).status_code == 404
        assert api.post("/v1/admin/requests/99/reject",
                        headers={"X-API-Key": KEY}).status_code == 404


def test_an_override_that_no_longer_fits_is_left_out_and_logged(
        caplog: pytest.LogCaptureFixture) -> None:
    from records.overrides import Overrides
    from tests.index.corpus import make

    a = make("a", "Kortklub", organization_id="org:k")
    overrides = Overrides(by_target={("activity", a.id): {"age.min": 200, "title": "Kortklub 2"}})
    with caplog.at_level(logging.WARNING):
        out = overrides.apply(a)
    assert out.title == "Kortklub 2" and out.age == a.age
    assert "age.min" in caplog.text and a.id in caplog.text and "200" not in caplog.text
    gone = Overrides(by_target={("organization", "org:k"): {"status": "removed"}})
    assert gone.apply(a).status.value == "removed"
    assert gone.apply(make("b", "Andet")).status.value == "active"
