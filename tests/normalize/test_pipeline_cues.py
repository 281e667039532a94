"""The pipeline's cheap looks and remembered readings (issue 15's throughput) change no reading:
each is checked against the full reader on every gold text and on phrases in their ways."""

from __future__ import annotations

import json
import re
from datetime import date, datetime

import pytest

from core.clock import TZ
from normalize import _schedule_patterns as rx
from normalize import event_status as es
from normalize import geo, schedule
from normalize._calendar_words import WEEKDAY_STEMS
from normalize._memo import frozen
from normalize.schedule_text import _read, may_state_a_rule, parse_schedule
from tests.conftest import REPO

RULES = ["hver tirsdag", "Alle  uger", "ugentligt", "Tirsdage kl. 10", "LØRDAGE", "loerdage",
         "første onsdag i måneden", "hver måned", "månedligt", "alle hverdage", "Dagligt",
         "i lige uger", "mandage og torsdage"]


def _gold() -> list[dict[str, object]]:
    cases = []
    for file in sorted((REPO / "tests" / "gold").rglob("*.jsonl")):
        cases += [json.loads(line) for line in file.read_text("utf-8").splitlines()
                  if line.strip()]
    return cases


GOLD = _gold()
TEXTS = [str(c["text"]) for c in GOLD]


def test_every_weekday_stem_ends_in_dag() -> None:
    # RULE_HINTS looks for the plural weekdays behind "dage": right only while every stem ends so.
    assert all(stem.endswith("dag") for stem in WEEKDAY_STEMS)


#: RULE_HINT as one alternation, as it was before it was split behind its words.
_ONE_PATTERN = re.compile(
    rf"\bhver\b|\balle\s+uger|\bugentlig|(?<![\w])(?:{rx.DAY_RX})e\b|"
    r"i\s+måneden|hver\s+måned|månedlig|hverdage\b|dagligt|lige\s+uger")


@pytest.mark.parametrize("text", RULES + TEXTS + [t.upper() for t in RULES])
def test_the_rule_hints_behind_their_words_change_no_answer(text: str) -> None:
    assert may_state_a_rule(text) is bool(_ONE_PATTERN.search(text.casefold()))
    assert bool(rx.RULE_HINT.search(text.casefold())) is may_state_a_rule(text)


def test_each_rule_hint_holds_its_word() -> None:
    # "dage" (the plural weekdays) holds by the stems' ending, tested above.
    for word, hint in rx.RULE_HINTS:
        if word != "dage":
            assert all(word in alternative for alternative in hint.pattern.split("|")), word


def test_the_rule_cues_find_the_rules() -> None:
    assert all(may_state_a_rule(t) for t in RULES)


@pytest.mark.parametrize("text", TEXTS + ["Aflyst d. 12. december.", "Der er ledige pladser"])
def test_one_look_for_status_cues_changes_no_reading(text: str) -> None:
    assert es._text_reading(text) == (es.parse_event_status(text), es.parse_availability(text),
                                      es.parse_cancelled_days(text))


@pytest.mark.parametrize("case", GOLD, ids=lambda c: str(c["id"]))
def test_a_remembered_schedule_is_the_one_read(case: dict[str, object]) -> None:
    text = str(case["text"])
    ref = date.fromisoformat(str(case.get("ref") or "2026-01-10")[:10])
    first, again = parse_schedule(text, ref), parse_schedule(text, ref)
    assert first == again == _read(text, ref)


def test_remembered_readings_are_shared_and_equal() -> None:
    # Handed out uncopied (no code changes one in place: tests/normalize/
    # test_pipeline_shortcuts.py scans the code for it): equal to a fresh reading.
    ref = datetime(2026, 11, 22, tzinfo=TZ)
    every = {"byDay": "https://schema.org/Tuesday", "repeatFrequency": "P1W",
             "startTime": "19:00"}
    one = schedule.from_schema_org(event_schedule=every, ref=ref)
    assert schedule.from_schema_org(event_schedule=dict(every), ref=ref) is one
    assert one == schedule._read_schema_org(None, None, every, ref=ref, text=None)
    place = geo.from_schema_org("Aktivitetshuset, Vestergade 12, 7500 Holstebro")
    assert geo.from_schema_org("Aktivitetshuset, Vestergade 12, 7500 Holstebro") is place
    assert place == geo._read("Aktivitetshuset, Vestergade 12, 7500 Holstebro", None)


@pytest.mark.parametrize(("a", "b"), [
    ("2026-12-03", "2026-12-03 "), (1, 1.0), (1, True), (1, "1"), (["a"], ("a",)),
    ({1: "a"}, {"1": "a"}), (0.0, -0.0), ({"a": 1, "b": 2}, {"b": 2, "a": 1}), (None, "None"),
    ("['a']", ["a"]),
])
def test_different_values_are_remembered_apart(a: object, b: object) -> None:
    assert frozen(a) != frozen(b)


def test_values_that_are_not_json_are_not_remembered() -> None:
    ref = datetime(2026, 11, 22, tzinfo=TZ)
    with pytest.raises(TypeError):
        frozen({ref})
    # Read afresh instead: a datetime still makes a one-off.
    assert schedule.from_schema_org(ref, ref=ref).kind.value == "once"
