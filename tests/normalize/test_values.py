"""The value readers on listing text as real pages write it (issue 15): price, age, category,
accessibility and drop-in, one rule per group of cases, plus the property tests the issue asks
for (the real-style gold set, case by case: tests/test_gold_real.py).

The texts here are written for these tests, in the style of Danish association, parish,
library and municipal listings; none is copied from a page or from the gold sets.
"""

from __future__ import annotations

import itertools

import pytest

from normalize.accessibility import parse_accessibility
from normalize.age import parse_age
from normalize.category import parse_categories
from normalize.dropin import parse_drop_in
from normalize.price import parse_price

# -- price: what a newcomer (an adult non-member) pays ---------------------------------------------

PRICES: dict[str, list[tuple[str, float | None, str | None, bool | None]]] = {
    "guest beats member": [
        ("Medlemmer af klubben betaler 35 kr., gæster 55 kr.", 55.0, None, False),
        ("Pris: 90 kr. for medlemmer og 120 kr. for ikke-medlemmer.", 120.0, None, False),
        ("Medlemmer danser gratis, og gæster betaler 25 kr. pr. gang.", 25.0, "per_time",
         False),
        ("Gratis for medlemmer af Ældre Sagen, andre betaler 40 kr. i entré.", 40.0, "per_time",
         False),
    ],
    "adults beat children": [
        ("Voksne 75 kr., børn 6-14 år 40 kr., de mindste spiser gratis.", 75.0, None, False),
        ("Entréen er 80 kr. for voksne, skoleelever går gratis ind.", 80.0, "per_time", False),
        ("Kontingent for juniorer 300 kr. pr. år, for voksne 650 kr. pr. år", 650.0, "year",
         False),
    ],
    "only a child's price: unknown": [
        ("Børn under 10 år: 20 kr. inkl. is.", None, None, None),
        ("Dukketeater lørdag. Billetter 25 kr. pr. barn.", None, None, None),
    ],
    "reduced prices set aside": [
        ("Pensionister 30 kr., øvrige 50 kr. pr. gang", 50.0, "per_time", False),
    ],
    "membership fee beats a fee per time": [
        ("Kontingent 250 kr. årligt + 15 kr. pr. spilleaften", 250.0, "year", False),
        ("Bordpenge 20 kr. pr. aften. Man skal være medlem – kontingent 200 kr. om året.",
         200.0, "year", False),
        ("Medlemskab 100 kr. pr. halvår. Derudover 30 kr. for maden hver gang.", 100.0,
         "half_year", False),
    ],
    "a guest fee beats the membership fee": [
        ("Kontingent 400 kr. pr. halvår, gæster betaler 30 kr. pr. gang.", 30.0, "per_time",
         False),
    ],
    "free for all beside nothing else": [
        ("Det er gratis at være med, og du skal ikke være medlem.", 0.0, None, True),
    ],
    "a general 'no fee' beside a charge each time": [
        ("Intet kontingent, men vi lægger 10 kr. i kaffekassen hver gang.", 10.0, "per_time",
         False),
    ],
    "a free trial is not free": [
        ("Prøvetimen er gratis, derefter koster det 350 kr. pr. halvår.", 350.0, "half_year",
         False),
    ],
    "season": [
        ("Pris 300 kr. pr. sæson", 300.0, "season", False),
        ("Sæsonkort: 250 kr.", 250.0, "season", False),
        ("Holdet koster 400 kr. for hele sæsonen (august-maj).", 400.0, "season", False),
        ("Seniorkontingent 500 kr. for sæsonen april-oktober", 500.0, "season", False),
        ("Sæsonen koster 900 kr.", 900.0, "season", False),
    ],
    "billing is not the period": [
        ("Kontingent 60 kr. pr. md., opkræves halvårligt", 60.0, "month", False),
        ("Kontingentet betales kvartalsvis: 240 kr.", 240.0, "quarter", False),
    ],
    "per time, said indirectly": [
        ("Billetpris 90 kr.", 90.0, "per_time", False),
        ("Dagens ret 45 kr. pr. portion", 45.0, "per_time", False),
        ("Bordleje 25 kr. pr. spilledag", 25.0, "per_time", False),
    ],
    "dates and clock times are never prices": [
        ("Pris: 30 kr  10/06/2026 02:00 PM", 30.0, None, False),
        ("Pris: 40 kr\n11/20/2026 07:00 PM - 09:00 PM", 40.0, None, False),
        ("Kr. 35 – lørdag d. 12/9 kl. 10.30", 35.0, None, False),
        ("Tilmelding senest 1. september 2026", None, None, None),
    ],
}


