"""The fields an association may ask to correct, and readers from the text it proposes to the
value the record takes (the normalisers' own readers, so a correction reads like a crawl)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core import clock
from core.schema import danish_phone, plain_email
from normalize.age import parse_age
from normalize.price import parse_price
from normalize.schedule_text import parse_schedule


class RequestError(ValueError):
    """A request that cannot be taken or approved, said in Danish and English (never
    repeating what was sent)."""

    def __init__(self, code: str, da: str, en: str, param: str | None = None) -> None:
        super().__init__(en)
        self.code, self.da, self.en, self.param = code, da, en, param


class Unreadable(ValueError):
    """A proposed value a field cannot take, with what to write instead (Danish and English,
    never repeating what was sent)."""

    def __init__(self, da: str, en: str) -> None:
        super().__init__(en)
        self.da, self.en = da, en


def _email(value: str) -> str:
    """An e-mail address, read as a crawl reads one (`core.schema.plain_email`: "mailto:"
    and spaces cut, the domain in lower case).

    >>> _email(" Kasserer@Strik-Klub.DK ")
    'Kasserer@strik-klub.dk'
    """
    email = plain_email(value)
    if email is None:
        raise Unreadable(
            "Vi kunne ikke læse e-mailadressen. Skriv hele adressen, fx "
            "\"kontakt@forening.dk\".",
            "The e-mail address could not be read. Write the whole address, e.g. "
            "\"kontakt@forening.dk\".")
    return email


def _phone(value: str) -> str:
    """A phone number, read as a crawl reads one (`core.schema.danish_phone`): a Danish number
    has eight digits, with or without +45, and is kept as "97 82 11 00".

    >>> _phone("+45 97821100")
    '97 82 11 00'
    """
    phone = danish_phone(value)
    if phone is None:
        raise Unreadable(
            "Vi kunne ikke læse telefonnummeret. Skriv et dansk nummer med 8 cifre, fx "
            "\"97 82 11 00\" eller \"+45 97 82 11 00\".",
            "The phone number could not be read. Write a Danish number of 8 digits, e.g. "
            "\"97 82 11 00\" or \"+45 97 82 11 00\".")
    return phone


def _text(value: str) -> str:
    if not value.strip():
        raise ValueError("empty")
    return value.strip()


_YES = {"ja", "yes", "true", "1", "j"}
_NO = {"nej", "no", "false", "0", "n"}
_UNKNOWN = {"ikke oplyst", "ved ikke", "unknown", ""}


def _flag(value: str) -> bool | None:
    """Ja/nej as people write it; "ikke oplyst" is unknown.

    >>> [_flag(v) for v in ("Ja", "nej", "ikke oplyst")]
    [True, False, None]
    """
    key = value.strip().casefold()
    if key in _YES:
        return True
    if key in _NO:
        return False
    if key in _UNKNOWN:
        return None
    raise ValueError("not ja/nej")


def _schedule(value: str) -> dict[str, Any]:
    sched = parse_schedule(value, clock.now())
    if sched.start is None:
        raise ValueError("no time read")
    return sched.model_dump(mode="json")


def _price(value: str) -> dict[str, Any]:
    price = parse_price(value)
    if price.amount_dkk is None and price.is_free is None:
        raise ValueError("no price read")
    return price.model_dump(mode="json")


def _age(value: str) -> dict[str, Any]:
    age = parse_age(value)
    if age.min is None and age.max is None:
        raise ValueError("no age read")
    return age.model_dump(mode="json")


#: Fields a correction may name, per target, with how the proposed text is read. Schedules,
#: prices and ages are written as the association would write them ("hver tirsdag kl. 14-16",
#: "20 kr.", "60+") and read by the same normalisers the crawl uses.
FIELDS: dict[str, dict[str, Callable[[str], Any]]] = {
    "activity": {
        "title": _text, "description": _text, "schedule": _schedule, "price": _price,
        "age": _age, "organizer.name": _text, "organizer.url": _text,
        "organizer.email": _email, "organizer.phone": _phone, "location.name": _text,
        "accessibility.wheelchair": _flag, "accessibility.step_free": _flag,
        "accessibility.accessible_toilet": _flag, "accessibility.hearing_loop": _flag,
        "accessibility.parking": _flag, "drop_in": _flag,
    },
    "organization": {
        "name": _text, "description": _text, "address": _text, "url": _text,
        "email": _email, "phone": _phone,
    },
}
#: Danish names of the fields, for the association's page.
FIELD_LABELS = {
    "title": "Titel", "description": "Beskrivelse", "schedule": "Tidspunkt", "price": "Pris",
    "age": "Alder", "organizer.name": "Arrangør", "organizer.url": "Arrangørens hjemmeside",
    "organizer.email": "Arrangørens e-mail", "organizer.phone": "Arrangørens telefon",
    "location.name": "Stedets navn", "accessibility.wheelchair": "Kørestol",
    "accessibility.step_free": "Trinfri adgang",
    "accessibility.accessible_toilet": "Handicaptoilet",
    "accessibility.hearing_loop": "Teleslynge", "accessibility.parking": "Parkering",
    "drop_in": "Drop-in (ingen tilmelding)", "name": "Navn", "address": "Adresse",
    "url": "Hjemmeside", "email": "E-mail", "phone": "Telefon",
}


def read_value(target_type: str, field_name: str, text: str) -> Any:
    """The proposed text as the value the field takes, or a RequestError."""
    reader = FIELDS.get(target_type, {}).get(field_name)
    if reader is None:
        raise RequestError(
            "invalid_field", "Feltet kan ikke rettes automatisk. Vælg et af felterne i listen, "
            "eller skriv rettelsen i beskeden.",
            "This field cannot be corrected automatically. Choose one of the listed fields, "
            "or describe the correction in the message.", "field")
    try:
        return reader(text)
    except Unreadable as exc:
        raise RequestError("invalid_value", exc.da, exc.en, "proposed_value") from None
    except ValueError:
        raise RequestError(
            "invalid_value", "Vi kunne ikke læse det foreslåede. Skriv det, som det står på "
            "jeres side, fx \"hver tirsdag kl. 14-16\", \"20 kr.\", \"60+\" eller ja/nej.",
            "The proposed value could not be read. Write it as on your page, e.g. \"hver "
            "tirsdag kl. 14-16\", \"20 kr.\", \"60+\" or ja/nej.", "proposed_value") from None
