"""``ProductPage``: one product page (url + html) → Listing-field records, rung by rung.

Rungs in order: schema.org markup (JSON-LD incl. ``@graph``, microdata), embedded state,
OpenGraph, visible HTML; the first rung to give a field keeps it (see ``found.py``). One record
per listing: the main Product's own offer, or one per variant when the Product lists one Offer
per variant (distinct ``sku``/``?variant=``). Records use ``crawler.items.Listing`` field names;
money is Decimal in major units with ``currency`` (ISO) or ``currency_raw`` + ``locale``.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cached_property
from typing import Any

from crawler.platforms.base import Record
from crawler.platforms.schemaorg.document import Node, PageDocument
from crawler.platforms.schemaorg.found import Found
from crawler.platforms.schemaorg.hints import PageHints
from crawler.platforms.schemaorg.nodes import listing_offers, main_products, variant_key
from crawler.platforms.schemaorg.opengraph import opengraph_fields
from crawler.platforms.schemaorg.state import state_fields, state_product
from crawler.platforms.schemaorg.structured import offer_fields, product_fields, rung_of
from crawler.platforms.schemaorg.visible import visible_fields


class ProductPage:
    """A product page read once; ``records()`` gives its listings."""

    def __init__(self, url: str, html: str | bytes, hints: PageHints | None = None) -> None:
        self.url = url
        self.hints = hints or PageHints()
        self.doc = PageDocument(url, html)

    @cached_property
    def product(self) -> Node | None:
        """The page's own Product node (None when the page has none or cannot tell which)."""
        found = main_products(self.doc)
        return found[0] if found else None

    @cached_property
    def offers(self) -> list[Node]:
        """The listing offers of the main Product: one, or one per variant."""
        if self.product is None:
            return []
        return listing_offers(self.product, self.doc, self.hints.site_name)

    @property
    def has_variant_offers(self) -> bool:
        return len(self.offers) > 1

    def fields(self, offer: Node | None = None, *, visible_prices: bool = True) -> Found:
        """Every rung's fields for ``offer`` (default: the first listing offer)."""
        found = Found()
        offer = offer if offer is not None else (self.offers[0] if self.offers else None)
        if self.product is not None:
            currency = self.hints.currency
            if offer is not None:
                offer_fields(
                    found, offer, self.doc, rung=rung_of(self.product, self.doc), currency=currency
                )
            product_fields(found, self.product, self.doc)
        if (state := state_product(self.doc)) is not None:
            state_fields(found, state, self.doc)
        opengraph_fields(found, self.doc)
        hints = self.hints if visible_prices else _no_prices(self.hints)
        visible_fields(found, self.doc, hints)
        found.put("seller_name", self.hints.site_name or self.doc.site_name, "opengraph")
        return found

    def records(self) -> list[Record]:
        """One record per listing on the page; empty when the page shows no price."""
        if self.has_variant_offers:
            return [self._record(self.fields(o, visible_prices=False), o) for o in self.offers]
        found = self.fields()
        return [self._record(found, None)] if found.has("price") else []

    def _record(self, found: Found, offer: Node | None) -> Record:
        values: dict[str, Any] = dict(found.values)
        if values.get("list_price") is not None and values.get("list_price") == values.get("price"):
            values["list_price"] = None  # a "was" price equal to the price is no promotion
        values.setdefault("locale", self.hints.locale or self.doc.locale)
        if (
            values.get("currency") is None
            and self.hints.currency
            and values.get("currency_raw") is None
        ):
            values["currency"] = self.hints.currency
        values["url"] = self.url
        values["canonical_url"] = self.doc.canonical_url
        values["variant_id"] = variant_key(offer) if offer is not None else None
        values["confidence"] = found.confidence()
        values["warnings"] = list(found.warnings)
        return {k: v for k, v in values.items() if v is not None and v != {}}

    @cached_property
    def is_product_page(self) -> bool:
        """Product markup, ``og:type`` product, or a product container of the hints."""
        if self.product is not None or (self.doc.opengraph.get("og:type") or "").lower() in (
            "product",
            "og:product",
            "product.item",
        ):
            return True
        return any(self.doc.selector.css(css) for css in self.hints.product_marker)

    @property
    def problems(self) -> list[str]:
        return list(self.doc.problems)


def _no_prices(hints: PageHints) -> PageHints:
    """Hints whose visible rung reads no prices (the shown price is one variant's only)."""
    return replace(hints, price=(), list_price=())
