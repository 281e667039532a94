"""bench/api_load.py still works (so the API benchmark cannot rot): on a tiny index it starts
the real `fkort serve`, its requests get the in-process search's answers, its load loop
counts every request, and the access log it can turn on hides `near`."""

from __future__ import annotations

import statistics
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from bench.api_load import (
    api_params,
    build_index,
    build_run_log,
    in_process,
    load,
    paired,
    sequential,
    serve,
)
from bench.search_backends import NOW, query_mix
from index.backends.sqlite import SQLiteBackend


def test_bench_serves_the_index_and_measures_it(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FKORT_NOW", NOW.isoformat())  # the bench sets it; restored after
    db = build_index(300, where=tmp_path)
    assert build_index(300, where=tmp_path) == db  # the second time it is reused
    mix = query_mix(3)
    queries = [q for _, q in mix]
    text = [q for kind, q in mix if kind == "+text"]
    inproc, cpu = in_process(db, queries)
    assert len(inproc) == len(queries) and cpu > 0
    backend = SQLiteBackend(db)
    try:
        expected = [[h.activity.id for h in backend.search(q).hits] for q in queries]
    finally:
        backend.close()
    assert any(expected)  # the queries find something in the tiny index
    log = tmp_path / "serve.log"
    with serve(db, extra=["--access-log", "--log-level", "info"], log=log) as server:
        with httpx.Client(base_url=server.url) as client:
            got = [[a["id"] for a in client.get("/v1/activities", params=api_params(q)
                                                ).json()["data"]] for q in queries]
        latencies, server_cpu = sequential(server, queries)
        pairs = paired(server, db, queries)
        loaded = load(server, text, clients=3, total=10)
    assert got == expected
    assert len(pairs) == len(queries) and statistics.median(pairs) > 0  # HTTP adds to a search
    assert len(latencies) == len(queries) and server_cpu > 0
    assert len(loaded.latencies) == 10 and loaded.rps > 0
    # With a run log that saw everything a day later, hits say so.
    data = build_run_log(db)
    assert build_run_log(db) == data  # reused
    with serve(db, data=data) as server, httpx.Client(base_url=server.url) as client:
        hits = client.get("/v1/activities", params=api_params(queries[0])).json()["data"]
    assert hits and all(h["last_seen"].startswith(f"{(NOW + timedelta(days=1)):%Y-%m-%d}")
                        for h in hits)
    written = log.read_text()
    assert written.count("GET /v1/activities?near=[skjult]") >= 10 + 3 * len(queries)
    points = {api_params(q)["near"] for q in queries}
    assert not [p for p in points if p in written or p.split(",")[0] in written]
