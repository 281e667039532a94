"""The README's demo command: bundled sites crawled, indexed and served."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import REPO, free_port


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    data = tmp_path_factory.mktemp("demo")
    env = {k: v for k, v in os.environ.items() if k != "FKORT_NOW"}  # the demo runs on today
    proc = subprocess.Popen(
        [sys.executable, "-m", "fkort", "demo", "--port", str(port), "--data-dir", str(data)],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    try:
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"demo exited early:\n{proc.stdout.read()}")  # type: ignore[union-attr]
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("demo did not come up within 120 s")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_acceptance_query_sorted_by_distance(demo: str) -> None:
    body = httpx.get(f"{demo}/v1/activities",
                     params={"near": "56.36,8.62", "radius_km": 10, "limit": 100}).json()
    assert body["count"] >= 8
    kms = [a["distance_km"] for a in body["data"]]
    assert kms == sorted(kms) and all(0 <= k <= 10 for k in kms)
    assert all(a["location"]["city"] == "Holstebro" for a in body["data"])


def test_demo_holds_50_activities_in_3_towns(demo: str) -> None:
    # The bundled sites hold 50 activities: 19 in Holstebro, 14 in Assens, 17 in Copenhagen.
    assert httpx.get(f"{demo}/health").json()["activities"] == 50
    body = httpx.get(f"{demo}/v1/activities", params={"limit": 100}).json()
    # The demo runs on today: one-offs and seasons that have ended are hidden.
    assert body["count"] >= 40
    towns = {a["location"]["city"] for a in body["data"]}
    assert {"Holstebro", "Assens", "København V"} <= towns or len(towns) >= 3


def test_demo_page_is_danish(demo: str) -> None:
    page = httpx.post(f"{demo}/", data={"q": "fællesspisning"})  # the form posts
    assert page.status_code == 200 and "Fællesspisning" in page.text and "fundet" in page.text
