"""PDD DDK gateway contract (platform-apis.md §3): fen integers, error_response codes, search."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.fixtures.marketplace_clients import Pdd


@pytest.fixture
def pdd(marketplace):
    with httpx.Client(timeout=30) as client:
        yield Pdd(marketplace.url, marketplace.credentials["pdd"], client)


@pytest.fixture(scope="module")
def pdd_rows(marketplace) -> list[dict[str, Any]]:
    return marketplace.listings(platform="pdd")


def test_detail_prices_are_fen_integers(pdd, pdd_rows) -> None:
    for row in pdd_rows[:10]:
        body = pdd.call("pdd.ddk.goods.detail", {"goods_sign": row["item_id"]})
        goods = body["goods_detail_response"]["goods_details"][0]
        assert body["goods_detail_response"]["request_id"]
        assert isinstance(goods["min_group_price"], int)
        assert goods["min_group_price"] == row["price_minor"]
        assert goods["min_normal_price"] == (row["list_price_minor"] or row["price_minor"])
        if row["coupon_minor"]:
            after = goods["min_group_price"] - goods["coupon_discount"]
            assert after == row["price_minor"] - row["coupon_minor"]


def test_wrong_secret_is_20004(pdd, pdd_rows) -> None:
    body = pdd.call("pdd.ddk.goods.detail", {"goods_sign": pdd_rows[0]["item_id"]}, secret="wrong")
    error = body["error_response"]
    assert error["error_code"] == 20004 and error["sub_code"] == "20004"
    assert error["error_msg"] == "签名验证失败" and error["request_id"]


def test_stale_timestamp_and_missing_goods_sign_are_parameter_errors(pdd, pdd_rows) -> None:
    import time

    stale = pdd.call(
        "pdd.ddk.goods.detail",
        {"goods_sign": pdd_rows[0]["item_id"]},
        timestamp=str(int(time.time()) - 3600),
    )
    missing = pdd.call("pdd.ddk.goods.detail", {})
    assert stale["error_response"]["error_code"] == 10000
    assert missing["error_response"]["error_code"] == 10000
    assert "goods_sign" in missing["error_response"]["error_msg"]


def test_unknown_goods_sign_gives_an_empty_list(pdd) -> None:
    body = pdd.call("pdd.ddk.goods.detail", {"goods_sign": "Y9zzzzzzz_J000000000000000000"})
    assert body["goods_detail_response"]["goods_details"] == []


def test_search_pages_by_keyword_and_looks_up_by_sign_list(pdd, pdd_rows) -> None:
    expected = {r["item_id"] for r in pdd_rows if "手机" in r["title"]}
    found: set[str] = set()
    for page in range(1, 30):
        body = pdd.call(
            "pdd.ddk.goods.search", {"keyword": "手机", "page": str(page), "page_size": "2"}
        )["goods_search_response"]
        found |= {g["goods_sign"] for g in body["goods_list"]}
        if page * 2 >= body["total_count"]:
            break
    assert expected and found == expected
    signs = [r["item_id"] for r in pdd_rows[:3]]
    body = pdd.call("pdd.ddk.goods.search", {"goods_sign_list": json.dumps(signs)})
    assert [g["goods_sign"] for g in body["goods_search_response"]["goods_list"]] == signs


def test_throttling_uses_the_configured_error_code(fresh_marketplace) -> None:
    market = fresh_marketplace(quota_scale=1)
    market.set_options(pdd_qps=0.5, pdd_burst=1, pdd_rate_limit_code=52199)
    with httpx.Client(timeout=30) as client:
        pdd = Pdd(market.url, market.credentials["pdd"], client)
        sign = market.listings(platform="pdd")[0]["item_id"]
        answers = [pdd.call("pdd.ddk.goods.detail", {"goods_sign": sign}) for _ in range(3)]
    codes = [a["error_response"]["error_code"] for a in answers if "error_response" in a]
    assert codes and set(codes) == {52199}
