"""Shopify product pages → one record per variant (schema.org parser + Shopify's own markup).

Where each variant's values come from, most trusted first:

- JSON-LD (Dawn theme): one Offer per variant, ``url`` ``?variant=<id>``, ``price``,
  ``availability``, ``gtin13``; the main Product is the canonical one (never a recommendation);
- ``ShopifyAnalytics.meta`` (``var meta = {...}``): product id, variants' ``id``, ``sku`` and
  ``price`` (x100 of the major unit, any currency);
- the variant picker ``select.product-form__variants option``: ``value`` = variant id, text
  ``Black / 256 GB - $449.99``, ``disabled`` = sold out.

Product facts (title, vendor, model, rating, ``og:site_name`` as seller) come from the shared
parser. The page shows a struck-through ``compare_at`` price only for the selected (first)
variant; other variants' list prices are known to the API only.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

from parsel import Selector

from crawler.platforms.base import Answer, PageResult, PageTarget, Record, Watch
from crawler.platforms.blocked import blocked_reason
from crawler.platforms.schemaorg import (
    PageHints,
    ProductPage,
    answer_html,
    gone,
    page_result,
    parse_money,
    variant_key,
)
from crawler.platforms.schemaorg.document import Node
from crawler.platforms.schemaorg.sitemap import discovery_result, product_target, sitemap_target
from crawler.platforms.shopify.reader import variant_attributes
from crawler.platforms.shopify.stores import Store, store_for

PLATFORM = "shopify"

META = re.compile(r"var\s+meta\s*=\s*")
CAPACITY = re.compile(r"^\s*[\d.,]+\s*(GB|TB|G|T|mAh|L|ml)\s*$", re.I)
#: Fields that belong to one variant, never copied from the product's first offer.
VARIANT_FIELDS = (
    "price",
    "list_price",
    "currency_raw",
    "availability",
    "stock_qty",
    "gtin",
    "sku",
    "variant_id",
)


def hints_for(store: Store) -> PageHints:
    return PageHints(currency=store.currency, locale=store.locale)


def option_text(option: Any) -> tuple[str, str]:
    """``(label, price text)`` of a picker option: ``Black / 43 - $161.00[ - Sold out]``."""
    if option is None:
        return "", ""
    parts = " ".join(option.css("::text").getall()).strip().split(" - ")
    price = next((p for p in parts[1:] if re.search(r"\d", p)), "")
    return parts[0].strip(), price


class ShopifyProductPage:
    """A Shopify product page read once; ``records()`` gives one record per variant."""

    def __init__(self, url: str, html: str, store: Store) -> None:
        self.page = ProductPage(url, html, hints_for(store))
        self.store = store

    @property
    def meta(self) -> dict[str, Any]:
        for script in self.page.doc.selector.css("script:not([src])::text").getall():
            if match := META.search(script):
                try:
                    value, _ = json.JSONDecoder().raw_decode(script[match.end() :])
                except ValueError:
                    self.page.doc.problems.append("shopify:unreadable ShopifyAnalytics.meta")
                    return {}
                return value if isinstance(value, dict) else {}
        return {}

    def item_id(self) -> str | None:
        product = self.meta.get("product") or {}
        found = (
            product.get("id")
            or self.page.doc.selector.css("[data-product-id]::attr(data-product-id)").get()
        )
        return str(found) if found else None

    def common(self) -> dict[str, Any]:
        """Product-level fields (no variant's price, stock or GTIN)."""
        found = self.page.fields(None, visible_prices=False)
        values = {k: v for k, v in found.values.items() if k not in VARIANT_FIELDS}
        sel = self.page.doc.selector
        values["title"] = sel.css(".product__title h1::text").get() or values.get("title")
        values["brand"] = values.get("brand") or sel.css(".product__text::text").get()
        values["model"] = values.get("model") or sel.css(".product-model::text").get()
        values.pop("variant_attributes", None)
        for key, value in self.rating().items():
            values.setdefault(key, value)
        values["item_id"] = self.item_id()
        return {k: v for k, v in values.items() if v not in (None, "")}

    def offers_by_variant(self) -> dict[str, Node]:
        return {key: o for o in self.page.offers if (key := variant_key(o))}

    def records(self) -> list[Record]:
        common = self.common()
        offers = self.offers_by_variant()
        meta = {str(v.get("id")): v for v in (self.meta.get("product") or {}).get("variants", [])}
        options = self.page.doc.selector.css("select.product-form__variants option")
        ids = [o.attrib.get("value") for o in options] or list(offers) or list(meta)
        records = []
        for position, variant_id in enumerate(i for i in ids if i):
            option = next((o for o in options if o.attrib.get("value") == variant_id), None)
            records.append(
                self._variant(
                    common,
                    variant_id,
                    offers.get(variant_id),
                    meta.get(variant_id),
                    option,
                    position == 0,
                )
            )
        return [r for r in records if r.get("price") is not None]

    def _variant(
        self,
        common: dict[str, Any],
        variant_id: str,
        offer: Node | None,
        meta: dict[str, Any] | None,
        option: Any,
        first: bool,
    ) -> Record:
        record: Record = {**common, "variant_id": variant_id}
        label, shown = option_text(option)
        rung = self._price(record, offer, shown, meta)
        if "availability" not in record and option is not None:
            record["availability"] = "out_of_stock" if "disabled" in option.attrib else "in_stock"
        record["sku"] = (
            record.get("sku")
            or (meta or {}).get("sku")
            or (option.attrib.get("data-sku") if option is not None else None)
        )
        title = label or (meta or {}).get("public_title") or ""
        record["variant_attributes"] = self._attributes(title)
        if first:
            record["list_price"] = record.get("list_price") or self._shown_list_price(record)
        record["currency"] = common.get("currency") or self.store.currency
        record["confidence"] = {"jsonld": 1.0, "state": 0.95}.get(rung, 0.85)
        return {k: v for k, v in record.items() if v not in (None, "")}

    def _price(
        self, record: Record, offer: Node | None, shown: str, meta: dict[str, Any] | None
    ) -> str:
        """Fill the variant's price (JSON-LD offer, else picker text, else meta); its rung."""
        rung = "visible"
        if offer is not None:
            found = self.page.fields(offer, visible_prices=False)
            record.update({k: found.values[k] for k in VARIANT_FIELDS if k in found.values})
            rung = found.rungs.get("price", rung)
        if record.get("price") is None and shown:
            money = parse_money(shown, currency=self.store.currency, locale=self.store.locale)
            record["price"] = money.amount if money else None
        if record.get("price") is None and meta and meta.get("price") is not None:
            record["price"], rung = Decimal(str(meta["price"])) / 100, "state"
        return rung

    def rating(self) -> dict[str, Any]:
        """Judge.me's badge: ``data-average-rating`` (of 5), ``data-number-of-reviews``."""
        badge = self.page.doc.selector.css(".jdgm-prev-badge")
        value = badge.attrib.get("data-average-rating") if badge else None
        count = badge.attrib.get("data-number-of-reviews") if badge else None
        out: dict[str, Any] = {}
        if value and re.fullmatch(r"\d+(\.\d+)?", value):
            out.update(rating=float(value), rating_scale=5.0)
        if count and count.isdigit():
            out["review_count"] = int(count)
        return out

    def _attributes(self, label: str) -> dict[str, str]:
        values = [v.strip() for v in label.split(" / ") if v.strip()]
        names = ["color"] + ["Storage" if CAPACITY.match(v) else "Size" for v in values[1:]]
        return variant_attributes(names, values)

    def _shown_list_price(self, record: Record) -> Decimal | None:
        """The struck price of the on-sale block, when its sale price is this variant's."""
        sel = self.page.doc.selector
        was = sel.css(".price--on-sale s.price-item--regular::text").get()
        now = sel.css(".price--on-sale .price-item--sale::text").get()
        if not was or not now:
            return None
        kw = {"currency": self.store.currency, "locale": self.store.locale}
        listed, sale = parse_money(was, **kw), parse_money(now, **kw)
        if listed is None or sale is None or sale.amount != record.get("price"):
            return None
        return listed.amount if listed.amount > sale.amount else None


@dataclass(frozen=True)
class ShopifyPageReader:
    """The ``PageReader`` of the Shopify stores: product, search and sitemap pages."""

    stores: tuple[Store, ...]
    ready_selector: str = "[data-product-id], .product__title"

    def targets_for(self, watch: Watch) -> list[PageTarget]:
        stores = [store_for(self.stores, site=watch.site)] if watch.site else list(self.stores)
        targets = [
            product_target(PLATFORM, url, store_for(self.stores, watch.site, url).site)
            for url in watch.urls
        ]
        for store in stores:
            for keyword in watch.keywords:
                if keyword.strip():
                    targets.append(self._search(store, keyword, 1))
                else:
                    targets.append(sitemap_target(PLATFORM, store.url("/sitemap.xml"), store.site))
            if watch.item_ids or not (watch.urls or watch.keywords):
                # product ids cannot be turned into page URLs: the sitemap lists every product
                targets.append(sitemap_target(PLATFORM, store.url("/sitemap.xml"), store.site))
        return targets

    def target_for(
        self, item_id: str, known: tuple[Record, ...] = (), site: str | None = None
    ) -> PageTarget:
        url = (
            item_id
            if item_id.startswith("http")
            else next((str(r["url"]) for r in known if r.get("url")), None)
        )
        store = store_for(self.stores, site, url)
        if url is None:
            return sitemap_target(PLATFORM, store.url("/sitemap.xml"), store.site)
        item = "" if item_id.startswith("http") else item_id
        return PageTarget(PLATFORM, url, item, known=known, site=store.site)

    def read(self, target: PageTarget, answer: Answer) -> PageResult:
        if (reason := blocked_reason(answer)) is not None:
            return PageResult(blocked=reason)
        if answer.status in (404, 410):
            return gone(target, answer)
        store = store_for(self.stores, target.site, target.url)
        if target.kind == "sitemap":
            return discovery_result(target, answer, keep=lambda u: "/products/" in u)
        if target.kind == "search":
            return self._search_result(target, answer, store)
        product = ShopifyProductPage(answer.url, answer_html(answer), store)
        records = product.records()
        for record in records:
            record.setdefault("locale", store.locale or product.page.doc.locale)
        return page_result(product.page, records)

    def _search(self, store: Store, keyword: str, page: int) -> PageTarget:
        query = urlencode({"q": keyword, "type": "product", "page": page})
        return PageTarget(
            PLATFORM, store.url(f"/search?{query}"), "", kind="search", site=store.site
        )

    def _search_result(self, target: PageTarget, answer: Answer, store: Store) -> PageResult:
        sel = Selector(text=answer_html(answer))
        links = sel.css("#product-grid a::attr(href), .product-grid a::attr(href)").getall()
        follow = [
            product_target(PLATFORM, urljoin(answer.url, link), store.site)
            for link in dict.fromkeys(links)
            if "/products/" in link
        ]
        if sel.css("a.pagination__item--next, a[rel=next]"):
            query = parse_qs(urlsplit(target.url).query)
            page = int(query.get("page", ["1"])[0])
            follow.append(self._search(store, query.get("q", [""])[0], page + 1))
        return PageResult(follow=follow)
