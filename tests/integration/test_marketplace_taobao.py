"""TOP gateway contract (platform-apis.md §1): envelopes, error codes, batch limits, yuan strings.

Cases: the error table of §1.6 (25, 28, 29, 31, 40, 41, 11, 15, 26, 7), written as rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.fixtures.marketplace_clients import Taobao, beijing_time
from tests.fixtures.normalize import minor


@pytest.fixture
def top(marketplace):
    with httpx.Client(timeout=30) as client:
        yield Taobao(marketplace.url, marketplace.credentials["taobao"], client)


@pytest.fixture(scope="module")
def taobao_rows(marketplace) -> list[dict[str, Any]]:
    return marketplace.listings(platform="taobao")


@dataclass(frozen=True)
class ErrorCase:
    name: str
    method: str
    business: dict[str, str]
    options: dict[str, Any]
    code: int
    sub_code: str | None = None
    creds: str = "taobao"


ERRORS_FROM_SECTION_1_6 = [
    ErrorCase(
        "wrong secret",
        "taobao.tbk.item.info.get",
        {"num_iids": "560000000000"},
        {"secret": "not-the-secret"},
        25,
    ),
    ErrorCase(
        "stale timestamp",
        "taobao.tbk.item.info.get",
        {"num_iids": "560000000000"},
        {"timestamp": beijing_time(-11 * 60)},
        31,
        "isv.invalid-timestamp",
    ),
    ErrorCase(
        "unknown app key",
        "taobao.tbk.item.info.get",
        {"num_iids": "560000000000"},
        {"app_key": "99999999"},
        29,
        "isv.appkey-not-exists",
    ),
    ErrorCase(
        "41 ids",
        "taobao.tbk.item.info.get",
        {"num_iids": ",".join(str(560000000000 + n) for n in range(41))},
        {},
        41,
        "isv.invalid-parameter",
    ),
    ErrorCase(
        "missing fields",
        "taobao.item.get",
        {"num_iid": "560000000000"},
        {"session": True},
        40,
        "isv.missing-parameter",
    ),
    ErrorCase(
        "item not found",
        "taobao.item.get",
        {"num_iid": "560099999999", "fields": "title"},
        {"session": True},
        15,
        "isv.item-get-service-error:ITEM_NOT_FOUND",
    ),
    ErrorCase(
        "no session", "taobao.item.get", {"num_iid": "560000000000", "fields": "title"}, {}, 26
    ),
    ErrorCase(
        "TBK-only app",
        "taobao.item.get",
        {"num_iid": "560000000000", "fields": "title"},
        {},
        11,
        "isv.permission-api-package-empty",
        creds="taobao_tbk_only",
    ),
]


@pytest.mark.parametrize("case", ERRORS_FROM_SECTION_1_6, ids=lambda c: c.name)
def test_documented_error_envelope(marketplace, case: ErrorCase) -> None:
    with httpx.Client(timeout=30) as client:
        top = Taobao(marketplace.url, marketplace.credentials[case.creds], client)
        response = client.post(top.url, data=top.params(case.method, case.business, **case.options))
    assert response.status_code == 200
    error = response.json()["error_response"]
    assert error["code"] == case.code, error
    assert isinstance(error["msg"], str) and error["request_id"]
    if case.sub_code:
        assert error["sub_code"] == case.sub_code


def test_millisecond_epoch_timestamp_is_accepted(marketplace, top, taobao_rows) -> None:
    import time

    body = top.call(
        "taobao.tbk.item.info.get",
        {"num_iids": taobao_rows[0]["item_id"]},
        timestamp=str(int(time.time() * 1000)),
    )
    assert "tbk_item_info_get_response" in body


def test_batch_of_40_succeeds_and_unknown_ids_are_omitted(top, taobao_rows) -> None:
    known = sorted({row["item_id"] for row in taobao_rows})[:39]
    body = top.call("taobao.tbk.item.info.get", {"num_iids": ",".join([*known, "560099999999"])})
    found = body["tbk_item_info_get_response"]["results"]["n_tbk_item"]
    assert [str(r["num_iid"]) for r in found] == known


def test_tbk_prices_are_yuan_strings_of_the_truth(top, taobao_rows) -> None:
    single = [r for r in taobao_rows if sum(x["item_id"] == r["item_id"] for x in taobao_rows) == 1]
    rows = {r["item_id"]: r for r in single[:20]}
    body = top.call("taobao.tbk.item.info.get", {"num_iids": ",".join(rows)})
    for rec in body["tbk_item_info_get_response"]["results"]["n_tbk_item"]:
        truth = rows[str(rec["num_iid"])]
        assert isinstance(rec["zk_final_price"], str) and rec["zk_final_price"].count(".") == 1
        assert minor(rec["zk_final_price"], "CNY") == truth["price_minor"]
        regular = truth["list_price_minor"] or truth["price_minor"]
        assert minor(rec["reserve_price"], "CNY") == regular


def test_item_get_returns_only_the_requested_fields_with_skus(top, taobao_rows) -> None:
    multi = next(
        r for r in taobao_rows if sum(x["item_id"] == r["item_id"] for x in taobao_rows) > 1
    )
    body = top.call(
        "taobao.item.get", {"num_iid": multi["item_id"], "fields": "num_iid,sku,num"}, session=True
    )
    item = body["item_get_response"]["item"]
    assert set(item) == {"num_iid", "skus", "num"}
    skus = {str(s["sku_id"]): s for s in item["skus"]["sku"]}
    variants = [r for r in taobao_rows if r["item_id"] == multi["item_id"]]
    assert set(skus) == {r["variant_id"] for r in variants}
    for row in variants:
        assert skus[row["variant_id"]]["quantity"] == row["stock_qty"]
    assert item["num"] == sum(r["stock_qty"] for r in variants)


def test_seller_list_returns_only_the_sessions_own_items(top, taobao_rows, marketplace) -> None:
    own = marketplace.credentials["taobao"]["seller_id"]
    ids = sorted({r["item_id"] for r in taobao_rows})[:20]
    body = top.call(
        "taobao.items.seller.list.get",
        {"num_iids": ",".join(ids), "fields": "num_iid,title"},
        session=True,
    )
    got = {str(i["num_iid"]) for i in body["items_seller_list_get_response"]["items"]["item"]}
    assert got == {
        r["item_id"] for r in taobao_rows if r["item_id"] in ids and r["seller_id"] == own
    }


def test_keyword_search_pages_through_every_matching_title(top, taobao_rows, marketplace) -> None:
    expected = {r["item_id"] for r in taobao_rows if "手机" in r["title"]}
    found: set[str] = set()
    for page in range(1, 20):
        body = top.call(
            "taobao.tbk.dg.material.optional",
            {
                "q": "手机",
                "page_no": str(page),
                "page_size": "3",
                "adzone_id": marketplace.credentials["taobao"]["adzone_id"],
            },
        )
        result = body["tbk_dg_material_optional_response"]
        batch = result["result_list"]["map_data"]
        found |= {str(r["num_iid"]) for r in batch}
        if page * 3 >= result["total_results"]:
            break
    assert expected and found == expected


def test_quota_exhaustion_bans_with_the_documented_sub_msg(fresh_marketplace) -> None:
    market = fresh_marketplace(quota_scale=1)
    market.set_options(taobao_qps=1, taobao_burst=2, taobao_ban_seconds=30)
    with httpx.Client(timeout=30) as client:
        top = Taobao(market.url, market.credentials["taobao"], client)
        answers = [
            top.call("taobao.tbk.item.info.get", {"num_iids": "560000000000"}) for _ in range(4)
        ]
    errors = [a["error_response"] for a in answers if "error_response" in a]
    assert len(errors) >= 2
    assert errors[0]["code"] == 7 and errors[0]["msg"] == "App Call Limited"
    assert errors[0]["sub_code"].startswith("accesscontrol.limited-by-")
    assert errors[0]["sub_msg"] == "This ban will last for 30 more seconds"
