"""Shopify product, search and sitemap pages → records and follow-ups (crawler/platforms/shopify).

Cases (tests/cases/shopify/page-*, sitemap-*): recordings of both fixture stores (USD and JPY)
in each page layout — Dawn's JSON-LD with one Offer per variant, the same with a recommended
product's JSON-LD first, and no JSON-LD at all (OpenGraph + ``ShopifyAnalytics.meta`` + the
variant picker) — compared with the truth through the pipeline's normalizer, one test per field.
Fields a page never shows are left out: the GTIN of the OpenGraph layout, and the struck list
price of every variant but the selected one (those come from ``products/<handle>.js``).
"""

from __future__ import annotations

from functools import cache

import pytest

from crawler.platforms.base import Answer, PageResult, PageTarget, Watch
from crawler.platforms.shopify import FIXTURE_PATHS
from crawler.platforms.shopify.pages import ShopifyPageReader
from crawler.platforms.shopify.stores import DEFAULT_STORES, stores_from
from tests.support.page_cases import PAGE_FIELDS, expected, key, load, normalized
from tests.support.page_recorder import BASE

STORES = stores_from(
    {"stores": [{**s, "base": BASE + FIXTURE_PATHS[s["site"]]} for s in DEFAULT_STORES]}
)
READER = ShopifyPageReader(STORES)
CASES = {c.name: c for c in [*load("shopify", "page-"), *load("shopify", "sitemap-")]}
PAGES = sorted(n for n in CASES if n.startswith("page-"))
NOT_ON_THE_PAGE = {
    "shipping_minor",
    "stock_qty",
    "coupon_minor",
    "coupon_threshold_minor",
    "effective_price_minor",
    "seller_id",
}


@cache
def read(name: str) -> PageResult:
    case = CASES[name]
    return READER.read(case.target(), case.answer)


def shown(name: str, row: dict, field: str) -> bool:
    """Whether the page of case ``name`` shows ``field`` of ``row`` at all."""
    if field == "gtin":
        return "opengraph" not in name
    if field in ("list_price_minor", "promo_price_minor") and row[field] is not None:
        first = CASES[name].output["records"][0]
        return row["variant_id"] == first["variant_id"]
    return field not in NOT_ON_THE_PAGE


@pytest.mark.parametrize("field", PAGE_FIELDS)
@pytest.mark.parametrize("name", PAGES)
def test_field(name: str, field: str) -> None:
    found = {key(r): normalized(r, "shopify") for r in read(name).records}
    rows = CASES[name].output["records"]
    assert set(found) == {key(row) for row in rows}
    for row in rows:
        if shown(name, row, field):
            assert found[key(row)][field] == expected(row, field), (name, row["listing_id"])


@pytest.mark.parametrize("name", PAGES)
def test_confidence(name: str) -> None:
    """Offers from JSON-LD are sure; prices read off the variant picker are visible text."""
    want = 0.85 if "opengraph" in name else 1.0
    assert read(name).confidence == want


def test_the_recommended_products_json_ld_is_not_a_variant() -> None:
    name = "page-jp-jsonld-related"
    assert CASES[name].answer.text.count('"@type": "Product"') == 2
    assert {r["item_id"] for r in read(name).records} == {
        r["item_id"] for r in CASES[name].output["records"]
    }


@pytest.mark.parametrize("name", ["sitemap-robots", "sitemap-index", "sitemap-chunk"])
def test_sitemaps(name: str) -> None:
    result = read(name)
    assert sorted(t.url for t in result.follow) == sorted(CASES[name].output["follow"])
    assert all(t.site == "shopify-us" for t in result.follow)


def test_a_blocked_page_is_blocked() -> None:
    body = b"<html><head><title>Just a moment...</title></head><body></body></html>"
    url = f"{BASE}/shopify/gadgets-us/products/x-1"
    result = READER.read(PageTarget("shopify", url, "1"), Answer(url, 200, {}, body))
    assert result.blocked and result.records == []


def test_targets_without_the_api() -> None:
    urls = [
        t.url for t in READER.targets_for(Watch("shopify", keywords=("phone",), site="shopify-us"))
    ]
    assert urls == [f"{BASE}/shopify/gadgets-us/search?q=phone&type=product&page=1"]
    ids = READER.targets_for(Watch("shopify", item_ids=("8000000000008",), site="shopify-jp"))
    assert [(t.kind, t.url) for t in ids] == [
        ("sitemap", f"{BASE}/shopify/tokyo-gadgets/sitemap.xml")
    ]
    known = ({"item_id": "8", "url": f"{BASE}/shopify/gadgets-us/products/h-8"},)
    target = READER.target_for("8", known, "shopify-us")
    assert (target.url, target.item_id, target.known) == (known[0]["url"], "8", known)


def test_a_search_page_leads_to_products_and_the_next_page() -> None:
    body = (
        b'<ul id="product-grid"><li><a href="/shopify/gadgets-us/products/a-1">A</a></li>'
        b'</ul><a class="pagination__item--next" href="?page=2">Next</a>'
    )
    url = f"{BASE}/shopify/gadgets-us/search?q=phone&type=product&page=1"
    target = PageTarget("shopify", url, "", kind="search", site="shopify-us")
    result = READER.read(target, Answer(url, 200, {}, body))
    assert [(t.kind, t.url) for t in result.follow] == [
        ("product", f"{BASE}/shopify/gadgets-us/products/a-1"),
        ("search", url.replace("page=1", "page=2")),
    ]
