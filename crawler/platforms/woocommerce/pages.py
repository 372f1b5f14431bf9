"""WooCommerce product pages → one record per variation (schema.org parser + the variations form).

Product facts come from the shared parser: Yoast's JSON-LD ``@graph`` Product (or microdata)
``name``, ``brand``, ``mpn``, ``aggregateRating``; ``og:site_name`` as seller; shipping from the
offer's ``shippingDetails`` or the ``.shipping-note`` (``Kostenloser Versand`` = 0,
``Versand: 4,90 €``). Each variation comes from ``form.variations_form@data-product_variations``:
``variation_id``, ``display_price`` / ``display_regular_price`` (euros as JSON numbers),
``is_in_stock``, ``backorders_allowed``, ``availability_html`` (``87 vorrätig``),
``global_unique_id`` (the GTIN, shown nowhere else) and ``attributes`` (slugs, labelled by the
``table.variations`` options: ``schwarz`` → ``Schwarz``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from parsel import Selector

from crawler.platforms.base import Answer, PageResult, PageTarget, Record, Watch
from crawler.platforms.blocked import blocked_reason
from crawler.platforms.schemaorg import (
    PageHints,
    ProductPage,
    answer_html,
    gone,
    page_result,
    read_stock,
    structured_amount,
)
from crawler.platforms.schemaorg.sitemap import discovery_result, product_target, sitemap_target
from crawler.platforms.woocommerce.reader import CAPACITY_NAMES, COLOR_NAMES

PLATFORM = "woocommerce"
VARIANT_FIELDS = (
    "price",
    "list_price",
    "currency_raw",
    "availability",
    "stock_qty",
    "gtin",
    "sku",
    "variant_id",
    "variant_attributes",
)
#: The variations form is the shop's own JSON (the state rung of the shared parser).
STATE_CONFIDENCE = 0.95
HINTS = PageHints(shipping=(".shipping-note", ".shipping"), title=("h1.product_title", "h1"))


class WooProductPage:
    """A WooCommerce product page read once; ``records()`` gives one record per variation."""

    def __init__(self, url: str, html: str, hints: PageHints = HINTS) -> None:
        self.page = ProductPage(url, html, hints)
        self.sel = self.page.doc.selector

    def item_id(self) -> str | None:
        found = self.sel.css("form.variations_form::attr(data-product_id)").get()
        if not found:
            div = self.sel.css("div[id^=product-]::attr(id)").get() or ""
            found = div.removeprefix("product-") if div.removeprefix("product-").isdigit() else None
        return found

    def variations(self) -> list[dict[str, Any]]:
        raw = self.sel.css("form.variations_form::attr(data-product_variations)").get()
        if not raw:
            return []
        try:
            data = json.loads(raw, parse_float=Decimal)
        except ValueError:
            self.page.doc.problems.append("woocommerce:unreadable data-product_variations")
            return []
        return [v for v in data if isinstance(v, dict)] if isinstance(data, list) else []

    def common(self) -> dict[str, Any]:
        found = self.page.fields(None, visible_prices=not self.variations())
        values = {
            k: v
            for k, v in found.values.items()
            if k not in VARIANT_FIELDS or not self.variations()
        }
        values["item_id"] = self.item_id()
        if not self.variations():
            values["confidence"] = found.confidence()
        return {k: v for k, v in values.items() if v not in (None, "")}

    def labels(self) -> dict[str, tuple[str, dict[str, str]]]:
        """``attribute_pa_farbe`` → (``Farbe``, {slug: label}) from ``table.variations``."""
        out = {}
        for row in self.sel.css("table.variations tr"):
            select = row.css("select")
            name = select.attrib.get("name") if select else None
            if name:
                options = {
                    o.attrib.get("value", ""): " ".join(o.css("::text").getall()).strip()
                    for o in select.css("option")
                }
                out[name] = (" ".join(row.css("th ::text").getall()).strip(), options)
        return out

    def records(self) -> list[Record]:
        common = self.common()
        variations = self.variations()
        if not variations:
            return [common] if common.get("price") is not None else []
        labels = self.labels()
        return [self._variation(common, v, labels) for v in variations]

    def _variation(
        self,
        common: dict[str, Any],
        var: dict[str, Any],
        labels: dict[str, tuple[str, dict[str, str]]],
    ) -> Record:
        price = structured_amount(var.get("display_price"))
        regular = structured_amount(var.get("display_regular_price"))
        availability, quantity = _stock(var)
        record: Record = {
            **common,
            "variant_id": str(var["variation_id"]) if var.get("variation_id") else None,
            "sku": var.get("sku") or None,
            "gtin": var.get("global_unique_id") or None,
            "price": price,
            "list_price": regular if price is not None and regular and regular > price else None,
            "availability": availability,
            "stock_qty": quantity,
            "variant_attributes": _attributes(var.get("attributes") or {}, labels),
            "confidence": STATE_CONFIDENCE,
        }
        return {k: v for k, v in record.items() if v not in (None, "", {})}


def _stock(var: dict[str, Any]) -> tuple[str, int | None]:
    line = read_stock(Selector(text=var.get("availability_html") or "<p></p>").css("p::text").get())
    if line.availability is not None and line.availability.value == "preorder":
        return "preorder", None
    if not var.get("is_in_stock", True):
        return ("preorder", None) if var.get("backorders_allowed") else ("out_of_stock", 0)
    if var.get("backorders_allowed") and line.availability is None:
        return "preorder", None
    return "in_stock", line.quantity


def _attributes(
    raw: dict[str, Any], labels: dict[str, tuple[str, dict[str, str]]]
) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, slug in raw.items():
        label, options = labels.get(name, (name.removeprefix("attribute_pa_"), {}))
        value = options.get(str(slug), str(slug))
        key = label.strip().lower()
        slot = "color" if key in COLOR_NAMES else "capacity" if key in CAPACITY_NAMES else "size"
        if value:
            out[slot] = value
    return out


@dataclass(frozen=True)
class WooPageReader:
    """The ``PageReader`` of a WooCommerce shop: product pages and the WordPress sitemap."""

    site_base: str
    ready_selector: str = "form.variations_form, .product_title"

    def targets_for(self, watch: Watch) -> list[PageTarget]:
        targets = [product_target(PLATFORM, url) for url in watch.urls]
        whole = not (watch.urls or watch.keywords) or any(not k.strip() for k in watch.keywords)
        if watch.item_ids or whole:
            # ids have no page URL of their own: the sitemap lists every product (the shop has
            # no product search page, so a keyword watch needs the Store API)
            targets.append(sitemap_target(PLATFORM, f"{self.site_base}/wp-sitemap.xml"))
        return targets

    def target_for(
        self, item_id: str, known: tuple[Record, ...] = (), site: str | None = None
    ) -> PageTarget:
        url = (
            item_id
            if item_id.startswith("http")
            else next((str(r["url"]) for r in known if r.get("url")), None)
        )
        if url is None:
            return sitemap_target(PLATFORM, f"{self.site_base}/wp-sitemap.xml")
        return PageTarget(PLATFORM, url, "" if item_id.startswith("http") else item_id, known=known)

    def read(self, target: PageTarget, answer: Answer) -> PageResult:
        if (reason := blocked_reason(answer)) is not None:
            return PageResult(blocked=reason)
        if answer.status in (404, 410):
            return gone(target, answer)
        if target.kind == "sitemap":
            return discovery_result(target, answer, keep=lambda u: "/product/" in u)
        product = WooProductPage(answer.url, answer_html(answer))
        return page_result(product.page, product.records())