@pytest.mark.parametrize(
    ("text", "amount", "period", "free"),
    [case for cases in PRICES.values() for case in cases],
    ids=[f"{rule}: {case[0][:40]}" for rule, cases in PRICES.items() for case in cases],
)
def test_price(text: str, amount: float | None, period: str | None, free: bool | None) -> None:
    p = parse_price(text)
    assert (p.amount_dkk, p.period.value if p.period else None, p.is_free) == (
        amount, period, free)
    assert p.text == text  # the other prices stay in the text


def test_structured_offers_named_by_whom_give_the_newcomer_price() -> None:
    from normalize.price import from_schema_org

    offers = [{"name": "Barn", "price": "20", "priceCurrency": "DKK"},
              {"name": "Medlem", "price": "45", "priceCurrency": "DKK"},
              {"name": "Ikke-medlem", "price": "70", "priceCurrency": "DKK"}]
    assert from_schema_org(offers).amount_dkk == 70.0
    # Offers not named by whom: the lowest, as before.
    assert from_schema_org([{"price": "70"}, {"price": "45"}]).amount_dkk == 45.0


# -- age -------------------------------------------------------------------------------------------

AGES: dict[str, list[tuple[str, int | None, int | None]]] = {
    "grade range": [
        ("For elever i 5.-7. klasse", 11, 13),
        ("Juniorholdet: 3.-6. kl. Vi træner kl. 16.", 9, 12),
        ("Fra 1. klasse til og med 4. klasse", 7, 10),
        ("Holdet er for 8. og 9. klasse", 14, 15),
    ],
    "one grade": [
        ("Konfirmandforberedelse for 8. klasse", 14, 14),
        ("For børn fra 1. klasse og op", 7, None),
        ("Klub for unge fra 6. klasse", 12, None),
        ("Ungdomsråd fra 7. klasse til og med 24 år", 13, 24),
    ],
    "minimum age": [
        ("Minimumsalder 18 år. Max 10 deltagere.", 18, None),
        ("Aldersgrænse: 16 år", 16, None),
    ],
    "a condition is no limit": [
        ("For alle fra 16 år. Er du under 18 år, skal en forælder give samtykke.", 16, None),
    ],
    "a discount is no limit": [
        ("Alle er velkomne. Unge under 26 år får rabat på kontingentet.", None, None),
    ],
    "an explicit age beats a title word": [
        ("Seniortræning: holdet er for 70+ og foregår siddende.", 70, None),
        ("Seniorklubben er åben for alle fra 50 år.", 50, None),
    ],
    "a count after 'over' is no age": [
        ("Kurset løber over 8 aftener i foråret.", None, None),
    ],
}


@pytest.mark.parametrize(
    ("text", "lo", "hi"),
    [case for cases in AGES.values() for case in cases],
    ids=[f"{rule}: {case[0][:40]}" for rule, cases in AGES.items() for case in cases],
)
def test_age(text: str, lo: int | None, hi: int | None) -> None:
    a = parse_age(text)
    assert (a.min, a.max) == (lo, hi)


