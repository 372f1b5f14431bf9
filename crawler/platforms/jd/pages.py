# ruff: noqa: RUF001, RUF002 (JD writes full-width colons and brackets)
"""JD product pages (``/{sku}.html``) as page objects: one small method per Listing field.

Two layouts (fixtures/README.md "JD"): the static page carries everything in its HTML; the
JS-only page leaves ``.J-p-{sku}`` (price), ``del.J-op-{sku}`` (list price) and ``#store-prompt``
(stock) empty until its script fetched ``prices/mgets`` and ``stocks`` and set
``body[data-price-ready="1"]`` — statically that page ``needs_browser``. Model and the variant's
colour/capacity/size are only here (``ul.p-parameter-list``), never in the API.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from functools import cached_property
from typing import Any

from lxml import etree
from parsel import Selector
from parsel.csstranslator import css2xpath
from price_parser import Price

from crawler.items import Availability
from crawler.platforms.base import Answer, PageResult, PageTarget, Record, Watch
from crawler.platforms.blocked import blocked_reason
from crawler.platforms.cn_text import count_from_text, coupon_from_text

NOT_FOUND_TEXT = ("商品不存在", "已下柜")
READY_SELECTOR = 'body[data-price-ready="1"], .p-price .price:not(:empty)'
STOCK = {"有货": Availability.IN_STOCK, "现货": Availability.IN_STOCK,
         "无货": Availability.OUT_OF_STOCK, "预订": Availability.PREORDER,
         "预售": Availability.PREORDER}
#: ``ul.p-parameter-list`` labels → ``variant_attributes`` keys (normalize folds the values).
VARIANT_LABELS = {"颜色": "color", "存储容量": "capacity", "版本": "capacity", "尺码": "size"}
_YUAN = re.compile(r"^\s*(?:¥|￥|[^\d¥￥]*¥)?\s*(\d{1,3}(?:,\d{3})*(?:\.\d+)?|\d+(?:\.\d+)?)\s*$")
_PAGE_CONFIG = re.compile(r"var pageConfig = (\{.*?\});</script>", re.S)


def _compiled(css: str) -> etree.XPath:
    """``css`` as parsel translates it, compiled once: ``self.sel.css(css)`` built a selector
    list per call and translated the per-SKU selectors anew on every page (a third of the page
    path's reading time)."""
    return etree.XPath(css2xpath(css), smart_strings=False)


#: The page's fixed selectors (results: lxml strings and elements, as parsel's ``.get()`` sees).
_CSS = {name: _compiled(css) for name, css in {
    "intro": ".product-intro", "sku": ".product-intro::attr(data-sku)",
    "title": ".sku-name::text", "params": "ul.p-parameter-list li", "text": "::text",
    "shop_id": "a.J-shop-name::attr(data-shop-id)", "shop": "a.J-shop-name::text",
    "coupon": ".quan-item::text", "freight": ".J-freight::text",
    "stock": "#store-prompt strong::text", "rating": ".percent-con::text",
    "reviews": ".comment-count a.count::text"}.items()}
#: ``.J-p-{sku}::text`` / ``del.J-op-{sku}::text`` with the class as a variable: the very XPath
#: css2xpath writes for a plain class name, compiled once instead of once per SKU.
_SKU_CLASS = ("[@class and contains(@class, $cls) and contains(concat(' ', normalize-space(@class),"
              " ' '), concat(' ', $cls, ' '))]/text()")
_PRICE = etree.XPath(f"descendant-or-self::*{_SKU_CLASS}", smart_strings=False)
_LIST_PRICE = etree.XPath(f"descendant-or-self::del{_SKU_CLASS}", smart_strings=False)
#: SKUs the variable form is exact for (a class name css2xpath copies as it is).
_PLAIN_SKU = re.compile(r"[A-Za-z0-9_-]*")


def _first(xpath: etree.XPath, node: Any, **variables: str) -> str | None:
    found = xpath(node, **variables)
    return str(found[0]) if found else None


class JdProductPage:
    """One JD product page (static HTML or the rendered DOM)."""

    def __init__(self, url: str, html: str) -> None:
        self.url, self.html = url, html
        self.sel = Selector(text=html)
        self.root = self.sel.root

    def _get(self, name: str) -> str | None:
        """``self.sel.css(<_CSS[name]>).get()``."""
        return _first(_CSS[name], self.root)

    def _sku_text(self, xpath: etree.XPath, prefix: str, css: str) -> str | None:
        """``self.sel.css(css.format(sku=self.sku)).get()``, compiled (class ``prefix + sku``)
        when the SKU is a plain class name, as every JD SKU is."""
        sku = str(self.sku)
        if _PLAIN_SKU.fullmatch(sku):
            return _first(xpath, self.root, cls=prefix + sku)
        return self.sel.css(css.format(sku=sku)).get()

    # --- page state -------------------------------------------------------------------------
    def is_product(self) -> bool:
        return bool(_CSS["intro"](self.root))

    def is_ready(self) -> bool:
        """The price is in the DOM (static page, or the script has run)."""
        return self.price() is not None

    @cached_property
    def sku(self) -> str | None:
        sku = self._get("sku")
        return sku or (str(self.page_config.get("skuid")) if self.page_config.get("skuid")
                       else None)

    @cached_property
    def page_config(self) -> dict[str, Any]:
        match = _PAGE_CONFIG.search(self.html)
        try:
            return dict(json.loads(match.group(1)).get("product", {})) if match else {}
        except ValueError:
            return {}

    @cached_property
    def params(self) -> dict[str, str]:
        """``品牌：小米（Xiaomi）`` rows of the parameter list (value: ``@title`` when given)."""
        rows: dict[str, str] = {}
        for li in _CSS["params"](self.root):
            label, _, value = (_first(_CSS["text"], li) or "").partition("：")
            rows[label.strip()] = (li.attrib.get("title") or value).strip()
        return rows

    # --- fields -----------------------------------------------------------------------------
    def title(self) -> str | None:
        text = self._get("title")
        return text.strip() if text and text.strip() else self.page_config.get("name")

    def brand(self) -> str | None:
        return self.params.get("品牌") or self.page_config.get("brand")

    def model(self) -> str | None:
        return self.params.get("型号")

    def seller_id(self) -> str | None:
        return self._get("shop_id")

    def seller_name(self) -> str | None:
        name = self._get("shop")
        return name.strip() if name else None

    def price(self) -> Decimal | None:
        return self._price

    @cached_property
    def _price(self) -> Decimal | None:
        return amount(self._sku_text(_PRICE, "J-p-", ".J-p-{sku}::text"))

    def list_price(self) -> Decimal | None:
        return amount(self._sku_text(_LIST_PRICE, "J-op-", "del.J-op-{sku}::text"))

    def coupon(self) -> tuple[Decimal | None, Decimal | None]:
        coupon = coupon_from_text(self._get("coupon"))
        return (coupon.amount, coupon.threshold) if coupon else (None, None)

    def shipping(self) -> Decimal | None:
        text = self._get("freight")
        if text is None or not text.strip():
            return None
        return Decimal(0) if "免运费" in text else amount(text)

    def availability(self) -> Availability | str | None:
        text = (self._get("stock") or "").strip()
        return STOCK.get(text, text or None)

    def variant_attributes(self) -> dict[str, str]:
        return {key: self.params[label] for label, key in VARIANT_LABELS.items()
                if self.params.get(label)}

    def rating(self) -> float | None:
        text = self._get("rating")
        return float(text.strip().rstrip("%")) if text and text.strip().rstrip("%") else None

    def review_count(self) -> int | None:
        return count_from_text(self._get("reviews"))

    def to_fields(self) -> Record:
        coupon, threshold = self.coupon()
        rating = self.rating()
        return {
            "item_id": self.sku, "url": self.url, "title": self.title(), "brand": self.brand(),
            "model": self.model(), "seller_id": self.seller_id(),
            "seller_name": self.seller_name(), "currency_raw": "¥", "locale": "zh_CN",
            "price": self.price(), "list_price": self.list_price(), "coupon_amount": coupon,
            "coupon_threshold": threshold, "shipping": self.shipping(),
            "availability": self.availability(), "variant_attributes": self.variant_attributes(),
            "rating": rating, "rating_scale": 100.0 if rating is not None else None,
            "review_count": self.review_count(),
        }


class JdPageReader:
    """Targets and reading of JD product pages (``PageReader``)."""

    ready_selector = READY_SELECTOR

    def __init__(self, site_base: str) -> None:
        self.site_base = site_base

    def target_for(self, item_id: str, known: tuple[Record, ...] = (),
                   site: str | None = None) -> PageTarget:
        """The page of SKU ``item_id`` (digits only: anything else would 404 and be recorded as a
        delisted listing, so it is refused with ``ValueError``, a bad watch entry)."""
        if not item_id.strip().isdigit():
            raise ValueError(f"jd: {item_id!r} is not a JD SKU id (digits only)")
        return PageTarget("jd", f"{self.site_base}/{item_id.strip()}.html", item_id.strip(), known)

    def targets_for(self, watch: Watch) -> list[PageTarget]:
        """Pages of the watch's ids and URLs; JD has no search page to read (keywords: API)."""
        targets = [self.target_for(item_id) for item_id in watch.item_ids]
        for url in watch.urls:
            sku = url.rstrip("/").rsplit("/", 1)[-1].removesuffix(".html")
            targets.append(PageTarget("jd", url, sku))
        return targets

    def read(self, target: PageTarget, answer: Answer) -> PageResult:
        blocked = blocked_reason(answer)
        if blocked:
            return PageResult(blocked=blocked)
        html = answer.text  # decoded once: the gone check and the page read the same text
        if answer.status == 404 or (answer.status == 200 and _says_gone(html)):
            return PageResult(not_found=True)
        if answer.status != 200:
            return PageResult(problems=[f"http {answer.status}"])
        page = JdProductPage(answer.url, html)
        if not page.is_product():
            return PageResult(problems=["no JD product markup (.product-intro)"])
        if not page.is_ready():
            return PageResult(needs_browser=True, problems=["price empty: the page needs JS"])
        return PageResult(records=[{k: v for k, v in page.to_fields().items()
                                    if v not in (None, "", {}, [])}])


def amount(text: str | None) -> Decimal | None:
    """The amount of a price text (``5099.00``, ``¥6,099.00``, ``运费 ¥6.00``), or None.

    JD always writes yuan with a ``.`` decimal point: a plain number is read directly, anything
    else goes through price-parser."""
    if not text or not text.strip():
        return None
    plain = _YUAN.search(text)
    if plain:
        return Decimal(plain.group(1).replace(",", ""))
    return Price.fromstring(text).amount


def _says_gone(html: str) -> bool:
    return "product-intro" not in html and any(text in html for text in NOT_FOUND_TEXT)
