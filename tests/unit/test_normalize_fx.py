"""The dated rate table: the shipped ECB rates, date choice, cross rates and half-even rounding."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from crawler.normalize.fx import DEFAULT_TABLE, NoRate, RateTable, RateTableError


@pytest.fixture(scope="module")
def table() -> RateTable:
    return RateTable.load()


def test_the_shipped_table_holds_ecb_dates(table: RateTable) -> None:
    assert table.dates == [date(2021, 6, 3), date(2024, 11, 25)]
    assert "ECB" in DEFAULT_TABLE.read_text(encoding="utf-8").splitlines()[0]


@pytest.mark.parametrize(("on", "expected"), [
    (None, date(2024, 11, 25)),
    (date(2025, 3, 1), date(2024, 11, 25)),
    (date(2024, 11, 25), date(2024, 11, 25)),
    (date(2024, 11, 24), date(2021, 6, 3)),
    (date(2019, 1, 1), date(2021, 6, 3)),     # before the table: its earliest date
])
def test_a_listing_uses_the_latest_date_on_or_before_its_fetch(
        table: RateTable, on: date | None, expected: date) -> None:
    assert table.table_date(on) == expected


def test_cross_rate_through_the_euro(table: RateTable) -> None:
    rate = table.rate("USD", "CNY", date(2025, 1, 1))
    # 1 EUR = 1.0495 USD = 7.6018 CNY on 2024-11-25
    assert rate.rate == (Decimal("7.6018") / Decimal("1.0495")).quantize(Decimal("1E-9"))
    assert rate.day == date(2024, 11, 25)
    assert rate.convert_minor(129999) == 941616   # 1,299.99 USD → 9,416.16 CNY


def test_zero_decimal_currency_converts_into_minor_units(table: RateTable) -> None:
    rate = table.rate("JPY", "CNY", date(2025, 1, 1))
    # ¥159,800 × (7.6018 / 161.64) = 7,515.27… CNY
    assert rate.convert_minor(159800) == 751527


def test_same_currency_is_rate_one(table: RateTable) -> None:
    assert table.rate("CNY", "CNY").rate == 1


def test_a_currency_not_in_the_table_has_no_rate(table: RateTable) -> None:
    with pytest.raises(NoRate, match="TWD"):
        table.rate("TWD", "CNY")


def test_a_broken_table_is_refused_with_the_row(tmp_path: Path) -> None:
    path = tmp_path / "rates.csv"
    path.write_text("date,currency,units_per_eur\n2024-01-01,USD,abc\n", encoding="utf-8")
    with pytest.raises(RateTableError, match="row 1"):
        RateTable.load(path)
    with pytest.raises(RateTableError, match="cannot read"):
        RateTable.load(tmp_path / "missing.csv")
