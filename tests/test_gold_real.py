"""The real-style gold set (tests/gold/real/: 368 cases written by two annotators who never
saw the rules), case by case. A case the normalisers still get wrong is listed, with why, in
tests/gold/real/KNOWN_FAILURES.tsv and marked xfail(strict=True): it is seen, not hidden, and
a fix that makes it pass fails this test until the list says so."""

from __future__ import annotations

from pathlib import Path

import pytest

from fkort.evaluate import PARSERS, Case, _same, load_cases
from tests.conftest import REPO

GOLD_REAL = REPO / "tests" / "gold" / "real"
KNOWN = GOLD_REAL / "KNOWN_FAILURES.tsv"


def _known(path: Path) -> dict[str, str]:
    """Known failures by case id: `id<TAB>reason` per line; `#` starts a comment."""
    out: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            case_id, _, reason = line.partition("\t")
            out[case_id.strip()] = reason.strip()
    return out


CASES = load_cases(GOLD_REAL)
KNOWN_FAILURES = _known(KNOWN)


def test_known_failures_name_real_cases_with_a_reason() -> None:
    ids = {c.id for c in CASES}
    assert len(ids) == len(CASES) >= 300
    assert set(KNOWN_FAILURES) <= ids, sorted(set(KNOWN_FAILURES) - ids)
    assert all(KNOWN_FAILURES.values())


def _param(case: Case) -> object:
    marks = [pytest.mark.xfail(strict=True, reason=KNOWN_FAILURES[case.id])] \
        if case.id in KNOWN_FAILURES else []
    return pytest.param(case, id=case.id, marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_case(case: Case) -> None:
    got = PARSERS[case.field](case.text, case.ref)
    assert "error" not in got and _same(case.field, case.expected, got), (
        f"{case.text!r}: expected {case.expected}, got {got}")
