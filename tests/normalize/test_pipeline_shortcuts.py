"""The pipeline's second round of shortcuts (issue 15's throughput) change no reading: each
pattern tried only at its start words finds what a full scan finds (its words checked against
the pattern's own branches, then on every gold text and on phrases written for this test), the
shared unknown values cannot be changed, and a shared organiser, schedule or place is
changed by no record."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from core.schema import RawActivity, Source
from normalize import _price_patterns as pp
from normalize import age, price
from normalize._starts import found_at
from normalize.activity import build_activity
from records.overrides import Overrides
from tests.conftest import REPO
from tests.normalize.test_classifier_guards import TEXTS, _every_match_starts_with

#: Written for this test: each start word inside another word, at a text's ends, and spaced.
WRITTEN = [
    "ufri entré", "fri  entré", "Fri entré!", "frivillig", "gratiskaffe", "gratis kaffe",
    "Gratis", "x-kr.0", "kr. 0", "kr 0,50", "kr.0", "ingen betaling", "udeningen betaling",
    "koster ikke noget", "Det koster ikke noget", "vederlagsfrit", "gebyrfri", "pensionisthus",
    "folkepensionister", "Folke-pensionist", "seniordans", "ældre end 12 år", "ældre  medborgere",
    "efterlønnere", "pension", "for ældre", "senior", "sagen: ældre",
]
LOWS = [t.casefold() for t in TEXTS + WRITTEN]


def test_found_at_needs_the_match_at_a_start_word() -> None:
    rx = re.compile(r"\bgratis\b|kr\s*0")
    assert found_at(rx, "det er gratis", ("gratis",))
    assert not found_at(rx, "ugratis", ("gratis",))  # \b sees the letter before it
    assert not found_at(rx, "kr 0", ("gratis",))  # a start it is not told of is never tried
    assert found_at(rx, "gratis? nej, kr 0", ("kr",))


def test_free_start_words_cover_every_branch() -> None:
    assert _every_match_starts_with(pp.FREE, pp.FREE_CUES) == []


def test_age_word_starts_cover_every_branch() -> None:
    for rx, _ in age.AGE_WORDS:
        assert _every_match_starts_with(rx, age._AGE_WORD_STARTS) == []


@pytest.mark.parametrize("low", LOWS, ids=lambda low: low[:30])
def test_start_word_scans_find_what_search_finds(low: str) -> None:
    as_price_reads_it = pp.DASHES.sub("-", low).replace("\u00a0", " ")
    assert found_at(pp.FREE, as_price_reads_it, pp.FREE_CUES) == bool(
        pp.FREE.search(as_price_reads_it))
    for rx, _ in age.AGE_WORDS:
        assert found_at(rx, low, age._AGE_WORD_STARTS) == bool(rx.search(low))


def test_shared_unknown_values_are_unknown_and_frozen() -> None:
    for unknown in (age.parse_age(None), age.from_schema_org(None), price.parse_price(""),
                    price.from_schema_org(None)):
        assert unknown == type(unknown)()
        with pytest.raises(ValidationError):
            unknown.text = "changed"  # type: ignore[misc]


def _item(n: int) -> RawActivity:
    source = Source(name="t", kind="municipal", url=f"https://x.example/{n}",
                    fetched_at=datetime(2026, 11, 22, tzinfo=UTC))
    return RawActivity(source=source, origin_id=str(n), texts={
        "title": f"Strikkeklub {n}", "organizer": "Ældre Sagen Lemvig", "contact": "tlf. 96631420",
        "when": "Hver tirsdag kl. 10-12",
        "where": "Aktivitetshuset, Vestergade 12, 7500 Holstebro"})


def test_shared_parts_are_changed_by_no_record() -> None:
    one, two = build_activity(_item(1)), build_activity(_item(2))
    # Remembered, not copied: the organiser, the schedule and the place.
    assert one.organizer is two.organizer
    assert one.schedule is two.schedule and one.location is two.location
    assert one.schedule.rrule == "FREQ=WEEKLY;BYDAY=TU" and one.location.postcode == "7500"
    fixed = Overrides({("activity", one.id): {
        "organizer.name": "Ældre Sagen", "location.name": "Huset",
        "schedule.exdates": ["2026-11-24T10:00:00+01:00"]}}).apply(one)
    assert (fixed.organizer.name, fixed.location.name) == ("Ældre Sagen", "Huset")
    assert fixed.schedule.exdates and one.organizer.phone == "96 63 14 20"
    for record in (one, two, build_activity(_item(3))):
        assert record.organizer.name == "Ældre Sagen Lemvig"
        assert record.location.name != "Huset" and record.schedule.exdates == []


#: A change in place of a record's schedule, place or organiser (`a.location.name = ...`,
#: `sched.exdates.append(...)`): what the shared, uncopied readings forbid.
_IN_PLACE = re.compile(
    r"\b\w*(?:schedule|sched|location|loc|place|organizer|org)\.\w+\s*(?:=[^=]|\+=)"
    r"|\b\w*(?:schedule|sched)\.(?:dates|exdates|rules)\.(?:append|extend|insert|remove|pop"
    r"|sort|clear)\(")


def test_in_place_change_scan_sees_one() -> None:
    assert _IN_PLACE.search("    activity.location.name = 'x'")
    assert _IN_PLACE.search("sched.exdates.append(day)")
    assert not _IN_PLACE.search("found = found.model_copy(update={'email': e})")
    assert not _IN_PLACE.search("if place.name == name:")


def test_no_code_changes_a_shared_reading_in_place() -> None:
    found = []
    for folder in ("normalize", "index", "records", "search_api", "fkort", "core", "crawlers",
                   "bench", "tests"):
        for file in sorted((REPO / folder).rglob("*.py")):
            if file.name == "test_pipeline_shortcuts.py":
                continue
            for n, line in enumerate(file.read_text("utf-8").splitlines(), 1):
                if _IN_PLACE.search(line):
                    found.append(f"{file.relative_to(REPO)}:{n}: {line.strip()}")
    assert found == []
