"""An organiser's contact: Danish phone numbers and e-mail addresses as pages write them, the
numbers that are something else, and where build_activity reads them (and where it does not)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from core.clock import TZ
from core.schema import Organizer, RawActivity, Source, danish_phone, plain_email
from normalize.activity import build_activity
from normalize.contact import Contact, read_contact

PHONES = [
    ("+45 97 82 11 00", "97 82 11 00"),
    ("97821100", "97 82 11 00"),
    ("tlf. 9782 1100", "97 82 11 00"),
    ("Tlf.: 97 82 11 00", "97 82 11 00"),
    ("Telefon 97-82-11-00", "97 82 11 00"),
    ("Ring på 97.82.11.00 mellem 9 og 12", "97 82 11 00"),
    ("0045 97821100", "97 82 11 00"),
    ("+4520456789", "20 45 67 89"),
    ("mobil 20 45 67 89 (Inger)", "20 45 67 89"),
    ("tlf.9782 1100", "97 82 11 00"),
    ("Kirkekontoret, tlf. 96 63 10 50, kirkekontor@lemvigsogn.dk", "96 63 10 50"),
    ("tlf. 97 82 11 00 eller 20 45 67 89", "97 82 11 00"),  # the first
    ("Fax 97 82 11 01 · tlf. 97 82 11 00", "97 82 11 00"),  # a fax is not for calling
    ("Kontakt: 97 82 11 00.", "97 82 11 00"),
]
EMAILS = [
    ("strik@holstebro.dk", "strik@holstebro.dk"),
    ("mailto:Strik@Holstebro.DK", "Strik@holstebro.dk"),
    ("Skriv til <strik@holstebro.dk>.", "strik@holstebro.dk"),
    ("inger.hansen+strik@frivillig-holstebro.dk", "inger.hansen+strik@frivillig-holstebro.dk"),
    ("kontakt@ældresagen-lokal.dk", "kontakt@ældresagen-lokal.dk"),
    ("Tlf. 97 89 10 22 · menighedsraad@klinkbykirke.dk", "menighedsraad@klinkbykirke.dk"),
]
#: Texts whose numbers are dates, times, amounts, years, postcodes or registration numbers,
#: or that hold no address at all: no contact.
NOISE = [
    "Hver tirsdag kl. 10.00-12.00",
    "Næste gang 24.12.2026",
    "24-12-2026 kl. 14",
    "CVR 12345678",
    "CVR-nr. 29189919",
    "Reg. 1234 kontonr. 98765432",
    "MobilePay 20456789",
    "EAN 5798000000000",
    "Sæson 2025 2026",
    "Industrivej 5, 7620 Lemvig",
    "97 82 11 00 00 00",
    "1234 5678",
    "Pris 1.250,00 kr. eller 12.345.678",
    "ID 2345-6789",
    "strik@holstebro",
    "@holstebro.dk",
    "Kontakt arrangøren",
    "Ring gerne",
]


@pytest.mark.parametrize(("text", "phone"), PHONES)
def test_danish_phone_numbers_as_pages_write_them(text: str, phone: str) -> None:
    assert read_contact(text).phone == phone


@pytest.mark.parametrize(("text", "email"), EMAILS)
def test_email_addresses(text: str, email: str) -> None:
    assert read_contact(text).email == email


@pytest.mark.parametrize("text", NOISE)
def test_numbers_that_are_something_else_are_no_contact(text: str) -> None:
    assert read_contact(text) == Contact(None, None)


@pytest.mark.parametrize("text", [None, "", "   "])
def test_no_text_no_contact(text: str | None) -> None:
    assert read_contact(text) == Contact(None, None)


@pytest.mark.parametrize(("value", "phone"), [
    ("+45 97 82 11 00", "97 82 11 00"), ("97821100", "97 82 11 00"),
    ("tlf. 9782 1100", "97 82 11 00"), ("(+45) 97 82 11 00", "97 82 11 00"),
    ("tel:+4597821100", "97 82 11 00"), ("+46 8 123 456 78", "+46 8 123 456 78"),
    ("ring til kontoret", None), ("1813", None), ("12345678", None), ("", None),
])
def test_the_organizers_phone_is_validated(value: str, phone: str | None) -> None:
    assert Organizer(phone=value).phone == phone == danish_phone(value)


@pytest.mark.parametrize(("value", "email"), [
    ("strik@holstebro.dk", "strik@holstebro.dk"),
    ("MAILTO:Strik@Holstebro.DK", "Strik@holstebro.dk"),
    ("ikke oplyst", None), ("strik@", None), ("", None),
])
def test_the_organizers_email_is_validated(value: str, email: str | None) -> None:
    assert Organizer(email=value).email == email == plain_email(value)


def test_a_validated_organizer_reads_back_the_same() -> None:
    organizer = Organizer(name="Strik", phone="+45 97821100", email="mailto:a@B.dk")
    assert Organizer.model_validate(organizer.model_dump()) == organizer
    assert Organizer.model_validate_json(organizer.model_dump_json()) == organizer


# -- where build_activity reads it -------------------------------------------------------------

def _raw(texts: dict[str, str], structured: dict[str, Any] | None = None) -> RawActivity:
    return RawActivity(
        source=Source(name="test", kind="municipal", url="https://x.example/a",
                      fetched_at=datetime(2026, 11, 20, 12, tzinfo=TZ)),
        texts={"title": "Strikkecafé", "when": "Hver onsdag kl. 14-16", **texts},
        structured=structured)


def _organizer(texts: dict[str, str], structured: dict[str, Any] | None = None) -> Organizer:
    return build_activity(_raw(texts, structured)).organizer


def test_the_contact_field_goes_to_the_organizer() -> None:
    assert _organizer({"organizer": "Strikkecaféen", "contact": "Tlf. 9782 1100 · "
                       "strik@holstebro.dk"}) == Organizer(
        name="Strikkecaféen", phone="97 82 11 00", email="strik@holstebro.dk")


def test_a_contact_in_the_organizer_field() -> None:
    organizer = _organizer({"organizer": "Ældre Sagen Lemvig, tlf. 96 63 14 20"})
    assert organizer.phone == "96 63 14 20" and organizer.email is None


def test_without_a_contact_the_organizer_has_none() -> None:
    assert _organizer({"organizer": "Strikkecaféen"}) == Organizer(name="Strikkecaféen")
    assert _organizer({}) == Organizer()


def test_a_number_in_the_description_is_not_taken() -> None:
    # Only what the organiser gives as contact: a description may name a private person.
    organizer = _organizer({"description": "Ring til Birthe på 20 45 67 89 eller skriv til "
                            "birthe@eksempel.dk"})
    assert (organizer.phone, organizer.email) == (None, None)


def test_schema_org_organizer_email_and_telephone_are_read_and_normalised() -> None:
    data = {"@type": "Event", "name": "Strikkecafé",
            "startDate": "2026-12-02T14:00:00+01:00",
            "organizer": {"@type": "Organization", "name": "Strikkecaféen",
                          "telephone": "+45 97 82 11 00", "email": "Strik@Holstebro.DK"}}
    assert _organizer({}, data) == Organizer(name="Strikkecaféen", phone="97 82 11 00",
                                             email="Strik@holstebro.dk")


def test_schema_org_contact_point_and_the_page_fill_what_structured_data_leaves() -> None:
    data = {"@type": "Event", "name": "Strikkecafé",
            "startDate": "2026-12-02T14:00:00+01:00",
            "organizer": {"@type": "Organization", "name": "Strikkecaféen",
                          "contactPoint": {"@type": "ContactPoint", "telephone": "97821100"}}}
    organizer = _organizer({"contact": "strik@holstebro.dk, tlf. 20 45 67 89"}, data)
    assert (organizer.phone, organizer.email) == ("97 82 11 00", "strik@holstebro.dk")


def test_a_structured_telephone_that_is_no_number_is_unknown() -> None:
    data = {"@type": "Event", "name": "Strikkecafé",
            "startDate": "2026-12-02T14:00:00+01:00",
            "organizer": {"@type": "Organization", "name": "Strikkecaféen",
                          "telephone": "Ring til kontoret", "email": "se hjemmesiden"}}
    assert _organizer({}, data) == Organizer(name="Strikkecaféen")


@pytest.mark.parametrize(("email", "telephone", "expected"), [
    (" Formand@Lemvig-Pensionistforening.DK ", "+45 96 63 12 40",
     ("Formand@lemvig-pensionistforening.dk", "96 63 12 40")),
    ("mailto:kontakt@roklub.dk", "0045 97820513", ("kontakt@roklub.dk", "97 82 05 13")),
    ("Skriv til kontakt@roklub.dk", "Tlf. 9782 0513 (efter kl. 17)",
     ("kontakt@roklub.dk", "97 82 05 13")),
    ("se hjemmesiden", "ring til formanden", (None, None)),
    (None, "24.12.2026", (None, None)),  # a date is no number
    (None, "+46 8 123 456 78", (None, "+46 8 123 456 78")),  # foreign: kept as written
])
def test_an_associations_contact_is_read_as_an_organisers(
        email: str | None, telephone: str, expected: tuple[str | None, str | None]) -> None:
    from core.schema import SourceKind
    from normalize.activity import build_organization

    data = {"@type": "Organization", "name": "Lemvig Roklub", "email": email,
            "telephone": telephone}
    raw = RawActivity(source=Source(name="foreninger", kind=SourceKind.municipal,
                                    url="https://www.lemvig.dk/foreninger",
                                    fetched_at=datetime(2026, 11, 22, tzinfo=TZ)),
                      origin_id="x", structured=data)
    org = build_organization(data, raw)
    assert (org.email, org.phone) == expected
