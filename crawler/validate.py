"""Validation: refuse a Listing that cannot be published, with a reason named for what happened.

``validate_listing`` checks required fields, types, sane ranges (no negative, zero or absurd
prices, a known ISO currency, an http(s) URL) and returns the warnings for what is doubtful but
kept; a refusal raises ``Rejected(reason, field, detail)``. ``check_plausibility`` compares a
listing's price with its previous stored state (a 100× jump is held as suspect, not published as a
price change); the index step calls ``mark_suspect`` after its one ``mget`` per batch.
Reasons are listed in ``REASONS`` and docs/pipelines.md.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from crawler.items import Availability, Listing
from crawler.normalize.availability import availability_from
from crawler.normalize.fx import NoRate, RateTable
from crawler.normalize.money import to_minor
from crawler.normalize.titles import strip_markup

#: Every reason a listing can be refused for, with what it means.
REASONS: dict[str, str] = {
    "not_a_listing": "the item is not a crawler.items.Listing",
    "missing_listing_id": "listing_id, platform or item_id is empty",
    "bad_listing_id": "listing_id is not platform:item_id[:variant_id]",
    "missing_url": "no product URL",
    "bad_url": "the URL is not an absolute http(s) URL",
    "missing_title": "no title, or a title that is only markup/whitespace",
    "missing_price": "no price, and the listing is neither delisted nor out of stock",
    "bad_price": "a money field is not a readable finite amount (or is a float)",
    "negative_price": "a money field is negative",
    "zero_price": "the price is zero",
    "absurd_price": "the price is beyond the configured ceiling (in the base currency)",
    "missing_currency": "no currency code and no currency symbol",
    "bad_currency": "the currency is not an ISO 4217 code or a known symbol",
    "bad_type": "a field has the wrong type (e.g. a list where text belongs)",
}

MAX_URL = 2048

#: What ``str.isspace`` calls whitespace (re's ``\s`` on str is the same set) or a C0 control.
_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f]")

#: An http(s) URL with an ASCII host name or IPv4 address, no whitespace or control: nearly every
#: listing's, and one whose ``urlsplit`` answer is known (scheme http(s), a host), so it passes
#: without it (``urlsplit`` + ``hostname`` were a twentieth of the pipelines' time).
_PLAIN_HTTP_URL = re.compile(
    r"https?://[A-Za-z0-9][A-Za-z0-9.-]*(?::\d{1,5})?(?:[/?#][^\s\x00-\x1f]*)?\Z")


class Rejected(Exception):
    """A listing refused: ``reason`` (a key of ``REASONS``), the ``field`` at fault, ``detail``."""

    def __init__(self, reason: str, field: str | None, detail: str) -> None:
        super().__init__(f"{reason} ({field}): {detail}" if field else f"{reason}: {detail}")
        self.reason = reason
        self.field = field
        self.detail = detail


@dataclass(frozen=True)
class Limits:
    """The configured bounds validation checks against."""

    base_currency: str = "CNY"
    max_price_base: Decimal = Decimal(10_000_000)
    """Ceiling for one unit's price, in major units of the base currency."""
    rates: RateTable | None = None
    suspect_jump_factor: Decimal = Decimal(10)


def validate_listing(listing: object, limits: Limits) -> list[str]:
    """Raise ``Rejected`` for a listing that cannot be published; return its warnings."""
    if not isinstance(listing, Listing):
        raise Rejected("not_a_listing", None, f"got {type(listing).__name__}")
    _identity(listing)
    if is_delisted_marker(listing):
        if listing.url is not None:  # None: the id has no page; the index keeps the stored URL
            _url(listing)
        return []  # the platform says the item is gone: nothing else to check
    _url(listing)
    _title(listing)
    warnings = _money(listing, limits)
    if listing.fetched_at is not None and not isinstance(listing.fetched_at, datetime):
        raise Rejected("bad_type", "fetched_at", "fetched_at is not a datetime")
    if isinstance(listing.fetched_at, datetime) and listing.fetched_at.tzinfo is None:
        warnings.append("fetched_at:naive_assumed_utc")
    return warnings


def is_delisted_marker(listing: Listing) -> bool:
    """A "this item is gone" record without an offer (a spider's NOT_FOUND / 404 answer): no
    title, price or currency to check; the index keeps the listing's last known values."""
    return listing.delisted and listing.price is None and not listing.title


