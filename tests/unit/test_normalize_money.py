"""Money: currency from code/symbol/locale, amounts from Decimals and price texts, minor units.

Cases come from the platforms' documented shapes (../shared/docs/platform-apis.md: Taobao "96.00"
strings, JD numbers, Amazon CurrencyCode, WooCommerce/Shopify stores in many locales), from
symbols seen on real shop pages (¥ on Japanese and Chinese sites, US$, C$, NT$, kr) and from
malformed values found by the fuzz tests (``_BUGS_CAUGHT``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from crawler.normalize.money import (
    MoneyError,
    coerce_amount,
    currency_exponent,
    resolve_currency,
    to_minor,
)


@dataclass(frozen=True)
class Cur:
    code: str | None
    raw: str | None
    locale: str | None
    expected: str


CURRENCY_FROM_SOURCES = [
    Cur("CNY", None, None, "CNY"),                 # Taobao/JD: the site's currency
    Cur("usd", None, None, "USD"),                 # Amazon CurrencyCode, lower-cased by a spider
    Cur(None, "¥", "ja_JP", "JPY"),                # amazon.co.jp page
    Cur(None, "￥", "ja", "JPY"),                  # full-width yen on a Japanese Shopify store
    Cur(None, "¥", "zh_CN", "CNY"),                # Chinese shop page
    Cur(None, "￥", None, "CNY"),                  # no locale: Chinese marketplaces dominate
    Cur(None, "元", None, "CNY"),
    Cur(None, "円", None, "JPY"),
    Cur(None, "$", "en_US", "USD"),
    Cur(None, "$", None, "USD"),
    Cur(None, "$", "en_CA", "CAD"),
    Cur(None, "$", "zh_TW", "TWD"),
    Cur(None, "$", "en_AU", "AUD"),
    Cur(None, "$", "fr_FR", "USD"),                # a French site quoting dollars
    Cur(None, "US$", "zh_HK", "USD"),
    Cur(None, "HK$", None, "HKD"),
    Cur(None, "€", "de_DE", "EUR"),
    Cur(None, "£", "en_GB", "GBP"),
    Cur(None, "kr", "sv_SE", "SEK"),
    Cur(None, "kr", "nb_NO", "NOK"),
    Cur(None, "EUR", None, "EUR"),                 # an ISO code in the symbol slot
]

REFUSED_CURRENCIES = [
    Cur("XYZ", None, None, "bad_currency"),
    Cur("EURO", None, None, "bad_currency"),
    Cur(None, "@@", None, "bad_currency"),
    Cur(None, None, "zh_CN", "missing_currency"),
    Cur("", "", None, "missing_currency"),
]


def idfn(case: object) -> str:
    return repr(case)


@pytest.mark.parametrize("case", CURRENCY_FROM_SOURCES, ids=idfn)
def test_currency_from_sources(case: Cur) -> None:
    assert resolve_currency(case.code, case.raw, case.locale) == case.expected


@pytest.mark.parametrize("case", REFUSED_CURRENCIES, ids=idfn)
def test_refused_currencies_name_the_reason(case: Cur) -> None:
    with pytest.raises(MoneyError) as caught:
        resolve_currency(case.code, case.raw, case.locale)
    assert caught.value.reason == case.expected


AMOUNTS = [  # (value, locale, amount, symbol)
    (Decimal("96.00"), None, Decimal("96.00"), None),
    (12900, None, Decimal(12900), None),
    ("96.00", None, Decimal("96.00"), None),                   # Taobao string price
    ("¥1,299.00", None, Decimal("1299.00"), "¥"),
    ("1.299,00 €", "de_DE", Decimal("1299.00"), "€"),
    ("1 234,56 zł", "pl_PL", Decimal("1234.56"), "zł"),
    ("US$ 12", None, Decimal(12), "US$"),
    ("１２３元", None, Decimal(123), None),                     # full-width digits
    ("-5", None, Decimal(-5), None),                           # sign kept (price-parser drops it)
    ("¥-5", None, Decimal(-5), "¥"),
    ("− ¥5", None, Decimal(-5), "¥"),
]


@pytest.mark.parametrize(("value", "locale", "amount", "symbol"), AMOUNTS, ids=idfn)
def test_amounts(value: object, locale: str | None, amount: Decimal, symbol: str | None) -> None:
    assert coerce_amount(value, locale=locale) == (amount, symbol)


REFUSED_AMOUNTS = [  # (value, reason)
    (1.5, "bad_price"),                       # a float: money is never a float
    (True, "bad_price"),
    (None, "bad_price"),
    ("abc", "bad_price"),
    ("", "bad_price"),
    ("NaN", "bad_price"),
    (Decimal("NaN"), "bad_price"),
    (Decimal("Infinity"), "bad_price"),
    (Decimal("1E+20"), "absurd_price"),
    ("9" * 300, "bad_price"),                 # longer than any price text
    ([1, 2], "bad_price"),
]


@pytest.mark.parametrize(("value", "reason"), REFUSED_AMOUNTS, ids=idfn)
def test_refused_amounts(value: object, reason: str) -> None:
    with pytest.raises(MoneyError) as caught:
        coerce_amount(value)
    assert caught.value.reason == reason


MINOR_UNITS = [  # (amount, currency, minor)
    (Decimal("96.00"), "CNY", 9600),
    (Decimal("1299"), "JPY", 1299),
    (Decimal("1.234"), "KWD", 1234),
    (Decimal("0.5"), "JPY", 0),          # half-even: to the even neighbour
    (Decimal("1.5"), "JPY", 2),
    (Decimal("2.5"), "JPY", 2),
    (Decimal("12.345"), "USD", 1234),
    (Decimal("12.355"), "USD", 1236),
]


@pytest.mark.parametrize(("amount", "currency", "minor"), MINOR_UNITS, ids=idfn)
def test_minor_units_use_the_currency_exponent(amount: Decimal, currency: str, minor: int) -> None:
    assert to_minor(amount, currency) == minor


def test_exponents_come_from_cldr() -> None:
    assert [currency_exponent(c) for c in ("JPY", "CNY", "USD", "KWD", "KRW")] == [0, 2, 2, 3, 0]
