"""Money as pages write it → ``Money`` (Decimal major units + ISO code or the symbol as shown).

Structured values (``"1299.00"``, ``1299``) are read as plain decimals; shown texts (``¥1,299.00``,
``1.299,00 €``, ``$1,099.99``, ``￥99``, a range ``¥99-199``) go through price-parser with the
site's decimal separator (from the locale, CLDR via babel) and the currency hints of the page
(``priceCurrency``, ``og:price:currency``). A symbol that several currencies share (``¥``, ``$``)
is resolved with the locale (``¥`` is JPY on ``ja`` sites, CNY elsewhere); one that cannot be
resolved stays in ``currency_raw`` for the normalize stage. Coupon and shipping texts have their
own readers because their numbers are not prices (满300减50, ``Free shipping``).
"""

# ruff: noqa: RUF001  (full-width forms are the data here)

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from babel.numbers import get_decimal_symbol
from price_parser import Price

from crawler.normalize.money import (
    UNAMBIGUOUS_SYMBOLS,
    MoneyError,
    known_currencies,
    resolve_currency,
)

#: A plain decimal as structured data writes it (schema.org asks for ``.`` and no symbol).
PLAIN_NUMBER = re.compile(r"^\s*-?\d+(\.\d+)?\s*$")
#: A number as shown (``1,299.00``, ``1 299``); two joined by a range mark make a range.
NUMBER = re.compile(r"\d[\d.,\s]*\d|\d")
RANGE_MARKS = frozenset({"-", "–", "—", "~", "～", "〜", "至", "to", "bis"})
#: What may stand around a range mark besides it: spaces, symbols and ISO codes.
SYMBOLS = re.compile(r"\s|[$€¥￥£₩₹]|\b[A-Z]{3}\b")
FREE_SHIPPING = re.compile(
    r"free\s+(shipping|delivery)|kostenlose[rn]?\s+versand|versandkostenfrei|免运费|包邮|"
    r"送料無料|livraison\s+gratuite",
    re.I,
)
SHIPPING_UNKNOWN = re.compile(
    r"calculated\s+at\s+checkout|an\s+der\s+kasse\s+berechnet|購入手続き時に計算|"
    r"calculés?\s+lors\s+du\s+paiement",
    re.I,
)
COUPON_THRESHOLD = re.compile(r"满\s*(\d+(?:\.\d+)?)\s*(?:元)?\s*减\s*(\d+(?:\.\d+)?)")
COUPON_UNCONDITIONAL = re.compile(r"(?:无门槛|立)减\s*(\d+(?:\.\d+)?)")


@dataclass(frozen=True)
class Money:
    """An amount in major units and its currency (ISO when known, else the shown symbol)."""

    amount: Decimal
    currency: str | None = None
    """ISO 4217 code, when the page says it or the symbol names exactly one currency."""
    currency_raw: str | None = None
    """The symbol as shown when it could not be resolved to a code (``¥`` without a locale)."""
    is_range: bool = False
    """The text held a range (``¥99-199``): ``amount`` is its low end."""


def decimal_separator(locale: str | None) -> str | None:
    """``.`` or ``,`` for the locale (CLDR), or None to let price-parser guess."""
    if not locale:
        return None
    try:
        symbol = get_decimal_symbol(locale)
    except (ValueError, TypeError, LookupError):
        return None
    return symbol if symbol in (".", ",") else None


def structured_amount(value: object) -> Decimal | None:
    """A structured price value (``"1299.00"``, 1299, 12.5) as Decimal; None when not a number."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float):  # JSON numbers from extruct: the shortest repr is the literal
        value = repr(value)
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, str) and PLAIN_NUMBER.match(value):
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            return None
    return None


def parse_money(
    value: object, *, currency: str | None = None, locale: str | None = None
) -> Money | None:
    """A structured value or a shown text as Money; None when it holds no amount.

    ``currency`` is the page's ISO hint; it wins over an ambiguous symbol, never over an
    unambiguous one (a ``€`` text on a USD page stays EUR).
    """
    amount = structured_amount(value)
    if amount is not None:
        return Money(amount, iso_currency(currency))
    if not isinstance(value, str) or not value.strip():
        return None
    text = " ".join(value.split())
    price = Price.fromstring(
        text, currency_hint=currency, decimal_separator=decimal_separator(locale)
    )
    if price.amount is None:
        return None
    code, raw = resolve_symbol(price.currency, currency, locale)
    return Money(price.amount, code, raw, is_range=is_range(text))


def is_range(text: str) -> bool:
    """Whether the text shows two amounts joined by a range mark (``¥99-199``, ``$5 to $9``)."""
    numbers = list(NUMBER.finditer(text))
    if len(numbers) < 2:
        return False
    between = text[numbers[0].end() : numbers[1].start()]
    return SYMBOLS.sub("", between).lower() in RANGE_MARKS


def iso_currency(code: str | None) -> str | None:
    """``code`` upper-cased when it is an ISO 4217 code CLDR knows, else None."""
    if not code:
        return None
    upper = code.strip().upper()
    return upper if upper in known_currencies() else None


def resolve_symbol(
    symbol: str | None, hint: str | None, locale: str | None
) -> tuple[str | None, str | None]:
    """``(iso, raw)`` for a shown symbol.

    A symbol of one currency (``€``, ``US$``, ``EUR``) names it; an ambiguous one (``¥``, ``$``)
    takes the page's ISO hint, else the locale's reading (the same rule the normalize stage
    applies); without either it stays raw.
    """
    hint_code = iso_currency(hint)
    if not symbol or not symbol.strip():
        return hint_code, None
    shown = symbol.strip().replace("＄", "$")
    own = iso_currency(shown) if len(shown) == 3 else UNAMBIGUOUS_SYMBOLS.get(shown)
    if own:
        return own, None
    if hint_code:
        return hint_code, None
    if not locale:
        return None, shown
    try:
        return resolve_currency(None, shown, locale), None
    except MoneyError:
        return None, shown


def parse_shipping(
    text: str | None, *, currency: str | None = None, locale: str | None = None
) -> tuple[Money | None, bool]:
    """``(money, known)``: ``Free shipping`` → 0, ``Shipping: $4.99`` → 4.99, ``Shipping
    calculated at checkout.`` → unknown (None, False); no text → (None, False)."""
    if not text or not text.strip():
        return None, False
    if SHIPPING_UNKNOWN.search(text):
        return None, False
    if FREE_SHIPPING.search(text):
        return Money(Decimal(0), iso_currency(currency)), True
    money = parse_money(text, currency=currency, locale=locale)
    return money, money is not None


def parse_coupon(
    text: str | None, *, currency: str | None = None, locale: str | None = None
) -> tuple[Money, Money | None] | None:
    """``(amount, threshold)`` of a coupon text; threshold None when unconditional.

    ``满300减50`` → (50, 300); ``无门槛减50`` → (50, None); ``Save $10.00 with coupon`` /
    ``￥620 OFF クーポン`` → (10, None). Percent coupons (``Save 5%``) are not amounts: None.
    """
    if not text or not text.strip() or "%" in text:
        return None
    code = iso_currency(currency)
    if match := COUPON_THRESHOLD.search(text):
        return Money(Decimal(match.group(2)), code), Money(Decimal(match.group(1)), code)
    if match := COUPON_UNCONDITIONAL.search(text):
        return Money(Decimal(match.group(1)), code), None
    money = parse_money(text, currency=currency, locale=locale)
    return (money, None) if money is not None and money.amount > 0 else None