def _text(value: object, field: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Rejected("bad_type", field, f"{field} is {type(value).__name__}, not text")
    return value.strip()


def _identity(listing: Listing) -> None:
    platform = _text(listing.platform, "platform")
    listing_id = _text(listing.listing_id, "listing_id")
    if not platform or not listing_id or not str(listing.item_id or "").strip():
        raise Rejected("missing_listing_id", "listing_id",
                       f"listing_id={listing_id!r} platform={platform!r}")
    if not listing_id.startswith(f"{platform}:") or len(listing_id) > 512:
        raise Rejected("bad_listing_id", "listing_id",
                       f"{listing_id[:80]!r} does not start with {platform!r}:")


def _url(listing: Listing) -> None:
    url = _text(listing.url, "url")
    if not url:
        raise Rejected("missing_url", "url", "no product URL")
    if len(url) <= MAX_URL and _PLAIN_HTTP_URL.match(url):
        return
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError as exc:
        raise Rejected("bad_url", "url", f"{url[:120]!r}: {exc}") from exc
    if parts.scheme not in ("http", "https") or not host or len(url) > MAX_URL:
        raise Rejected("bad_url", "url", f"not an absolute http(s) URL: {url[:120]!r}")
    if _SPACE_OR_CONTROL.search(url):
        raise Rejected("bad_url", "url", f"whitespace or control characters in {url[:120]!r}")


def _title(listing: Listing) -> None:
    title = _text(listing.title, "title")
    # A title of only promo noise (【包邮】) passes: there is a title to show, nothing to match on.
    if not strip_markup(title).strip():
        raise Rejected("missing_title", "title", "no title text" if not title else
                       f"title is only markup: {title[:80]!r}")


def _money(listing: Listing, limits: Limits) -> list[str]:
    # Late import: normalize.listing imports Rejected from here.
    from crawler.normalize.listing import amount_of, listing_currency

    warnings: list[str] = []
    currency = listing_currency(listing)
    amounts = {name: amount_of(listing, name) for name in
               ("price", "list_price", "coupon_amount", "coupon_threshold", "shipping")}
    price = amounts["price"]
    if price is None:
        sold_out = availability_from(listing.availability, listing.platform)
        if listing.delisted or sold_out is Availability.OUT_OF_STOCK:
            return warnings
        raise Rejected("missing_price", "price", "no price on an offer that is for sale")
    if to_minor(price, currency) == 0:  # 0.01 JPY rounds to nothing as well
        raise Rejected("zero_price", "price", f"price {price} {currency} is 0 in minor units")
    ceiling = _ceiling(currency, limits)
    if ceiling is not None and price > ceiling:
        raise Rejected("absurd_price", "price",
                       f"{price} {currency} is above the ceiling of {limits.max_price_base} "
                       f"{limits.base_currency}")
    if amounts["list_price"] is not None and amounts["list_price"] < price:
        warnings.append("list_price:below_price")
    return warnings


def _ceiling(currency: str, limits: Limits) -> Decimal | None:
    """``max_price_base`` expressed in ``currency`` (None when no rate is known)."""
    if currency == limits.base_currency:
        return limits.max_price_base
    if limits.rates is None:
        return None
    try:
        rate = limits.rates.rate(limits.base_currency, currency)
    except NoRate:
        return None
    return limits.max_price_base * rate.rate


# --- plausibility against the listing's own history -------------------------------------------

SUSPECT_WARNING = "price:suspect_jump"


def check_plausibility(current: Mapping[str, Any], previous: Mapping[str, Any] | None,
                       factor: Decimal | int | float = 10) -> str | None:
    """``SUSPECT_WARNING`` when the price moved by ``factor``× or more against ``previous``.

    Compares ``price_minor`` in the same currency, else ``price_base_minor``. ``previous`` is
    the stored listing: while a price is held, the index step keeps the last published price
    there (and the held one in ``held_price_minor``), so the reference stays the trusted price;
    deciding that a repeated suspect price is real is the index step's (crawler/indexing).
    """
    if not previous:
        return None
    pair = _comparable(current, previous)
    if pair is None:
        return None
    new, old = pair
    factor = Decimal(str(factor))
    if new >= old * factor or old >= new * factor:
        return SUSPECT_WARNING
    return None


def _comparable(current: Mapping[str, Any], previous: Mapping[str, Any]) -> tuple[int, int] | None:
    if current.get("currency") == previous.get("currency"):
        new, old = current.get("price_minor"), previous.get("price_minor")
    else:
        new, old = current.get("price_base_minor"), previous.get("price_base_minor")
    if not isinstance(new, int) or not isinstance(old, int) or new <= 0 or old <= 0:
        return None
    return new, old


def mark_suspect(doc: MutableMapping[str, Any], previous: Mapping[str, Any] | None,
                 factor: Decimal | int | float = 10) -> bool:
    """Set ``price_suspect`` (and the warning) on a listing document; True when suspect."""
    warning = check_plausibility(doc, previous, factor)
    doc["price_suspect"] = warning is not None
    if warning is not None:
        warnings = list(doc.get("warnings") or [])
        if warning not in warnings:
            warnings.append(warning)
        doc["warnings"] = warnings
    return warning is not None
