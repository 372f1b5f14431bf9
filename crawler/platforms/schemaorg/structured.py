"""schema.org Product / Offer nodes (JSON-LD or microdata, extruct's uniform shape) → fields.

Field sources follow platform-apis.md §7.1: ``name``, ``brand``, ``mpn``, ``sku``, ``gtin8/12/13/
14``, ``color``, ``image``, ``aggregateRating {ratingValue, bestRating (default 5), reviewCount |
ratingCount}``; per Offer ``price`` + ``priceCurrency`` (or an AggregateOffer's ``lowPrice``),
``priceSpecification`` with ``priceType`` StrikethroughPrice/ListPrice (the list price),
``availability``, ``inventoryLevel.value``, ``seller.name``, ``shippingDetails.shippingRate``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from crawler.normalize.availability import availability_from
from crawler.platforms.schemaorg.document import Node, PageDocument
from crawler.platforms.schemaorg.found import Found
from crawler.platforms.schemaorg.nodes import is_type, seller_name, text_of
from crawler.platforms.schemaorg.prices import Money, parse_money, structured_amount

GTIN_KEYS = ("gtin14", "gtin13", "gtin12", "gtin8", "gtin", "isbn")
LIST_PRICE_TYPES = ("StrikethroughPrice", "ListPrice", "MSRP")
HOME_CRUMBS = frozenset({"home", "startseite", "首页", "ホーム", "accueil", "inicio"})


def rung_of(node: Node, doc: PageDocument) -> str:
    return "jsonld" if any(node is n for n in doc.jsonld) else "microdata"


def product_fields(found: Found, product: Node, doc: PageDocument) -> None:
    """The Product's own facts (not its offers) into ``found``."""
    rung = rung_of(product, doc)
    found.put("title", text_of(product.get("name")), rung)
    brand = product.get("brand")
    found.put("brand", text_of(doc.by_id(brand) or brand), rung)
    found.put("model", text_of(product.get("mpn")), rung)
    found.put("sku", text_of(product.get("sku")), rung)
    found.put("gtin", gtin_of(product), rung)
    found.put("image_urls", image_urls(product.get("image")), rung)
    found.put_attribute("color", text_of(product.get("color")), rung)
    found.put_attribute("size", text_of(product.get("size")), rung)
    rating = product.get("aggregateRating")
    if isinstance(rating, dict):
        rating_fields(found, rating, rung)
    found.put("category_path", breadcrumbs(doc, text_of(product.get("name"))), rung)


def rating_fields(found: Found, rating: Node, rung: str) -> None:
    value = structured_amount(text_of(rating.get("ratingValue")))
    if value is None:
        return
    best = structured_amount(text_of(rating.get("bestRating"))) or Decimal(5)  # schema.org default
    count = text_of(rating.get("reviewCount")) or text_of(rating.get("ratingCount"))
    found.put("rating", float(value), rung)
    found.put("rating_scale", float(best), rung)
    if count and count.replace(",", "").isdigit():
        found.put("review_count", int(count.replace(",", "")), rung)


def offer_fields(
    found: Found, offer: Node, doc: PageDocument, *, rung: str, currency: str | None = None
) -> None:
    """One Offer (or an AggregateOffer standing for all) into ``found``."""
    code = text_of(offer.get("priceCurrency")) or currency
    price = offer_price(offer, code, doc)
    if price is not None and not found.has("price"):
        found.put("price", price.amount, rung)
        found.put("currency", price.currency, rung)
        found.put("currency_raw", price.currency_raw, rung)
        found.price_is_range = price.is_range
    listed = list_price(offer, code, doc)
    if listed is not None:
        found.put("list_price", listed.amount, rung)
    state = availability_from(text_of(offer.get("availability")) or "")
    found.put("availability", state.value if state else None, rung)
    level = offer.get("inventoryLevel")
    count = structured_amount(text_of(level.get("value") if isinstance(level, dict) else level))
    found.put("stock_qty", int(count) if count is not None else None, rung)
    found.put("seller_name", seller_name(offer, doc), rung)
    found.put("sku", text_of(offer.get("sku")), rung)
    found.put("gtin", gtin_of(offer), rung)
    shipping = shipping_of(offer, code, doc)
    if shipping is not None:
        found.put("shipping", shipping.amount, rung)


def offer_price(offer: Node, currency: str | None, doc: PageDocument) -> Money | None:
    """``price``; else a non-list ``priceSpecification``; else an AggregateOffer's range."""
    money = parse_money(offer.get("price"), currency=currency, locale=doc.locale)
    if money is not None:
        return money
    for spec in specifications(offer):
        if not _is_list_price(spec):
            found = parse_money(
                spec.get("price"),
                currency=text_of(spec.get("priceCurrency")) or currency,
                locale=doc.locale,
            )
            if found is not None:
                return found
    low = parse_money(offer.get("lowPrice"), currency=currency, locale=doc.locale)
    high = parse_money(offer.get("highPrice"), currency=currency, locale=doc.locale)
    if low is None:
        return high
    spread = high is not None and high.amount != low.amount
    return Money(low.amount, low.currency, low.currency_raw, is_range=spread)


def specifications(offer: Node) -> list[Node]:
    raw = offer.get("priceSpecification")
    return [s for s in (raw if isinstance(raw, list) else [raw]) if isinstance(s, dict)]


def _is_list_price(spec: Node) -> bool:
    kind = text_of(spec.get("priceType")) or ""
    return any(kind.endswith(name) for name in LIST_PRICE_TYPES)


def list_price(offer: Node, currency: str | None, doc: PageDocument) -> Money | None:
    for spec in specifications(offer):
        if _is_list_price(spec):
            code = text_of(spec.get("priceCurrency")) or currency
            return parse_money(spec.get("price"), currency=code, locale=doc.locale)
    return None


def shipping_of(offer: Node, currency: str | None, doc: PageDocument) -> Money | None:
    """``shippingDetails[0].shippingRate`` (``value`` + ``currency``); free when ``value`` 0."""
    raw = offer.get("shippingDetails")
    for details in raw if isinstance(raw, list) else [raw]:
        if not isinstance(details, dict):
            continue
        rate = details.get("shippingRate")
        if isinstance(rate, list):
            rate = rate[0] if rate else None
        if isinstance(rate, dict):
            code = text_of(rate.get("currency")) or currency
            return parse_money(rate.get("value"), currency=code, locale=doc.locale)
    return None


def gtin_of(node: Node) -> str | None:
    for key in GTIN_KEYS:
        text = text_of(node.get(key))
        if text:
            return text.strip()
    return None


def image_urls(raw: Any) -> list[str]:
    items = raw if isinstance(raw, list) else [raw]
    urls = []
    for item in items:
        url = item.get("url") or item.get("contentUrl") if isinstance(item, dict) else item
        if isinstance(url, str) and url.strip():
            urls.append(url.strip())
    return urls


def breadcrumbs(doc: PageDocument, title: str | None = None) -> list[str]:
    """Names of the first BreadcrumbList, without the home crumb and the product itself."""
    for node in doc.nodes:
        if is_type(node, "BreadcrumbList"):
            items = node.get("itemListElement") or []
            items = sorted(
                (i for i in items if isinstance(i, dict)),
                key=lambda i: int(text_of(i.get("position")) or 0),
            )
            names = [text_of(i.get("name")) or text_of(i.get("item")) for i in items]
            names = [n for n in names if n]
            if names and names[0].lower() in HOME_CRUMBS:
                names = names[1:]
            return names[:-1] if names and names[-1] == title else names
    return []
