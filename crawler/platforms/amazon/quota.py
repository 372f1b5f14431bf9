"""SP-API usage plans as token buckets on our side, so calls are paced instead of refused.

platform-apis.md §4.6: each operation has a bucket that refills at *rate* tokens per second up to
*burst*; a call takes one; an empty bucket answers 429 ``QuotaExceeded`` (without a rate header).
The defaults below are the ones printed in each operation's model; a plan may be higher, and an
answer's ``x-amzn-RateLimit-Limit`` says the rate actually applied, so it replaces the default.

``reserve`` books the next free slot and says how long to wait for it (the spider delays the
request); ``retry_after`` answers a 429: the server's bucket is empty, so the retry is booked behind
the calls already waiting, at least one refill interval (1 / rate) later. Pure: the clock is
injected.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

Clock = Callable[[], float]

#: operation → (rate per second, burst): the documented default usage plans (§4.3-4.5).
DEFAULT_PLANS: dict[str, tuple[float, float]] = {
    "getCatalogItem": (2.0, 2),
    "searchCatalogItems": (2.0, 2),
    "getItemOffers": (0.5, 1),
    "getItemOffersBatch": (0.1, 1),
    "getCompetitiveSummary": (0.033, 1),
}
UNKNOWN_PLAN = (1.0, 1.0)
"""An operation without a documented plan gets a careful one call per second."""


@dataclass
class Bucket:
    """``rate`` tokens per second up to ``burst``; ``tokens`` may go below 0 for booked slots."""

    rate: float
    burst: float
    tokens: float
    stamp: float

    def refill(self, now: float) -> None:
        self.tokens = min(self.burst, self.tokens + max(0.0, now - self.stamp) * self.rate)
        self.stamp = now

    def reserve(self, now: float) -> float:
        """Take a token (now or in the future); seconds until it is ours."""
        self.refill(now)
        self.tokens -= 1
        return 0.0 if self.tokens >= 0 else -self.tokens / self.rate

    def drain(self, now: float) -> None:
        """The server says the bucket is empty: forget any tokens we thought were left."""
        self.refill(now)
        self.tokens = min(self.tokens, 0.0)


class QuotaBook:
    """One bucket per operation (the SP-API keys buckets by application and operation)."""

    def __init__(
        self,
        plans: Mapping[str, tuple[float, float]] = DEFAULT_PLANS,
        scale: float = 1.0,
        clock: Clock = time.monotonic,
    ) -> None:
        if scale <= 0:
            raise ValueError("quota scale must be > 0")
        self._plans, self._scale, self._clock = dict(plans), scale, clock
        self._buckets: dict[str, Bucket] = {}

    def bucket(self, operation: str) -> Bucket:
        found = self._buckets.get(operation)
        if found is None:
            rate, burst = self._plans.get(operation, UNKNOWN_PLAN)
            rate, burst = rate * self._scale, max(1.0, burst * self._scale)
            found = self._buckets[operation] = Bucket(rate, burst, burst, self._clock())
        return found

    def rate(self, operation: str) -> float:
        """Calls per second currently assumed for ``operation``."""
        return self.bucket(operation).rate

    def reserve(self, operation: str) -> float:
        """Book a call of ``operation``: seconds to wait before sending it (0 = now)."""
        return self.bucket(operation).reserve(self._clock())

    def observe(self, operation: str, limit_header: str | None) -> None:
        """Adopt the rate an answer's ``x-amzn-RateLimit-Limit`` reports (ignored if unreadable)."""
        try:
            rate = float(limit_header) if limit_header else 0.0
        except ValueError:
            return
        if rate > 0 and rate == rate and rate != float("inf"):
            bucket = self.bucket(operation)
            bucket.refill(self._clock())
            bucket.rate = rate

    def retry_after(self, operation: str) -> float:
        """After a 429 for ``operation``: seconds until the retry may go (its slot is booked).

        The server's bucket is empty, so our own count was too hopeful: drain it, then book the
        retry behind the calls already booked. At least one refill interval (1 / rate).
        """
        bucket = self.bucket(operation)
        now = self._clock()
        bucket.drain(now)
        return max(1.0 / bucket.rate, bucket.reserve(now))
