"""What a caller may tell the parser about a site: its currency, locale, name and CSS selectors.

Every hint has a default that fits common shop themes, so ``PageHints()`` reads an unknown
schema.org shop; a platform module passes its own (Shopify's ``.price-item--sale``, Amazon's
``.priceToPay .a-offscreen``) to reach the visible rung of its pages.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageHints:
    """Site facts and selectors for the visible rung (CSS, tried in order, first hit wins)."""

    currency: str | None = None
    """The shop's ISO currency when the page does not say (``¥`` alone is then read with it)."""
    locale: str | None = None
    """Overrides the page's ``og:locale``/``<html lang>`` (a site with a wrong ``lang``)."""
    site_name: str | None = None
    """The shop's own name: its offers are the listing (default ``og:site_name``)."""
    title: tuple[str, ...] = ("h1.product-name", "h1.product_title", "h1")
    sku: tuple[str, ...] = ("[itemprop=sku]", "[data-sku]@data-sku", ".product_meta .sku")
    price: tuple[str, ...] = (
        ".buy-box .price-now",
        ".price-now",
        ".price-item--sale",
        ".priceToPay .a-offscreen",
        "[itemprop=price]",
        ".product-price",
        ".price ins",
        ".price",
    )
    list_price: tuple[str, ...] = (
        "s.price-was",
        ".price-was",
        "s.price-item--regular",
        ".basisPrice .a-offscreen",
        ".price del",
        "del.price",
        ".was-price",
    )
    stock: tuple[str, ...] = (".stock-status", ".stock", "#availability")
    shipping: tuple[str, ...] = (
        ".shipping",
        ".shipping-note",
        ".product__tax",
        "#delivery-message",
    )
    coupon: tuple[str, ...] = (".coupon", ".coupon-text", "#couponBadge")
    rating: tuple[str, ...] = (".rating", ".star-rating@aria-label", ".jdgm-prev-badge__stars")
    reviews: tuple[str, ...] = (".rating", ".review-count", ".woocommerce-review-link")
    facts: tuple[str, ...] = ("dl.facts", ".product__specs dl", "dl")
    product_marker: tuple[str, ...] = (
        "[itemtype*='schema.org/Product']",
        "article.product",
        "[data-sku]",
        "[data-product-id]",
        ".product-form",
        "#product",
        ".product__title",
    )
    """Present on a product page even before its script filled the price (js-only pages)."""
    zero_when_sold_out: bool = True
    """An "Out of stock" line means stock 0 (shops that show exact stock); False where a sold-out
    line says nothing about units (Amazon)."""
