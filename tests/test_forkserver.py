"""The tests' fork server (tests/forkserver.py) answers as `python -m fkort` in a fresh
interpreter does: the same exit code, stdout and stderr, and a timeout that kills."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import FROZEN_NOW, REPO
from tests.forkserver import ForkServer


@pytest.fixture(scope="module")
def server() -> Iterator[ForkServer]:
    s = ForkServer()
    yield s
    s.close()


CASES = {
    "version": ["--version"],
    "misspelt-command": ["crawll"],
    "missing-sources-file": ["crawl", "--sources", "/nonexistent/sources.toml"],
    "bad-point": ["search", "spil", "--near", "nowhere at all"],
}


@pytest.mark.parametrize("name", list(CASES))
def test_a_forked_command_answers_as_a_fresh_interpreter(
        name: str, server: ForkServer, tmp_path: Path) -> None:
    env = {**os.environ, "FKORT_NOW": FROZEN_NOW, "FKORT_DATA_DIR": str(tmp_path / "data"),
           "FKORT_DB_PATH": str(tmp_path / "x.db")}
    fresh = subprocess.run([sys.executable, "-m", "fkort", *CASES[name]], capture_output=True,
                           text=True, env=env, cwd=REPO, timeout=120)
    forked = server.run(CASES[name], env, REPO, 120)
    assert (forked.returncode, forked.stdout, forked.stderr) == (
        fresh.returncode, fresh.stdout, fresh.stderr)


def test_the_childs_environment_is_the_one_given(server: ForkServer, tmp_path: Path) -> None:
    # A database path only this call names: the command's error must name it.
    db = tmp_path / "not-a-folder" / "x.db"
    (tmp_path / "not-a-folder").write_text("a file, not a folder")
    env = {**os.environ, "FKORT_NOW": FROZEN_NOW, "FKORT_DB_PATH": str(db)}
    forked = server.run(["search", "spil"], env, REPO, 120)
    fresh = subprocess.run([sys.executable, "-m", "fkort", "search", "spil"],
                           capture_output=True, text=True, env=env, cwd=REPO, timeout=120)
    assert forked.returncode == fresh.returncode != 0
    assert forked.stdout == fresh.stdout
    # The command's one-line error (IndexUnavailable) names the path this call's environment
    # gave, in both.
    assert str(db.parent) in forked.stderr
    assert forked.stderr == fresh.stderr


def test_a_command_past_its_timeout_is_killed(server: ForkServer, tmp_path: Path) -> None:
    env = {**os.environ, "FKORT_NOW": FROZEN_NOW, "FKORT_DB_PATH": str(tmp_path / "x.db"),
           "FKORT_DATA_DIR": str(tmp_path / "data")}
    with pytest.raises(subprocess.TimeoutExpired) as timed_out:
        server.run(["serve", "--port", "0", "--workers", "2", "--log-level", "info"], env,
                   REPO, 12)
    # Its worker processes go with it (the child's whole process group is killed).
    err = timed_out.value.stderr
    text = err.decode() if isinstance(err, bytes) else (err or "")
    workers = [int(p) for p in re.findall(r"Started server process \[(\d+)\]", text)]
    assert len(workers) == 2, text
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(p) for p in workers)
    # The server goes on: the next command runs.
    assert server.run(["--version"], env, REPO, 60).stdout.startswith("fkort ")


def _alive(pid: int) -> bool:
    """A process that runs (a zombie waiting for its parent counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
