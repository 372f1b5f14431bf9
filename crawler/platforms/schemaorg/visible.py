"""The visible page (what a person reads) → fields: the last rung, and the least trusted.

Selectors come from ``PageHints``. Anything inside a recommendations block (``aside``, classes
with ``related``/``recommend``/``upsell``/``cross-sell``) is never read: a related product's price
must not become the listing's. A split price (``<span>$</span><span>14</span><span>.00</span>``)
is read as the text of its element joined without spaces.
"""

from __future__ import annotations

from parsel import Selector

from crawler.items import Availability
from crawler.platforms.schemaorg.document import PageDocument
from crawler.platforms.schemaorg.found import Found
from crawler.platforms.schemaorg.hints import PageHints
from crawler.platforms.schemaorg.prices import parse_coupon, parse_money, parse_shipping
from crawler.platforms.schemaorg.texts import (
    fact_field,
    read_rating,
    read_review_count,
    read_stock,
)

RUNG = "visible"
LIMITED, IN_STOCK = Availability.LIMITED, Availability.IN_STOCK.value
#: Ancestors whose content belongs to other products.
ELSEWHERE = (
    "ancestor-or-self::*[self::aside or contains(@class, 'related') or contains(@class, "
    "'recommend') or contains(@class, 'upsell') or contains(@class, 'cross-sell')]"
)


def own_texts(doc: PageDocument, selectors: tuple[str, ...], *, joiner: str = " ") -> list[str]:
    """Texts of the first selector that matches outside recommendation blocks (non-empty only).

    ``css@attr`` reads an attribute; ``<meta content>`` is read from its ``content``.
    """
    for spec in selectors:
        css, _, attr = spec.partition("@")
        texts = [_text(el, attr, joiner) for el in doc.selector.css(css) if not el.xpath(ELSEWHERE)]
        texts = [t for t in texts if t]
        if texts:
            return texts
    return []


def _text(el: Selector, attr: str, joiner: str) -> str:
    if attr:
        return " ".join((el.attrib.get(attr) or "").split())
    if "content" in el.attrib:
        return el.attrib["content"].strip()
    return " ".join(joiner.join(el.css("::text").getall()).split())


def first_text(doc: PageDocument, selectors: tuple[str, ...], joiner: str = " ") -> str | None:
    found = own_texts(doc, selectors, joiner=joiner)
    return found[0] if found else None


def visible_fields(found: Found, doc: PageDocument, hints: PageHints) -> None:
    """The visible rung into ``found`` (only fields no earlier rung gave)."""
    currency, locale = found.values.get("currency") or hints.currency, hints.locale or doc.locale
    found.put("title", first_text(doc, hints.title), RUNG)
    found.put("sku", first_text(doc, hints.sku), RUNG)
    _prices(found, doc, hints, currency, locale)
    _facts(found, doc, hints)
    stock = read_stock(first_text(doc, hints.stock), zero_when_sold_out=hints.zero_when_sold_out)
    if stock.availability is LIMITED and found.values.get("availability") == IN_STOCK:
        found.values["availability"] = LIMITED.value  # "only 3 left" refines a coarse in-stock
    found.put("availability", stock.availability.value if stock.availability else None, RUNG)
    found.put("stock_qty", stock.quantity, RUNG)
    if "shipping" not in found.values:
        shipping, known = parse_shipping(
            first_text(doc, hints.shipping), currency=currency, locale=locale
        )
        found.put("shipping", shipping.amount if known and shipping else None, RUNG)
    coupon = parse_coupon(first_text(doc, hints.coupon), currency=currency, locale=locale)
    if coupon is not None:
        found.put("coupon_amount", coupon[0].amount, RUNG)
        found.put("coupon_threshold", coupon[1].amount if coupon[1] else None, RUNG)
    _rating(found, doc, hints)


def _prices(
    found: Found, doc: PageDocument, hints: PageHints, currency: str | None, locale: str | None
) -> None:
    shown = first_text(doc, hints.price, joiner="")
    price = parse_money(shown, currency=currency, locale=locale) if shown else None
    if price is not None and not found.has("price"):
        found.put("price", price.amount, RUNG)
        found.put("currency", price.currency, RUNG)
        found.put("currency_raw", price.currency_raw, RUNG)
        found.put("locale", locale, RUNG)
        found.price_is_range = price.is_range
    elif price is not None and price.amount != found.values["price"] and not price.is_range:
        found.warn("price:visible_differs")  # the markup wins; the disagreement is kept
    was = first_text(doc, hints.list_price, joiner="")
    listed = parse_money(was, currency=currency, locale=locale) if was else None
    if listed is not None and listed.amount > 0:
        found.put("list_price", listed.amount, RUNG)


def _facts(found: Found, doc: PageDocument, hints: PageHints) -> None:
    """``<dl>`` spec tables: Brand, Model, GTIN, Sold by, Color, Capacity/Size."""
    for css in hints.facts:
        tables = [t for t in doc.selector.css(css) if not t.xpath(ELSEWHERE)]
        for table in tables:
            for term in table.css("dt"):
                name = fact_field(" ".join(term.css("::text").getall()))
                value = " ".join(
                    " ".join(term.xpath("following-sibling::dd[1]//text()").getall()).split()
                )
                if name in ("color", "capacity", "size"):
                    found.put_attribute(name, value, RUNG)
                elif name:
                    found.put(name, value, RUNG)
        if tables:
            return


def _rating(found: Found, doc: PageDocument, hints: PageHints) -> None:
    if not found.has("rating"):
        rating = read_rating(first_text(doc, hints.rating))
        if rating is not None:
            found.put("rating", float(rating[0]), RUNG)
            found.put("rating_scale", float(rating[1]), RUNG)
    if not found.has("review_count"):
        found.put("review_count", read_review_count(first_text(doc, hints.reviews)), RUNG)
