"""Money as pages write it → Money(amount, currency, currency_raw, is_range).

Where the rows come from: ``FROM_FIXTURE_PAGES`` are the forms the fixture marketplace prints
(fixtures/README.md: Taobao ``¥1,299.00``, Amazon ``$1,099.99`` / ``￥1,980``, WooCommerce
``1.299,00 €``, Shopify ``￥115,780``, schema.org JSON-LD ``"41.99"``); ``FROM_REAL_SHOPS`` are
forms seen on real shop themes (ranges, ISO codes beside symbols, French spacing);
``STRUCTURED`` are JSON-LD/microdata values (numbers and plain strings, never locale-formatted).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from crawler.platforms.schemaorg.prices import (
    is_range,
    parse_coupon,
    parse_money,
    parse_shipping,
)


@dataclass(frozen=True)
class Row:
    text: object
    currency: str | None
    locale: str | None
    amount: str | None
    iso: str | None = None
    raw: str | None = None
    ranged: bool = False


def idfn(row: Row) -> str:
    return f"{row.text!r}@{row.locale}"


FROM_FIXTURE_PAGES = [
    Row("¥1,299.00", None, "zh_CN", "1299.00", "CNY"),        # Taobao struck price
    Row("￥99", None, "zh_CN", "99", "CNY"),                   # PDD/JD short form
    Row("￥1,980", None, "ja_JP", "1980", "JPY"),              # amazon.co.jp
    Row("￥115,780", "JPY", "ja", "115780", "JPY"),            # tokyo-gadgets option text
    Row("1.299,00 €", None, "de_DE", "1299.00", "EUR"),       # WooCommerce de_DE
    Row("195,99 €", "EUR", "de_DE", "195.99", "EUR"),
    Row("$1,099.99", None, "en_US", "1099.99", "USD"),        # Amazon US
    Row("$14.00", None, "en_US", "14.00", "USD"),             # split price, joined
    Row("¥99-199", None, "zh_CN", "99", "CNY", ranged=True),  # a range: the low end
    Row("19,00 € – 24,99 €", None, "de_DE", "19.00", "EUR", ranged=True),
]

FROM_REAL_SHOPS = [
    Row("$5 to $9", None, "en_US", "5", "USD", ranged=True),
    Row("USD 1,234.50", None, None, "1234.50", "USD"),
    Row("1 299,00 €", None, "fr_FR", "1299.00", "EUR"),
    Row("¥1,299.00", None, None, "1299.00", None, raw="¥"),   # no locale, no hint: stays raw
    Row("¥1,299.00", "JPY", None, "1299.00", "JPY"),          # the page's ISO hint decides
    Row("€12,50", "USD", "de_DE", "12.50", "EUR"),            # an unambiguous symbol wins
    Row("12.345", None, "en_US", "12.345", None),             # no symbol: no currency
    Row("call us", None, "en_US", None),
    Row("", None, None, None),
]

STRUCTURED = [
    Row("41.99", "USD", None, "41.99", "USD"),
    Row(1299, "CNY", None, "1299", "CNY"),
    Row(14.5, "usd", None, "14.5", "USD"),                    # extruct gives JSON numbers as float
    Row(Decimal("19.00"), "EUR", None, "19.00", "EUR"),
    Row("115780", "JPY", "ja", "115780", "JPY"),
    Row(None, "USD", None, None),
    Row(True, "USD", None, None),
]


@pytest.mark.parametrize("row", FROM_FIXTURE_PAGES + FROM_REAL_SHOPS + STRUCTURED, ids=idfn)
def test_parse_money(row: Row) -> None:
    money = parse_money(row.text, currency=row.currency, locale=row.locale)
    if row.amount is None:
        assert money is None
        return
    assert money is not None
    assert money.amount == Decimal(row.amount)
    assert (money.currency, money.currency_raw, money.is_range) == (row.iso, row.raw, row.ranged)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("¥99-199", True), ("$5 to $9", True), ("Shipping: $4.99", False), ("1,299.00", False),
     ("99 bis 199 €", True), ("2 for $10", False)],
)
def test_is_range(text: str, expected: bool) -> None:
    assert is_range(text) is expected


SHIPPING = [
    ("Free shipping", "USD", "en_US", "0", True),
    ("Kostenloser Versand", "EUR", "de_DE", "0", True),
    ("快递: 免运费", None, "zh_CN", "0", True),
    ("送料無料", "JPY", "ja", "0", True),
    ("Shipping: $4.99", None, "en_US", "4.99", True),
    ("Versand: 4,90 €", None, "de_DE", "4.90", True),
    ("运费 ¥6.00", None, "zh_CN", "6.00", True),
    ("快递: 8.00", "CNY", "zh_CN", "8.00", True),
    ("Shipping calculated at checkout.", "USD", "en_US", None, False),
    ("送料は購入手続き時に計算されます。", "JPY", "ja", None, False),
    ("", "USD", "en_US", None, False),
    (None, "USD", "en_US", None, False),
]


@pytest.mark.parametrize(("text", "currency", "locale", "amount", "known"), SHIPPING)
def test_parse_shipping(
    text: str | None, currency: str | None, locale: str, amount: str | None, known: bool
) -> None:
    money, is_known = parse_shipping(text, currency=currency, locale=locale)
    assert is_known is known
    assert (money.amount if money else None) == (Decimal(amount) if amount else None)


COUPONS = [
    ("满300减50", "CNY", "50", "300"),
    ("满300元减50元", "CNY", "50", "300"),
    ("无门槛减50", "CNY", "50", None),
    ("Save $10.00 with coupon", "USD", "10.00", None),
    ("￥620 OFF クーポン", "JPY", "620", None),
    ("Save 5% with coupon", "USD", None, None),
    ("", "USD", None, None),
]


@pytest.mark.parametrize(("text", "currency", "amount", "threshold"), COUPONS)
def test_parse_coupon(text: str, currency: str, amount: str | None, threshold: str | None) -> None:
    found = parse_coupon(text, currency=currency, locale=None)
    if amount is None:
        assert found is None
        return
    assert found is not None
    assert found[0].amount == Decimal(amount)
    assert (found[1].amount if found[1] else None) == (Decimal(threshold) if threshold else None)
