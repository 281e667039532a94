"""`fkort eval`: runs the normalisers over a labelled gold set and reports accuracy per field."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from core.clock import TZ
from normalize.accessibility import parse_accessibility
from normalize.age import parse_age
from normalize.category import parse_categories
from normalize.dropin import parse_drop_in
from normalize.price import parse_price
from normalize.schedule import next_meetings
from normalize.schedule_text import parse_schedule

FIELDS = ("schedule", "age", "price", "accessibility", "category", "drop_in")
_FLAGS = ("wheelchair", "step_free", "accessible_toilet", "hearing_loop", "parking")


class GoldError(ValueError):
    """A gold file that cannot be read; the message names the file and line."""


@dataclass
class Case:
    id: str
    field: str
    text: str
    ref: date
    expected: dict[str, Any]
    where: str
    #: The class of difficulty the case stands for ("several_times", "easy", ...), if given.
    klass: str | None = None
    #: Where the text's pattern comes from ("forening", "bibliotek", ...), if given.
    source: str | None = None


@dataclass
class FieldReport:
    name: str
    cases: int = 0
    correct: int = 0
    failures: list[dict[str, Any]] = field(default_factory=list)
    #: [cases, correct] by class of difficulty, for the cases that name one.
    by_class: dict[str, list[int]] = field(default_factory=dict)

    @property
    def accuracy(self) -> float:
        return self.correct / self.cases if self.cases else 1.0


#: Occurrences looked at to find a schedule's last one (more: it has no end in view).
_HORIZON = 400


def _schedule(text: str, ref: date) -> dict[str, Any]:
    s = parse_schedule(text, ref)
    fmt = "%Y-%m-%dT%H:%M" if s.time_known else "%Y-%m-%d"
    meetings = next_meetings(s, datetime.combine(ref, time(), TZ), _HORIZON)
    ahead = [start for start, _ in meetings]
    # The end of the first meeting in `next` (by its own rule, when there are several).
    end = s.end.astimezone(TZ).strftime("%H:%M") if s.end else None
    if s.rules and meetings:
        first, length = meetings[0]
        end = (first + length).strftime("%H:%M") if length else None
    finite = len(ahead) < _HORIZON
    days = [d.astimezone(TZ).date().isoformat() for d in ahead]
    return {"kind": s.kind.value, "next": [d.astimezone(TZ).strftime(fmt) for d in ahead[:3]],
            "end_time": end,
            # The last occurrence and every date from ref on, when the schedule ends.
            "until": days[-1] if finite and days else None,
            "dates": days if finite else None}


def _age(text: str, ref: date) -> dict[str, Any]:
    a = parse_age(text)
    return {"min": a.min, "max": a.max}


def _price(text: str, ref: date) -> dict[str, Any]:
    p = parse_price(text)
    return {"amount_dkk": p.amount_dkk, "period": p.period.value if p.period else None,
            "is_free": p.is_free}


def _access(text: str, ref: date) -> dict[str, Any]:
    a = parse_accessibility(text)
    return {k: getattr(a, k) for k in _FLAGS if getattr(a, k) is not None}


def _category(text: str, ref: date) -> dict[str, Any]:
    return {"categories": parse_categories(text)}


def _drop_in(text: str, ref: date) -> dict[str, Any]:
    return {"drop_in": parse_drop_in(text)}


PARSERS: dict[str, Callable[[str, date], dict[str, Any]]] = {
    "schedule": _schedule, "age": _age, "price": _price, "accessibility": _access,
    "category": _category, "drop_in": _drop_in,
}


def _same_schedule(expected: dict[str, Any], got: dict[str, Any]) -> bool:
    if expected.get("kind") != got["kind"]:
        return False
    if got["kind"] == "unknown":
        return True
    exp_next = list(expected.get("next") or [])
    if len(exp_next) != len(got["next"]):
        return False
    for e, g in zip(exp_next, got["next"], strict=True):
        # A label without a clock time compares dates only.
        if (e if "T" in e else e[:10]) != (g if "T" in e else g[:10]):
            return False
    if expected.get("end_time") != got["end_time"]:
        return False
    # A bounded series: its last meeting; a listed range: its dates from ref on.
    if "until" in expected and expected["until"] != got["until"]:
        return False
    if "dates" in expected:
        ref_day = min([*exp_next, *(got["next"] or [])] or ["0000"])[:10]
        wanted = sorted(d for d in expected["dates"] if d >= ref_day)
        if got["dates"] is None or sorted(got["dates"]) != wanted:
            return False
    return True


def _same_value(value: Any, mine: Any) -> bool:
    """Numbers within half an øre; anything else exactly."""
    if isinstance(value, float | int) and not isinstance(value, bool) and mine is not None:
        return not isinstance(mine, bool) and math.isclose(float(value), float(mine),
                                                           abs_tol=0.005)
    return bool(value == mine)


def _same(field_name: str, expected: dict[str, Any], got: dict[str, Any]) -> bool:
    if field_name == "schedule":
        return _same_schedule(expected, got)
    if field_name == "category":
        return set(expected.get("categories") or []) == set(got["categories"])
    if field_name == "accessibility":
        return {k: v for k, v in expected.items() if v is not None} == got
    if set(expected) != set(got):
        return False
    return all(_same_value(value, got[key]) for key, value in expected.items())


def load_cases(path: Path) -> list[Case]:
    """Every case of a gold file, or of every *.jsonl file below a folder."""
    files = sorted(path.rglob("*.jsonl")) if path.is_dir() else [path]
    if not files:
        raise GoldError(f"{path}: no .jsonl files")
    cases: list[Case] = []
    for file in files:
        try:
            lines = file.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise GoldError(f"{file}: {exc.strerror}") from exc
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            where = f"{file}:{n}"
            try:
                obj = json.loads(line)
                if obj["field"] not in FIELDS:
                    raise GoldError(f"{where}: unknown field {obj['field']!r}")
                cases.append(Case(
                    id=str(obj["id"]), field=obj["field"], text=str(obj["text"]),
                    ref=date.fromisoformat(str(obj.get("ref") or "2026-01-10")[:10]),
                    expected=dict(obj["expected"]), where=where,
                    klass=obj.get("class"), source=obj.get("source"),
                ))
            except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
                if isinstance(exc, GoldError):
                    raise
                raise GoldError(f"{where}: not a gold case ({exc})") from exc
    return cases


def evaluate(cases: Iterable[Case], only: str | None = None) -> dict[str, FieldReport]:
    reports: dict[str, FieldReport] = {}
    for case in cases:
        if only and case.field != only:
            continue
        report = reports.setdefault(case.field, FieldReport(name=case.field))
        report.cases += 1
        try:
            got = PARSERS[case.field](case.text, case.ref)
        except Exception as exc:  # a parser that raises is a failure to report, not a crash
            got = {"error": f"{type(exc).__name__}: {exc}"}
        ok = "error" not in got and _same(case.field, case.expected, got)
        if case.klass:
            tally = report.by_class.setdefault(case.klass, [0, 0])
            tally[0] += 1
            tally[1] += ok
        if ok:
            report.correct += 1
        else:
            report.failures.append({"id": case.id, "text": case.text, "ref": str(case.ref),
                                    "expected": case.expected, "got": got})
    return {f: reports[f] for f in FIELDS if f in reports}
