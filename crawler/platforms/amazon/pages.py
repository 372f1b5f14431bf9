"""Amazon product pages (``/dp/{asin}`` on amazon.com and amazon.co.jp) → Listing fields.

``AmazonProductPage`` takes the URL and HTML and has one method per field (web-poet's shape, no
Scrapy); ``AmazonPageReader.read`` turns an answer into a ``PageResult``: the listing, or why
there is none (404, robot check or 403 wall through the shared ``crawler/platforms/blocked.py``,
no price in the static HTML). Where each field is
(fixtures/README.md, "Amazon", page column): ``#productTitle``; ``.priceToPay .a-offscreen``
(``$1,099.99``, ``￥1,980``; else ``.a-price-whole`` + ``.a-price-fraction``); ``.basisPrice``;
``#couponBadge@data-coupon-amount``; ``#delivery-message``; ``#availability``;
``#sellerProfileTriggerId``; ``#acrPopover``; ``#acrCustomerReviewText``; the tech-spec table;
the twister's variation selections. Texts are English (US) or Japanese (JP).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Decimal
from functools import cached_property
from urllib.parse import parse_qs, urlsplit

from parsel import Selector

from crawler.items import Availability
from crawler.normalize.money import MoneyError, coerce_amount, currency_exponent
from crawler.platforms.amazon.markets import (
    MARKETS,
    Market,
    UnknownMarket,
    of_site,
    page_url,
    parse_item,
    parse_url,
)
from crawler.platforms.base import Answer, PageResult, PageTarget, Record, Watch
from crawler.platforms.blocked import blocked_reason

PLATFORM = "amazon"

#: ``#availability`` texts → (availability, whether the text holds a stock count).
AVAILABILITY_TEXTS: tuple[tuple[re.Pattern[str], Availability], ...] = (
    (re.compile(r"only\s+\d+\s+left|残り\s*\d+\s*点", re.I), Availability.IN_STOCK),
    (re.compile(r"pre-?order|予約", re.I), Availability.PREORDER),
    (re.compile(r"currently unavailable|out of stock|在庫切れ|取り扱いできません", re.I),
     Availability.OUT_OF_STOCK),
    (re.compile(r"in stock|在庫あり", re.I), Availability.IN_STOCK),
)
STOCK_COUNT = re.compile(r"only\s+(\d+)\s+left|残り\s*(\d+)\s*点", re.I)
STARS = re.compile(r"(\d+(?:\.\d+)?)\s+out of\s+(\d+)|(\d+)つ星のうち\s*(\d+(?:\.\d+)?)")
FREE_DELIVERY = re.compile(r"free|無料", re.I)
SPEC_LABELS = {"brand": ("Manufacturer", "Brand", "メーカー", "ブランド"),
               "model": ("Item model number", "型番", "モデル番号")}
VARIATIONS = {"color": "variation_color_name", "capacity": "variation_capacity_name",
              "size": "variation_size_name"}


class AmazonProductPage:
    """One product page; every public method returns one Listing field (None = not shown)."""

    def __init__(self, url: str, html: str, item_id: str | None = None) -> None:
        self.url, self.html = url, html
        self.sel = Selector(text=html)
        self._item_id = item_id

    @cached_property
    def market(self) -> Market:
        """From the URL; else ``<html lang>`` (ja → JP, otherwise US)."""
        try:
            return parse_url(self.url)[0]
        except UnknownMarket:
            lang = (self.sel.xpath("/html/@lang").get() or "").lower()
            return MARKETS["JP"] if lang.startswith("ja") else MARKETS["US"]

    def _text(self, css: str) -> str | None:
        text = " ".join(t.strip() for t in self.sel.css(css).getall() if t.strip())
        return text or None

    def is_product(self) -> bool:
        return bool(self.sel.css("#productTitle, #dp[data-asin]"))

    def item_id(self) -> str | None:
        found = self.sel.css("#dp::attr(data-asin)").get()
        if found:
            return found
        try:
            return parse_url(self.url)[1]
        except UnknownMarket:
            return self._item_id

    def title(self) -> str | None:
        return self._text("#productTitle::text")

    def canonical_url(self) -> str | None:
        return self.sel.css("link[rel=canonical]::attr(href)").get()

    def _amount(self, text: str | None) -> Decimal | None:
        if not text:
            return None
        try:
            return coerce_amount(text, locale=self.market.locale)[0]
        except MoneyError:
            return None

    def price(self) -> Decimal | None:
        shown = self._amount(self._text(".priceToPay .a-offscreen::text"))
        if shown is not None:
            return shown
        whole = re.sub(r"\D", "", self._text(".priceToPay .a-price-whole::text") or "")
        fraction = re.sub(r"\D", "", self._text(".priceToPay .a-price-fraction::text") or "")
        return Decimal(f"{whole}.{fraction}" if fraction else whole) if whole else None

    def currency_raw(self) -> str | None:
        return self._text(".priceToPay .a-price-symbol::text")

    def list_price(self) -> Decimal | None:
        return self._amount(self._text(".basisPrice .a-offscreen::text"))

    def coupon_amount(self) -> Decimal | None:
        badge = self.sel.css("#couponBadge")
        if not badge:
            return None
        plain = badge.attrib.get("data-coupon-amount")
        if plain:
            return self._amount(plain)
        text = self._text("#couponBadge::text") or ""
        percent = re.search(r"(\d+(?:\.\d+)?)\s*%", text)
        price = self.price()
        if percent and price is not None:
            unit = Decimal(1).scaleb(-currency_exponent(self.market.currency))
            return (price * Decimal(percent.group(1)) / 100).quantize(unit, ROUND_HALF_EVEN)
        return self._amount(text)

    def shipping(self) -> Decimal | None:
        node = self.sel.css("#delivery-message")
        if not node:
            return None
        plain = node.attrib.get("data-csa-c-delivery-price")
        if plain:
            return self._amount(plain)
        text = self._text("#delivery-message::text")
        if text and FREE_DELIVERY.search(text):
            return Decimal(0)
        return self._amount(text)

    def availability_text(self) -> str | None:
        return self._text("#availability span::text") or self._text("#availability::text")

    def availability(self) -> Availability:
        text = self.availability_text() or ""
        for pattern, value in AVAILABILITY_TEXTS:
            if pattern.search(text):
                return value
        return Availability.UNKNOWN

    def stock_qty(self) -> int | None:
        found = STOCK_COUNT.search(self.availability_text() or "")
        return int(found.group(1) or found.group(2)) if found else None

    def seller_name(self) -> str | None:
        return self._text("#sellerProfileTriggerId::text")

    def seller_id(self) -> str | None:
        href = self.sel.css("#sellerProfileTriggerId::attr(href)").get()
        values = parse_qs(urlsplit(href).query).get("seller") if href else None
        return values[0] if values else None

    def _stars(self) -> tuple[float, float] | None:
        found = STARS.search(self._text("#acrPopover .a-icon-alt::text") or "")
        if not found:
            return None
        if found.group(1):
            return float(found.group(1)), float(found.group(2))
        return float(found.group(4)), float(found.group(3))

    def rating(self) -> float | None:
        stars = self._stars()
        return stars[0] if stars else None

    def rating_scale(self) -> float | None:
        stars = self._stars()
        return stars[1] if stars else None

    def review_count(self) -> int | None:
        digits = re.sub(r"\D", "", self._text("#acrCustomerReviewText::text") or "")
        return int(digits) if digits else None

    def _spec(self, field: str) -> str | None:
        for row in self.sel.css("#productDetails_techSpec_section_1 tr"):
            if (row.css("th::text").get() or "").strip() in SPEC_LABELS[field]:
                return (row.css("td::text").get() or "").strip() or None
        return None

    def brand(self) -> str | None:
        return self._spec("brand")

    def model(self) -> str | None:
        return self._spec("model")

    def variant_attributes(self) -> dict[str, str]:
        found = {k: self._text(f"#{v} .selection::text") for k, v in VARIATIONS.items()}
        return {k: v for k, v in found.items() if v}

    def to_fields(self) -> Record:
        """Every field the page shows, as extracted (money as Decimal in major units)."""
        record: Record = {
            "platform": PLATFORM, "item_id": self.item_id(), "variant_id": None, "url": self.url,
            "canonical_url": self.canonical_url(), "title": self.title(),
            "brand": self.brand(), "model": self.model(),
            "seller_id": self.seller_id(), "seller_name": self.seller_name(),
            "currency": self.market.currency, "currency_raw": self.currency_raw(),
            "locale": self.market.locale,
            "price": self.price(), "list_price": self.list_price(),
            "coupon_amount": self.coupon_amount(), "shipping": self.shipping(),
            "availability": self.availability(), "stock_qty": self.stock_qty(),
            "rating": self.rating(), "rating_scale": self.rating_scale(),
            "review_count": self.review_count(),
            "variant_attributes": self.variant_attributes(),
        }
        return {k: v for k, v in record.items() if v is not None and v != {}}


class AmazonPageReader:
    """Reads product pages for the spider framework (``read(target, answer) → PageResult``)."""

    platform = PLATFORM
    ready_selector = ".priceToPay .a-offscreen, #availability span"
    """Amazon's prices are in the static HTML; a rendered page is ready once the buy box is."""

    def __init__(self, site_base: str | None = None, markets: tuple[Market, ...] = ()) -> None:
        self.site_base = site_base
        self.default = markets[0] if markets else MARKETS["US"]

    def target_for(self, item_id: str, known: tuple[Record, ...] = (),
                   site: str | None = None) -> PageTarget:
        """The product page of ``item_id`` in the market ``site`` names (or the known URL's)."""
        if site is None and known and known[0].get("url"):
            return PageTarget(PLATFORM, str(known[0]["url"]), item_id, known, site=None)
        place = of_site(site, self.default)
        url = page_url(place, item_id, self.site_base)
        return PageTarget(PLATFORM, url, item_id, known, site=place.site)

    def targets_for(self, watch: Watch) -> list[PageTarget]:
        """Product pages of the watch's ASINs and URLs (keyword search needs the API)."""
        default = of_site(watch.site, self.default)
        pairs = [parse_item(entry, default) for entry in watch.item_ids]
        pairs += [parse_url(url) for url in watch.urls]
        return [self.target_for(asin, (), place.site) for place, asin in dict.fromkeys(pairs)]

    def read(self, target: PageTarget, answer: Answer) -> PageResult:
        blocked = blocked_reason(answer)
        if blocked:
            return PageResult(blocked=blocked)
        if answer.status == 404:
            return PageResult(not_found=True)
        if answer.status != 200:
            return PageResult(problems=[f"http:{answer.status}"])
        page = AmazonProductPage(answer.url or target.url, answer.text, target.item_id)
        if not page.is_product():
            return PageResult(problems=["page:not_a_product_page"])
        fields = page.to_fields()
        fields.setdefault("item_id", target.item_id)
        sold_out = fields.get("availability") is Availability.OUT_OF_STOCK
        if "price" not in fields and not sold_out:
            return PageResult(records=[fields], needs_browser=True,
                              problems=["price:not_in_static_html"])
        return PageResult(records=[fields])
