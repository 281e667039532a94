"""`fkort eval`: the gold set's accuracy per field, and the command's own behaviour."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fkort.evaluate import FIELDS, load_cases
from tests.conftest import REPO, run_fkort

GOLD = REPO / "tests" / "gold"


def test_gold_set_is_big_and_varied_enough() -> None:
    cases = load_cases(GOLD)
    assert len(cases) >= 400
    for name in FIELDS:
        assert sum(c.field == name for c in cases) >= 60, name
    assert len({c.id for c in cases}) == len(cases)


@pytest.fixture(scope="module")
def report() -> dict[str, object]:
    proc = run_fkort("eval", "--gold", str(GOLD), "--json")
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)  # type: ignore[no-any-return]


@pytest.mark.parametrize("name", FIELDS)
def test_accuracy_at_least_95_percent(report: dict[str, dict[str, dict[str, object]]],
                                      name: str) -> None:
    field = report["fields"][name]
    failures = "\n".join(f"{f['id']}: {f['text']!r} expected {f['expected']} got {f['got']}"
                         for f in field["failures"])  # type: ignore[attr-defined]
    assert field["accuracy"] >= 0.95, failures


def test_eval_fails_below_the_minimum(tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.jsonl"
    wrong.write_text(json.dumps({"id": "x", "field": "price", "text": "20 kr.", "ref": "2026-01-10",
                                 "expected": {"amount_dkk": 25.0, "period": None,
                                              "is_free": False}}) + "\n", encoding="utf-8")
    proc = run_fkort("eval", "--gold", str(wrong))
    assert proc.returncode == 1
    assert "price" in proc.stdout and "0.000" in proc.stdout
    assert "expected" in proc.stdout and "got" in proc.stdout


def test_eval_one_field_and_json(tmp_path: Path) -> None:
    proc = run_fkort("eval", "--gold", str(GOLD), "--field", "age", "--json")
    body = json.loads(proc.stdout)
    assert list(body["fields"]) == ["age"]
    assert body["fields"]["age"]["cases"] >= 60


def test_eval_names_the_broken_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "field": "age", "text": "60+", "expected": {"min": 60, "max": '
                   'null}}\n{not json\n', encoding="utf-8")
    proc = run_fkort("eval", "--gold", str(bad))
    assert proc.returncode == 2
    assert "bad.jsonl:2" in proc.stderr
