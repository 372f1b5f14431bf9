"""A whole Listing through normalization: minor units, promo, coupon, effective price, FX, rest.

Coupon cases follow docs/data-model.md ("满300减50": coupon 50, threshold 300); prices are the
platform shapes of ../shared/docs/platform-apis.md (Taobao yuan strings, Amazon JPY, Shopify USD).
"""

# ruff: noqa: E501  (full-width forms are the data; table rows stay one per line)

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from crawler.items import Availability, Listing
from crawler.normalize.fx import RateTable
from crawler.normalize.listing import NormalizeContext, applicable_coupon, normalize_listing
from crawler.validate import Rejected

CTX = NormalizeContext("CNY", RateTable.load())
FETCHED = datetime(2025, 1, 6, 8, 0, tzinfo=UTC)


def listing(**fields: object) -> Listing:
    base: dict[str, object] = {"listing_id": "jd:1", "platform": "jd", "item_id": "1",
                               "url": "https://item.jd.com/1.html", "title": "Sony WH-1000XM5",
                               "currency": "CNY", "fetched_at": FETCHED}
    base.update(fields)
    return Listing(**base)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Eff:
    name: str
    price: str
    coupon: str | None
    threshold: str | None
    shipping: str | None
    effective: int | None
    parts: list[str]


EFFECTIVE_PRICES = [
    Eff("coupon applies 满300减50", "399.00", "50", "300", "0", 34900, ["price", "coupon", "shipping"]),
    Eff("below the threshold", "299.00", "50", "300", "0", 29900, ["price", "shipping"]),
    Eff("unconditional coupon", "99.00", "10", None, "8.00", 9700, ["price", "coupon", "shipping"]),
    Eff("zero threshold", "99.00", "10", "0", "0", 8900, ["price", "coupon", "shipping"]),
    Eff("no coupon known", "99.00", None, None, "12.50", 11150, ["price", "shipping"]),
    Eff("shipping unknown", "99.00", "10", None, None, None, []),
    Eff("coupon as large as price", "10.00", "10", None, "0", 1000, ["price", "shipping"]),
]


@pytest.mark.parametrize("case", EFFECTIVE_PRICES, ids=lambda c: c.name)
def test_effective_price(case: Eff) -> None:
    item = normalize_listing(listing(
        price=Decimal(case.price), shipping=None if case.shipping is None else Decimal(case.shipping),
        coupon_amount=None if case.coupon is None else Decimal(case.coupon),
        coupon_threshold=None if case.threshold is None else Decimal(case.threshold)), CTX)
    assert item.effective_price_minor == case.effective
    assert item.effective_price_parts == case.parts


def test_promo_price_is_the_price_while_below_the_list_price() -> None:
    item = normalize_listing(listing(price=Decimal("279"), list_price=Decimal("349")), CTX)
    assert (item.price_minor, item.list_price_minor, item.promo_price_minor) == (27900, 34900, 27900)
    same = normalize_listing(listing(price=Decimal("349"), list_price=Decimal("349")), CTX)
    assert same.promo_price_minor is None


def test_list_price_below_price_is_kept_with_a_warning() -> None:
    item = normalize_listing(listing(price=Decimal("349"), list_price=Decimal("299")), CTX)
    assert item.promo_price_minor is None
    assert "list_price:below_price" in item.warnings


def test_yen_on_a_japanese_page_is_jpy_and_converted_with_the_dated_rate() -> None:
    item = normalize_listing(listing(
        listing_id="amazon:B0C1", platform="amazon", item_id="B0C1", currency=None,
        currency_raw="￥", locale="ja_JP", price=Decimal("159800"), shipping=Decimal(0)), CTX)
    assert (item.currency, item.price_minor) == ("JPY", 159800)
    assert (item.base_currency, item.fx_date) == ("CNY", "2024-11-25")
    assert item.price_base_minor == 751527
    # The recorded rate reproduces the conversion: ¥159,800 × fx_rate CNY, in fen.
    assert round(Decimal(item.fx_rate or "0") * 159800 * 100) == item.price_base_minor
    assert item.effective_price_base_minor == item.price_base_minor


def test_string_prices_are_read_defensively() -> None:
    item = normalize_listing(listing(currency=None, price="¥1,299.00", locale="zh_CN",
                                     shipping="Free shipping"), CTX)
    assert (item.currency, item.price_minor, item.shipping_minor) == ("CNY", 129900, 0)


def test_too_many_decimals_are_rounded_half_even_with_a_warning() -> None:
    item = normalize_listing(listing(currency="JPY", price=Decimal("1299.5")), CTX)
    assert item.price_minor == 1300
    assert "price:rounded" in item.warnings


def test_a_currency_without_a_rate_keeps_its_own_prices() -> None:
    item = normalize_listing(listing(currency="TWD", price=Decimal("39900")), CTX)
    assert item.price_minor == 3990000
    assert item.price_base_minor is None and item.fx_rate is None
    assert "fx:no_rate" in item.warnings


def test_the_other_fields() -> None:
    item = normalize_listing(listing(
        title="【包邮】索尼 WH-1000XM5 头戴式降噪耳机 黑色 &amp; 收纳盒", price=Decimal("2299"),
        gtin="4548736132580", availability="有货", brand=" Sony ",
        variant_attributes={"颜色分类": "黑色"}), CTX)
    assert item.title == "【包邮】索尼 WH-1000XM5 头戴式降噪耳机 黑色 &amp; 收纳盒"  # untouched
    assert item.title_clean == "索尼 WH-1000XM5 头戴式降噪耳机 黑色 & 收纳盒"
    assert item.availability is Availability.IN_STOCK
    assert item.gtin == "4548736132580" and item.brand == "Sony"
    assert item.variant_attributes == {"color": "black"}


def test_bad_gtin_is_dropped_with_a_warning() -> None:
    item = normalize_listing(listing(price=Decimal(1), gtin="4548736132581"), CTX)
    assert item.gtin is None and "gtin:bad_check_digit" in item.warnings


def test_unrecognized_availability_with_stock_count() -> None:
    item = normalize_listing(listing(price=Decimal(1), availability="ask us", stock_qty=0), CTX)
    assert item.availability is Availability.OUT_OF_STOCK
    assert "availability:unrecognized" in item.warnings


def test_a_naive_fetch_time_is_taken_as_utc() -> None:
    item = normalize_listing(listing(price=Decimal(1), fetched_at=datetime(2025, 1, 1)), CTX)
    assert item.fetched_at == datetime(2025, 1, 1, tzinfo=UTC)


def test_unreadable_money_is_rejected_not_crashed() -> None:
    with pytest.raises(Rejected) as caught:
        normalize_listing(listing(price=Decimal(1), shipping="ask the seller"), CTX)
    assert (caught.value.reason, caught.value.field) == ("bad_price", "shipping")


@pytest.mark.parametrize(("price", "coupon", "threshold", "expected"), [
    (39900, 5000, 30000, 5000), (29900, 5000, 30000, 0), (1000, 1000, None, 0), (1000, None, None, 0)])
def test_applicable_coupon(price: int, coupon: int | None, threshold: int | None,
                           expected: int) -> None:
    assert applicable_coupon(price, coupon, threshold) == expected
