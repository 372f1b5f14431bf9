"""Money as extracted (Decimal, or defensively a string) → ISO currency and integer minor units.

Currency exponents come from CLDR through babel (JPY 0, CNY 2, KWD 3). A symbol is read with the
site's locale: ``¥``/``￥`` is JPY on Japanese sites and CNY elsewhere, ``$`` is the dollar of the
locale's territory (CAD on en_CA, TWD on zh_TW) and USD without one. Every failure is a
``MoneyError`` whose ``reason`` names what happened (see docs/pipelines.md, "Reject reasons").
"""

# ruff: noqa: RUF001  (full-width forms and dashes are the data here)

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from functools import lru_cache

from babel.core import Locale, UnknownLocaleError
from babel.numbers import (
    get_currency_precision,
    get_currency_symbol,
    get_decimal_symbol,
    get_territory_currencies,
    list_currencies,
)
from price_parser import Price

#: Largest number of integer digits we even try to hold: beyond it a value is garbage, not money.
MAX_DIGITS = 15


class MoneyError(ValueError):
    """A money value or currency that cannot be read; ``reason`` is the reject reason."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


#: Symbols and words that name exactly one currency, whatever the site's locale.
UNAMBIGUOUS_SYMBOLS: dict[str, str] = {
    "US$": "USD", "U$S": "USD", "USD$": "USD",
    "CN¥": "CNY", "CN￥": "CNY", "RMB": "CNY", "元": "CNY", "人民币": "CNY",
    "JP¥": "JPY", "JP￥": "JPY", "円": "JPY", "圓": "JPY",
    "€": "EUR", "£": "GBP", "₩": "KRW", "원": "KRW", "₹": "INR", "₽": "RUB", "₺": "TRY",
    "₫": "VND", "₱": "PHP", "฿": "THB", "₪": "ILS", "₴": "UAH", "zł": "PLN", "Kč": "CZK",
    "C$": "CAD", "CA$": "CAD", "A$": "AUD", "AU$": "AUD", "NZ$": "NZD", "HK$": "HKD",
    "NT$": "TWD", "S$": "SGD", "SG$": "SGD", "MX$": "MXN", "R$": "BRL", "RM": "MYR",
    "Fr.": "CHF", "SFr.": "CHF", "Rp": "IDR",
}

#: Symbols several currencies share: the locale decides, else this default.
AMBIGUOUS_DEFAULTS: dict[str, str] = {"$": "USD", "¥": "CNY", "kr": "SEK", "kr.": "DKK"}


@lru_cache(maxsize=1)
def known_currencies() -> frozenset[str]:
    """ISO 4217 codes CLDR knows (current and historic)."""
    return frozenset(list_currencies())


@lru_cache(maxsize=512)  # CLDR data do not change while we run; asked ~10 times per listing
def currency_exponent(currency: str) -> int:
    """Digits after the decimal point in ``currency``'s minor unit (CLDR via babel)."""
    return int(get_currency_precision(currency))


def resolve_currency(currency: str | None, raw: str | None, locale: str | None) -> str:
    """The ISO code from an explicit code, else from the raw symbol read with the locale."""
    if currency not in (None, ""):
        code = str(currency).strip().upper()
        if code in known_currencies():
            return code
        raise MoneyError("bad_currency", f"{currency!r} is not an ISO 4217 currency code")
    if raw in (None, ""):
        raise MoneyError("missing_currency", "neither a currency code nor a currency symbol")
    return _currency_from_symbol(str(raw).strip(), locale)


def _currency_from_symbol(symbol: str, locale: str | None) -> str:
    if symbol.upper() in known_currencies() and len(symbol) == 3:
        return symbol.upper()
    symbol = symbol.replace("＄", "$").replace("€", "€")
    if symbol in UNAMBIGUOUS_SYMBOLS:
        return UNAMBIGUOUS_SYMBOLS[symbol]
    if symbol in ("¥", "￥"):
        return "JPY" if _is_japanese(locale) else "CNY"
    if symbol in AMBIGUOUS_DEFAULTS:
        return _territory_currency(symbol, locale) or AMBIGUOUS_DEFAULTS[symbol]
    raise MoneyError("bad_currency", f"unknown currency symbol {symbol[:20]!r}")