_NUMBERS = (3, 8, 12, 16, 18, 25, 40, 60, 65, 70, 80)
#: Group sizes, ordinals that are not grades, and prices: none of them is an age limit.
_NOT_AGES = (
    "Max {n} deltagere pr. hold.", "Der er plads til {n} personer.", "Holdet er på {n} deltagere.",
    "Vi er {n} medlemmer i klubben.", "Højst {n} pr. hold.", "Mindst {n} deltagere.",
    "Under {n} tilmeldte aflyses holdet.", "Op til {n} spillere ad gangen.",
    "{n} børn pr. hold.", "Over {n} aftener.",
    "Vi mødes på {n}. sal.", "{n}. gang er gratis.", "Det er {n}. sæson.", "Lokale {n}.",
    "Pris {n} kr.", "Kr. {n},-", "Entré {n} kr. for voksne.", "{n},- pr. gang",
    "Kontingent {n} kr. om året.", "DKK {n}", "Pris: {n} kr. pr. md.",
)


@pytest.mark.parametrize(("template", "n"), list(itertools.product(_NOT_AGES, _NUMBERS)))
def test_no_age_from_group_size_grade_without_klasse_or_price(template: str, n: int) -> None:
    """Issue 15: an age limit is never read from a group size, a grade unless the text says
    grade, or a price."""
    a = parse_age("Bridge for begyndere. " + template.format(n=n))
    assert (a.min, a.max) == (None, None)


@pytest.mark.parametrize("n", range(0, 11))
def test_a_grade_said_as_grade_is_age_plus_six(n: int) -> None:
    assert (parse_age(f"For elever i {n}. klasse").min, parse_age(f"for {n}. kl.").max) == (
        n + 6, n + 6)


# -- category --------------------------------------------------------------------------------------

CATEGORIES: dict[str, list[tuple[str, set[str]]]] = {
    "not from the middle or start of another word": [
        ("Naturligvis er der kaffe på kanden, når vi spiller whist.", {"spil"}),
        ("Vi mødes i Skovvej 3 og strikker sammen.", {"kreativ"}),
        ("Banko i Havegade 12 hver torsdag.", {"spil"}),
        ("Husk madpakke til gåturen langs fjorden.", {"motion"}),
        ("Bowling om formiddagen.", {"motion"}),
        ("Eftermiddagskoncert i kirken.", {"musik_sang"}),
    ],
    "a whole word that decides alone": [
        ("Lær programmeringssprog som Python i kodeklubben.", {"digital"}),
    ],
    "a performer's name is not a category": [
        ("Sommerkoncert med bandet Golden Bridge Project i parken.", {"musik_sang"}),
    ],
    "sports and games by their right word": [
        ("Tennis for seniorer på klubbens baner.", {"motion"}),
        ("Klatring på klatrevæggen for begyndere.", {"motion"}),
        ("Morgensvømning i varmtvandsbassinet.", {"motion"}),
        ("Billard og pool i kælderen hver formiddag.", {"spil"}),
        ("Padel og dart for seniorer.", {"motion", "spil"}),
        ("Nye motionsspillere søges til tennisholdet.", {"motion"}),
    ],
    "compound parts count": [
        ("Skakklubben mødes hver tirsdag.", {"spil"}),
        ("Gymnastikholdet træner i hallen.", {"motion"}),
    ],
    "a themed café: its theme and café": [
        ("Demenscaféen er åben for ramte og pårørende.", {"demens_paaroerende", "cafe_netvaerk"}),
        ("Filosofisk café om det gode liv.", {"kultur_foredrag", "cafe_netvaerk"}),
    ],
    "a meal with an outing is part of it": [
        ("Udflugt til Skagen med frokost på kroen. Pris 300 kr. inkl. bus og frokost.",
         {"udflugter"}),
    ],
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [case for cases in CATEGORIES.values() for case in cases],
    ids=[f"{rule}: {case[0][:40]}" for rule, cases in CATEGORIES.items() for case in cases],
)
def test_category(text: str, expected: set[str]) -> None:
    assert set(parse_categories(text)) == expected


# -- accessibility ---------------------------------------------------------------------------------

