"""The layers import one way only, and no modules import each other in a circle.

The contracts live in pyproject.toml ([tool.importlinter]); import-linter checks them.
A third check builds the import graph itself (grimp, the library under import-linter) and
looks for any circle of modules, including a package and its own modules.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp
import pytest

from tests.conftest import REPO
from tests.import_cycles import cycles

CONFIG = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]
PACKAGES: list[str] = CONFIG["root_packages"]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=cwd, env=env,
                          capture_output=True, text=True)


def test_contracts_hold() -> None:
    proc = _lint(REPO)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "broken" in proc.stdout and "0 broken" in proc.stdout


def test_no_circle_of_modules() -> None:
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    assert cycles(graph) == []


@pytest.fixture
def toy(tmp_path: Path) -> Path:
    """The project's packages, empty, under the project's own contracts."""
    for name in PACKAGES:
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text("")
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_an_upward_import_breaks_the_layers(toy: Path) -> None:
    (toy / "records" / "sweep.py").write_text("")
    (toy / "index" / "store.py").write_text("import records.sweep\n")
    proc = _lint(toy)
    assert proc.returncode != 0
    assert "index.store -> records.sweep" in proc.stdout


def test_a_circle_of_modules_is_found(toy: Path) -> None:
    (toy / "normalize" / "price.py").write_text("import normalize.age\n")
    (toy / "normalize" / "age.py").write_text("import normalize.price\n")
    assert _lint(toy).returncode != 0
    # A fresh interpreter, so that grimp finds the toy packages and not ours.
    code = ("import grimp, sys; from import_cycles import cycles; "
            "print(cycles(grimp.build_graph(*sys.argv[1:], cache_dir=None)))")
    proc = subprocess.run([sys.executable, "-c", code, *PACKAGES], capture_output=True,
                          text=True, cwd=toy,
                          env={**os.environ, "PYTHONPATH": f"{toy}:{REPO / 'tests'}"})
    assert proc.stdout.strip() == "[['normalize.age', 'normalize.price']]", proc.stderr
