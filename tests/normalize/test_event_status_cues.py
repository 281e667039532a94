"""The cheap look before the phrase tables (normalize.event_status): a text without any of a
table's cue words can state nothing by it, so looking first changes no reading."""

from __future__ import annotations

import pytest

from normalize import _status_phrases as phrases
from normalize import event_status as es
from tests.normalize.gold_texts import gold_texts

#: Texts that state a status or places, and texts that do not: every gold text, and phrases
#: written for this test in the tables' ways (also with odd spacing and capitals).
STATED = [
    "AFLYST: Julefrokost", "Strikkecafé – AFLYST", "Foredraget er desværre blevet aflyst.",
    "Vi har desværre måttet aflyse.", "Turen aflyses.", "UDSAT: Banko", "Koncerten – udsat",
    "Mødet er udsat til foråret.", "Turen udskydes.", "Flyttet til en ny dato.",
    "Ny  dato  følger.", "Cancelled", "Der er ikke flere pladser – skriv dig på venteliste.",
    "UDSOLGT", "Holdet er fuldt.", "Fuldt booket", "Sold out", "Alle pladser er optaget.",
    "Der er stadig ledige pladser.", "Ikke længere udsolgt.", "Holdet er fyldt op.",
    "VENTELISTE", "Kun venteliste.", "Overbooket", "Der er venteliste.",
]




@pytest.mark.parametrize("text", STATED + gold_texts())
def test_the_cheap_look_changes_no_reading(text: str) -> None:
    for table, unknown, cues in ((es._STATUS, es.EventStatus.unknown, es._STATUS_CUES),
                                 (es._AVAILABILITY, es.Availability.unknown, es._PLACES_CUES)):
        assert es._first_stated(text, table, unknown, cues) == es._first_stated(  # type: ignore[arg-type]
            text, table, unknown, ("",))


def test_the_stated_ones_are_read() -> None:
    read = [es.parse_event_status(t).value is not es.EventStatus.unknown
            or es.parse_availability(t).value is not es.Availability.unknown for t in STATED]
    assert all(read), [t for t, r in zip(STATED, read, strict=True) if not r]


def test_cancelled_days_need_the_word() -> None:
    assert "aflys" in phrases.CANCELLED_DAY
    assert es.parse_cancelled_days("Vi ses d. 12. december kl. 14.") == ()
    assert es.parse_cancelled_days("Aflyst d. 12. december.")
