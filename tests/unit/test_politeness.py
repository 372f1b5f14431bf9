"""``Retry-After`` as servers send it (RFC 9110 §10.2.3): delta-seconds and HTTP dates."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.politeness import retry_after_seconds

NOW = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(("header", "seconds"), [
    ("3", 3.0), (" 10 ", 10.0), ("0", 0.0), ("1.5", 1.5), ("-4", 0.0),
    ("Thu, 01 Jan 2026 12:00:30 GMT", 30.0), ("Thu, 01 Jan 2026 11:59:00 GMT", 0.0),
    (None, None), ("", None), ("soon", None),
])
def test_retry_after(header: str | None, seconds: float | None) -> None:
    assert retry_after_seconds(header, NOW) == seconds
