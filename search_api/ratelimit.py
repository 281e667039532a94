"""A token bucket per client, in process: enough to keep one client from flooding the
operators' queue of correction requests (a deployment with several API processes gets one
bucket per process; a proxy in front can add a shared limit)."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable


class TokenBuckets:
    """`burst` requests at once per key, refilled at `per_hour` requests an hour.

    >>> t = [0.0]
    >>> b = TokenBuckets(burst=2, per_hour=3600, clock=lambda: t[0])
    >>> [b.take("a"), b.take("a"), b.take("a"), b.take("b")]
    [0.0, 0.0, 1.0, 0.0]
    >>> t[0] = 1.0
    >>> b.take("a")
    0.0
    """

    #: Keys kept at most; the fullest (least recently limited) are forgotten first.
    max_keys = 10_000

    def __init__(self, burst: int, per_hour: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.burst = max(1, burst)
        self.rate = max(per_hour, 1e-9) / 3600.0  # tokens per second
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key → (tokens, at)
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """Take one token: 0 when allowed, else the seconds until one is free again."""
        with self._lock:
            now = self.clock()
            tokens, at = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - at) * self.rate)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                self._trim()
                return 0.0
            self._buckets[key] = (tokens, now)
            return float(max(1, math.ceil((1 - tokens) / self.rate - 1e-6)))

    def _trim(self) -> None:
        if len(self._buckets) > self.max_keys:
            for key in sorted(self._buckets, key=lambda k: -self._buckets[k][0])[
                    : len(self._buckets) - self.max_keys]:
                del self._buckets[key]
