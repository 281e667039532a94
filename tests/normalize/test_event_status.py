"""Cancelled, postponed, full: Danish phrasing, structured values and what must stay unknown."""

from __future__ import annotations

from datetime import datetime

import pytest

from core.clock import TZ
from core.schema import Availability, EventStatus, RawActivity, Schedule, Source, SourceKind
from normalize.activity import build_activity
from normalize.event_status import (
    Day,
    apply_cancelled_days,
    from_offers,
    from_platform,
    from_structured,
    parse_availability,
    parse_cancelled_days,
    parse_event_status,
    read,
)
from normalize.matching import Cluster
from normalize.merging import merge
from tests.index.corpus import make

C, P, U = EventStatus.cancelled, EventStatus.postponed, EventStatus.unknown

STATUS_TEXTS: list[tuple[str, EventStatus]] = [
    ("AFLYST: Julefrokost i Seniorklubben", C),
    ("Aflyst - Fællessang i Kulturhuset", C),
    ("[AFLYST] Foredrag om Limfjorden", C),
    ("Strikkecafé – AFLYST", C),
    ("Arrangementet er aflyst.", C),
    ("Arrangementet er desværre aflyst på grund af sygdom.", C),
    ("Koncerten er blevet aflyst.", C),
    ("Turen aflyses desværre.", C),
    ("Foredraget må desværre aflyses.", C),
    ("Vi har måttet aflyse.", C),
    ("CANCELLED: Bridge night", C),
    ("Udsat", P),
    ("UDSAT: Sankthansfest", P),
    ("Koncerten er udsat til foråret.", P),
    ("Arrangementet er udskudt på grund af vejret.", P),
    ("Foredraget er flyttet til 14. marts.", P),
    ("Gåturen er flyttet til en senere dato.", P),
    ("Ny dato følger.", P),
    # negatives: another time, a condition, a negation, another meaning
    ("Aflyst pga. sygdom sidste år, nu igen hver tirsdag.", U),
    ("Sidste år blev turen aflyst, men i år kører bussen.", U),
    ("Arrangementet aflyses ved for få tilmeldte.", U),
    ("Turen kan blive aflyst ved dårligt vejr.", U),
    ("Hvis der er under 5 tilmeldte, aflyses holdet.", U),
    ("Arrangementet er ikke aflyst.", U),
    ("Er koncerten aflyst?", U),
    ("Ældre, der er udsat for ensomhed, er særligt velkomne.", U),
    ("Vi er flyttet til Kulturhuset, Østergade 12.", U),
    ("Et fællesskab for dig, der er socialt udsat.", U),
    ("Julekoncert (aflyst)", C),
    ("Sankthansfest – UDSAT", P),
    ("Tilmelding lukket.", U),
    ("Kom og vær med til fællesspisning hver torsdag.", U),
    ("Husk at melde afbud ved aflysning.", U),
    ("", U),
]

PLACES_TEXTS: list[tuple[str, Availability]] = [
    ("Udsolgt", Availability.full),
    ("UDSOLGT", Availability.full),
    ("Fuldt booket", Availability.full),
    ("Holdet er fuldt.", Availability.full),
    ("Der er ikke flere pladser.", Availability.full),
    ("Der er desværre ikke flere ledige pladser.", Availability.full),
    ("Ingen ledige pladser", Availability.full),
    ("Alle pladser er optaget.", Availability.full),
    ("Kurset er fuldtegnet.", Availability.full),
    ("Fuldt booket – venteliste", Availability.waitlist),
    ("Der er ikke flere pladser – skriv dig på venteliste.", Availability.waitlist),
    ("Du kan skrive dig på ventelisten hos Lene.", Availability.waitlist),
    ("Venteliste", Availability.waitlist),
    ("Der er stadig ledige pladser.", Availability.available),
    ("Få pladser tilbage!", Availability.available),
    ("Holdet er ikke længere fuldt.", Availability.available),
    # negatives: sign-up closed is not full; last year's, conditional
    ("Tilmelding lukket.", Availability.unknown),
    ("Tilmeldingen er lukket for i år.", Availability.unknown),
    ("Sidste år var der udsolgt, så meld dig til i god tid.", Availability.unknown),
    ("Turen blev udsolgt i 2024.", Availability.unknown),
    ("Hvis holdet er fuldt, kommer du på venteliste.", Availability.unknown),
    ("Ved overtegning oprettes venteliste.", Availability.unknown),
    ("Max 12 deltagere. Tilmelding hos Lene.", Availability.unknown),
    ("Alle er velkomne.", Availability.unknown),
    ("Holdet er fuldt af glade mennesker.", Availability.unknown),
    ("Vi har et fuldt program, og der er ingen venteliste.", Availability.unknown),
]


