"""Embedded page state (``__NEXT_DATA__``, ``window.__INITIAL_STATE__``…) → fields.

Shops built on Next.js/Nuxt/Redux ship the product as JSON in the page. There is no standard
shape, so this rung looks for the shallowest object that has a price and a name (or sku) —
``props.pageProps.product`` on a Next.js page — and reads the key names such stores commonly use.
Platforms with a known state shape (Taobao's ``skuCore``, PDD's ``rawData``) read it themselves
through ``PageDocument.state``.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from crawler.normalize.availability import availability_from
from crawler.platforms.schemaorg.document import PageDocument
from crawler.platforms.schemaorg.found import Found
from crawler.platforms.schemaorg.nodes import text_of
from crawler.platforms.schemaorg.prices import parse_money, structured_amount

STATE_NAMES = ("__NEXT_DATA__", "__INITIAL_STATE__", "__PRELOADED_STATE__", "__NUXT__")
PRICE_KEYS = ("price", "salePrice", "currentPrice", "finalPrice")
LIST_KEYS = ("listPrice", "regularPrice", "compareAtPrice", "originalPrice", "wasPrice")
NAME_KEYS = ("name", "title", "productName")
MAX_NODES = 5000
RUNG = "state"


def state_product(doc: PageDocument) -> dict[str, Any] | None:
    """The product object of the page's embedded state, or None."""
    for name in STATE_NAMES:
        data = doc.state(name)
        if data is not None and (found := _shallowest_product(data)) is not None:
            return found
    return None


def _shallowest_product(data: Any) -> dict[str, Any] | None:
    queue, seen = deque([data]), 0
    while queue and seen < MAX_NODES:
        node = queue.popleft()
        seen += 1
        if isinstance(node, dict):
            if any(k in node for k in PRICE_KEYS) and any(k in node for k in (*NAME_KEYS, "sku")):
                return node
            queue.extend(v for v in node.values() if isinstance(v, dict | list))
        elif isinstance(node, list):
            queue.extend(v for v in node if isinstance(v, dict | list))
    return None


def _first(product: dict[str, Any], keys: tuple[str, ...]) -> Any:
    return next((product[k] for k in keys if product.get(k) not in (None, "")), None)


def _money(value: Any, currency: str | None, doc: PageDocument) -> tuple[Any, str | None]:
    """A state money value: a scalar, or ``{amount|value, currency|currencyCode}``."""
    if isinstance(value, dict):
        code = text_of(value.get("currency") or value.get("currencyCode")) or currency
        value = value.get("amount", value.get("value"))
        currency = code
    money = parse_money(value, currency=currency, locale=doc.locale)
    return money, currency


def state_fields(found: Found, product: dict[str, Any], doc: PageDocument) -> None:
    """The state product's facts into ``found`` (first rung wins, so markup keeps precedence)."""
    currency = text_of(_first(product, ("currency", "currencyCode", "priceCurrency")))
    price, currency = _money(_first(product, PRICE_KEYS), currency, doc)
    if price is not None and not found.has("price"):
        found.put("price", price.amount, RUNG)
        found.put("currency", price.currency, RUNG)
        found.put("currency_raw", price.currency_raw, RUNG)
        found.price_is_range = price.is_range
    listed, _ = _money(_first(product, LIST_KEYS), currency, doc)
    found.put("list_price", listed.amount if listed else None, RUNG)
    shipping, _ = _money(
        _first(product, ("shipping", "shippingCost", "shippingPrice")), currency, doc
    )
    found.put("shipping", shipping.amount if shipping else None, RUNG)
    found.put("title", text_of(_first(product, NAME_KEYS)), RUNG)
    found.put("brand", text_of(product.get("brand")), RUNG)
    found.put("model", text_of(_first(product, ("mpn", "model", "modelNumber"))), RUNG)
    found.put("sku", text_of(product.get("sku")), RUNG)
    found.put("gtin", text_of(_first(product, ("gtin", "gtin13", "ean", "barcode", "upc"))), RUNG)
    found.put("seller_name", text_of(_first(product, ("seller", "sellerName", "vendor"))), RUNG)
    found.put_attribute("color", text_of(product.get("color")), RUNG)
    _availability(found, product)
    _rating(found, product)


def _availability(found: Found, product: dict[str, Any]) -> None:
    raw = _first(product, ("availability", "stockStatus", "inStock", "available"))
    state = availability_from(raw if isinstance(raw, bool) else text_of(raw) or "")
    found.put("availability", state.value if state else None, RUNG)
    count = structured_amount(_first(product, ("stock", "stockQuantity", "inventory", "quantity")))
    found.put("stock_qty", int(count) if count is not None else None, RUNG)


def _rating(found: Found, product: dict[str, Any]) -> None:
    rating = product.get("rating") or product.get("aggregateRating")
    if isinstance(rating, dict):
        value = structured_amount(_first(rating, ("value", "average", "ratingValue")))
        best = structured_amount(_first(rating, ("best", "scale", "bestRating")))
        count = structured_amount(_first(rating, ("count", "reviewCount", "ratingCount")))
    else:
        value, best = structured_amount(rating), None
        count = structured_amount(_first(product, ("reviewCount", "ratingCount")))
    if value is None:
        return
    found.put("rating", float(value), RUNG)
    found.put("rating_scale", float(best) if best is not None else 5.0, RUNG)
    found.put("review_count", int(count) if count is not None else None, RUNG)
