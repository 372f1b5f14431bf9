"""OpenGraph product tags (``product:price:*``, ``og:price:*``, ``product:availability``) → fields.

Facebook's product tags carry one price for the page (Shopify: the first variant's), so this
rung ranks below markup and embedded state. ``product:availability`` is coarse (``in stock`` /
``out of stock`` / ``preorder``); a visible "only 3 left" refines it to ``limited``.
"""

from __future__ import annotations

from crawler.normalize.availability import availability_from
from crawler.platforms.schemaorg.document import PageDocument
from crawler.platforms.schemaorg.found import Found
from crawler.platforms.schemaorg.prices import parse_money

RUNG = "opengraph"
OG_AVAILABILITY = {
    "in stock": "in_stock",
    "available for order": "in_stock",
    "instock": "in_stock",
    "out of stock": "out_of_stock",
    "oos": "out_of_stock",
    "discontinued": "out_of_stock",
    "preorder": "preorder",
    "pre-order": "preorder",
    "pending": "preorder",
}


def og_value(og: dict[str, str], *names: str) -> str | None:
    return next((og[n].strip() for n in names if og.get(n, "").strip()), None)


def opengraph_fields(found: Found, doc: PageDocument) -> None:
    og = doc.opengraph
    currency = og_value(
        og, "product:price:currency", "og:price:currency", "product:sale_price:currency"
    )
    amount = og_value(og, "product:sale_price:amount", "product:price:amount", "og:price:amount")
    price = parse_money(amount, currency=currency, locale=doc.locale) if amount else None
    if price is not None and not found.has("price"):
        found.put("price", price.amount, RUNG)
        found.put("currency", price.currency, RUNG)
        found.put("currency_raw", price.currency_raw, RUNG)
        found.price_is_range = price.is_range
        if og.get("product:sale_price:amount"):
            listed = parse_money(
                og.get("product:price:amount"), currency=currency, locale=doc.locale
            )
            found.put("list_price", listed.amount if listed else None, RUNG)
    raw = og_value(og, "product:availability", "og:availability")
    if raw:
        state = OG_AVAILABILITY.get(raw.lower()) or availability_from(raw)
        found.put("availability", str(state) if state else None, RUNG)
    found.put("brand", og_value(og, "product:brand", "og:brand"), RUNG)
    found.put("sku", og_value(og, "product:retailer_item_id"), RUNG)
    found.put("title", og_value(og, "og:title"), RUNG)
    image = og_value(og, "og:image")
    found.put("image_urls", [image] if image else None, RUNG)
