"""JD gateway contract (platform-apis.md §2): ``_responce`` envelope, ``queryResult`` as a JSON
string, string gateway codes, inner business codes, yuan numbers, 100-SKU batches, paged search.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.fixtures.marketplace_clients import Jd, beijing_time
from tests.fixtures.normalize import minor

PROMOTION = "jd.union.open.goods.promotiongoodsinfo.query"
QUERY = "jd.union.open.goods.query"


@pytest.fixture
def jd(marketplace):
    with httpx.Client(timeout=30) as client:
        yield Jd(marketplace.url, marketplace.credentials["jd"], client)


@pytest.fixture(scope="module")
def jd_rows(marketplace) -> list[dict[str, Any]]:
    return marketplace.listings(platform="jd")


def test_success_envelope_double_encodes_the_query_result(jd, jd_rows) -> None:
    body = jd.call(PROMOTION, {"skuIds": jd_rows[0]["item_id"]})
    envelope = body["jd_union_open_goods_promotiongoodsinfo_query_responce"]
    assert envelope["code"] == "0"
    assert isinstance(envelope["queryResult"], str)
    result = json.loads(envelope["queryResult"])
    assert result["code"] == 200 and result["message"] == "success" and result["requestId"]


@pytest.mark.parametrize(
    ("name", "options", "code"),
    [
        ("wrong secret", {"secret": "wrong"}, "12"),
        ("stale timestamp", {"timestamp": beijing_time(-7 * 60)}, "8"),
        ("unknown app key", {"app_key": "no-such-app"}, "17"),
    ],
)
def test_gateway_errors_are_string_codes(
    jd, jd_rows, name: str, options: dict[str, Any], code: str
) -> None:
    body = jd.call(PROMOTION, {"skuIds": jd_rows[0]["item_id"]}, **options)
    error = body["error_response"]
    assert error["code"] == code, error
    assert error["zh_desc"] and error["en_desc"]


def test_promotion_info_is_the_regular_price_in_yuan_with_a_flash_sale_flag(jd, jd_rows) -> None:
    rows = {r["item_id"]: r for r in jd_rows}
    result = jd.result(PROMOTION, {"skuIds": ",".join(rows)})
    assert len(result["data"]) == len(rows)
    for goods in result["data"]:
        truth = rows[str(goods["skuId"])]
        assert isinstance(goods["unitPrice"], float)
        regular = truth["list_price_minor"] or truth["price_minor"]
        assert minor(goods["unitPrice"], "CNY") == regular
        assert goods["isSeckill"] == (1 if truth["list_price_minor"] else 0)


def test_101_skus_are_refused_by_the_business_layer(jd) -> None:
    skus = ",".join(str(100000000000 + n) for n in range(101))
    result = jd.result(PROMOTION, {"skuIds": skus})
    assert result["code"] == 400 and "100" in result["message"]


def test_unknown_skus_are_silently_omitted(jd, jd_rows) -> None:
    result = jd.result(PROMOTION, {"skuIds": f"{jd_rows[0]['item_id']},100099999999"})
    assert [g["skuId"] for g in result["data"]] == [int(jd_rows[0]["item_id"])]


def test_goods_query_pages_through_a_keyword(jd, jd_rows) -> None:
    expected = {r["item_id"] for r in jd_rows if "手机" in r["title"]}
    found, page = set(), 1
    while True:
        result = jd.result(
            QUERY, {"goodsReqDTO": {"keyword": "手机", "pageIndex": page, "pageSize": 2}}
        )
        found |= {str(g["skuId"]) for g in result["data"]}
        if page * 2 >= result["totalCount"]:
            break
        page += 1
    assert expected and found == expected


def test_goods_query_current_price_and_coupon_in_yuan(jd, jd_rows) -> None:
    with_coupon = [r for r in jd_rows if r["coupon_minor"]][:5]
    assert with_coupon
    result = jd.result(QUERY, {"goodsReqDTO": {"skuIds": [int(r["item_id"]) for r in with_coupon]}})
    by_sku = {str(g["skuId"]): g for g in result["data"]}
    for row in with_coupon:
        goods = by_sku[row["item_id"]]
        assert minor(goods["priceInfo"]["lowestPrice"], "CNY") == row["price_minor"]
        coupon = goods["couponInfo"]["couponList"][0]
        assert minor(coupon["discount"], "CNY") == row["coupon_minor"]
        assert (minor(coupon["quota"], "CNY") or None) == row["coupon_threshold_minor"]


def test_app_without_goods_query_permission_gets_inner_403(marketplace, jd_rows) -> None:
    with httpx.Client(timeout=30) as client:
        jd = Jd(marketplace.url, marketplace.credentials["jd_no_goods_query"], client)
        result = jd.result(QUERY, {"goodsReqDTO": {"keyword": "手机"}})
    assert result["code"] == 403 and "无访问权限" in result["message"]


def test_quota_exhaustion_is_gateway_code_2(fresh_marketplace) -> None:
    market = fresh_marketplace(quota_scale=1)
    market.set_options(jd_qps=0.5, jd_burst=1)
    with httpx.Client(timeout=30) as client:
        jd = Jd(market.url, market.credentials["jd"], client)
        answers = [jd.call(PROMOTION, {"skuIds": "100000000001"}) for _ in range(3)]
    codes = [a["error_response"]["code"] for a in answers if "error_response" in a]
    assert codes and set(codes) == {"2"}
