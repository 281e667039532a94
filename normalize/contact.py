"""How to reach an activity's organiser, read from the contact field of its page.

The field is free text the organiser (or the municipality for them) wrote: "Tlf. 97 89 10 22 ·
menighedsraad@klinkbykirke.dk", "Ældre Sagen Lemvig, tlf. 96 63 14 20". The first e-mail
address and the first Danish phone number in it are the contact; nothing is guessed. Numbers
that are something else are not read as phone numbers: dates ("24.12.2026"), times
("10.00-12.00"), postcodes, years, CVR, EAN and account numbers, and runs of more digits.
Foreign numbers are kept only from structured data (`core.schema.danish_phone`), where the
field says it is a telephone number.

Only an organiser's published contact is read here. Posts by private persons on portals
never reach it: their contact details are not kept (`normalize/portal.py`).

>>> read_contact("Tlf. 97 89 10 22 · menighedsraad@klinkbykirke.dk")
Contact(email='menighedsraad@klinkbykirke.dk', phone='97 89 10 22')
>>> read_contact("Mødes hver tirsdag kl. 10.00-12.00, ring gerne")
Contact(email=None, phone=None)
"""

from __future__ import annotations

import re
from typing import NamedTuple

from core.schema import danish_phone, plain_email

_EMAIL = re.compile(r"(?<![\w.%+'-])[\w.%+'-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}(?![\w-])")
#: A run of digits with single spaces, dots or dashes between them, maybe with +45 or 0045.
_NUMBER = re.compile(
    r"(?<![\w+/])(?<!\d[.,-])(?:(?:\+|00)\s?45[\s.-]?)?\d(?:[ .-]?\d)+(?![\w/]|[.,-]\d)")
_COUNTRY = re.compile(r"^(?:\+|00)\s?45[\s.-]?")
#: Words after which a number is no phone number: CVR, EAN, SE, P, account and bank numbers.
_NOT_PHONE = re.compile(
    r"\b(?:cvr|ean|se|p|reg|konto|kontonr|girokort|bank|mobile\s?pay|fax)\b[\s.:-]*(?:nr\.?)?"
    r"[\s.:-]*$", re.I)
#: How Danes group a phone number's eight digits.
_GROUPS = ([8], [4, 4], [2, 2, 2, 2])
_YEAR = re.compile(r"(?:19|20)\d\d")


class Contact(NamedTuple):
    email: str | None
    phone: str | None


def _phone(number: str) -> str | None:
    body = _COUNTRY.sub("", number)
    groups = re.split(r"[ .-]", body)
    separators = set(re.findall(r"[ .-]", body))
    lengths = [len(g) for g in groups]
    if lengths not in _GROUPS:
        return None
    # Dots and dashes only as "97.82.11.00" or "97-82-11-00": "24.12.20 26" is no number.
    if separators - {" "} and (len(separators) > 1 or lengths != [2, 2, 2, 2]):
        return None
    if lengths == [4, 4] and all(_YEAR.fullmatch(g) for g in groups):
        return None  # "2025 2026": a season
    return danish_phone(number)


def find_phone(text: str) -> str | None:
    """The first Danish phone number in the text ("97 82 11 00"), or None."""
    for m in _NUMBER.finditer(text):
        if _NOT_PHONE.search(text[max(0, m.start() - 30):m.start()]):
            continue
        if (phone := _phone(m.group())) is not None:
            return phone
    return None


def find_email(text: str) -> str | None:
    """The first e-mail address in the text, or None."""
    for m in _EMAIL.finditer(text):
        if (email := plain_email(m.group())) is not None:
            return email
    return None


def read_contact(text: str | None) -> Contact:
    """The first e-mail address and phone number in an organiser's contact text."""
    if not text:
        return Contact(None, None)
    text = " ".join(text.split())
    return Contact(find_email(text), find_phone(text))
