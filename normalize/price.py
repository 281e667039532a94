"""What an activity costs: schema.org offers and Danish price text into `Price`."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core.schema import Price, PricePeriod
from normalize._memo import remembered
from normalize._price_patterns import (
    AMOUNT_CUES,
    AMOUNTS,
    ANY_PRICE,
    BILLING,
    BOUNDARY,
    CHARGE,
    CLAUSE_MARK,
    CLOCK_TIME,
    DASHES,
    DATES,
    EXTRAS,
    EXTRAS_CUES,
    FREE,
    FREE_AFTER_PAYING,
    FREE_CUES,
    MEMBERSHIP,
    PERIOD_CUES,
    PERIODS,
    SPACED_DASH,
    WHO,
    WHO_AFTER,
    WHO_RANK,
)
from normalize._starts import found_at

#: A price nothing states. Price is frozen: one instance serves every record.
_UNKNOWN = Price()


def _spaced_dash(low: str) -> bool:
    """Whether a "-" stands between white space somewhere, as every match of SPACED_DASH has
    it."""
    at = low.find("-")
    while at >= 0:
        if 0 < at < len(low) - 1 and low[at - 1].isspace() and low[at + 1].isspace():
            return True
        at = low.find("-", at + 1)
    return False


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
    for rx, cues in zip(AMOUNTS, AMOUNT_CUES, strict=True):
        if not any(map(low.__contains__, cues)):
            continue
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


@dataclass(frozen=True)
class _Amount:
    """One amount of a text, with whom it is for and whether it buys membership."""

    value: float
    start: int
    end: int
    #: WHO_RANK of the group the amount is for (2: no group named).
    who: int
    membership: bool


def _clause_around(low: str, start: int, end: int, lo: int = 0, hi: int | None = None
                   ) -> tuple[int, int]:
    """Bounds of the clause holding low[start:end], kept within lo..hi."""
    hi = len(low) if hi is None else hi
    before = [b.end() for b in BOUNDARY.finditer(low, lo, start)]
    after = BOUNDARY.search(low, end, hi)
    return (before[-1] if before else lo), (after.start() if after else hi)


def _who(before: str, after: str) -> int:
    """Rank of the group an amount is for: introduced after it ("100 kr. for voksne"),
    else the last group named before it in its clause ("Ikke-medlemmer betaler 50 kr.")."""
    intro = WHO_AFTER.search(after)
    if intro:
        m = WHO.match(after, intro.end())
        if m and m.lastgroup:
            return WHO_RANK[m.lastgroup]
    named = [m.lastgroup for m in WHO.finditer(before) if m.lastgroup]
    return WHO_RANK[named[-1]] if named else WHO_RANK["adult"]


def _read_amounts(low: str, raw: list[tuple[float, int, int]]) -> list[_Amount]:
    """Each amount with its group and kind, read from its own part of its clause: from the
    previous amount (or the clause start) to the next one (or the clause end)."""
    out: list[_Amount] = []
    for i, (value, start, end) in enumerate(raw):
        lo = raw[i - 1][2] if i else 0
        hi = raw[i + 1][1] if i + 1 < len(raw) else len(low)
        c_start, c_end = _clause_around(low, start, end, lo, hi)
        before, after = low[c_start:start], low[end:c_end]
        membership = bool(MEMBERSHIP.search(before) or MEMBERSHIP.search(after))
        who = _who(before, after)
        if membership and who == WHO_RANK["member"]:
            who = WHO_RANK["adult"]  # "Medlemmernes kontingent": what anyone pays to join
        out.append(_Amount(value, start, end, who, membership))
    return out


def _free_for_all(low: str) -> bool:
    """Whether a "free" in the text is for everyone, not for a group ("gratis for
    medlemmer", "børn gratis", "pensionister går gratis ind")."""
    for m in FREE.finditer(low):
        c_start, c_end = _clause_around(low, m.start(), m.end())
        groups = {g.lastgroup for g in WHO.finditer(low, c_start, c_end)}
        if not groups & {"member", "child", "reduced"}:
            return True
    return False


def _period(text: str) -> PricePeriod | None:
    if not PERIOD_CUES.search(text):
        return None
    hits = {p for rx, p in PERIODS if rx.search(text)}
    return hits.pop() if len(hits) == 1 else None


def _period_of(low: str, chosen: _Amount, amounts: list[_Amount]) -> PricePeriod | None:
    """The period said next to the amount (its clause first, then up to the next amount),
    else the one period the whole text names."""
    c_start, c_end = _clause_around(low, chosen.start, chosen.end)
    nxt = [a.start for a in amounts if a.start > chosen.start]
    wide_end = min(nxt[0] if nxt else len(low), chosen.end + 40)
    for window in (low[c_start:max(c_end, chosen.end)], low[c_start:wide_end]):
        if period := _period(window):
            return period
    return _period(low)


@remembered()
def parse_price(text: str | None) -> Price:
    """Price from Danish text; unknown (all None) when the text states no price.

    The price is what a newcomer pays: an adult who is not a member (tests/gold/README.md).
    Where several amounts are given, the text keeps them all, and the amount is chosen by
    these rules, in order:

    - Dates and clock times are never amounts ("25 kr 09/15/2026 04:30 PM" is 25 kr.).
    - Children's and young people's prices are set aside; when they are all the text gives,
      the price is unknown ("Børn under 12 år: 25 kr.").
    - A guest's or non-member's price beats anyone's, which beats a member's or a reduced
      price ("Medlemmer 75 kr. Ikke-medlemmer 125 kr." is 125 kr.).
    - Among those, a membership fee beats a fee per time ("Kontingent 300 kr. årligt + 20 kr.
      pr. spilleaften" is 300 kr. a year): a newcomer has to join to take part.
    - Then the lowest ("30-50 kr." is 30 kr.).
    - "Free" for a group beside a price for others is not free: "Gratis for medlemmer, 30 kr.
      for gæster" is 30 kr.; a free trial before a price is not free either.

    >>> parse_price("Gratis, ingen tilmelding").is_free
    True
    >>> p = parse_price("Kontingent: 350 kr. pr. halvår"); (p.amount_dkk, p.period.value)
    (350.0, 'half_year')
    >>> parse_price("Medlemmer 75 kr. Ikke-medlemmer 125 kr.").amount_dkk
    125.0
    >>> p = parse_price("Kontingent 300 kr. årligt + 20 kr. pr. spilleaften")
    >>> (p.amount_dkk, p.period.value)
    (300.0, 'year')
    >>> parse_price("500 kr. pr. sæson").period.value
    'season'
    >>> parse_price("Pris: se opslag").amount_dkk is None
    True
    """
    if not text:
        return _UNKNOWN
    low = DASHES.sub("-", text.casefold()).replace("\u00a0", " ")
    if not ANY_PRICE.search(low):
        return Price(text=text)  # no number and no price word: nothing to read
    # Each rewrite is skipped where the text lacks what every match of it holds (a spaced
    # dash, "gratis", "kl", "vis"): a substring test is far cheaper than a regex scan, and
    # the text comes out the same. The looks run in order, on the text as rewritten so far.
    if _spaced_dash(low):
        low = SPACED_DASH.sub(" ; ", low)
    if any(map(low.__contains__, EXTRAS_CUES)):
        low = _drop_extras(low)
    if "gratis" in low:
        low = FREE_AFTER_PAYING.sub(" ", low)
    if "kl" in low:
        low = CLOCK_TIME.sub(" ", low)
    low = DATES.sub(" ", low)
    if "vis" in low:
        low = BILLING.sub(" ", low)
    amounts = _read_amounts(low, _amounts(low))
    paid = [a for a in amounts if a.value > 0]
    newcomer = [a for a in paid if a.who > WHO_RANK["child"]]
    if newcomer:
        chosen = max(newcomer, key=lambda a: (a.who, a.membership, -a.value))
        return Price(amount_dkk=chosen.value, period=_period_of(low, chosen, amounts),
                     is_free=False, text=text)
    # Every match of FREE starts with one of FREE_CUES: it is tried only where one stands.
    free = found_at(FREE, low, FREE_CUES)
    if paid and not (free and _free_for_all(low)):
        return Price(text=text)  # only children's prices: an adult's is not stated
    if free or amounts:
        return Price(amount_dkk=0.0, is_free=True, text=text)
    if CHARGE.search(low):
        return Price(is_free=False, text=text)
    return Price(text=text)


def _number(raw: object) -> float | None:
    try:
        value = float(str(raw).replace(" ", "").replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) and 0 <= value < 1_000_000 else None


def _newcomer_offer(amounts: list[float], named: list[str]) -> float:
    """Of several offers, the newcomer's when every offer is named by whom it is for
    ("Medlem", "Ikke-medlem", "Barn", "Voksen"), else the lowest."""
    if len(amounts) > 1 and len(named) == len(amounts):
        chosen = parse_price(" ; ".join(named)).amount_dkk
        if chosen is not None and chosen in amounts:
            return chosen
    return min(amounts)


def from_schema_org(offers: object, free: object = None, text: str | None = None) -> Price:
    """Price from schema.org `offers` (one or many) and `isAccessibleForFree`.

    >>> from_schema_org({"price": "40", "priceCurrency": "DKK"}).amount_dkk
    40.0
    >>> from_schema_org(None, free=True).is_free
    True
    >>> from_schema_org([{"name": "Medlem", "price": "40", "priceCurrency": "DKK"},
    ...                  {"name": "Ikke-medlem", "price": "60", "priceCurrency": "DKK"}]).amount_dkk
    60.0
    """
    items: list[Any] = offers if isinstance(offers, list) else [offers]
    descriptions: list[str] = []
    amounts: list[float] = []
    named: list[str] = []  # "Ikke-medlem: 60 kr." for offers named by whom they are for
    for offer in items:
        if offer is None or not isinstance(offer, Mapping):  # (None: most items state none)
            continue
        currency = str(offer.get("priceCurrency") or "DKK").upper()
        raw = offer.get("price")
        if raw is not None and currency == "DKK":
            value = _number(raw)
            if value is not None:
                amounts.append(value)
                if offer.get("name"):
                    named.append(f"{offer['name']}: {value:g} kr")
        if offer.get("description"):
            descriptions.append(str(offer["description"]))
    desc = " ".join(descriptions) or text
    from_text = parse_price(desc) if desc else _UNKNOWN
    if amounts:
        amount = _newcomer_offer(amounts, named)
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
