"""SP-API + LWA contract (platform-apis.md §4): tokens, 403 details, usage plans, 429 bodies,
``x-amzn-RateLimit-Limit``, Amount money, regional endpoints, batches of at most 20."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from tests.fixtures.marketplace_clients import Amazon
from tests.fixtures.normalize import minor

US = "ATVPDKIKX0DER"
OFFERS = "/products/pricing/v0/items/{}/offers"


@pytest.fixture
def amazon(marketplace):
    with httpx.Client(timeout=30) as client:
        yield Amazon(marketplace.url, marketplace.credentials["amazon"], client)


@pytest.fixture(scope="module")
def us_rows(marketplace) -> list[dict[str, Any]]:
    return [r for r in marketplace.listings(platform="amazon") if r["_site"] == "amazon-us"]


def test_refresh_token_grant_returns_a_bearer_token(marketplace) -> None:
    cred = marketplace.credentials["amazon"]
    response = httpx.post(
        marketplace.url + "/amazon/auth/o2/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": cred["refresh_token"],
            "client_id": cred["client_id"],
            "client_secret": cred["client_secret"],
        },
    )
    body = response.json()
    assert response.status_code == 200
    assert body["access_token"].startswith("Atza|") and body["token_type"] == "bearer"
    assert body["expires_in"] == 3600


@pytest.mark.parametrize(
    ("change", "status", "error"),
    [
        ({"refresh_token": "Atzr|nope"}, 400, "invalid_grant"),
        ({"client_secret": "nope"}, 401, "invalid_client"),
        ({"grant_type": "password"}, 400, "invalid_request"),
    ],
)
def test_lwa_errors(marketplace, change: dict[str, str], status: int, error: str) -> None:
    cred = marketplace.credentials["amazon"]
    form = {
        "grant_type": "refresh_token",
        "refresh_token": cred["refresh_token"],
        "client_id": cred["client_id"],
        "client_secret": cred["client_secret"],
        **change,
    }
    response = httpx.post(marketplace.url + "/amazon/auth/o2/token", data=form)
    assert response.status_code == status
    assert response.json()["error"] == error and response.json()["error_description"]


@pytest.mark.parametrize(
    ("token", "details"),
    [
        ("", "Access token is missing in the request header."),
        ("Atza|forged", "The access token you provided is revoked, malformed or invalid."),
    ],
)
def test_bad_access_tokens_get_403_unauthorized(amazon, us_rows, token: str, details: str) -> None:
    response = amazon.get(
        "na",
        f"/catalog/2022-04-01/items/{us_rows[0]['item_id']}",
        {"marketplaceIds": US},
        token=token,
    )
    assert response.status_code == 403
    error = response.json()["errors"][0]
    assert error == {
        "code": "Unauthorized",
        "message": "Access to requested resource is denied.",
        "details": details,
    }


def test_expired_access_token(fresh_marketplace) -> None:
    market = fresh_marketplace()
    market.set_options(amazon_token_ttl=1)
    with httpx.Client(timeout=30) as client:
        amazon = Amazon(market.url, market.credentials["amazon"], client)
        asin = market.listings(platform="amazon")[0]["item_id"]
        token = amazon.token()
        time.sleep(1.2)
        response = amazon.get(
            "na", f"/catalog/2022-04-01/items/{asin}", {"marketplaceIds": US}, token=token
        )
    assert response.status_code == 403
    assert response.json()["errors"][0]["details"] == "The access token you provided has expired."


def test_catalog_item_and_rate_limit_header(amazon, us_rows) -> None:
    row = us_rows[0]
    response = amazon.get(
        "na",
        f"/catalog/2022-04-01/items/{row['item_id']}",
        {"marketplaceIds": US, "includedData": "summaries,identifiers"},
    )
    item = response.json()
    assert response.status_code == 200 and float(response.headers["x-amzn-RateLimit-Limit"]) > 0
    assert response.headers["x-amzn-RequestId"]
    assert item["summaries"][0]["itemName"] == row["title"]
    assert item["summaries"][0]["modelNumber"] == row["model"]
    shown = item["identifiers"][0]["identifiers"][0]["identifier"]
    assert shown == (row["gtin"] or row["_gtin_shown"])


def test_unknown_asin_is_404_not_found(amazon) -> None:
    response = amazon.get("na", "/catalog/2022-04-01/items/B0ZZZZZZZZ", {"marketplaceIds": US})
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "NOT_FOUND"
    assert "x-amzn-RateLimit-Limit" in response.headers


def test_marketplace_of_another_region_is_refused(amazon, us_rows) -> None:
    response = amazon.get(
        "fe", f"/catalog/2022-04-01/items/{us_rows[0]['item_id']}", {"marketplaceIds": US}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "InvalidInput"


def test_keyword_search_pages_with_next_token(amazon, us_rows) -> None:
    expected = {r["item_id"] for r in us_rows if "phone" in r["title"].lower()}
    found: set[str] = set()
    params = {"marketplaceIds": US, "keywords": "phone", "pageSize": 2}
    while True:
        body = amazon.get("na", "/catalog/2022-04-01/items", params).json()
        found |= {i["asin"] for i in body["items"]}
        token = body["pagination"].get("nextToken")
        if not token:
            break
        params["pageToken"] = token
    assert expected and found == expected and body["numberOfResults"] == len(expected)


def test_item_offers_buy_box_is_the_listing(amazon, us_rows) -> None:
    for row in [r for r in us_rows if r["availability"] == "in_stock"][:5]:
        response = amazon.get(
            "na", OFFERS.format(row["item_id"]), {"MarketplaceId": US, "ItemCondition": "New"}
        )
        payload = response.json()["payload"]
        winner = next(o for o in payload["Offers"] if o["IsBuyBoxWinner"])
        assert winner["ListingPrice"]["CurrencyCode"] == "USD"
        assert minor(winner["ListingPrice"]["Amount"], "USD") == row["price_minor"]
        assert minor(winner["Shipping"]["Amount"], "USD") == row["shipping_minor"]
        assert winner["SellerId"] == row["seller_id"]
        listed = payload["Summary"].get("ListPrice")
        assert (minor(listed["Amount"], "USD") if listed else None) == row["list_price_minor"]


def test_offers_batch_takes_at_most_20_requests(amazon, us_rows) -> None:
    one = {
        "uri": OFFERS.format(us_rows[0]["item_id"]),
        "method": "GET",
        "MarketplaceId": US,
        "ItemCondition": "New",
        "CustomerType": "Consumer",
    }
    ok = amazon.post("na", "/batches/products/pricing/v0/itemOffers", {"requests": [one] * 20})
    too_many = amazon.post(
        "na", "/batches/products/pricing/v0/itemOffers", {"requests": [one] * 21}
    )
    assert ok.status_code == 200
    responses = ok.json()["responses"]
    assert len(responses) == 20 and responses[0]["status"]["statusCode"] == 200
    assert responses[0]["request"]["Asin"] == us_rows[0]["item_id"]
    assert too_many.status_code == 400
    assert too_many.json()["errors"][0]["code"] == "InvalidInput"


def test_competitive_summary_carries_the_coupon(amazon, us_rows) -> None:
    row = next(r for r in us_rows if r["coupon_minor"] and r["price_minor"])
    body = amazon.post(
        "na",
        "/batches/products/pricing/2022-05-01/items/competitiveSummary",
        {
            "requests": [
                {
                    "asin": row["item_id"],
                    "marketplaceId": US,
                    "method": "GET",
                    "includedData": ["featuredBuyingOptions", "referencePrices"],
                    "uri": "/products/pricing/2022-05-01/items/competitiveSummary",
                }
            ]
        },
    ).json()
    offer = body["responses"][0]["body"]["featuredBuyingOptions"][0]["segmentedFeaturedOffers"][0]
    coupon = offer["promotions"][0]["promotionSavings"]
    assert minor(coupon["discount"]["amountOff"]["amount"], "USD") == row["coupon_minor"]
    assert minor(offer["listingPrice"]["amount"], "USD") == row["price_minor"]


def test_jpy_amounts_have_no_decimals(amazon, marketplace) -> None:
    row = next(
        r
        for r in marketplace.listings(platform="amazon")
        if r["_site"] == "amazon-jp" and r["price_minor"]
    )
    payload = amazon.get(
        "fe",
        OFFERS.format(row["item_id"]),
        {"MarketplaceId": "A1VC38T7YXB528", "ItemCondition": "New"},
    ).json()["payload"]
    amount = payload["Offers"][0]["ListingPrice"]
    assert amount == {"CurrencyCode": "JPY", "Amount": row["price_minor"]}


def test_usage_plan_gives_429_quota_exceeded(fresh_marketplace) -> None:
    market = fresh_marketplace(quota_scale=1)
    with httpx.Client(timeout=30) as client:
        amazon = Amazon(market.url, market.credentials["amazon"], client)
        asin = next(
            r["item_id"] for r in market.listings(platform="amazon") if r["_site"] == "amazon-us"
        )
        answers = [
            amazon.get("na", OFFERS.format(asin), {"MarketplaceId": US, "ItemCondition": "New"})
            for _ in range(2)
        ]  # getItemOffers: rate 0.5/s, burst 1
    assert answers[0].status_code == 200
    assert answers[0].headers["x-amzn-RateLimit-Limit"] == "0.5"
    assert answers[1].status_code == 429
    assert answers[1].json() == {
        "errors": [
            {
                "code": "QuotaExceeded",
                "message": "You exceeded your quota for the requested resource.",
                "details": "",
            }
        ]
    }
    assert "x-amzn-RateLimit-Limit" not in answers[1].headers
