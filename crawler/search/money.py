"""Money at the edges: minor units ↔ ``Decimal``, MAP strings, and display through babel.

Inside pricewatch money is an integer of minor units plus an ISO 4217 code; only the code that
shows it to a person turns it into text, here.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from babel.numbers import format_currency, format_decimal, get_currency_precision

from crawler.errors import PricewatchError


class BadAmount(PricewatchError):
    """An amount given by a person cannot be expressed in the currency's minor units."""


def exponent(currency: str) -> int:
    """Decimal places of the currency's minor unit (JPY 0, CNY/USD/EUR 2, KWD 3)."""
    return int(get_currency_precision(currency.upper()))


def to_decimal(minor: int, currency: str) -> Decimal:
    """``599900`` CNY → ``Decimal('5999.00')``."""
    return Decimal(minor).scaleb(-exponent(currency))


def to_minor(amount: Decimal | str, currency: str) -> int:
    """``Decimal('5999.5')`` CNY → ``599950``; more decimals than the currency has is an error."""
    try:
        value = Decimal(str(amount).strip())
    except InvalidOperation as exc:
        raise BadAmount(f"{amount!r} is not a number") from exc
    if not value.is_finite() or value < 0:
        raise BadAmount(f"{amount!r} must be a non-negative amount")
    scaled = value.scaleb(exponent(currency))
    if scaled != scaled.to_integral_value():
        raise BadAmount(f"{amount} has more decimals than {currency.upper()} allows "
                        f"({exponent(currency)})")
    return int(scaled)


def parse_money(text: str) -> tuple[int, str]:
    """``"5999.00 CNY"`` → ``(599900, "CNY")`` (the MAP settings format)."""
    amount, _, currency = text.strip().partition(" ")
    currency = currency.strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise BadAmount(f"{text!r}: expected '<amount> <ISO currency>', e.g. '5999.00 CNY'")
    return to_minor(amount, currency), currency


def format_money(minor: int | None, currency: str | None, locale: str = "en_US") -> str:
    """A price for people (``CN¥5,999.00``); an em dash when unknown."""
    if minor is None or not currency:
        return "—"
    return str(format_currency(to_decimal(minor, currency), currency, locale=locale))


def format_change(minor: int | None, currency: str | None, locale: str = "en_US") -> str:
    """A signed price change (``+CN¥20.00``, ``-CN¥5.00``, ``±0``); an em dash when unknown."""
    if minor is None or not currency:
        return "—"
    if minor == 0:
        return "±0"
    sign = "+" if minor > 0 else "-"
    return sign + format_money(abs(minor), currency, locale)


def ratio(numerator: int, denominator: int, places: int = 3) -> Decimal | None:
    """``numerator / denominator`` as a Decimal rounded half-even; None when dividing by 0."""
    if denominator == 0:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(Decimal(1).scaleb(-places))


def format_percent(value: Decimal | None, locale: str = "en_US") -> str:
    """``Decimal('0.125')`` → ``12.5%``."""
    if value is None:
        return "—"
    return str(format_decimal(value * 100, format="#,##0.0", locale=locale)) + "%"
