"""Pages whose price exists only after JavaScript runs: rendered in real Chromium, then read.

Before rendering, the price (and, on JD, the stock state) is absent from the HTML; after it, the
reference reader finds the truth values in the DOM the page's script built.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from parsel import Selector
from playwright.sync_api import Browser, sync_playwright

from tests.fixtures.readers import read_page

pytestmark = pytest.mark.browser

#: Where the price lands once the script ran (empty or absent in the served HTML).
PRICE_NODES = {
    "taobao": "ul.tb-sku li[data-price], em.tb-rmb-num::text",
    "jd": ".p-price .price::text",
    "schema_org": ".price-now span",
}
FIELDS = (
    "title",
    "price_minor",
    "list_price_minor",
    "availability",
    "seller_name",
    "variant_attributes",
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=["--no-sandbox", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


@pytest.mark.parametrize("platform", ["taobao", "jd", "schema_org"])
def test_js_only_page_renders_the_truth(marketplace, browser: Browser, platform: str) -> None:
    rows = [r for r in marketplace.listings(platform=platform) if r["_page_variant"] == "js_only"]
    assert rows
    row = rows[0]
    raw = Selector(httpx.get(row["url"]).text)
    assert not raw.css(PRICE_NODES[platform]), "the price is there without JavaScript"
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(row["url"])
        page.wait_for_selector("body[data-price-ready='1']", timeout=15_000)
        rendered = read_page(platform, row["url"], page.content())
    finally:
        context.close()
    for listing in (r for r in rows if r["url"] == row["url"]):
        got = rendered[listing["variant_id"]]
        assert {f: got.get(f) for f in FIELDS} == {f: listing[f] for f in FIELDS}
