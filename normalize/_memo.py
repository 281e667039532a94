"""Cache keys for JSON-like values (schema.org data as extracted), so that a parser can
remember what feeds and sites repeat on every item and every crawl (a place, a schedule)."""

from __future__ import annotations

import json


def frozen(value: object) -> object:
    """A hashable stand-in for a JSON-like value (dicts, lists, tuples, strings, numbers,
    booleans, None, as JSON and extruct give them), equal only for values that read the same,
    types included; TypeError for anything else (a datetime, a set, an object).

    >>> frozen({"byDay": ["Monday"], "n": 1}) == frozen({"byDay": ["Monday"], "n": 1})
    True
    >>> frozen({"n": 1}) == frozen({"n": 1.0}), frozen(["a"]) == frozen(("a",))
    (False, False)
    >>> frozen({1: "a"}) == frozen({"1": "a"}), frozen(-0.0) == frozen(0.0)
    (False, False)
    """
    if value is None or type(value) is str:
        return value  # the common case, said apart from the repr()s below by their type
    json.dumps(value)  # only to refuse what is not JSON-like (TypeError)
    # For those types repr() tells every two values apart (1, 1.0, True, "1"; a list from a
    # tuple; {1: ...} from {"1": ...}), and is also written in C.
    return (repr(value),)


class Key:
    """Values as a cache key: hashed and compared by `frozen()` of each, read by the cached
    function from `values` (TypeError from the constructor when they are not JSON-like)."""

    __slots__ = ("key", "values")

    def __init__(self, *values: object) -> None:
        self.values = values
        self.key = tuple(frozen(v) for v in values)

    def __hash__(self) -> int:
        return hash(self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Key) and self.key == other.key
