"""What an activity costs: schema.org offers and Danish price text into `Price`."""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from core.schema import Price, PricePeriod
from normalize._price_patterns import (
    AMOUNTS,
    ANY_PRICE,
    CHARGE,
    CLAUSE_MARK,
    CLOCK_TIME,
    DASHES,
    EXTRAS,
    FREE,
    FREE_AFTER_PAYING,
    FREE_CUES,
    PERIOD_CUES,
    PERIODS,
    SPACED_DASH,
)


def _drop_extras(low: str) -> str:
    """The text without clauses about things for sale beside the activity."""
    while m := EXTRAS.search(low):
        before = [c.end() for c in CLAUSE_MARK.finditer(low, 0, m.start())]
        after = CLAUSE_MARK.search(low, m.end())
        start = before[-1] if before else 0
        low = low[:start] + " " + low[after.start() if after else len(low):]
    return low


def _to_float(whole: str, dec: str | None) -> float:
    value = float(whole.replace(".", ""))
    if dec and dec != "-":
        value += float(dec) / (10 ** len(dec))
    return value


def _amounts(low: str) -> list[tuple[float, int, int]]:
    """(amount, start, end) of every amount in the text, each place read once."""
    found: dict[int, tuple[float, int, int]] = {}
    for rx in AMOUNTS:
        for m in rx.finditer(low):
            groups = [g for g in m.groups()]
            pairs = [(groups[i], groups[i + 1]) for i in range(0, len(groups) - 1, 2)]
            for whole, dec in pairs:
                if whole is None:
                    continue
                at = low.find(whole, m.start())
                if any(s <= at < e for _, s, e in found.values()):
                    continue
                value = _to_float(whole, dec)
                if value < 1_000_000:
                    found[at] = (value, m.start(), m.end())
    return sorted(found.values(), key=lambda a: a[1])


def _period(text: str) -> PricePeriod | None:
    if not PERIOD_CUES.search(text):
        return None
    hits = {p for rx, p in PERIODS if rx.search(text)}
    return hits.pop() if len(hits) == 1 else None


@lru_cache(maxsize=20_000)
def parse_price(text: str | None) -> Price:
    """Price from Danish text; unknown (all None) when the text states no price.

    Where several amounts are given (members and others), the amount is the lowest anyone
    pays, and the text keeps the condition. "Gratis for medlemmer, 30 kr. for gæster" is
    0 kr. but not free for everyone.

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
    low = DASHES.sub("-", text.casefold()).replace("\u00a0", " ")
    if not ANY_PRICE.search(low):
        return Price(text=text)  # no number and no price word: nothing to read
    low = SPACED_DASH.sub(" ; ", low)
    low = _drop_extras(low)
    low = FREE_AFTER_PAYING.sub(" ", low)
    low = CLOCK_TIME.sub(" ", low)
    amounts = _amounts(low)
    positive = [a for a in amounts if a[0] > 0]
    free = (any(c in low for c in FREE_CUES) and bool(FREE.search(low))) or (
        bool(amounts) and not positive
    )
    if not positive:
        if free:
            return Price(amount_dkk=0.0, is_free=True, text=text)
        if CHARGE.search(low):
            return Price(is_free=False, text=text)
        return Price(text=text)
    if free:
        # Free for some (members, children), paid for others.
        return Price(amount_dkk=0.0, is_free=False, text=text)
    amount, start, end = min(positive)
    clause_start = max(low.rfind(".", 0, max(start - 1, 0)), low.rfind(",", 0, start)) + 1
    nxt = [s for _, s, _ in positive if s > start]
    window = low[clause_start: min(nxt[0] if nxt else len(low), end + 40)]
    period = _period(window) or _period(low)
    return Price(amount_dkk=amount, period=period, is_free=False, text=text)


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
