"""Every truth value is obtainable: a reference crawl (API first, page for what the API lacks, as
fixtures/README.md says) reproduces every Listing field of every listing of the session catalog.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.fixtures import marketplace_apis as apis
from tests.fixtures.marketplace_clients import Amazon, Jd, Pdd, Taobao
from tests.fixtures.normalize import effective
from tests.fixtures.readers import read_page

FIELDS = (
    "title",
    "brand",
    "model",
    "gtin",
    "seller_id",
    "seller_name",
    "currency",
    "price_minor",
    "list_price_minor",
    "promo_price_minor",
    "coupon_minor",
    "coupon_threshold_minor",
    "shipping_minor",
    "effective_price_minor",
    "availability",
    "stock_qty",
    "variant_attributes",
    "sales_volume",
    "rating",
    "rating_scale",
    "review_count",
)
#: Fields a platform never states anywhere: a correct crawler leaves them null.
NEVER = {
    "jd": {"gtin", "stock_qty"},
    "pdd": {"gtin"},
    "amazon": {"sales_volume"},
    "taobao": {"rating", "rating_scale"},
    "shopify": {
        "seller_id",
        "shipping_minor",
        "stock_qty",
        "sales_volume",
        "coupon_minor",
        "coupon_threshold_minor",
    },
    "woocommerce": {"seller_id", "sales_volume", "coupon_minor", "coupon_threshold_minor"},
    "schema_org": {"seller_id", "sales_volume", "coupon_minor", "coupon_threshold_minor"},
}


class Crawl:
    def __init__(self, market: Any, client: httpx.Client) -> None:
        cred = market.credentials
        self.url, self.client = market.url, client
        self.taobao, self.jd = (
            Taobao(market.url, cred["taobao"], client),
            Jd(market.url, cred["jd"], client),
        )
        self.pdd, self.amazon = (
            Pdd(market.url, cred["pdd"], client),
            Amazon(market.url, cred["amazon"], client),
        )

    def api(self, row: dict[str, Any]) -> dict[str | None, dict[str, Any]]:
        match row["platform"]:
            case "taobao":
                return apis.taobao(self.taobao, row["item_id"])
            case "jd":
                return apis.jd(self.jd, row["item_id"])
            case "pdd":
                return apis.pdd(self.pdd, row["item_id"])
            case "amazon":
                return apis.amazon(self.amazon, row["item_id"], row["_site"])
            case "shopify":
                return apis.shopify(self.client, row["url"], row["currency"])
            case "woocommerce":
                return apis.woocommerce(
                    self.client, self.url + "/woocommerce/wp-json/wc/store/v1", row["item_id"]
                )
        return {}

    def listing(
        self, row: dict[str, Any], api: dict[str, Any], page: dict[str, Any]
    ) -> dict[str, Any]:
        """API values win; the page fills the rest; then the pipeline's derived fields."""
        out = {**{f: None for f in NEVER.get(row["platform"], ())}, **page, **api}
        if "list_price_minor" not in api and "_regular" in out and out["price_minor"]:
            out["list_price_minor"] = (
                out["_regular"] if out["_regular"] != out["price_minor"] else None
            )
        out["promo_price_minor"] = out["price_minor"] if out.get("list_price_minor") else None
        out["effective_price_minor"] = effective(
            out["price_minor"],
            out.get("coupon_minor"),
            out.get("coupon_threshold_minor"),
            out.get("shipping_minor"),
        )
        return out


@pytest.mark.parametrize(
    "platform", ["taobao", "jd", "pdd", "amazon", "shopify", "woocommerce", "schema_org"]
)
def test_reference_crawl_reproduces_every_truth_field(marketplace, platform: str) -> None:
    rows = [r for r in marketplace.listings(platform=platform) if r["_page_variant"] != "js_only"]
    assert rows
    cache: dict[str, tuple[Any, Any]] = {}
    wrong = []
    with httpx.Client(timeout=30) as client:
        crawl = Crawl(marketplace, client)
        for row in rows:
            if row["url"] not in cache:
                cache[row["url"]] = (
                    crawl.api(row),
                    read_page(platform, row["url"], client.get(row["url"]).text),
                )
            api, page = cache[row["url"]]
            got = crawl.listing(
                row, api.get(row["variant_id"], {}), page.get(row["variant_id"], {})
            )
            wrong += [
                (row["listing_id"], f, got.get(f, "absent"), row[f])
                for f in FIELDS
                if got.get(f, "absent") != row[f]
            ]
    assert wrong == []
