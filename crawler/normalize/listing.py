"""Apply every normalization to one Listing: money, currency conversion, availability, GTIN,
title, variants. Mutates and returns the Listing; a value that cannot be read raises ``Rejected``.

Money rules (docs/data-model.md, "Money"): each extracted amount becomes ``*_minor`` in the
currency's own exponent; ``promo_price_minor`` is the price while it is below the list price; a
coupon applies when the price reaches its threshold and never makes the price negative;
``effective_price_minor = price − applicable coupon + shipping`` when price and shipping are known,
with ``effective_price_parts`` naming the parts used.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from crawler.items import Availability, Listing
from crawler.normalize.availability import availability_from
from crawler.normalize.fx import NoRate, RateTable
from crawler.normalize.gtin import normalize_gtin
from crawler.normalize.money import (
    MoneyError,
    coerce_amount,
    currency_exponent,
    resolve_currency,
    to_minor,
)
from crawler.normalize.titles import clean_title
from crawler.normalize.variants import fold_text, normalize_variant_attributes, variants_from_title
from crawler.validate import Rejected, is_delisted_marker

#: Extracted money field → its normalized ``*_minor`` field.
MINOR_FIELDS = {
    "price": "price_minor",
    "list_price": "list_price_minor",
    "coupon_amount": "coupon_minor",
    "coupon_threshold": "coupon_threshold_minor",
    "shipping": "shipping_minor",
}


@dataclass(frozen=True)
class NormalizeContext:
    """What normalization needs besides the Listing: the base currency and the rate table."""

    base_currency: str
    rates: RateTable


def normalize_listing(listing: Listing, ctx: NormalizeContext) -> Listing:
    """Fill the normalized fields of ``listing`` (in place) and return it."""
    if not is_delisted_marker(listing):  # a "gone" marker carries no money to normalize
        _money(listing)
        _effective_price(listing)
        _convert(listing, ctx)
    _availability(listing)
    _identity(listing)
    _text(listing)
    if listing.fetched_at is not None and listing.fetched_at.tzinfo is None:
        listing.fetched_at = listing.fetched_at.replace(tzinfo=UTC)
        _warn(listing, "fetched_at:naive_assumed_utc")
    return listing


def listing_currency(listing: Listing) -> str:
    """The ISO currency of the listing's amounts (code, else symbol + locale, else price text)."""
    raw = listing.currency_raw
    if listing.currency in (None, "") and raw in (None, "") and isinstance(listing.price, str):
        try:
            raw = coerce_amount(listing.price, locale=listing.locale)[1]
        except MoneyError:
            raw = None
    try:
        return resolve_currency(listing.currency, raw, listing.locale)
    except MoneyError as exc:
        raise Rejected(exc.reason, "currency", exc.detail) from exc


def amount_of(listing: Listing, name: str) -> Decimal | None:
    """The extracted amount of field ``name`` as a Decimal (None when absent)."""
    value = getattr(listing, name)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        amount, _ = coerce_amount(value, locale=listing.locale)
    except MoneyError as exc:
        raise Rejected(exc.reason, name, exc.detail) from exc
    if amount < 0:
        raise Rejected("negative_price", name, f"{name} is negative: {amount}")
    return amount


def _money(listing: Listing) -> None:
    currency = listing_currency(listing)
    listing.currency = currency
    for name, minor_name in MINOR_FIELDS.items():
        amount = amount_of(listing, name)
        if amount is None:
            setattr(listing, minor_name, None)
            continue
        minor = to_minor(amount, currency)
        if Decimal(minor) != amount.scaleb(currency_exponent(currency)):
            _warn(listing, f"{name}:rounded")  # more decimals than the currency has
        setattr(listing, minor_name, minor)
    price, list_price = listing.price_minor, listing.list_price_minor
    if price == 0:
        raise Rejected("zero_price", "price", f"price {listing.price} {currency} is 0")
    listing.promo_price_minor = (
        price if price is not None and list_price is not None and price < list_price else None)
    if price is not None and list_price is not None and list_price < price:
        _warn(listing, "list_price:below_price")


def applicable_coupon(price: int, coupon: int | None, threshold: int | None) -> int:
    """The coupon discount one unit at ``price`` gets (0 when none applies)."""
    if not coupon:
        return 0
    if threshold and price < threshold:
        return 0
    return coupon if coupon < price else 0


def _effective_price(listing: Listing) -> None:
    price, shipping = listing.price_minor, listing.shipping_minor
    listing.effective_price_minor = None
    listing.effective_price_parts = []
    if price is None or shipping is None:
        return
    coupon = applicable_coupon(price, listing.coupon_minor, listing.coupon_threshold_minor)
    if listing.coupon_minor and coupon == 0 and listing.coupon_minor >= price:
        _warn(listing, "coupon:exceeds_price")
    parts = ["price", *(["coupon"] if coupon else []), "shipping"]
    listing.effective_price_minor = price - coupon + shipping
    listing.effective_price_parts = parts


def _convert(listing: Listing, ctx: NormalizeContext) -> None:
    listing.base_currency = ctx.base_currency
    listing.price_base_minor = listing.effective_price_base_minor = None
    listing.fx_rate = listing.fx_date = None
    if listing.currency is None or listing.price_minor is None:
        return
    day = listing.fetched_at.astimezone(UTC).date() if _aware(listing.fetched_at) else None
    try:
        rate = ctx.rates.rate(listing.currency, ctx.base_currency, day)
    except NoRate:
        _warn(listing, "fx:no_rate")
        return
    listing.fx_rate = format(rate.rate, "f")
    listing.fx_date = rate.day.isoformat()
    listing.price_base_minor = rate.convert_minor(listing.price_minor)
    if listing.effective_price_minor is not None:
        listing.effective_price_base_minor = rate.convert_minor(listing.effective_price_minor)


def _aware(moment: object) -> bool:
    return isinstance(moment, datetime) and moment.tzinfo is not None


def _availability(listing: Listing) -> None:
    raw = listing.availability
    value = availability_from(raw, listing.platform)
    if value is None:
        if raw not in (None, ""):
            _warn(listing, "availability:unrecognized")
        value = Availability.UNKNOWN
    if value is Availability.UNKNOWN and isinstance(listing.stock_qty, int):
        value = Availability.IN_STOCK if listing.stock_qty > 0 else Availability.OUT_OF_STOCK
    listing.availability = value


def _identity(listing: Listing) -> None:
    gtin, warning = normalize_gtin(listing.gtin)
    listing.gtin = gtin
    if warning:
        _warn(listing, warning)
    listing.brand = fold_text(listing.brand) or None if listing.brand is not None else None
    listing.model = fold_text(listing.model) or None if listing.model is not None else None


def _text(listing: Listing) -> None:
    listing.title_clean = clean_title(listing.title) or None
    attributes = normalize_variant_attributes(listing.variant_attributes)
    for key, value in variants_from_title(listing.title_clean or "").items():
        attributes.setdefault(key, value)
    listing.variant_attributes = attributes


def _warn(listing: Listing, warning: str) -> None:
    if warning not in listing.warnings:
        listing.warnings.append(warning)