@pytest.mark.parametrize(("text", "expected"), STATUS_TEXTS)
def test_event_status_from_text(text: str, expected: EventStatus) -> None:
    found = parse_event_status(text)
    assert found.value is expected
    # Never a value without the words it came from; never words without a value.
    assert (found.text is not None) == (expected is not U)
    if found.text:
        assert found.text in text


@pytest.mark.parametrize(("text", "expected"), PLACES_TEXTS)
def test_availability_from_text(text: str, expected: Availability) -> None:
    found = parse_availability(text)
    assert found.value is expected
    assert (found.text is not None) == (expected is not Availability.unknown)


STRUCTURED: list[tuple[object, EventStatus]] = [
    ("https://schema.org/EventCancelled", C),
    ("http://schema.org/EventCancelled", C),
    ("EventCancelled", C),
    ("https://schema.org/EventPostponed", P),
    ("https://schema.org/EventRescheduled", EventStatus.scheduled),
    ("https://schema.org/EventMovedOnline", EventStatus.scheduled),
    ("https://schema.org/EventScheduled", EventStatus.scheduled),
    ({"@id": "https://schema.org/EventCancelled"}, C),
    ("https://schema.org/SomethingElse", U),
    (None, U),
    (42, U),
]


@pytest.mark.parametrize(("value", "expected"), STRUCTURED)
def test_event_status_from_schema_org(value: object, expected: EventStatus) -> None:
    assert from_structured(value).value is expected


PLATFORM: list[tuple[str | None, EventStatus, Availability]] = [
    ("Cancelled", C, Availability.unknown),  # dpl-cms state
    ("SoldOut", U, Availability.full),  # dpl-cms state
    ("Occurred", U, Availability.unknown),  # dpl-cms: over, says neither
    ("TicketSaleNotOpen", U, Availability.unknown),
    ("Active", EventStatus.scheduled, Availability.unknown),
    ("CANCELLED", C, Availability.unknown),  # iCalendar STATUS
    ("TENTATIVE", U, Availability.unknown),
    ("Aflyst", C, Availability.unknown),
    ("Arrangementet er aflyst", C, Availability.unknown),
    ("Fuldt booket – venteliste", U, Availability.waitlist),
    ("", U, Availability.unknown),
    (None, U, Availability.unknown),
]


@pytest.mark.parametrize(("state", "status", "places"), PLATFORM)
def test_platform_state(state: str | None, status: EventStatus, places: Availability) -> None:
    got_status, got_places = from_platform(state)
    assert (got_status.value, got_places.value) == (status, places)


OFFERS: list[tuple[object, Availability]] = [
    ({"availability": "https://schema.org/SoldOut"}, Availability.full),
    ({"availability": "https://schema.org/InStock"}, Availability.available),
    ([{"availability": "SoldOut"}, {"availability": "InStock"}], Availability.available),
    ([{"availability": "SoldOut"}, {"price": 20}], Availability.full),
    ({"price": "0"}, Availability.unknown),
    (None, Availability.unknown),
]


@pytest.mark.parametrize(("offers", "expected"), OFFERS)
def test_offer_availability(offers: object, expected: Availability) -> None:
    assert from_offers(offers).value is expected


def test_a_stated_cancellation_wins_over_a_default_scheduled() -> None:
    reading = read([("eventStatus", "https://schema.org/EventScheduled"),
                    ("text", "AFLYST: Julefrokost")])
    assert reading.status.value is C and reading.status.text == "AFLYST: Julefrokost"


