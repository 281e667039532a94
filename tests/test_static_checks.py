"""The code style the project holds itself to: ruff everywhere (with complexity at most 12),
mypy strict on every package."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO


def test_ruff() -> None:
    proc = subprocess.run([sys.executable, "-m", "ruff", "check", "--output-format", "concise",
                           "."], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy() -> None:
    proc = subprocess.run([sys.executable, "-m", "mypy", "core", "normalize", "index",
                           "records", "crawlers", "search_api", "fkort"],
                          cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
