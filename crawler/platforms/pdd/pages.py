"""PDD goods pages (``/goods.html?goods_id=``) → one record (each variant is its own goods).

Everything is in ``window.rawData.store.initDataObj``: ``goods`` (``goodsSign``, ``goodsName``,
``skus[0]`` with ``groupPrice``/``normalPrice`` in yuan strings, ``quantity`` and ``specs``,
``goodsProperty`` brand/model, ``serviceTags``, ``sideSalesTip``, ``goodsEvalScore``/``Count``) and
``mall``. The coupon is only in the HTML (``.coupon-tag`` ``满300减50``). These are the fields DDK
lacks (stock, shipping ``全场包邮`` → 0, variant attributes, model), and the page has the rest
too, so it also stands alone when the API is off.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from parsel import Selector

from crawler.items import Availability
from crawler.normalize.money import MoneyError, coerce_amount
from crawler.platforms.base import Answer, PageResult, PageTarget, Record, Watch
from crawler.platforms.blocked import blocked_reason
from crawler.platforms.cn_text import count_from_text, coupon_from_text
from crawler.platforms.pdd.api import GOODS_PAGE, PLATFORM, goods_id_from_url
from crawler.platforms.pdd.reader import CURRENCY, LOCALE, RATING_SCALE

STATE_MARK = "window.rawData"
FREE_SHIPPING_TAGS = ("全场包邮", "包邮")
#: ``specs[].spec_key`` → the Listing's variant attribute keys (规格 is the capacity here).
SPEC_KEYS = {"颜色": "color", "颜色分类": "color", "规格": "capacity", "尺码": "size"}
NOT_FOUND_TEXT = ("商品已售罄或不存在", "商品不存在", "已下架")


def _state(sel: Selector) -> dict[str, Any] | None:
    script = sel.xpath(f"//script[contains(., '{STATE_MARK}')]/text()").get()
    if script is None:
        return None
    start = script.find("{", script.find(STATE_MARK))
    state, _ = json.JSONDecoder().raw_decode(script[start:])
    return state if isinstance(state, dict) else None


def _yuan(text: Any) -> Decimal | None:
    if text in (None, ""):
        return None
    amount, _ = coerce_amount(str(text), locale=LOCALE)
    return amount


class PddGoodsPage:
    """A PDD goods page: one method per field, ``to_record()`` puts them together."""

    def __init__(self, url: str, html: str) -> None:
        self.url = url
        self.sel = Selector(text=html)
        state = _state(self.sel) or {}
        data = (state.get("store") or {}).get("initDataObj") or {}
        self.goods: dict[str, Any] = data.get("goods") or {}
        self.mall: dict[str, Any] = data.get("mall") or {}
        skus = self.goods.get("skus") or [{}]
        self.sku: dict[str, Any] = skus[0] if isinstance(skus[0], dict) else {}

    def is_product(self) -> bool:
        return bool(self.goods.get("goodsSign") or self.goods.get("goodsID"))

    def property(self, key: str) -> str | None:
        for prop in self.goods.get("goodsProperty") or []:
            if prop.get("key") == key and prop.get("values"):
                return str(prop["values"][0])
        return None

    def prices(self) -> Record:
        price = _yuan(self.sku.get("groupPrice") or self.goods.get("minGroupPrice"))
        normal = _yuan(self.sku.get("normalPrice") or self.goods.get("minNormalPrice"))
        return {"price": price, "list_price": normal if normal not in (None, price) else None}

    def stock(self) -> Record:
        quantity = self.sku.get("quantity")
        if not isinstance(quantity, int) or isinstance(quantity, bool):
            return {"stock_qty": None}
        state = Availability.IN_STOCK if quantity > 0 else Availability.OUT_OF_STOCK
        return {"stock_qty": quantity, "availability": state}

    def shipping(self) -> Decimal | None:
        tags = [str(t) for t in self.goods.get("serviceTags") or []]
        tags += self.sel.css(".service-tags span::text").getall()
        # Only 包邮 is ever stated; a page without it says nothing about the fee.
        return Decimal(0) if any(t.strip() in FREE_SHIPPING_TAGS for t in tags) else None

    def variant_attributes(self) -> dict[str, str]:
        specs = self.sku.get("specs") or []
        return {
            SPEC_KEYS.get(s["spec_key"], s["spec_key"]): str(s["spec_value"])
            for s in specs
            if isinstance(s, dict) and s.get("spec_key") and s.get("spec_value")
        }

    def coupon(self) -> Record:
        parsed = coupon_from_text(self.sel.css(".coupon-tag::text").get())
        if parsed is None:
            return {"coupon_amount": None, "coupon_threshold": None}
        return {"coupon_amount": parsed.amount, "coupon_threshold": parsed.threshold}

    def rating(self) -> float | None:
        score = self.goods.get("goodsEvalScore")
        return float(score) if isinstance(score, int | float) else None

    def to_record(self, fallback_id: str) -> Record:
        mall_id = self.mall.get("mallID")
        return {
            "item_id": str(self.goods.get("goodsSign") or fallback_id),
            "variant_id": None,
            "url": self.url,
            "title": self.goods.get("goodsName"),
            "brand": self.property("品牌"),
            "model": self.property("型号"),
            "seller_id": str(mall_id) if mall_id not in (None, "") else None,
            "seller_name": self.mall.get("mallName"),
            "currency": CURRENCY,
            "locale": LOCALE,
            **self.prices(),
            **self.stock(),
            "shipping": self.shipping(),
            "variant_attributes": self.variant_attributes(),
            "sales_volume": count_from_text(self.goods.get("sideSalesTip")),
            "rating": self.rating(),
            "rating_scale": RATING_SCALE,
            "review_count": self.goods.get("goodsEvalCount"),
            **self.coupon(),
        }


def read_page(target: PageTarget, answer: Answer) -> PageResult:
    """A fetched PDD goods page → one record, or why there is none."""
    blocked = blocked_reason(answer)
    if blocked:
        return PageResult(blocked=blocked)
    if answer.status == 404:
        return PageResult(not_found=True)
    if answer.status != 200:
        return PageResult(problems=[f"http:{answer.status}"])
    try:
        page = PddGoodsPage(target.url, answer.text)
    except (ValueError, TypeError, AttributeError) as exc:
        return PageResult(problems=[f"page:unreadable rawData {str(exc)[:200]}"])
    if not page.is_product():
        gone = any(text in answer.text for text in NOT_FOUND_TEXT)
        return PageResult(not_found=gone, problems=[] if gone else ["page:no_product_state"])
    try:
        record = page.to_record(target.item_id)
    except (MoneyError, ValueError, KeyError, TypeError) as exc:
        return PageResult(problems=[f"page:unreadable {str(exc)[:200]}"])
    return PageResult(records=[record])


class NoProductPage(LookupError):
    """A goods_sign alone leads to no page: the page URL needs DDK's numeric goods_id."""


