"""Money at the edges: minor units ↔ Decimal, MAP strings, display."""

from __future__ import annotations

from decimal import Decimal

import pytest

from crawler.search.money import (
    BadAmount,
    format_change,
    format_money,
    format_percent,
    parse_money,
    ratio,
    to_decimal,
    to_minor,
)


@pytest.mark.parametrize(("amount", "currency", "minor"), [
    ("5999", "CNY", 599900), ("5999.5", "cny", 599950), ("0.01", "USD", 1),
    ("1500", "JPY", 1500), ("1.234", "KWD", 1234),
])
def test_to_minor_and_back(amount: str, currency: str, minor: int) -> None:
    assert to_minor(amount, currency) == minor
    assert to_decimal(minor, currency) == Decimal(amount)


@pytest.mark.parametrize(("amount", "currency"), [("1.5", "JPY"), ("0.001", "CNY"), ("-1", "CNY"),
                                                  ("abc", "CNY"), ("NaN", "CNY")])
def test_amounts_a_currency_cannot_hold_are_refused(amount: str, currency: str) -> None:
    with pytest.raises(BadAmount):
        to_minor(amount, currency)


def test_parse_money() -> None:
    assert parse_money("2499.00 CNY") == (249900, "CNY")
    with pytest.raises(BadAmount):
        parse_money("2499")


def test_display() -> None:
    assert format_money(599900, "CNY") == "CN¥5,999.00"
    assert format_money(599900, "CNY", locale="zh_CN") == "¥5,999.00"
    assert format_money(None, "CNY") == "—"
    assert format_change(-500, "USD") == "-$5.00"
    assert format_change(2000, "CNY") == "+CN¥20.00"
    assert format_change(0, "CNY") == "±0"
    assert format_percent(Decimal("0.125")) == "12.5%"


def test_ratio_rounds_half_even() -> None:
    assert ratio(2537, 2424) == Decimal("1.047")
    assert ratio(1, 8) == Decimal("0.125")
    assert ratio(1, 0) is None
