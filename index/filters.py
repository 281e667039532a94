"""The soft filters, declared once: what each asks for and what fits, misfits or is unknown.

Most listings do not say whether a room has a hearing loop or what age they are for, and
**unknown is not no**. A soft filter therefore sorts every record into one of three:

- *fits*: the listing states something that meets what was asked;
- *misfit*: it states something that does not; a search leaves it out;
- *unknown*: it does not say; a search keeps it, ranked after the fits (fewer unknowns
  first), and leaves it out only when `strict`.

Each filter is one row of `SOFT_FILTERS`: its name (as in a hit's `matched`, the API and the
page), the `SearchQuery` field that asks for it, and its rule, one of four kinds (`Flag`,
`Span`, `AtMost`, `AnyOf`). A rule says where the record's value comes from (`read`) and under
which stored field the backends keep it; what fits, misfits and is unknown follows from its
kind (`judge`, the reference). The backends translate the four kinds, never single filters:
the SQLite store (`backends/sqlite/schema.py` stores, `backends/sqlite/query.py` asks) and the
search engines (`backends/engine/mapping.py` stores, `backends/engine/query.py` asks). Every
backend computes a hit's `matched` with `matched` here.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from core.schema import Activity
from normalize import schedule

Verdict = Literal["fits", "misfit", "unknown"]
#: What a hit's `matched` says per soft filter used (misfits are never hits).
Match = Literal["yes", "unknown"]


@dataclass(frozen=True)
class Flag:
    """A yes or no a listing may state (wheelchair access, free, drop-in).

    fits: stated as asked; misfit: stated the other way; unknown: not stated. Stored as
    `field`: SQLite INTEGER 1/0/NULL, an engine boolean.
    """

    field: str
    read: Callable[[Activity], bool | None]

    def judge(self, activity: Activity, asked: bool) -> Verdict:
        value = self.read(activity)
        if value is None:
            return "unknown"
        return "fits" if value == asked else "misfit"


@dataclass(frozen=True)
class Span:
    """A range of whole numbers a listing may state either end of (age "60+", "18–30").

    fits: the asked number lies within the stated ends; misfit: it is below a stated lower
    or above a stated upper end; unknown: neither end is stated. Stored as SQLite
    `<field>_min` and `<field>_max`, an engine integer_range `<field>` with `<field>_known`.
    """

    field: str
    read: Callable[[Activity], tuple[int | None, int | None]]

    def judge(self, activity: Activity, asked: int) -> Verdict:
        low, high = self.read(activity)
        if low is None and high is None:
            return "unknown"
        if (low is not None and low > asked) or (high is not None and high < asked):
            return "misfit"
        return "fits"


@dataclass(frozen=True)
class AtMost:
    """An amount a listing may state (a price in kroner) that must be at most the asked one.
    A stated yes for the `zero_if` flag (free) counts as an amount of 0.

    fits: the amount is at most the asked one; misfit: it is more; unknown: neither the
    amount nor the flag is stated. Stored as `field`: SQLite REAL, an engine scaled_float
    (øre); the flag as its own rule stores it.
    """

    field: str
    read: Callable[[Activity], float | None]
    zero_if: Flag | None = None

    def judge(self, activity: Activity, asked: float) -> Verdict:
        amount = self.read(activity)
        if amount is None and self.zero_if is not None and self.zero_if.read(activity):
            amount = 0.0
        if amount is None:
            return "unknown"
        return "misfit" if amount > asked else "fits"


@dataclass(frozen=True)
class AnyOf:
    """A set of values a listing may state (its weekdays, the parts of the day it starts in);
    any of the asked values will do.

    fits: it shares a value with the asked ones; misfit: it states values, none of them
    asked; unknown: it states none. `choices` are every value the set can hold, in a fixed
    order. Stored as `field`: SQLite an INTEGER of bits in that order, an engine array
    (integer or keyword, as the choices are).
    """

    field: str
    choices: tuple[Any, ...]
    read: Callable[[Activity], Collection[Any]]

    def judge(self, activity: Activity, asked: Iterable[Any]) -> Verdict:
        values = set(self.read(activity))
        if not values:
            return "unknown"
        return "fits" if values & set(asked) else "misfit"

    def bits(self, values: Iterable[Any]) -> int:
        """The values as bits in `choices` order (how SQLite stores the set)."""
        return sum(1 << self.choices.index(v) for v in set(values))


Rule = Flag | Span | AtMost | AnyOf


@dataclass(frozen=True)
class SoftFilter:
    """One soft filter: its name, the `SearchQuery` field that asks for it, and its rule."""

    name: str
    asks: str
    rule: Rule
    #: A need (wheelchair=true): asked for only by a yes; a no asks for nothing. Otherwise
    #: any value asks (drop_in=false asks for sign-up), and an empty list asks for nothing.
    need: bool = False

    def asked(self, query: Any) -> Any:
        """What `query` asks of this filter; None when it does not use it."""
        value = getattr(query, self.asks)
        if self.need:
            return True if value is True else None
        if value is None or (isinstance(value, list) and not value):
            return None
        return value

    def judge(self, activity: Activity, asked: Any) -> Verdict:
        return self.rule.judge(activity, asked)


FREE = Flag("is_free", lambda a: a.price.is_free)

#: The soft filters, in the order a hit's `matched` names them.
SOFT_FILTERS: tuple[SoftFilter, ...] = (
    SoftFilter("age", "age", Span("age", lambda a: (a.age.min, a.age.max))),
    SoftFilter("max_price", "max_price",
               AtMost("price", lambda a: a.price.amount_dkk, zero_if=FREE)),
    SoftFilter("free", "free", FREE, need=True),
    SoftFilter("wheelchair", "wheelchair",
               Flag("wheelchair", lambda a: a.accessibility.wheelchair), need=True),
    SoftFilter("step_free", "step_free",
               Flag("step_free", lambda a: a.accessibility.step_free), need=True),
    SoftFilter("hearing_loop", "hearing_loop",
               Flag("hearing_loop", lambda a: a.accessibility.hearing_loop), need=True),
    SoftFilter("weekday", "weekdays",
               AnyOf("weekdays", tuple(range(7)), lambda a: schedule.weekdays(a.schedule))),
    SoftFilter("time_of_day", "time_of_day",
               AnyOf("day_parts", tuple(schedule.DAY_PARTS),
                     lambda a: schedule.day_parts(a.schedule))),
    SoftFilter("drop_in", "drop_in", Flag("drop_in", lambda a: a.drop_in)),
)


def used(query: Any) -> list[tuple[SoftFilter, Any]]:
    """The soft filters `query` uses, each with what it asks."""
    out = []
    for f in SOFT_FILTERS:
        asked = f.asked(query)
        if asked is not None:
            out.append((f, asked))
    return out


def _stored(filters: Iterable[SoftFilter]) -> tuple[Rule, ...]:
    rules: dict[str, Rule] = {}
    for f in filters:
        if isinstance(f.rule, AtMost) and f.rule.zero_if is not None:
            rules.setdefault(f.rule.zero_if.field, f.rule.zero_if)
        rules.setdefault(f.rule.field, f.rule)
    return tuple(rules.values())


#: Every rule whose value the backends store, once per stored field (a flag another rule
#: reads, like `FREE` for the price, is stored even if it were no filter itself).
STORED_RULES = _stored(SOFT_FILTERS)


def matched(activity: Activity, query: Any) -> dict[str, Match]:
    """Which soft filters an activity meets as stated ("yes"), and which only as unknown.
    Only for hits: a stated misfit is never one."""
    return {f.name: "unknown" if f.judge(activity, asked) == "unknown" else "yes"
            for f, asked in used(query)}
