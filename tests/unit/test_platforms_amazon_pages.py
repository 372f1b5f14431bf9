"""Amazon product pages → fields, one test per field, over saved pages (tests/cases/amazon/page-*).

Cases are recordings from the fixture marketplace (US and JP: coupon, list price, shipping, low
stock, pre-order, out of stock; a 404; CAPTCHA and 403 anti-bot answers) and variants made by hand
(price only in ``.a-price-whole``/``.a-price-fraction``, coupon only in the badge text). Expected
values are the marketplace's truth (money in major units) and the texts as shown.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from crawler.items import Availability
from crawler.platforms.amazon.pages import AmazonPageReader, AmazonProductPage
from crawler.platforms.base import Answer, PageTarget, Watch
from tests.support.amazon_cases import load, names

LISTING_CASES = [n for n in names("page-") if "price" in load(n).output]
FIELDS = ["title", "brand", "model", "seller_id", "seller_name", "currency", "price",
          "list_price", "coupon_amount", "shipping", "availability", "stock_qty", "rating",
          "rating_scale", "review_count", "variant_attributes"]
MONEY = {"price", "list_price", "coupon_amount", "shipping"}


def target(name: str) -> PageTarget:
    case = load(name)
    asin = case.answer.url.rstrip("/").rsplit("/", 1)[-1]
    return PageTarget("amazon", case.answer.url, asin)


def fields(name: str) -> dict[str, Any]:
    result = AmazonPageReader().read(target(name), load(name).answer)
    assert result.records, result
    return result.records[0]


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("name", LISTING_CASES)
def test_page_field(name: str, field: str) -> None:
    expected = load(name).output[field]
    got = fields(name).get(field)
    if field in MONEY and expected is not None:
        assert isinstance(got, Decimal), got
        assert got == Decimal(expected)
    elif field == "availability":
        assert got == Availability(expected)
    else:
        assert got == expected


@pytest.mark.parametrize("name", LISTING_CASES)
def test_page_identity(name: str) -> None:
    record, case = fields(name), load(name)
    assert record["item_id"] == target(name).item_id
    assert record.get("variant_id") is None
    assert record["url"] == case.answer.url
    assert record["locale"] == ("ja_JP" if "/jp/" in case.answer.url else "en_US")


@pytest.mark.parametrize("name", LISTING_CASES)
def test_page_results_are_confident_listings(name: str) -> None:
    result = AmazonPageReader().read(target(name), load(name).answer)
    assert (result.blocked, result.not_found, result.needs_browser) == (None, False, False)
    assert result.problems == [] and result.confidence == 1.0


def test_currency_symbols_as_shown() -> None:
    assert fields("page-us-coupon-low-stock")["currency_raw"] == "$"
    assert fields("page-jp-low-stock")["currency_raw"] == "￥"


@pytest.mark.parametrize("name", ["page-blocked-200", "page-blocked-403"])
def test_anti_bot_answers_are_blocked_not_listings(name: str) -> None:
    result = AmazonPageReader().read(target(name), load(name).answer)
    assert result.blocked
    assert result.records == []


def test_a_404_page_is_not_found() -> None:
    result = AmazonPageReader().read(target("page-not-found"), load("page-not-found").answer)
    assert result.not_found and result.records == []


def test_a_5xx_page_is_a_problem_not_a_listing() -> None:
    answer = Answer("http://marketplace.test/amazon/us/dp/B074PSYPXE", 503, {}, b"<html></html>")
    result = AmazonPageReader().read(PageTarget("amazon", answer.url, "B074PSYPXE"), answer)
    assert result.records == [] and result.problems == ["http:503"]


def test_a_product_page_without_a_static_price_needs_a_browser() -> None:
    case = load("page-us-split-price")
    html = case.answer.text.replace('class="a-price-whole"', 'class="x"')
    answer = Answer(case.answer.url, 200, {}, html.encode())
    result = AmazonPageReader().read(target("page-us-split-price"), answer)
    assert result.needs_browser
    assert "price:not_in_static_html" in result.problems


AVAILABILITY_TEXTS = [
    ("In Stock", Availability.IN_STOCK, None),
    ("Only 3 left in stock - order soon.", Availability.IN_STOCK, 3),
    ("Only 12 left in stock (more on the way).", Availability.IN_STOCK, 12),
    ("Currently unavailable.", Availability.OUT_OF_STOCK, None),
    ("Available for pre-order. This item will be released on March 1, 2027.",
     Availability.PREORDER, None),
    ("在庫あり。", Availability.IN_STOCK, None),
    ("残り3点 ご注文はお早めに", Availability.IN_STOCK, 3),
    ("現在在庫切れです。", Availability.OUT_OF_STOCK, None),
    ("予約受付中。この商品は2027/3/1に発売予定です。", Availability.PREORDER, None),
    ("Usually ships within 6 to 10 days.", Availability.UNKNOWN, None),
]


@pytest.mark.parametrize(("text", "availability", "stock"), AVAILABILITY_TEXTS,
                         ids=[t[0][:24] for t in AVAILABILITY_TEXTS])
def test_availability_texts(text: str, availability: Availability, stock: int | None) -> None:
    html = f'<div id="availability"><span class="a-size-medium">{text}</span></div>'
    page = AmazonProductPage("https://www.amazon.com/dp/B000000001", html)
    assert (page.availability(), page.stock_qty()) == (availability, stock)


RATINGS = [
    ("4.5 out of 5 stars", 4.5, 5.0),
    ("5つ星のうち4.5", 4.5, 5.0),
    ("3 out of 5 stars", 3.0, 5.0),
]


@pytest.mark.parametrize(("text", "rating", "scale"), RATINGS)
def test_rating_texts(text: str, rating: float, scale: float) -> None:
    html = f'<span id="acrPopover"><span class="a-icon-alt">{text}</span></span>'
    page = AmazonProductPage("https://www.amazon.co.jp/dp/B000000001", html)
    assert (page.rating(), page.rating_scale()) == (rating, scale)


COUPONS = [
    ('data-coupon-amount="10.00">Save $10.00 with coupon', "US", Decimal("10.00")),
    (">Save $10.00 with coupon", "US", Decimal("10.00")),
    ('>￥620 OFF クーポン', "JP", Decimal(620)),
    (">Save 5% with coupon", "US", Decimal("2.50")),
]


@pytest.mark.parametrize(("badge", "market", "amount"), COUPONS)
def test_coupon_badges(badge: str, market: str, amount: Decimal) -> None:
    host = "www.amazon.com" if market == "US" else "www.amazon.co.jp"
    html = ('<span class="priceToPay"><span class="a-offscreen">$50.00</span></span>'
            f'<span id="couponBadge" {badge}</span>')
    page = AmazonProductPage(f"https://{host}/dp/B000000001", html)
    assert page.coupon_amount() == amount


@pytest.mark.parametrize(("message", "attribute", "expected"), [
    ("FREE delivery", "", Decimal(0)),
    ("配送料無料", "", Decimal(0)),
    ("$5.99 delivery", "", Decimal("5.99")),
    ("$5.99 delivery", "5.99", Decimal("5.99")),
    ("", "", None),
])
def test_delivery_messages(message: str, attribute: str, expected: Decimal | None) -> None:
    html = (f'<span id="delivery-message" data-csa-c-delivery-price="{attribute}">{message}'
            "</span>")
    assert AmazonProductPage("https://www.amazon.com/dp/B000000001", html).shipping() == expected


def test_market_from_html_lang_when_the_url_does_not_say() -> None:
    page = AmazonProductPage("http://shop.test/item", '<html lang="ja-JP"><body></body></html>')
    assert page.market.currency == "JPY"


def test_target_for_places_an_asin_in_its_market() -> None:
    reader = AmazonPageReader("http://marketplace.test/amazon")
    us = reader.target_for("B074PSYPXE")
    jp = reader.target_for("B06UYLWJZU", site="amazon-jp")
    assert (us.url, us.site) == ("http://marketplace.test/amazon/us/dp/B074PSYPXE", "amazon-us")
    assert (jp.url, jp.site) == ("http://marketplace.test/amazon/jp/dp/B06UYLWJZU", "amazon-jp")
    production = AmazonPageReader().target_for("B06UYLWJZU", site="amazon-jp")
    assert production.url == "https://www.amazon.co.jp/dp/B06UYLWJZU"


def test_target_for_keeps_what_the_api_knew() -> None:
    known = ({"item_id": "B06UYLWJZU", "url": "http://x.test/amazon/jp/dp/B06UYLWJZU",
              "gtin": "6900000009024"},)
    target = AmazonPageReader().target_for("B06UYLWJZU", known)
    assert target.known == known and target.url == known[0]["url"]


def test_targets_for_a_watch_without_the_api() -> None:
    reader = AmazonPageReader("http://marketplace.test/amazon")
    watch = Watch("amazon", item_ids=("B074PSYPXE", "JP:B06UYLWJZU"), keywords=("phone",),
                  urls=("https://www.amazon.co.jp/dp/B087QL7DNM",), site="amazon-us")
    assert [t.url.rsplit("amazon", 1)[-1] for t in reader.targets_for(watch)] == [
        "/us/dp/B074PSYPXE", "/jp/dp/B06UYLWJZU", "/jp/dp/B087QL7DNM"]
