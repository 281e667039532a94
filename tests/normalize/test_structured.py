"""Normalisers for structured data (schema.org) and the first Danish text rules, as tables."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.clock import TZ  # noqa: E402
from normalize import age, geo, price, schedule
from normalize.accessibility import from_amenity_features, parse_accessibility
from normalize.analysis import index_terms, split_compound
from normalize.category import parse_categories
from normalize.dropin import parse_drop_in
from normalize.text import clean_text

REF = datetime(2026, 1, 10, tzinfo=TZ)

# -- schedule from schema.org -----------------------------------------------------------
SCHEDULES = [
    # (startDate, endDate, eventSchedule, kind, rrule, first start)
    ("2026-03-12T19:00:00+01:00", "2026-03-12T21:30:00+01:00", None, "once", None,
     "2026-03-12T19:00:00+01:00"),
    ("2026-07-01T10:00", None, None, "once", None, "2026-07-01T10:00:00+02:00"),
    (None, None, {"byDay": "https://schema.org/Tuesday", "repeatFrequency": "P1W",
                  "startTime": "14:00", "endTime": "16:00"},
     "recurring", "FREQ=WEEKLY;INTERVAL=1;BYDAY=TU", "2026-01-13T14:00:00+01:00"),
    (None, None, {"byDay": ["Monday", "Thursday"], "startTime": "09:30"},
     "recurring", "FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,TH", "2026-01-12T09:30:00+01:00"),
    (None, None, {"byDay": "https://schema.org/Thursday", "repeatFrequency": "P2W",
                  "startTime": "19:00", "startDate": "2026-01-15"},
     "recurring", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", "2026-01-15T19:00:00+01:00"),
    (None, None, {"byDay": "Saturday", "repeatFrequency": "P1M", "byMonthWeek": 1,
                  "startTime": "10:00"},
     "recurring", "FREQ=MONTHLY;INTERVAL=1;BYDAY=1SA", "2026-02-07T10:00:00+01:00"),
    (None, None, {"byDay": "Sunday", "repeatFrequency": "P1M", "byMonthWeek": -1,
                  "startTime": "11:00"},
     "recurring", "FREQ=MONTHLY;INTERVAL=1;BYDAY=-1SU", "2026-01-25T11:00:00+01:00"),
    (None, None, {"repeatFrequency": "P1D", "startTime": "10:00", "endTime": "16:00"},
     "recurring", "FREQ=DAILY;INTERVAL=1", "2026-01-10T10:00:00+01:00"),
    (None, None, {"byDay": "Wednesday", "startTime": "19:00", "startDate": "2025-09-03",
                  "endDate": "2025-12-17"}, "recurring", None, None),  # season over
    (None, None, None, "unknown", None, None),
    ("i morgen", None, None, "unknown", None, None),
    (None, None, {"repeatFrequency": "P1W", "startTime": "25:00"}, "unknown", None, None),
]


@pytest.mark.parametrize(("start", "end", "sched", "kind", "rrule", "first"), SCHEDULES,
                         ids=[f"s{i}" for i in range(len(SCHEDULES))])
def test_schedule_from_schema_org(start: str | None, end: str | None,
                                  sched: dict[str, object] | None, kind: str,
                                  rrule: str | None, first: str | None) -> None:
    got = schedule.from_schema_org(start, end, sched, ref=REF)
    if rrule is None and kind == "recurring":
        # A season that is over before `ref` still has its rule, and no next meeting.
        assert got.kind.value == "recurring"
        assert schedule.next_occurrences(got, REF) == []
        return
    assert got.kind.value == kind
    assert got.rrule == rrule
    assert (got.start.isoformat() if got.start else None) == first


def test_recurrence_keeps_local_time_across_dst() -> None:
    s = schedule.from_schema_org(event_schedule={"byDay": "Tuesday", "startTime": "19:00"},
                                 ref=datetime(2026, 3, 20, tzinfo=TZ))
    nxt = schedule.next_occurrences(s, datetime(2026, 3, 20, tzinfo=TZ), 3)
    assert [d.isoformat() for d in nxt] == ["2026-03-24T19:00:00+01:00",
                                            "2026-03-31T19:00:00+02:00",
                                            "2026-04-07T19:00:00+02:00"]


def test_until_is_inclusive_of_the_last_day() -> None:
    s = schedule.from_schema_org(event_schedule={"byDay": "Wednesday", "startTime": "19:00",
                                                 "startDate": "2026-04-01",
                                                 "endDate": "2026-04-15"}, ref=REF)
    assert [d.day for d in schedule.next_occurrences(s, REF, 10)] == [1, 8, 15]
    assert schedule.last_start(s).isoformat() == "2026-04-15T19:00:00+02:00"


# -- price -------------------------------------------------------------------------------
PRICES = [
    ("gratis", 0.0, None, True),
    ("Det er gratis at deltage", 0.0, None, True),
    ("20 kr.", 20.0, None, False),
    ("kr. 20,-", 20.0, None, False),
    ("50,-", 50.0, None, False),
    ("15 kr. for to retter", 15.0, None, False),
    ("Kontingent: 350 kr. pr. halvår", 350.0, "half_year", False),
    ("200 kr. om året", 200.0, "year", False),
    ("pris pr. gang 30 kr.", 30.0, "per_time", False),
    ("Medlemmer 75 kr. Ikke-medlemmer 125 kr.", 125.0, None, False),  # a newcomer's price
    ("1.250 kr.", 1250.0, None, False),
    ("12,50 kr", 12.5, None, False),
    ("Pris: oplyses ved tilmelding", None, None, None),
    ("", None, None, None),
]


@pytest.mark.parametrize(("text", "amount", "period", "free"), PRICES, ids=[p[0] or "empty"
                                                                           for p in PRICES])
def test_price_text(text: str, amount: float | None, period: str | None, free: bool | None) -> None:
    p = price.parse_price(text)
    assert (p.amount_dkk, p.period.value if p.period else None, p.is_free) == (amount, period, free)
    if text:
        assert p.text == text


def test_offers_take_the_lowest_dkk_price() -> None:
    p = price.from_schema_org([{"price": "125", "priceCurrency": "DKK"},
                               {"price": "75,00", "priceCurrency": "DKK"},
                               {"price": "5", "priceCurrency": "EUR"}])
    assert p.amount_dkk == 75.0


# -- age ---------------------------------------------------------------------------------
AGES = [
    ("60+", 60, None), ("for seniorer", 60, None), ("pensionister", 60, None),
    ("unge mellem 18 og 30 år", 18, 30), ("børn 6-12 år", 6, 12), ("fra 12 år", 12, None),
    ("Alle er velkomne fra 12 år", 12, None), ("65 år og derover", 65, None),
    ("under 25", None, 24), ("for alle aldre", None, None), ("", None, None),
]


@pytest.mark.parametrize(("text", "lo", "hi"), AGES, ids=[a[0] or "empty" for a in AGES])
def test_age_text(text: str, lo: int | None, hi: int | None) -> None:
    a = age.parse_age(text)
    assert (a.min, a.max) == (lo, hi)


@pytest.mark.parametrize(("raw", "lo", "hi"), [("60-", 60, None), ("18-30", 18, 30),
                                               ("-25", None, 25), ("65", 65, None),
                                               ("30-18", None, None)])
def test_typical_age_range(raw: str, lo: int | None, hi: int | None) -> None:
    a = age.from_schema_org(raw)
    assert (a.min, a.max) == (lo, hi)


# -- accessibility, drop-in, categories -------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("Lokalet er kørestolsvenligt", {"wheelchair": True}),
    ("Desværre ikke handicapvenligt", {"wheelchair": False}),
    ("Der er trapper og ingen elevator", {"step_free": False, "wheelchair": False}),
    ("Der er teleslynge i salen og handicaptoilet", {"hearing_loop": True,
                                                     "accessible_toilet": True}),
    ("Niveaufri adgang og handicapparkering ved døren", {"step_free": True, "parking": True}),
    ("Vi mødes i kælderen", {}),
])
def test_accessibility_text(text: str, expected: dict[str, bool]) -> None:
    a = parse_accessibility(text)
    flags = {k: v for k, v in a.model_dump(exclude={"text"}).items() if v is not None}
    assert flags == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Drop-in, kom når du har lyst", True), ("Ingen tilmelding", True),
    ("Helt uforpligtende", True), ("Tilmelding nødvendig", False),
    ("Bindende tilmelding senest 1. marts", False), ("Kun for medlemmer", False),
    ("Vi ses!", None),
])
def test_drop_in(text: str, expected: bool | None) -> None:
    assert parse_drop_in(text) is expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Brætspilsaften", ["spil"]),
    ("Strikkeklub for alle", ["kreativ"]),
    ("Fællessang i kirken", ["musik_sang"]),
    ("Mandeklub – vi laver mad", ["mad", "maend"]),
    ("Sorggruppe for enker", ["sorg_stoette"]),
    ("Demenscafé for pårørende", ["cafe_netvaerk", "demens_paaroerende"]),
    ("IT-hjælp: MitID og e-Boks", ["digital"]),
    ("Vi mødes mandag", []),
])
def test_categories(text: str, expected: list[str]) -> None:
    assert parse_categories(text) == expected


# -- geo and text --------------------------------------------------------------------------
def test_point_outside_denmark_is_not_kept() -> None:
    loc = geo.from_schema_org({"name": "X", "geo": {"latitude": 0, "longitude": 0}})
    assert loc.lat is None and loc.precision.value == "none" and loc.name == "X"


def test_place_as_plain_text() -> None:
    loc = geo.from_schema_org("Aktivitetshuset, Vestergade 12, 7500 Holstebro")
    assert (loc.name, loc.address, loc.postcode, loc.city) == (
        "Aktivitetshuset", "Vestergade 12", "7500", "Holstebro")


@pytest.mark.parametrize(("raw", "clean"), [
    ("fÃ¦llesskab", "fællesskab"), ("  a\u00a0 b\n\tc ", "a b c"),
    ("<p>Hej&nbsp;<b>alle</b></p>", "Hej alle"), ("   ", None),
])
def test_clean_text(raw: str, clean: str | None) -> None:
    assert clean_text(raw) == clean


@pytest.mark.parametrize(("raw", "clean"), [
    ("<p>Hvornår:</p><ul><li>tirsdag kl. 10</li><li>torsdag</li></ul>",
     "Hvornår:\ntirsdag kl. 10\ntorsdag"),
    ("Tirsdag kl. 10</br>Torsdag kl. 14", "Tirsdag kl. 10\nTorsdag kl. 14"),  # "</br>" is "<br>"
    ("tirsdag</p>kl. 10", "tirsdag kl. 10"),  # an end tag that closes nothing still divides
    ('<a title="se > mere">Læs mere</a> om <!-- note -->holdet', "Læs mere om holdet"),
    ("Børn <12 år og voksne >60 år", "Børn <12 år og voksne >60 år"),  # not a tag
    ("Alder &lt;18 &amp; R&amp;D", "Alder <18 & R&D"),
])
def test_clean_text_reads_html(raw: str, clean: str) -> None:
    assert clean_text(raw, keep_lines=True) == clean


@pytest.mark.parametrize(("word", "parts"), [
    ("brætspilsaften", ("brætspil", "aften")), ("kortspil", ("kort", "spil")),
    ("strikkeklub", ("strikke", "klub")), ("fællessang", ("fælles", "sang")),
    ("fællesspisning", ("fælles", "spisning")), ("mandag", ()), ("fællesskab", ()),
])
def test_compound_splitting(word: str, parts: tuple[str, ...]) -> None:
    assert split_compound(word) == parts


# -- never raise -----------------------------------------------------------------------------
@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_text_parsers_never_raise(text: str) -> None:
    price.parse_price(text)
    a = age.parse_age(text)
    assert a.min is None or a.max is None or a.min <= a.max
    parse_accessibility(text)
    parse_drop_in(text)
    parse_categories(text)
    clean_text(text)
    index_terms(text)
    geo.from_schema_org(text)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from(["byDay", "repeatFrequency", "startTime", "endTime", "startDate",
                         "endDate", "byMonthWeek", "repeatCount", "price", "priceCurrency",
                         "latitude", "longitude", "name", "value", "address", "geo"]),
        children, max_size=6),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(json_values, json_values, json_values)
def test_structured_parsers_never_raise(a: object, b: object, c: object) -> None:
    s = schedule.from_schema_org(a, b, c, ref=REF)
    assert s.rrule is None or s.kind.value == "recurring"
    schedule.next_occurrences(s, REF, 3)
    price.from_schema_org(a, b)
    age.from_schema_org(a, b)
    geo.from_schema_org(a)
    from_amenity_features(a)