def _parse_locale(locale: str | None) -> Locale | None:
    if not locale:
        return None
    return _locale(str(locale).replace("-", "_"))


@lru_cache(maxsize=256)
def _locale(identifier: str) -> Locale | None:
    """``Locale.parse`` once per identifier: it costs ~0.15 ms and every listing asked it twice
    (validate and normalize), an eighth of the pipelines' time on JD pages."""
    try:
        return Locale.parse(identifier)
    except (ValueError, TypeError, UnknownLocaleError):
        return None


def _is_japanese(locale: str | None) -> bool:
    parsed = _parse_locale(locale)
    return parsed is not None and (parsed.language == "ja" or parsed.territory == "JP")


def _territory_currency(symbol: str, locale: str | None) -> str | None:
    """The locale's territory currency when it is written with ``symbol`` (``$`` → CAD on en_CA)."""
    parsed = _parse_locale(locale)
    if parsed is None or not parsed.territory:
        return None
    for code in get_territory_currencies(parsed.territory):
        shown = {get_currency_symbol(code, parsed), get_currency_symbol(code, "en")}
        if any(s == symbol or s.endswith(symbol) for s in shown):
            return str(code)
    return None


def coerce_amount(value: object, *, locale: str | None = None) -> tuple[Decimal, str | None]:
    """A finite Decimal from a Decimal/int/str (str via price-parser), plus any symbol it held.

    Floats are refused: money is never a float, and a float here is a spider bug to fix.
    """
    if isinstance(value, bool) or value is None:
        raise MoneyError("bad_price", f"not an amount: {value!r}")
    if isinstance(value, float):
        raise MoneyError("bad_price", f"float amount {value!r}: spiders must emit Decimal")
    if isinstance(value, int):
        return _checked(Decimal(value)), None
    if isinstance(value, Decimal):
        return _checked(value), None
    if isinstance(value, str):
        return _parse_text(value, locale)
    raise MoneyError("bad_price", f"unsupported amount type {type(value).__name__}")


#: The first minus sign or digit of the text: a minus first means a negative amount.
_SIGN_OR_DIGIT = re.compile(r"[-−‐–\d]")


def _parse_text(text: str, locale: str | None) -> tuple[Decimal, str | None]:
    if len(text) > 200:
        raise MoneyError("bad_price", f"price text too long ({len(text)} characters)")
    decimal_separator = None
    parsed_locale = _parse_locale(locale)
    if parsed_locale is not None:
        decimal_separator = get_decimal_symbol(parsed_locale)
        if decimal_separator not in (".", ","):
            decimal_separator = None
    price = Price.fromstring(text, decimal_separator=decimal_separator)
    if price.amount is None:
        raise MoneyError("bad_price", f"no amount in {text[:80]!r}")
    amount = _checked(price.amount)
    first = _SIGN_OR_DIGIT.search(text)
    if first is not None and not first.group().isdigit():  # price-parser drops the sign
        amount = -amount
    return amount, price.currency


def _checked(amount: Decimal) -> Decimal:
    if not amount.is_finite():
        raise MoneyError("bad_price", f"not a finite amount: {amount}")
    if amount.adjusted() >= MAX_DIGITS:
        raise MoneyError("absurd_price", f"amount {amount:.3E} has more than {MAX_DIGITS} digits")
    return amount


def to_minor(amount: Decimal, currency: str) -> int:
    """``amount`` in minor units of ``currency``, rounded half-even to the currency's exponent."""
    exponent = currency_exponent(currency)
    try:
        scaled = amount.scaleb(exponent).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
    except InvalidOperation as exc:
        raise MoneyError("bad_price", f"cannot scale {amount} to {currency}") from exc
    return int(scaled)


def from_minor(minor: int, currency: str) -> Decimal:
    """Minor units back to a Decimal in major units (for display and conversion)."""
    return Decimal(minor).scaleb(-currency_exponent(currency))
