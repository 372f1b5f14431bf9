"""Index names: one prefix, aliases for readers, versioned and monthly indices for writers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.index.names import IndexNames


def test_names_follow_the_prefix() -> None:
    names = IndexNames("acme")
    assert names.alias("listings") == "acme-listings"
    assert names.write_index("listings") == "acme-listings-v1"
    assert names.pattern("alerts") == "acme-alerts-v*"
    assert names.write_index("prices", datetime(2026, 3, 9, tzinfo=UTC)) == "acme-prices-v1-2026.03"


def test_prices_need_a_time_and_kinds_are_checked() -> None:
    with pytest.raises(ValueError, match="month"):
        IndexNames().write_index("prices")
    with pytest.raises(ValueError, match="unknown index kind"):
        IndexNames().alias("listing")
