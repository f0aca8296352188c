"""Rate limits and injected faults.

The rate limit counts requests per clock second, in a fixed window that resets at each whole
second of the clock. Attio's rate-limit docs describe the same reset. A request over the limit gets
429 with ``Retry-After`` set to the start of the next second, and is not processed. A limit of 0
turns limiting off.

Faults are drawn from one ``random.Random``, so a seeded sandbox injects the same faults into the
same sequence of writes.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from email.utils import formatdate

DROP = "drop"


class RateLimiter:
    """Counts requests in the current clock second and rejects those over ``per_second``."""

    def __init__(self, per_second: int, clock: Callable[[], float]):
        self.per_second = per_second
        self.clock = clock
        self._window = -1
        self._count = 0

    def acquire(self) -> float | None:
        """Count one request and return ``None`` when it may go ahead, else the time the window resets (epoch seconds)."""
        if self.per_second <= 0:
            return None
        window = math.floor(self.clock())
        if window != self._window:
            self._window = window
            self._count = 0
        if self._count >= self.per_second:
            return float(window + 1)
        self._count += 1
        return None


def http_date(epoch_seconds: float) -> str:
    """Format a time as an RFC 7231 IMF-fixdate, e.g. "Tue, 23 May 2023 14:42:01 GMT"."""
    return formatdate(epoch_seconds, usegmt=True)


class FaultInjector:
    """Decides for each write whether to close its connection or respond with 500 or 503."""

    def __init__(self, fail_rate: float, drop_rate: float, seed: int | None):
        self.fail_rate = fail_rate
        self.drop_rate = drop_rate
        self._random = random.Random(seed)

    @property
    def enabled(self) -> bool:
        return self.fail_rate > 0 or self.drop_rate > 0

    def draw(self) -> str | int | None:
        """Return ``DROP``, 500 or 503 for a write that gets a fault, or ``None``."""
        if self.drop_rate > 0 and self._random.random() < self.drop_rate:
            return DROP
        if self.fail_rate > 0 and self._random.random() < self.fail_rate:
            return self._random.choice((500, 503))
        return None