class PddPageReader:
    """The framework's ``PageReader`` for PDD goods pages (no search page: DDK searches)."""

    ready_selector = ".goods-price .price-num"
    """PDD pages are server-rendered (``window.rawData``): nothing to wait for."""

    def __init__(self, site_base: str) -> None:
        self.site_base = site_base.rstrip("/")

    def page_url(self, goods_id: str) -> str:
        return f"{self.site_base}{GOODS_PAGE}{goods_id}"

    def targets_for(self, watch: Watch) -> list[PageTarget]:
        """Pages of the watch's URLs and numeric goods_ids; its goods_signs need DDK."""
        urls = list(watch.urls) + [self.page_url(i) for i in watch.item_ids if i.isdigit()]
        return [
            PageTarget(platform=PLATFORM, url=url, item_id=goods_id_from_url(url) or "")
            for url in dict.fromkeys(urls)
        ]

    def target_for(
        self, item_id: str, known: tuple[Record, ...] = (), site: str | None = None
    ) -> PageTarget:
        url = next((str(r["url"]) for r in known if r.get("url")), None)
        if url is None and item_id.isdigit():
            url = self.page_url(item_id)
        if url is None:
            raise NoProductPage(f"pdd: no page URL for goods_sign {item_id} (needs goods_id)")
        return PageTarget(platform=PLATFORM, url=url, item_id=item_id, known=known)

    def read(self, target: PageTarget, answer: Answer) -> PageResult:
        return read_page(target, answer)
