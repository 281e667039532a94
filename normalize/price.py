"""What an activity costs: schema.org offers and Danish price text into `Price`."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from fkort.schema import Price, PricePeriod

#: Words that mean "costs nothing"; from municipal and association pages.
_FREE = re.compile(r"\b(gratis|det er gratis|koster ikke noget|ingen betaling|uden beregning)\b")
#: Amounts: "20 kr.", "kr. 20,-", "1.250 kr.", "12,50 kr", "50,-".
_AMOUNT = re.compile(
    r"(?:kr\.?\s*(?P<a>\d{1,3}(?:\.\d{3})+|\d+)(?:,(?P<ad>\d{1,2}|-))?)"
    r"|(?:(?P<b>\d{1,3}(?:\.\d{3})+|\d+)(?:,(?P<bd>\d{1,2}|-))?\s*(?:kr\b|kroner|dkk|,-))",
    re.I,
)
#: Period phrases, most specific first.
_PERIODS: list[tuple[re.Pattern[str], PricePeriod]] = [
    (re.compile(r"halvår|halvårlig"), PricePeriod.half_year),
    (re.compile(r"kvartal"), PricePeriod.quarter),
    (re.compile(r"\bpr\.? (?:år|sæson)|om året|årligt|årskontingent|\bårlig"), PricePeriod.year),
    (re.compile(r"\bpr\.? (?:md|måned)|om måneden|månedlig"), PricePeriod.month),
    (re.compile(r"pr\.? gang|per gang|hver gang|pr\.? møde|pr\.? deltager"), PricePeriod.per_time),
]


def _to_float(whole: str, dec: str | None) -> float:
    value = float(whole.replace(".", ""))
    if dec and dec != "-":
        value += float(dec) / (10 ** len(dec))
    return value


def parse_price(text: str | None) -> Price:
    """Price from Danish text; unknown (all None) when the text states no price.

    Where several amounts are given (members and others), the lowest is the amount:
    the least anyone can pay; the text keeps the condition.

    >>> parse_price("Gratis, ingen tilmelding").is_free
    True
    >>> p = parse_price("Kontingent: 350 kr. pr. halvår"); (p.amount_dkk, p.period.value)
    (350.0, 'half_year')
    >>> parse_price("Medlemmer 75 kr. Ikke-medlemmer 125 kr.").amount_dkk
    75.0
    >>> parse_price("Pris: se opslag").amount_dkk is None
    True
    """
    if not text:
        return Price()
    low = text.casefold()
    amounts = [
        _to_float(m.group("a") or m.group("b"), m.group("ad") or m.group("bd"))
        for m in _AMOUNT.finditer(low)
    ]
    positive = [a for a in amounts if a > 0]
    if not positive:
        if _FREE.search(low) or (amounts and not positive):
            return Price(amount_dkk=0.0, is_free=True, text=text)
        return Price(text=text)
    period = next((p for rx, p in _PERIODS if rx.search(low)), None)
    return Price(amount_dkk=min(positive), period=period, is_free=False, text=text)


def _number(raw: object) -> float | None:
    try:
        value = float(str(raw).replace(" ", "").replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) and 0 <= value < 1_000_000 else None


def from_schema_org(offers: object, free: object = None, text: str | None = None) -> Price:
    """Price from schema.org `offers` (one or many) and `isAccessibleForFree`.

    >>> from_schema_org({"price": "40", "priceCurrency": "DKK"}).amount_dkk
    40.0
    >>> from_schema_org(None, free=True).is_free
    True
    """
    items: list[Any] = offers if isinstance(offers, list) else [offers]
    descriptions: list[str] = []
    amounts: list[float] = []
    for offer in items:
        if not isinstance(offer, Mapping):
            continue
        currency = str(offer.get("priceCurrency") or "DKK").upper()
        raw = offer.get("price")
        if raw is not None and currency == "DKK":
            value = _number(raw)
            if value is not None:
                amounts.append(value)
        if offer.get("description"):
            descriptions.append(str(offer["description"]))
    desc = " ".join(descriptions) or text
    from_text = parse_price(desc) if desc else Price()
    if amounts:
        amount = min(amounts)
        if amount == 0:
            return Price(amount_dkk=0.0, is_free=True, text=desc or "0 kr.")
        return Price(
            amount_dkk=amount,
            period=from_text.period,
            is_free=False,
            text=desc or f"{amount:g} kr.",
        )
    if free is True or str(free).casefold() == "true":
        return Price(amount_dkk=0.0, is_free=True, text=desc or "Gratis")
    return from_text
