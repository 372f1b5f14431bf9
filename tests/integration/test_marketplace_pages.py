"""Every product-page layout parses (extruct + parsel, tests/fixtures/readers.py) into the truth.

One row per (platform, layout): the fields that layout must carry (the page column of the
fixtures/README.md table). The JavaScript-only layouts are read after rendering in Chromium, in
test_marketplace_rendered.py.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from fixtures.marketplace.catalog import PAGE_VARIANTS
from tests.fixtures.readers import read_page

COMMON = ("title", "brand", "model", "seller_name", "currency", "price_minor", "availability")
MONEY = ("list_price_minor", "shipping_minor")
CN_EXTRA = ("seller_id", "coupon_minor", "coupon_threshold_minor", "variant_attributes")


@dataclass(frozen=True)
class Layout:
    platform: str
    variant: str
    fields: tuple[str, ...]


def _layouts() -> list[Layout]:
    extra = {
        "taobao": (*MONEY, *CN_EXTRA, "gtin", "stock_qty", "sales_volume", "review_count"),
        "jd": (*MONEY, *CN_EXTRA, "rating", "rating_scale", "review_count"),
        "pdd": (
            *MONEY,
            *CN_EXTRA,
            "stock_qty",
            "sales_volume",
            "rating",
            "rating_scale",
            "review_count",
        ),
        "amazon": (*MONEY, *CN_EXTRA, "stock_qty", "rating", "rating_scale", "review_count"),
        "shopify": ("rating", "rating_scale", "review_count"),
        "woocommerce": (
            *MONEY,
            "gtin",
            "stock_qty",
            "variant_attributes",
            "rating",
            "rating_scale",
            "review_count",
        ),
        "schema_org": (
            *MONEY,
            "gtin",
            "stock_qty",
            "variant_attributes",
            "rating",
            "rating_scale",
            "review_count",
        ),
    }
    rows = []
    for platform, variants in PAGE_VARIANTS.items():
        for variant, _ in variants:
            if variant == "js_only":
                continue
            fields = (*COMMON, *extra[platform])
            if platform == "shopify" and variant != "opengraph":
                fields = (*fields, "gtin")  # one Offer per variant, with gtin13
            rows.append(Layout(platform, variant, fields))
    return rows


LAYOUTS = _layouts()


@pytest.fixture(scope="module")
def by_layout(marketplace) -> dict[tuple[str, str], list[dict[str, Any]]]:
    grouped: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in marketplace.listings():
        grouped[(row["platform"], row["_page_variant"])].append(row)
    return grouped


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda x: f"{x.platform}-{x.variant}")
def test_page_layout_parses_into_the_truth(by_layout, layout: Layout) -> None:
    rows = by_layout[(layout.platform, layout.variant)]
    assert rows, f"the session catalog has no {layout} page"
    pages: dict[str, dict[str | None, dict[str, Any]]] = {}
    mismatches = []
    with httpx.Client(timeout=30) as client:
        for row in rows:
            if row["url"] not in pages:
                response = client.get(row["url"])
                assert response.status_code == 200
                pages[row["url"]] = read_page(row["platform"], row["url"], response.text)
                assert row["item_id"] in response.text  # the page names its own listing
            got = pages[row["url"]][row["variant_id"]]
            mismatches += [
                (row["listing_id"], f, got.get(f), row[f])
                for f in layout.fields
                if got.get(f) != row[f]
            ]
    assert mismatches == []


def test_pages_tell_how_to_resolve_the_yen_sign(marketplace, by_layout) -> None:
    """``¥`` is CNY on zh-CN pages and JPY on ja pages: the lang attribute or the currency says."""
    cn = by_layout[("taobao", "embedded_state")][0]["url"]
    jp = next(r["url"] for r in marketplace.listings(site="shopify-jp"))
    with httpx.Client(timeout=30) as client:
        assert '<html lang="zh-CN">' in client.get(cn).text
        jp_html = client.get(jp).text
    assert '<html lang="ja">' in jp_html
    assert '<meta property="og:price:currency" content="JPY">' in jp_html


def test_delisted_or_unknown_pages_are_404(marketplace) -> None:
    with httpx.Client(timeout=30) as client:
        assert client.get(marketplace.url + "/jd/100099999999.html").status_code == 404
        assert client.get(marketplace.url + "/amazon/us/dp/B0ZZZZZZZZ").status_code == 404


def test_robots_and_sitemaps(marketplace) -> None:
    with httpx.Client(timeout=30) as client:
        root = client.get(marketplace.url + "/robots.txt").text
        site = client.get(marketplace.url + "/shopify/gadgets-us/robots.txt").text
        index = client.get(marketplace.url + "/schema_org/sitemap.xml").text
        chunk_url = index.split("<loc>")[1].split("</loc>")[0]
        chunk = client.get(chunk_url).text
    assert "Disallow: /_control/" in root
    assert f"Sitemap: {marketplace.url}/shopify/gadgets-us/sitemap.xml" in site
    expected = {r["url"] for r in marketplace.listings(site="schema_org")}
    assert {part.split("</loc>")[0] for part in chunk.split("<loc>")[1:]} == expected
