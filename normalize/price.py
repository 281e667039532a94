"""What an activity costs: schema.org offers and Danish price text into `Price`."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from core.schema import Price, PricePeriod

#: Cheap first look: a digit or a word that can state a price or its absence.
_ANY_PRICE = re.compile(r"\d|gratis|betal|koste|kontingent|entr|pris|gebyr|beregning|vederlag")
#: Substrings without which _FREE cannot match: a cheap guard for a slow pattern.
_FREE_CUES = ("gratis", "koster", "ingen", "uden", "fri", "kr", "vederlag", "gebyr")
#: Free: "gratis" introducing the activity, not a free extra ("gratis kaffe").
_FREE = re.compile(
    r"\bgratis\b(?!\s+(?:kaffe|kage|the|te|parkering|transport|materialer|frugt|vand|"
    r"forplejning|morgenmad|frokost|wifi|adgang\s+til\s+kaffe))"
    r"|koster\s+ikke\s+noget|\bingen\s+(?:deltager)?betaling|\buden\s+(?:beregning|betaling)"
    r"|\bingen\s+(?:entré|entre|kontingent|egenbetaling)|\bfri\s+entr[ée]|\bkr\.?\s*0\b(?![.,]\d)"
    r"|\bvederlagsfri\w*|\bgebyrfri\w*"
)
#: A charge whose amount is not given.
_CHARGE = re.compile(r"\begenbetaling|\bbetal(?:ing|es|er)\b|\bkoster\s+lidt|\bbrugerbetaling")
#: "Gratis" as what a payment buys ("150 kr. om året. Herefter er alt gratis"): not free.
_FREE_AFTER_PAYING = re.compile(
    r"\b(?:herefter|derefter|dermed|så\s+er)\b[^.]*\bgratis\b"
    # A free first try is not what one pays: "første gang er gratis", "prøv gratis".
    r"|\bførste\s+(?:\d+\s+|to\s+|tre\s+|par\s+)?gang(?:e)?\s+(?:er\s+)?gratis"
    r"|\bgratis\s+(?:første\s+gang|prøve\w*|de\s+første)|\bprøv\s+gratis"
)
#: Things for sale beside the activity: their prices are not the activity's price.
_EXTRAS = re.compile(r"kan\s+købes|sælges|kan\s+erhverves|købes\s+på\s+stedet")
_CLAUSE_MARK = re.compile(r"[.!?,;]")
_NUM = r"(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d{1,2}|-))?"
#: Amounts: "20 kr.", "kr. 20,-", "DKK 150", "1.250 kr.", "12,50 kr", "50,-", "30-50 kr."
_AMOUNTS = [
    re.compile(rf"(?:\bkr\.?|\bdkk)\s*{_NUM}"),
    re.compile(rf"(?<![\d.,]){_NUM}\s*(?:-\s*{_NUM}\s*)?(?:kr\b|kroner|dkk\b)"),
    re.compile(r"(?<![\d.,])(\d{1,3}(?:\.\d{3})+|\d+),-()"),
    re.compile(rf"\b(?:pris(?:en)?|koster|entr[ée]|kontingent(?:et)?|egenbetaling)\s*"
               rf"(?:er|på|:)?\s*(?:kun\s*)?{_NUM}(?!\s*(?:\d|%|gange|personer|deltagere|år))"),
]
#: Period phrases; checked near an amount first, then in the whole text.
_PERIODS: list[tuple[re.Pattern[str], PricePeriod]] = [
    (re.compile(r"halvår"), PricePeriod.half_year),
    (re.compile(r"kvartal"), PricePeriod.quarter),
    (re.compile(r"/\s*(?:år|sæson)\b"), PricePeriod.year),
    (re.compile(r"/\s*(?:md|mdr|måned)\b"), PricePeriod.month),
    (re.compile(r"/\s*(?:gang|møde|kuvert)\b"), PricePeriod.per_time),
    (re.compile(r"\bpr\.?\s*(?:år|sæson)\b|\bom\s+året|\bårlig|\bårs(?:kontingent|medlemskab)"
                r"|\bhele\s+sæsonen|\bsæsonkort|\bsæsonkontingent"), PricePeriod.year),
    (re.compile(r"\bpr\.?\s*(?:md|mdr|måned)\b|\bom\s+måneden|\bmånedlig|\bmåneds"
                r"(?:kontingent|betaling)|\bhver\s+måned"), PricePeriod.month),
    (re.compile(r"\b(?:pr\.?|per)\s*(?:gang|møde|spisning|kuvert|aften|lektion)\b"
                r"|\bhver\s+gang\b|(?<!og\s)\bentr[ée]\s*(?::|er|koster|på)?\s*(?:kr\.?\s*)?\d"
                r"|\bi\s+entr[ée]\b"), PricePeriod.per_time),
    (re.compile(r"\bengangs(?:beløb|betaling|gebyr)"), PricePeriod.once),
]


def _drop_extras(low: str) -> str:
    """The text without clauses about things for sale beside the activity."""
    while m := _EXTRAS.search(low):
        before = [c.end() for c in _CLAUSE_MARK.finditer(low, 0, m.start())]
        after = _CLAUSE_MARK.search(low, m.end())
        start = before[-1] if before else 0
        low = low[:start] + " " + low[after.start() if after else len(low):]
    return low


#: Substrings without which no period phrase can match.
_PERIOD_CUES = re.compile(r"pr|per|om|år|måned|md|halv|kvartal|/|gang|entr|sæson|engang")


def _to_float(whole: str, dec: str | None) -> float:
    value = float(whole.replace(".", ""))
    if dec and dec != "-":
        value += float(dec) / (10 ** len(dec))
    return value


def _amounts(low: str) -> list[tuple[float, int, int]]:
    """(amount, start, end) of every amount in the text, each place read once."""
    found: dict[int, tuple[float, int, int]] = {}
    for rx in _AMOUNTS:
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
    if not _PERIOD_CUES.search(text):
        return None
    hits = {p for rx, p in _PERIODS if rx.search(text)}
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
    low = re.sub(r"[\u2010-\u2015\u2212]", "-", text.casefold()).replace("\u00a0", " ")
    if not _ANY_PRICE.search(low):
        return Price(text=text)  # no number and no price word: nothing to read
    # A spaced dash ends a clause ("65 kr. pr. kuvert – drikkevarer kan købes"), but not in
    # a range of amounts ("30 - 50 kr.").
    low = re.sub(r"(?<!\d)\s+-\s+(?!\d)", " ; ", low)
    low = _drop_extras(low)
    low = _FREE_AFTER_PAYING.sub(" ", low)
    low = re.sub(r"\bkl\.?\s*\d{1,2}(?:[.:]\d{2})?(?:\s*-\s*\d{1,2}(?:[.:]\d{2})?)?", " ", low)
    amounts = _amounts(low)
    positive = [a for a in amounts if a[0] > 0]
    free = (any(c in low for c in _FREE_CUES) and bool(_FREE.search(low))) or (
        bool(amounts) and not positive
    )
    if not positive:
        if free:
            return Price(amount_dkk=0.0, is_free=True, text=text)
        if _CHARGE.search(low):
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
