"""Shopify storefront JSON and the WooCommerce Store API (platform-apis.md §5.1, §6): paging,
money units (major-unit strings, cents integers incl. the JPY quirk, minor-unit strings), search."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.fixtures.normalize import minor

WOO = "/woocommerce/wp-json/wc/store/v1/products"


@pytest.fixture(scope="module")
def rows(marketplace) -> list[dict[str, Any]]:
    return marketplace.listings()


def _shop_rows(rows: list[dict[str, Any]], site: str) -> list[dict[str, Any]]:
    return [r for r in rows if r["_site"] == site]


@pytest.mark.parametrize(
    ("store", "site"), [("gadgets-us", "shopify-us"), ("tokyo-gadgets", "shopify-jp")]
)
def test_products_json_pages_through_every_product(
    marketplace, rows, store: str, site: str
) -> None:
    expected = {r["item_id"] for r in _shop_rows(rows, site)}
    found, page = set(), 1
    while True:
        body = httpx.get(
            f"{marketplace.url}/shopify/{store}/products.json", params={"limit": 3, "page": page}
        ).json()
        if not body["products"]:
            break
        found |= {str(p["id"]) for p in body["products"]}
        page += 1
    assert expected and found == expected


def test_products_json_prices_are_major_unit_strings(marketplace, rows) -> None:
    truth = {r["variant_id"]: r for r in _shop_rows(rows, "shopify-us")}
    body = httpx.get(
        f"{marketplace.url}/shopify/gadgets-us/products.json", params={"limit": 250}
    ).json()
    for product in body["products"]:
        for variant in product["variants"]:
            row = truth[str(variant["id"])]
            assert isinstance(variant["price"], str) and "barcode" not in variant
            assert minor(variant["price"], "USD") == row["price_minor"]
            compare = variant["compare_at_price"]
            assert (minor(compare, "USD") if compare else None) == row["list_price_minor"]


@pytest.mark.parametrize(("site", "factor"), [("shopify-us", 1), ("shopify-jp", 100)])
def test_product_js_money_is_integer_cents_even_for_jpy(
    marketplace, rows, site: str, factor: int
) -> None:
    row = _shop_rows(rows, site)[0]
    product = httpx.get(row["url"] + ".js").json()
    variant = next(v for v in product["variants"] if str(v["id"]) == row["variant_id"])
    assert variant["price"] == row["price_minor"] * factor
    assert variant["barcode"] == (row["gtin"] or row["_gtin_shown"])


def test_storefront_throttling_answers_429_with_retry_after(fresh_marketplace) -> None:
    market = fresh_marketplace(quota_scale=1)
    market.set_options(shopify_bucket=2, shopify_leak_per_second=0.2)
    url = f"{market.url}/shopify/gadgets-us/products.json"
    with httpx.Client(timeout=30) as client:
        answers = [client.get(url) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert float(answers[2].headers["Retry-After"]) >= 1
    assert answers[2].json()["errors"].startswith("Exceeded 2 calls per second")


def test_unknown_handle_is_404(marketplace) -> None:
    response = httpx.get(f"{marketplace.url}/shopify/gadgets-us/products/no-such-thing-999999.js")
    assert response.status_code == 404


def test_shopify_search_finds_every_matching_title(marketplace, rows) -> None:
    expected = {
        r["item_id"] for r in _shop_rows(rows, "shopify-us") if "phone" in r["title"].lower()
    }
    body = httpx.get(
        f"{marketplace.url}/shopify/gadgets-us/search/suggest.json",
        params={"q": "phone", "resources[type]": "product", "resources[limit]": 10},
    ).json()
    found = {str(p["id"]) for p in body["resources"]["results"]["products"]}
    assert expected and found == expected


def test_woo_pagination_headers_and_minor_unit_prices(marketplace, rows) -> None:
    woo = _shop_rows(rows, "woocommerce")
    parents = {r["item_id"] for r in woo}
    first = httpx.get(marketplace.url + WOO, params={"per_page": 2, "page": 1})
    assert first.headers["X-WP-Total"] == str(len(parents))
    assert first.headers["X-WP-TotalPages"] == str(-(-len(parents) // 2))
    assert 'rel="next"' in first.headers["Link"]
    found = set()
    for page in range(1, int(first.headers["X-WP-TotalPages"]) + 1):
        body = httpx.get(marketplace.url + WOO, params={"per_page": 2, "page": page}).json()
        found |= {str(p["id"]) for p in body}
    assert found == parents


def test_woo_variation_prices_are_strings_of_minor_units(marketplace, rows) -> None:
    woo = _shop_rows(rows, "woocommerce")
    ids = ",".join(r["variant_id"] for r in woo[:10])
    body = httpx.get(marketplace.url + WOO, params={"include": ids, "per_page": 100}).json()
    truth = {r["variant_id"]: r for r in woo}
    for variation in body:
        prices, row = variation["prices"], truth[str(variation["id"])]
        assert prices["currency_code"] == "EUR" and prices["currency_minor_unit"] == 2
        assert prices["price"] == str(row["price_minor"])
        assert variation["type"] == "variation"


def test_woo_unknown_product_is_a_wp_error(marketplace) -> None:
    response = httpx.get(f"{marketplace.url}{WOO}/99999999")
    assert response.status_code == 404
    assert response.json() == {
        "code": "woocommerce_rest_product_invalid_id",
        "message": "Ungültige Produkt-ID.",
        "data": {"status": 404},
    }


def test_woo_search(marketplace, rows) -> None:
    woo = _shop_rows(rows, "woocommerce")
    word = woo[0]["title"].split()[-1]  # the German category word, e.g. "Laufschuhe"
    expected = {r["item_id"] for r in woo if word.lower() in r["title"].lower()}
    body = httpx.get(marketplace.url + WOO, params={"search": word, "per_page": 100}).json()
    assert expected and {str(p["id"]) for p in body} == expected
