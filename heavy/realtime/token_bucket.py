"""A token bucket: ``rate`` actions a second on average, bursts of up to ``burst``. Small, and one
per connection where it is used (stream events, live publishes), so it keeps two floats."""

from __future__ import annotations

import time


class TokenBucket:
    __slots__ = ("_refilled_at", "_tokens", "burst", "rate")

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self._tokens = float(burst)
        self._refilled_at = time.monotonic()

    def take(self) -> bool:
        """Spend a token if there is one; False means over the limit."""
        now = time.monotonic()
        self._tokens = min(float(self.burst), self._tokens + (now - self._refilled_at) * self.rate)
        self._refilled_at = now
        if self._tokens < 1.0:
            return False
        self._tokens -= 1.0
        return True
