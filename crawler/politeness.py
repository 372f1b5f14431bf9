"""Politeness rules: which statuses are worth a retry, and how long a ``Retry-After`` asks to wait.

Scrapy's RetryMiddleware retries 429/503 at once, ignoring ``Retry-After`` (scrapy issue 3849);
``pipelines/politeness.py`` uses these rules to wait as the server asks, and the fallback ladder
uses them for the answers it handles itself.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

#: Answers that say "not now" rather than "no": retried after a wait.
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504, 522, 524})

#: Request meta key: the ``time.monotonic()`` before which the request must not be sent.
NOT_BEFORE = "pricewatch_not_before"


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks for: delta-seconds or an HTTP date; None if absent
    or unreadable (RFC 9110 §10.2.3). Never negative."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