DAYS: list[tuple[str, list[Day]]] = [
    ("Bemærk: aflyst d. 12. december.", [Day(12, 12)]),
    ("Strikkecaféen tirsdag den 8. december er aflyst.", [Day(8, 12)]),
    ("Aflyst 12/1 2027 pga. vejret.", [Day(12, 1)]),
    ("Aflyst d. 12. december 2026.", [Day(12, 12, 2026)]),
    ("Aflyst d. 12. december sidste år.", []),
    ("Vi mødes 12. december.", []),
]


@pytest.mark.parametrize(("text", "expected"), DAYS)
def test_cancelled_days(text: str, expected: list[Day]) -> None:
    assert [d for d, _ in parse_cancelled_days(text)] == expected


TUESDAYS = Schedule(kind="recurring", start=datetime(2026, 9, 1, 14, tzinfo=TZ),
                    rrule="FREQ=WEEKLY;BYDAY=TU")
REF = datetime(2026, 11, 22, 12, tzinfo=TZ)


@pytest.mark.parametrize(("text", "exdates", "status"), [
    # a meeting of the series: skipped, the series goes on
    ("Hver tirsdag. Aflyst d. 8. december.", [datetime(2026, 12, 8, 14, tzinfo=TZ)], U),
    ("Hver tirsdag. Strikkecaféen tirsdag den 8/12 er aflyst.",
     [datetime(2026, 12, 8, 14, tzinfo=TZ)], U),
    # a day that is no Tuesday: not a meeting, nothing guessed
    ("Hver tirsdag. Aflyst d. 9. december.", [], U),
    # the whole series
    ("Strikkeklubben er aflyst.", [], C),
])
def test_a_cancelled_meeting_of_a_series(text: str, exdates: list[datetime],
                                         status: EventStatus) -> None:
    reading, schedule = apply_cancelled_days(read([("text", text)]), TUESDAYS, REF)
    assert schedule.exdates == exdates
    assert reading.status.value is status


SOURCE = Source(name="t", kind=SourceKind.municipal, url="https://kommune.example/a",
                fetched_at=REF)


def test_build_activity_reads_status_field_and_skips_a_meeting() -> None:
    raw = RawActivity(source=SOURCE, texts={
        "title": "Strikkecafé", "when": "Hver tirsdag kl. 14-16",
        "description": "Vi strikker. Bemærk: aflyst tirsdag d. 8. december.",
        "status": "Fuldt booket – venteliste"})
    a = build_activity(raw)
    assert a.event_status is U
    assert a.availability is Availability.waitlist
    assert a.availability_text == "Fuldt booket – venteliste"
    assert [d.date().isoformat() for d in a.schedule.exdates] == ["2026-12-08"]


def test_build_activity_reads_schema_org_event_status() -> None:
    raw = RawActivity(source=SOURCE, structured={
        "@type": "Event", "name": "Koncert", "startDate": "2026-12-10T19:00:00+01:00",
        "eventStatus": "https://schema.org/EventPostponed",
        "offers": {"availability": "https://schema.org/SoldOut"}})
    a = build_activity(raw)
    assert (a.event_status, a.event_status_text) == (P, "https://schema.org/EventPostponed")
    assert a.availability is Availability.full


def test_nothing_said_is_unknown() -> None:
    a = build_activity(RawActivity(source=SOURCE, texts={"title": "Strikkecafé"}))
    assert (a.event_status, a.availability) == (U, Availability.unknown)
    assert (a.event_status_text, a.availability_text) == (None, None)


def test_a_merged_record_takes_a_cancellation_from_any_source() -> None:
    kommune = make("k", "Strikkecafé", event_status="scheduled", availability="available")
    portal = make("p", "Strikkecafé", event_status="cancelled", event_status_text="AFLYST",
                  availability="waitlist", availability_text="venteliste")
    merged = merge(Cluster([kommune, portal]), "merged:x", REF)
    assert (merged.event_status, merged.event_status_text) == (C, "AFLYST")
    assert merged.availability is Availability.waitlist
    assert merged.provenance["event_status"] == portal.id
