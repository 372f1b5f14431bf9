"""The schema.org product-page parser every platform shares (docs/platforms/schemaorg.md).

    from crawler.platforms.schemaorg import ProductPage, PageHints, SchemaOrgPageReader

    page = ProductPage(url, html, PageHints(currency="JPY"))   # parses once (lxml + extruct)
    page.records()          # [{title, price: Decimal, currency, list_price, availability, ...}]
    page.product            # the main schema.org Product node (the canonical one), or None
    page.offers             # its listing offers (the shop's NewCondition offer / one per variant)
    page.fields(offer)      # Found: values + the rung each came from + confidence()
    page.doc                # PageDocument: jsonld, microdata, opengraph, state(name), locale, ...
    page.is_product_page    # product markup or container present (a js-only page still is one)

    SchemaOrgPageReader(platform, hints).read(target, answer)   # → PageResult (base.py contract)

Money helpers for platform pages: ``parse_money``, ``parse_shipping``, ``parse_coupon``; text
helpers: ``read_stock``, ``read_rating``.
"""

from crawler.platforms.schemaorg.document import PageDocument, parse_locale
from crawler.platforms.schemaorg.found import Found
from crawler.platforms.schemaorg.hints import PageHints
from crawler.platforms.schemaorg.nodes import variant_key
from crawler.platforms.schemaorg.page import ProductPage
from crawler.platforms.schemaorg.prices import (
    Money,
    parse_coupon,
    parse_money,
    parse_shipping,
    structured_amount,
)
from crawler.platforms.schemaorg.reader import (
    SchemaOrgPageReader,
    answer_html,
    gone,
    page_result,
)
from crawler.platforms.schemaorg.texts import read_rating, read_review_count, read_stock

__all__ = [
    "Found",
    "Money",
    "PageDocument",
    "PageHints",
    "ProductPage",
    "SchemaOrgPageReader",
    "answer_html",
    "gone",
    "page_result",
    "parse_coupon",
    "parse_locale",
    "parse_money",
    "parse_shipping",
    "read_rating",
    "read_review_count",
    "read_stock",
    "structured_amount",
    "variant_key",
]
