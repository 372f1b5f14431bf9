"""Record the Amazon cases of tests/cases/amazon/ from a private fixture marketplace.

    .venv/bin/python -m tests.support.amazon_cases

The requests are written here from platform-apis.md (not through crawler/platforms/amazon), the
expected outputs come from the truth and the reference page reader; see amazon_cases.py.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx

from crawler.normalize.money import from_minor
from tests.fixtures.marketplace_pages import amazon as reference_page
from tests.support.amazon_cases import BASE, CASES
from tests.support.marketplace import MarketplaceProcess

SEED, SIZE = 7, 400
MARKET = {"amazon-us": ("US", "na", "ATVPDKIKX0DER"), "amazon-jp": ("JP", "fe", "A1VC38T7YXB528")}
#: page cases: name → (ASIN, what it shows)
PAGES = {
    "page-us-coupon-low-stock": ("B074PSYPXE", "coupon badge, Only 4 left, free delivery"),
    "page-us-list-price-shipping": ("B05OA4IL1J", "List Price, $5.99 delivery"),
    "page-us-preorder": ("B0APZ5IEJ0", "Available for pre-order"),
    "page-us-out-of-stock": ("B0BAPG0I4T", "Currently unavailable, no price"),
    "page-jp-coupon-list-price": ("B06UYLWJZU", "￥220 OFF クーポン, 参考価格, 在庫あり"),
    "page-jp-low-stock": ("B0644THLOK", "残り4点"),
    "page-jp-preorder": ("B09LQGVZ23", "予約受付中, 参考価格"),
    "page-jp-out-of-stock": ("B087QL7DNM", "現在在庫切れです。"),
}


class Recorder:
    def __init__(self, mp: MarketplaceProcess) -> None:
        self.mp, self.http = mp, httpx.Client(timeout=30)
        rows = mp.listings(platform="amazon", limit=100_000)
        self.truth = {row["item_id"]: row for row in rows}
        cred = mp.credentials["amazon"]
        self.token = self.http.post(mp.url + "/amazon/auth/o2/token", data={
            "grant_type": "refresh_token", "refresh_token": cred["refresh_token"],
            "client_id": cred["client_id"], "client_secret": cred["client_secret"],
        }).json()["access_token"]
        self.today = datetime.now(UTC).date().isoformat()

    def scrub(self, data: bytes) -> bytes:
        return data.replace(self.mp.url.encode(), BASE.encode())

    def save(self, name: str, response: httpx.Response, output: Any, meta: dict[str, Any],
             call: dict[str, Any] | None = None, body: bytes | None = None) -> None:
        folder = CASES / name
        shutil.rmtree(folder, ignore_errors=True)
        (folder / "inputs").mkdir(parents=True)
        kind = "json" if "json" in response.headers.get("content-type", "") else "html"
        headers = {k: v for k, v in response.headers.items()
                   if k.lower() in ("content-type", "x-amzn-ratelimit-limit", "x-amzn-errortype")}
        url = self.scrub(str(response.url).encode()).decode()
        head = {"url": url, "status": response.status_code, "headers": headers}
        write(folder / "inputs" / "answer.json", head)
        (folder / "inputs" / f"body.{kind}").write_bytes(self.scrub(body or response.content))
        if call is not None:
            write(folder / "inputs" / "call.json", call)
        write(folder / "output.json", output)
        write(folder / "meta.json", {"source": "recording", "recorded": self.today,
                                     "marketplace": {"seed": SEED, "size": SIZE}, **meta})

    # --- pages ---------------------------------------------------------------------------------

    def pages(self) -> None:
        for name, (asin, shows) in PAGES.items():
            row = self.truth[asin]
            response = self.http.get(row["url"])
            self.save(name, response, page_output(row, response.text),
                      {"description": f"{row['_site']} product page: {shows}"})

    def page_errors(self) -> None:
        asin = "B0ZZZZZZZZ"
        response = self.http.get(f"{self.mp.url}/amazon/us/dp/{asin}")
        self.save("page-not-found", response, {"not_found": True},
                  {"description": "an ASIN the store does not have: HTTP 404"})
        for status, fault in ((200, "blocked_200"), (403, "blocked_403")):
            self.mp.set_faults(amazon={fault: 1.0})
            response = self.http.get(self.truth["B074PSYPXE"]["url"])
            assert response.status_code == status, response.status_code
            self.save(f"page-blocked-{status}", response, {"blocked": True},
                      {"description": f"fault {fault}: an anti-bot answer, never a listing"})
            self.mp.reset_faults()

    def variants(self) -> None:
        """Hand-made variants of recorded pages: the other price and coupon forms."""
        for name, source, old, new, description in (
            ("page-us-split-price", "page-us-list-price-shipping",
             r'(<span class="a-price aok-align-center priceToPay"[^>]*>)<span class="a-offscreen">'
             r"[^<]*</span>", r"\1",
             "price only as .a-price-whole + .a-price-fraction (no .a-offscreen)"),
            ("page-jp-coupon-text-only", "page-jp-coupon-list-price",
             r' data-coupon-amount="[^"]*"', "",
             "coupon only in the badge text (no data-coupon-amount)"),
        ):
            folder, target = CASES / source, CASES / name
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(folder, target)
            page = target / "inputs" / "body.html"
            html, count = re.subn(old, new, page.read_text(encoding="utf-8"))
            assert count == 1, (name, count)
            page.write_text(html, encoding="utf-8")
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
            write(target / "meta.json", {**meta, "source": "variant made by hand",
                                         "made_from": source, "description": description})

    # --- API answers ---------------------------------------------------------------------------

    def sp(self, site: str, method: str, path: str, **kw: Any) -> httpx.Response:
        region = MARKET[site][1]
        headers = {"x-amz-access-token": self.token}
        return self.http.request(method, f"{self.mp.url}/amazon/{region}{path}", headers=headers,
                                 **kw)

    def catalog(self) -> None:
        asins = ["B074PSYPXE", "B05OA4IL1J", "B0ZZZZZZZZ"]
        response = self.sp("amazon-us", "GET", "/catalog/2022-04-01/items", params={
            "marketplaceIds": "ATVPDKIKX0DER", "identifiers": ",".join(asins),
            "identifiersType": "ASIN", "includedData": "summaries,identifiers,attributes",
            "pageSize": "20"})
        self.save("api-catalog-search-us", response, {
            "known": {a: catalog_fields(self.truth[a], response.json()) for a in asins[:2]},
            "not_found": ["B0ZZZZZZZZ"], "follow_up": ["getItemOffersBatch"]},
            {"description": "searchCatalogItems by 3 ASINs (one unknown)"},
            call={"operation": "searchCatalogItems", "stage": "catalog", "market": "US",
                  "item_ids": asins})
        asin = "B061P0Q276"
        response = self.sp("amazon-jp", "GET", f"/catalog/2022-04-01/items/{asin}", params={
            "marketplaceIds": "A1VC38T7YXB528",
            "includedData": "summaries,identifiers,attributes"})
        self.save("api-catalog-item-jp", response, {
            "known": {asin: catalog_fields(self.truth[asin], response.json())},
            "not_found": [], "follow_up": ["getItemOffersBatch"]},
            {"description": "getCatalogItem, JP (capacity 1.5 L in attributes)"},
            call={"operation": "getCatalogItem", "stage": "catalog", "market": "JP",
                  "item_ids": [asin]})
        response = self.sp("amazon-us", "GET", "/catalog/2022-04-01/items/B0ZZZZZZZZ",
                           params={"marketplaceIds": "ATVPDKIKX0DER"})
        self.save("api-catalog-item-404", response, {"not_found": ["B0ZZZZZZZZ"]},
                  {"description": "getCatalogItem of an unknown ASIN: 404 NOT_FOUND"},
                  call={"operation": "getCatalogItem", "stage": "catalog", "market": "US",
                        "item_ids": ["B0ZZZZZZZZ"]})

    def offers(self) -> None:
        for name, site, asins, description in (
            ("api-offers-batch-jp", "amazon-jp",
             ["B06UYLWJZU", "B087QL7DNM", "B09LQGVZ23", "B0ZZZZZZZZ"],
             "winner with list price; NoBuyableOffers; FUTURE_WITH_DATE; a 404 entry"),
            ("api-offers-batch-us", "amazon-us", ["B074PSYPXE", "B05OA4IL1J", "B0APZ5IEJ0"],
             "winners with and without list price and shipping; a pre-order"),
        ):
            code, _, marketplace = MARKET[site]
            requests = [{"uri": f"/products/pricing/v0/items/{a}/offers", "method": "GET",
                         "MarketplaceId": marketplace, "ItemCondition": "New",
                         "CustomerType": "Consumer"} for a in asins]
            response = self.sp(site, "POST", "/batches/products/pricing/v0/itemOffers",
                               json={"requests": requests})
            known = [a for a in asins if a in self.truth]
            self.save(name, response, {
                "records": {a: offer_fields(self.truth[a]) for a in known},
                "not_found": [a for a in asins if a not in self.truth]},
                {"description": f"getItemOffersBatch: {description}"},
                call={"operation": "getItemOffersBatch", "stage": "offers", "market": code,
                      "item_ids": asins, "coupons": False})

    def summary(self) -> None:
        asins = ["B06UYLWJZU", "B0A40YMJ6I", "B061P0Q276", "B0ZZZZZZZZ"]
        requests = [{"asin": a, "marketplaceId": "A1VC38T7YXB528",
                     "includedData": ["featuredBuyingOptions"], "method": "GET",
                     "uri": "/products/pricing/2022-05-01/items/competitiveSummary"}
                    for a in asins]
        response = self.sp("amazon-jp", "POST",
                           "/batches/products/pricing/2022-05-01/items/competitiveSummary",
                           json={"requests": requests})
        coupons = {a: money_text(self.truth[a]["coupon_minor"], "JPY")
                   for a in asins if a in self.truth}
        self.save("api-summary-jp", response, {"coupons": coupons},
                  {"description": "getCompetitiveSummary: two coupons, none, an INVALID_ASIN"},
                  call={"operation": "getCompetitiveSummary", "stage": "summary",
                        "market": "JP", "item_ids": asins})

    def search(self) -> None:
        response = self.sp("amazon-us", "GET", "/catalog/2022-04-01/items", params={
            "marketplaceIds": "ATVPDKIKX0DER", "keywords": "phone",
            "includedData": "summaries,identifiers,attributes", "pageSize": "3"})
        found = [item["asin"] for item in response.json()["items"]]
        self.save("api-search-phone-us", response, {
            "offers_for": found, "next_page": True},
            {"description": "searchCatalogItems keywords=phone, page 1 of several"},
            call={"operation": "searchCatalogItems", "stage": "search", "market": "US",
                  "item_ids": [], "keywords": "phone", "page": 1})

    def missing_price(self) -> None:
        mp = MarketplaceProcess(SEED, SIZE)
        try:
            mp.set_faults(amazon={"missing_fields": 1.0})
            original, self.mp = self.mp, mp
            self.token = self.http.post(mp.url + "/amazon/auth/o2/token", data={
                "grant_type": "refresh_token", **{k: mp.credentials["amazon"][k] for k in
                                                 ("refresh_token", "client_id", "client_secret")},
            }).json()["access_token"]
            requests = [{"uri": "/products/pricing/v0/items/B05OA4IL1J/offers", "method": "GET",
                         "MarketplaceId": "ATVPDKIKX0DER", "ItemCondition": "New"}]
            response = self.sp("amazon-us", "POST", "/batches/products/pricing/v0/itemOffers",
                               json={"requests": requests})
            row = dict(self.truth["B05OA4IL1J"])
            fields = offer_fields(row)
            del fields["price"]
            self.save("api-offers-missing-price", response, {"records": {"B05OA4IL1J": fields},
                                                             "not_found": []},
                      {"description": "fault missing_fields: the winner lacks ListingPrice"},
                      call={"operation": "getItemOffersBatch", "stage": "offers",
                            "market": "US", "item_ids": ["B05OA4IL1J"], "coupons": False})
            self.mp = original
        finally:
            mp.stop()


VARIATION = re.compile(r'id="variation_(\w+?)_name".*?class="selection">([^<]+)<', re.S)


def write(path: Any, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def money_text(minor: int | None, currency: str) -> str | None:
    return None if minor is None else str(from_minor(minor, currency))


def offer_fields(row: dict[str, Any]) -> dict[str, Any]:
    """What getItemOffers says about a truth row (Decimal strings in major units)."""
    cur = row["currency"]
    out: dict[str, Any] = {"currency": cur, "availability": row["availability"]}
    if row["price_minor"] is not None:
        out |= {"price": money_text(row["price_minor"], cur),
                "shipping": money_text(row["shipping_minor"], cur), "seller_id": row["seller_id"]}
    if row["list_price_minor"] is not None:
        out["list_price"] = money_text(row["list_price_minor"], cur)
    return out


def catalog_fields(row: dict[str, Any], body: Any) -> dict[str, Any]:
    items = body.get("items", [body])
    item = next(i for i in items if i["asin"] == row["item_id"])
    attrs = {"color": item["summaries"][0]["color"]}  # as the marketplace writes it
    attrs |= {k: v for k, v in row["variant_attributes"].items() if k != "color"}
    return {"title": row["title"], "brand": row["brand"], "model": row["model"],
            "gtin": row["gtin"], "variant_attributes": attrs}


def page_output(row: dict[str, Any], html: str) -> dict[str, Any]:
    """The page's fields: the truth, with the raw texts the reference reader finds."""
    ref = reference_page(row["url"], html)[None]
    cur = row["currency"]
    out = {
        "title": row["title"], "brand": row["brand"], "model": row["model"],
        "seller_id": row["seller_id"], "seller_name": row["seller_name"], "currency": cur,
        "price": money_text(row["price_minor"], cur),
        "list_price": money_text(row["list_price_minor"], cur),
        "coupon_amount": money_text(row["coupon_minor"], cur),
        "shipping": money_text(row["shipping_minor"], cur),
        "availability": row["availability"], "stock_qty": row["stock_qty"],
        "rating": row["rating"], "rating_scale": row["rating_scale"],
        "review_count": row["review_count"],
        # As shown (the reference reader normalizes them; the page object must not).
        "variant_attributes": dict(VARIATION.findall(html)),
    }
    assert set(out["variant_attributes"]) == set(ref["variant_attributes"]), (out, ref)
    assert ref["price_minor"] == row["price_minor"], (ref, row)
    assert Decimal(str(ref["rating"])) == Decimal(str(row["rating"]))
    return out


def record_all() -> None:
    mp = MarketplaceProcess(SEED, SIZE)
    try:
        rec = Recorder(mp)
        rec.pages()
        rec.page_errors()
        rec.variants()
        rec.catalog()
        rec.offers()
        rec.summary()
        rec.search()
        rec.missing_price()
    finally:
        mp.stop()
    print(f"recorded into {CASES}")
