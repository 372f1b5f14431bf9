"""Injected faults (``/_control/faults``): each platform answers them its own way, and the truth
says which items carry item-level faults (missing fields, page/API disagreement)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.fixtures.marketplace_clients import Amazon, Jd, Pdd, Taobao
from tests.fixtures.readers import read_page
from tests.support.marketplace import MarketplaceProcess


@pytest.fixture(scope="module")
def module_market():
    """One private marketplace for this module (faults mutate it); reset after each test."""
    market = MarketplaceProcess(seed=21, size=120)
    yield market
    market.stop()


@pytest.fixture
def market(module_market):
    yield module_market
    module_market.reset_faults()


def _call(
    market: Any, platform: str, client: httpx.Client, amazon: Amazon | None = None
) -> httpx.Response:
    """One typical API request of ``platform``."""
    cred, url = market.credentials, market.url
    row = market.listings(platform=platform)[0]
    match platform:
        case "taobao":
            top = Taobao(url, cred["taobao"], client)
            return client.post(
                top.url, data=top.params("taobao.tbk.item.info.get", {"num_iids": row["item_id"]})
            )
        case "jd":
            jd = Jd(url, cred["jd"], client)
            return client.post(
                jd.url,
                data=jd.params(
                    "jd.union.open.goods.promotiongoodsinfo.query", {"skuIds": row["item_id"]}
                ),
            )
        case "pdd":
            pdd = Pdd(url, cred["pdd"], client)
            return client.post(
                pdd.url, data=pdd.params("pdd.ddk.goods.detail", {"goods_sign": row["item_id"]})
            )
        case "amazon":
            amazon = amazon or Amazon(url, cred["amazon"], client)
            return amazon.get(
                "na" if row["_site"] == "amazon-us" else "fe",
                f"/catalog/2022-04-01/items/{row['item_id']}",
                {
                    "marketplaceIds": "ATVPDKIKX0DER"
                    if row["_site"] == "amazon-us"
                    else "A1VC38T7YXB528"
                },
            )
        case "shopify":
            return client.get(row["url"] + ".js")
    return client.get(url + "/woocommerce/wp-json/wc/store/v1/products")


THROTTLE_ANSWERS = [
    (
        "taobao",
        lambda r: (
            r.status_code == 200
            and r.json()["error_response"]["code"] == 7
            and r.json()["error_response"]["sub_msg"] == "This ban will last for 3 more seconds"
        ),
    ),
    ("jd", lambda r: r.json()["error_response"]["code"] == "2"),
    ("pdd", lambda r: r.json()["error_response"]["error_code"] == 52101),
    ("amazon", lambda r: r.status_code == 429 and r.json()["errors"][0]["code"] == "QuotaExceeded"),
    ("shopify", lambda r: r.status_code == 429 and r.headers["Retry-After"] == "3.0"),
    ("woocommerce", lambda r: r.status_code == 429 and r.headers["Retry-After"] == "3"),
]


@pytest.mark.parametrize(
    ("platform", "check"), THROTTLE_ANSWERS, ids=[p for p, _ in THROTTLE_ANSWERS]
)
def test_rate_limit_fault_answers_in_the_platforms_style(market, platform: str, check) -> None:
    market.set_faults({platform: {"rate_limit": 1.0, "ban_seconds": 3}})
    with httpx.Client(timeout=30) as client:
        response = _call(market, platform, client)
    assert check(response), response.text


@pytest.mark.parametrize("platform", ["taobao", "jd", "pdd", "amazon", "shopify", "woocommerce"])
def test_server_error_fault_is_a_5xx(market, platform: str) -> None:
    market.set_faults({platform: {"server_error": 1.0}})
    with httpx.Client(timeout=30) as client:
        assert _call(market, platform, client).status_code >= 500


def test_malformed_json_fault_cuts_the_body(market) -> None:
    market.set_faults({"jd": {"malformed_json": 1.0}})
    with httpx.Client(timeout=30) as client:
        response = _call(market, "jd", client)
    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.text)


def test_timeout_fault_outlasts_a_client_timeout(market) -> None:
    market.set_faults({"pdd": {"timeout": 1.0, "timeout_seconds": 5}})
    with httpx.Client(timeout=0.5) as client, pytest.raises(httpx.ReadTimeout):
        _call(market, "pdd", client)


def test_slow_fault_delays_but_answers(market) -> None:
    market.set_faults({"taobao": {"slow": 1.0, "slow_seconds": 1.0}})
    with httpx.Client(timeout=0.5) as fast, pytest.raises(httpx.ReadTimeout):
        _call(market, "taobao", fast)
    with httpx.Client(timeout=10) as patient:
        assert "tbk_item_info_get_response" in _call(market, "taobao", patient).json()


@pytest.mark.parametrize(
    ("platform", "check"),
    [
        ("taobao", lambda r: r.json()["error_response"]["code"] == 29),
        ("jd", lambda r: r.json()["error_response"]["code"] == "17"),
        ("pdd", lambda r: "client_id" in r.json()["error_response"]["sub_msg"]),
        (
            "amazon",
            lambda r: r.status_code == 403 and "revoked" in r.json()["errors"][0]["details"],
        ),
        ("shopify", lambda r: r.status_code == 404),
        ("woocommerce", lambda r: r.json()["code"] == "rest_no_route"),
    ],
)
def test_api_off_revokes_the_credentials(market, platform: str, check) -> None:
    with httpx.Client(timeout=30) as client:
        amazon = Amazon(market.url, market.credentials["amazon"], client)
        amazon.token()  # obtained before the credentials are revoked
        market.set_faults({platform: {"api_off": True}})
        response = _call(market, platform, client, amazon)
    assert check(response), response.text


def test_api_off_also_refuses_new_amazon_tokens(market) -> None:
    market.set_faults({"amazon": {"api_off": True}})
    cred = market.credentials["amazon"]
    response = httpx.post(
        market.url + "/amazon/auth/o2/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": cred["refresh_token"],
            "client_id": cred["client_id"],
            "client_secret": cred["client_secret"],
        },
    )
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


@pytest.mark.parametrize(("status", "marker"), [(200, "captcha"), (403, "forbidden")])
def test_blocked_pages_are_recognisable(market, status: int, marker: str) -> None:
    market.set_faults({"*": {f"blocked_{status}": 1.0}})
    rows = {r["platform"]: r for r in market.listings()}
    with httpx.Client(timeout=30) as client:
        for platform, row in rows.items():
            response = client.get(row["url"])
            assert response.status_code == status, platform
            assert response.headers["x-fixture-blocked"] == marker
            html = response.text
            assert any(
                word in html
                for word in ("验证", "robot", "Access Denied", "Cloudflare", "Just a moment")
            ), platform
            assert "application/ld+json" not in html and "__INITIAL_STATE__" not in html


def test_missing_fields_fault_drops_api_prices_and_truth_marks_the_items(market) -> None:
    market.set_faults({"pdd": {"missing_fields": 1.0}})
    row = market.listings(platform="pdd")[0]
    assert row["_faults"] == ["missing_fields"]
    with httpx.Client(timeout=30) as client:
        goods = _call(market, "pdd", client).json()["goods_detail_response"]["goods_details"][0]
        page = read_page("pdd", row["url"], client.get(row["url"]).text)[None]
    assert "min_group_price" not in goods
    assert page["price_minor"] == row["price_minor"]


def test_disagreeing_pages_show_another_price_than_the_api(market) -> None:
    market.set_faults({"schema_org": {"disagree": 1.0}, "jd": {"disagree": 1.0}})
    row = next(r for r in market.listings(platform="jd") if r["_page_variant"] != "js_only")
    assert row["_faults"] == ["disagree"] and row["_page_price_minor"] != row["price_minor"]
    with httpx.Client(timeout=30) as client:
        page = read_page("jd", row["url"], client.get(row["url"]).text)[None]
        jd = Jd(market.url, market.credentials["jd"], client)
        goods = jd.result(
            "jd.union.open.goods.query", {"goodsReqDTO": {"skuIds": [int(row["item_id"])]}}
        )["data"][0]
    assert page["price_minor"] == row["_page_price_minor"]
    assert round(goods["priceInfo"]["lowestPrice"] * 100) == row["price_minor"]


def test_faults_read_back_reset_and_refuse_nonsense(market) -> None:
    market.set_faults(jd={"rate_limit": 0.25})
    assert market.faults()["jd"]["rate_limit"] == 0.25
    market.reset_faults()
    assert market.faults()["jd"]["rate_limit"] == 0.0
    for bad in ({"jd": {"rate_limit": 2}}, {"nope": {}}, {"jd": {"explode": 1}}):
        response = httpx.post(market.url + "/_control/faults", json=bad)
        assert response.status_code == 400 and response.json()["error"]


def test_request_faults_are_deterministic_for_a_seed(fresh_marketplace) -> None:
    outcomes = []
    for _ in range(2):
        market = fresh_marketplace(seed=33, size=40)
        market.set_faults(jd={"rate_limit": 0.5})
        with httpx.Client(timeout=30) as client:
            outcomes.append(
                ["error_response" in _call(market, "jd", client).json() for _ in range(12)]
            )
    assert outcomes[0] == outcomes[1] and any(outcomes[0]) and not all(outcomes[0])
