"""Gateway signatures: the test vectors printed in platform-apis.md, computed by an implementation
written in the test (tests/fixtures/marketplace_clients.py), and accepted by the marketplace.

Cases come from platform-apis.md §1.3 (TOP md5/hmac/hmac-sha256), §2.3 (JD) and §3.1 (PDD): the
document's own locally computed vectors (not official ones).
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx
import pytest

from fixtures.marketplace import signing
from tests.fixtures.marketplace_clients import Jd, Pdd, Taobao, documented_sign


@dataclass(frozen=True)
class Vector:
    name: str
    params: dict[str, str]
    method: str
    expected: str


TOP_BASE = {
    "app_key": "12345678",
    "format": "json",
    "method": "taobao.tbk.item.info.get",
    "num_iids": "123,456",
    "timestamp": "2024-01-01 12:00:00",
    "v": "2.0",
}
VECTORS_FROM_PLATFORM_APIS_MD = [
    Vector(
        "top-md5", {**TOP_BASE, "sign_method": "md5"}, "md5", "6373F16B5F71E531091B3767746D8EAD"
    ),
    Vector(
        "top-hmac", {**TOP_BASE, "sign_method": "hmac"}, "hmac", "72F93DFB9EF7F00E47DFDCBA1F9D904B"
    ),
    Vector(
        "top-hmac-sha256",
        {**TOP_BASE, "sign_method": "hmac-sha256"},
        "hmac-sha256",
        "00A1195D78E3259E179A2CEB6314AF37B94E5FCEFAB9FB528A4201F258CA56DB",
    ),
    Vector(
        "jd-md5",
        {
            "360buy_param_json": '{"skuIds":"100012043978"}',
            "app_key": "abc",
            "format": "json",
            "method": "jd.union.open.goods.promotiongoodsinfo.query",
            "sign_method": "md5",
            "timestamp": "2024-01-01 12:00:00",
            "v": "1.0",
        },
        "md5",
        "E17E036028F7825352BA9D2FB57D7021",
    ),
    Vector(
        "pdd-md5",
        {
            "client_id": "cid",
            "data_type": "JSON",
            "goods_sign": "c9L2jNyxKEdGV49RwfDYkFgHAcOx_JgDQryG2X",
            "timestamp": "1704081600",
            "type": "pdd.ddk.goods.detail",
            "version": "V1",
        },
        "md5",
        "7B28FC353C935A66833D13256D0C29B7",
    ),
]


@pytest.mark.parametrize("vector", VECTORS_FROM_PLATFORM_APIS_MD, ids=lambda v: v.name)
def test_independent_implementation_matches_the_documented_vectors(vector: Vector) -> None:
    assert documented_sign(vector.params, "helloworld", vector.method) == vector.expected


@pytest.mark.parametrize("vector", VECTORS_FROM_PLATFORM_APIS_MD, ids=lambda v: v.name)
def test_marketplace_signing_matches_the_documented_vectors(vector: Vector) -> None:
    assert signing.sign(vector.params, "helloworld", vector.method) == vector.expected


def test_empty_values_and_sign_itself_are_left_out_of_the_base_string() -> None:
    params = {"b": "2", "a": "1", "empty": "", "sign": "XYZ"}
    assert signing.base_string(params) == "a1b2"
    assert documented_sign(params, "s") == signing.sign({"a": "1", "b": "2"}, "s")


@pytest.mark.parametrize("sign_method", ["md5", "hmac", "hmac-sha256"])
def test_top_accepts_each_documented_sign_method(marketplace, sign_method: str) -> None:
    with httpx.Client(timeout=30) as client:
        top = Taobao(marketplace.url, marketplace.credentials["taobao"], client)
        item = marketplace.listings(platform="taobao")[0]["item_id"]
        body = top.call("taobao.tbk.item.info.get", {"num_iids": item}, sign_method=sign_method)
    assert body["tbk_item_info_get_response"]["results"]["n_tbk_item"][0]["num_iid"] == int(item)


def test_top_signs_query_and_body_params_together(marketplace) -> None:
    """The official SDK sends system params in the query string and business params in the body."""
    with httpx.Client(timeout=30) as client:
        top = Taobao(marketplace.url, marketplace.credentials["taobao"], client)
        item = marketplace.listings(platform="taobao")[0]["item_id"]
        params = top.params("taobao.tbk.item.info.get", {"num_iids": item})
        business = {"num_iids": params.pop("num_iids")}
        response = client.post(top.url, params=params, data=business)
    assert "tbk_item_info_get_response" in response.json(), response.text


def test_jd_and_pdd_accept_md5_signed_calls(marketplace) -> None:
    creds = marketplace.credentials
    sku = marketplace.listings(platform="jd")[0]["item_id"]
    sign = marketplace.listings(platform="pdd")[0]["item_id"]
    with httpx.Client(timeout=30) as client:
        jd = Jd(marketplace.url, creds["jd"], client)
        result = jd.result("jd.union.open.goods.promotiongoodsinfo.query", {"skuIds": sku})
        pdd = Pdd(marketplace.url, creds["pdd"], client)
        goods = pdd.call("pdd.ddk.goods.detail", {"goods_sign": sign})
    assert result["code"] == 200 and result["data"][0]["skuId"] == int(sku)
    assert goods["goods_detail_response"]["goods_details"][0]["goods_sign"] == sign