ACCESS: dict[str, list[tuple[str, dict[str, bool]]]] = {
    "toilet said indirectly": [
        ("Toilet for kørestolsbrugere findes ved indgangen.", {"accessible_toilet": True}),
        ("Der er elevator, men toilettet er for lille til en kørestol.",
         {"step_free": True, "accessible_toilet": False}),
    ],
    "steps said indirectly": [
        ("Der er ingen dørtrin ved indgangen.", {"step_free": True}),
        ("Loftet nås ad en smal hønsetrappe.", {"step_free": False}),
        ("Alt foregår i ét plan.", {"step_free": True}),
    ],
    "out of order": [
        ("Teleslyngen i salen virker desværre ikke.", {"hearing_loop": False}),
    ],
    "a question answered": [
        ("Handicaptoilet? Nej. Trapper? Nej.", {"accessible_toilet": False, "step_free": True}),
    ],
    "a negation reaches back to the last comma or 'og'": [
        ("Indgangen er uden trin, og der er elevator til 1. sal.", {"step_free": True}),
    ],
    "steps alone do not rule out a wheelchair": [
        ("Der er fem trin op til salen.", {"step_free": False}),
        ("Salen ligger på 1. sal, og der er ingen elevator.",
         {"step_free": False, "wheelchair": False}),
        ("Der er kun adgang ad trappen.", {"step_free": False, "wheelchair": False}),
    ],
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [case for cases in ACCESS.values() for case in cases],
    ids=[f"{rule}: {case[0][:40]}" for rule, cases in ACCESS.items() for case in cases],
)
def test_accessibility(text: str, expected: dict[str, bool]) -> None:
    a = parse_accessibility(text)
    flags = ("wheelchair", "step_free", "accessible_toilet", "hearing_loop", "parking")
    assert {f: getattr(a, f) for f in flags if getattr(a, f) is not None} == expected


# -- drop-in ---------------------------------------------------------------------------------------

DROP_IN: dict[str, list[tuple[str, bool | None]]] = {
    "no ticket, first come": [
        ("Adventskoncert i kirken. Det kræver ikke billet – først til mølle.", True),
    ],
    "first come beside a sign-up": [
        ("Først til mølle: tilmelding på kontoret.", False),
    ],
    "a ticket to fetch or book is a sign-up": [
        ("Gratis billetter kan afhentes på biblioteket fra 1. marts.", False),
        ("Billetter à 60 kr. bestilles på hjemmesiden.", False),
        ("Banetider bookes i bookingsystemet dagen før.", False),
        ("Husk at reservere en plads på bibliotekets hjemmeside.", False),
    ],
    "a ticket bought at the door is no sign-up": [
        ("Billetter kan købes i døren fra kl. 18.30.", True),
    ],
    "a room for hire is no sign-up": [
        ("Salen kan bookes til private fester.", None),
    ],
    "a message with a deadline": [
        ("Giv besked til formanden senest fredagen før, hvis du vil spise med.", False),
        ("Send en sms til Bente senest onsdag, hvis du vil med.", False),
    ],
    "membership as a precondition": [
        ("Medlemskab er en forudsætning for at spille med.", False),
    ],
    "come when you like, said indirectly": [
        ("I strikkecaféen kommer og går man, som det passer en.", True),
        ("Det er bare at stille op ved banen kl. 10.", True),
        ("Ingen binding – du betaler 20 kr., når du kommer.", True),
    ],
    "an open house for those signed up": [
        ("Holdet er fuldt – åbent hus for de tilmeldte på lørdag.", False),
        ("Åbent hus i klubben, men pladserne på vinterholdet er besat.", False),
    ],
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [case for cases in DROP_IN.values() for case in cases],
    ids=[f"{rule}: {case[0][:40]}" for rule, cases in DROP_IN.items() for case in cases],
)
def test_drop_in(text: str, expected: bool | None) -> None:
    assert parse_drop_in(text) is expected
