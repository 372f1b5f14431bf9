# ruff: noqa: RUF001  (full-width forms are the data here)
"""Taobao product pages (``/item.htm?id=``) → one record per SKU.

Two layouts (fixtures/README.md, "Where a crawler finds each field"):

- embedded state: ``window.__INITIAL_STATE__`` holds ``skuBase`` (props, SKUs with ``propPath`` and
  ``barcode``) and ``skuCore.sku2info[skuId]`` (``price`` = regular, ``subPrice`` = current when a
  promotion runs, ``quantity``);
- JavaScript-only: the static HTML has the SKU list but no price; after rendering, each
  ``li[data-sku-id]`` carries ``data-price``, ``data-original``, ``data-quantity``.

Item-level facts (title, shop, brand/model, coupon, postage, counters) are in the HTML of both.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from parsel import Selector

from crawler.items import Availability
from crawler.normalize.money import MoneyError, coerce_amount
from crawler.platforms.base import Answer, PageResult, PageTarget, Record, Watch
from crawler.platforms.blocked import blocked_reason
from crawler.platforms.cn_text import count_from_text, coupon_from_text, postage_from_text
from crawler.platforms.taobao.api import ITEM_PAGE, PLATFORM, item_id_from_url
from crawler.platforms.taobao.reader import CURRENCY, LOCALE, VARIANT_KEYS

STATE_MARK = "window.__INITIAL_STATE__"
NOT_FOUND_TEXT = ("宝贝不存在", "已下架", "商品不存在")


def _price(text: Any) -> Decimal | None:
    if text in (None, ""):
        return None
    amount, _ = coerce_amount(str(text), locale=LOCALE)
    return amount


def _state(sel: Selector) -> dict[str, Any] | None:
    """The JSON object assigned to ``window.__INITIAL_STATE__`` (None when absent)."""
    script = sel.xpath(f"//script[contains(., '{STATE_MARK}')]/text()").get()
    if script is None:
        return None
    start = script.find("{", script.find(STATE_MARK))
    state, _ = json.JSONDecoder().raw_decode(script[start:])
    return state if isinstance(state, dict) else None


class TaobaoItemPage:
    """A Taobao item page: one method per field, ``to_records()`` puts them together."""

    def __init__(self, url: str, html: str) -> None:
        self.url = url
        self.sel = Selector(text=html)
        self.state = _state(self.sel)

    def is_product(self) -> bool:
        return bool(self.sel.css("h1.tb-main-title, #J_DetailMeta"))

    def item_id(self) -> str | None:
        return self.sel.css("#J_DetailMeta::attr(data-item-id)").get()

    def title(self) -> str | None:
        return self.sel.css("h1.tb-main-title::attr(data-title)").get() or (
            self.sel.css("h1.tb-main-title::text").get("").strip() or None
        )

    def seller_id(self) -> str | None:
        return self.sel.css("a.tb-shop-name::attr(data-seller-id)").get()

    def seller_name(self) -> str | None:
        return (self.sel.css("a.tb-shop-name::text").get() or "").strip() or None

    def attribute(self, name: str) -> str | None:
        """``ul.attributes-list li`` ``品牌: …`` (its ``@title`` holds the full value)."""
        for li in self.sel.css("ul.attributes-list li"):
            label = "".join(li.css("::text").getall()).replace("\xa0", " ").strip()
            if re.match(rf"{name}\s*[:：]", label):
                return li.attrib.get("title") or re.split(r"[:：]", label, maxsplit=1)[1].strip()
        return None

    def coupon(self) -> dict[str, Decimal | None]:
        parsed = coupon_from_text(self.sel.css(".tb-coupon-text::text").get())
        if parsed is None:
            return {"coupon_amount": None, "coupon_threshold": None}
        return {"coupon_amount": parsed.amount, "coupon_threshold": parsed.threshold}

    def shipping(self) -> Decimal | None:
        return postage_from_text(" ".join(self.sel.css("#J_WlServiceInfo ::text").getall()))

    def sales_volume(self) -> int | None:
        return count_from_text(self.sel.css(".tb-sell-counter strong::text").get())

    def review_count(self) -> int | None:
        return count_from_text(self.sel.css(".tb-rate-counter strong::text").get())

    def image_urls(self) -> list[str]:
        images = ((self.state or {}).get("item") or {}).get("images") or []
        return [u for u in images if isinstance(u, str)]

    def common(self, item_id: str) -> Record:
        return {
            "item_id": item_id,
            "url": self.url,
            "title": self.title(),
            "brand": self.attribute("品牌"),
            "model": self.attribute("型号"),
            "seller_id": self.seller_id(),
            "seller_name": self.seller_name(),
            "currency": CURRENCY,
            "locale": LOCALE,
            "shipping": self.shipping(),
            "sales_volume": self.sales_volume(),
            "review_count": self.review_count(),
            "image_urls": self.image_urls(),
            **self.coupon(),
        }

    def skus(self) -> list[Record] | None:
        """Per-SKU fields from the embedded state or the rendered DOM; None when neither."""
        if self.state is not None:
            return state_skus(self.state)
        rendered = self.sel.css("ul.tb-sku li[data-sku-id][data-price]")
        if not rendered:
            return None
        labels = self.sel.css("dl.tb-prop dt::text").get("").split("/")
        return [dom_sku(li, labels) for li in rendered]

    def to_records(self, item_id: str) -> list[Record] | None:
        skus = self.skus()
        if skus is None:
            return None
        common = self.common(item_id)
        return [{**common, **sku} for sku in skus]


def _sku_money(now: Any, regular: Any, quantity: Any) -> Record:
    price, listed = _price(now), _price(regular)
    stock = int(quantity) if str(quantity).strip().isdigit() else None
    fields: Record = {
        "price": price,
        "list_price": listed if listed is not None and listed != price else None,
        "stock_qty": stock,
    }
    if stock is not None:
        fields["availability"] = Availability.IN_STOCK if stock > 0 else Availability.OUT_OF_STOCK
    return fields


def _attributes(named: dict[str, str]) -> dict[str, str]:
    return {VARIANT_KEYS.get(k.strip(), k.strip()): v.strip() for k, v in named.items()}


def state_skus(state: dict[str, Any]) -> list[Record]:
    """``skuBase`` + ``skuCore.sku2info`` → per-SKU price, list price, stock, barcode, props."""
    base, info = state.get("skuBase") or {}, (state.get("skuCore") or {}).get("sku2info") or {}
    names = {
        f"{p['pid']}:{v['vid']}": (p["name"], v["name"])
        for p in base.get("props", [])
        for v in p.get("values", [])
    }
    out = []
    for sku in base.get("skus", []):
        entry = info.get(str(sku["skuId"])) or {}
        regular = (entry.get("price") or {}).get("priceText")
        now = (entry.get("subPrice") or {}).get("priceText") or regular
        pairs = [names[pv] for pv in str(sku.get("propPath", "")).split(";") if pv in names]
        out.append(
            {
                "variant_id": str(sku["skuId"]),
                "gtin": sku.get("barcode") or None,
                "variant_attributes": _attributes(dict(pairs)),
                **_sku_money(now, regular, entry.get("quantity")),
            }
        )
    return out


def dom_sku(li: Selector, labels: list[str]) -> Record:
    """A rendered ``li[data-sku-id]``: prices and stock in data attributes, names in the text."""
    values = li.css(".tb-sku-name::text").get("").split("/")
    named = dict(zip(labels, values, strict=False)) if len(labels) == len(values) else {}
    return {
        "variant_id": li.attrib["data-sku-id"],
        "gtin": li.attrib.get("data-barcode") or None,
        "variant_attributes": _attributes(named),
        **_sku_money(
            li.attrib.get("data-price"),
            li.attrib.get("data-original"),
            li.attrib.get("data-quantity"),
        ),
    }


def read_page(target: PageTarget, answer: Answer) -> PageResult:
    """A fetched Taobao page → records, or why there are none (blocked, gone, needs a browser)."""
    blocked = blocked_reason(answer)
    if blocked:
        return PageResult(blocked=blocked)
    if answer.status == 404:
        return PageResult(not_found=True)
    if answer.status != 200:
        return PageResult(problems=[f"http:{answer.status}"])
    page = TaobaoItemPage(target.url, answer.text)
    if not page.is_product():
        gone = any(text in answer.text for text in NOT_FOUND_TEXT)
        return PageResult(not_found=gone, problems=[] if gone else ["page:no_product_markup"])
    try:
        records = page.to_records(page.item_id() or target.item_id)
    except (MoneyError, ValueError, KeyError, TypeError) as exc:
        return PageResult(problems=[f"page:unreadable {str(exc)[:200]}"])
    if records is None:  # the JS-only layout: prices appear after the page's script ran
        return PageResult(needs_browser=True)
    return PageResult(records=records)


class TaobaoPageReader:
    """The framework's ``PageReader`` for Taobao item pages (no search page: TOP searches)."""

    ready_selector = 'body[data-price-ready="1"]'
    """What the JS-only layout sets once its script filled in the SKU prices."""

    def __init__(self, site_base: str) -> None:
        self.site_base = site_base.rstrip("/")

    def page_url(self, item_id: str) -> str:
        return f"{self.site_base}{ITEM_PAGE}{item_id}"

    def targets_for(self, watch: Watch) -> list[PageTarget]:
        """Item pages of the watch's ids and URLs (keywords need TOP search: none here)."""
        ids = [*watch.item_ids, *filter(None, map(item_id_from_url, watch.urls))]
        return [self.target_for(i) for i in dict.fromkeys(i.strip() for i in ids if i.strip())]

    def target_for(
        self, item_id: str, known: tuple[Record, ...] = (), site: str | None = None
    ) -> PageTarget:
        return PageTarget(
            platform=PLATFORM, url=self.page_url(item_id), item_id=item_id, known=known
        )

    def read(self, target: PageTarget, answer: Answer) -> PageResult:
        return read_page(target, answer)
