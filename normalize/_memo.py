"""Cache keys for JSON-like values (schema.org data as extracted), so that a parser can
remember what feeds and sites repeat on every item and every crawl (a place, a schedule)."""

from __future__ import annotations

import functools
import marshal
from collections.abc import Callable
from functools import lru_cache
from typing import Protocol, TypeVar, cast

#: marshal's format 2, without the back-references of 3 and later, which are written by how
#: many references an object has: one value would get different bytes from one call to the next.
_NO_REFS = 2


def frozen(value: object) -> bytes:
    """A hashable stand-in for a plain value (dicts, lists, tuples, strings, numbers, booleans,
    None, as JSON and extruct give them), equal only for values that read the same, types
    included; TypeError for anything else (a datetime, an object, a subclass of dict).

    marshal writes every value of those exact types (and nothing else) so that it can be read
    back: two values with the same bytes are the same value, in C and fast. Equal values may
    still get different bytes (two equal sets in another order), which only costs a reading.

    >>> frozen({"byDay": ["Monday"], "n": 1}) == frozen({"byDay": ["Monday"], "n": 1})
    True
    >>> frozen({"n": 1}) == frozen({"n": 1.0}), frozen(["a"]) == frozen(("a",))
    (False, False)
    >>> frozen({1: "a"}) == frozen({"1": "a"}), frozen(-0.0) == frozen(0.0)
    (False, False)
    """
    try:
        return marshal.dumps(value, _NO_REFS)  # type: ignore[arg-type]  # it refuses the rest
    except ValueError as exc:
        raise TypeError(str(exc)) from None


class Key:
    """Values as a cache key: hashed and compared by `frozen(values)`, read by the cached
    function from `values` (TypeError from the constructor when they are not plain)."""

    __slots__ = ("key", "values")

    def __init__(self, *values: object) -> None:
        self.values = values
        self.key = frozen(values)

    def __hash__(self) -> int:
        return hash(self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Key) and self.key == other.key


T = TypeVar("T", bound="str | None")
R = TypeVar("R")
T_contra = TypeVar("T_contra", bound="str | None", contravariant=True)
R_co = TypeVar("R_co", covariant=True)


class Remembered(Protocol[T_contra, R_co]):
    """A function of one text, remembered (see `remembered`)."""

    def __call__(self, text: T_contra, /) -> R_co: ...

    @property
    def __wrapped__(self) -> Callable[[T_contra], R_co]: ...

    def cache_clear(self) -> None: ...


#: Texts longer than this are descriptions, not fields (as `schedule_text` draws the line).
LONG_TEXT = 300


def remembered(maxsize: int = 20_000, *, long_chars: int = LONG_TEXT, long_maxsize: int = 1_000
               ) -> Callable[[Callable[[T], R]], Remembered[T, R]]:
    """A function of one text, remembered: short texts (a crawl's repeated fields, "Gratis",
    "60+", "Tilmelding nødvendig") among the last `maxsize` read, long ones (descriptions) only
    among the last `long_maxsize`. A long text repeats only while its series is being read (one
    offer's meetings listed one after another, a feed read again and again within a crawl);
    thousands of descriptions kept only to be pushed out unread cost more than they save: each
    reading that misses then evicts one from a large, cold cache, and the process grows. (A
    closure, not an object with `__call__`: it is called for every text of every item.)"""
    def decorate(fn: Callable[[T], R]) -> Remembered[T, R]:
        short = lru_cache(maxsize=maxsize)(fn)
        long = lru_cache(maxsize=long_maxsize)(fn)

        def call(text: T) -> R:
            if text is not None and len(text) > long_chars:
                return long(text)
            return short(text)

        def cache_clear() -> None:
            short.cache_clear()
            long.cache_clear()

        functools.update_wrapper(call, fn)
        call.cache_clear = cache_clear  # type: ignore[attr-defined]
        return cast("Remembered[T, R]", call)
    return decorate
