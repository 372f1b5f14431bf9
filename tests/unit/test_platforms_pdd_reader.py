"""DDK answers → records (crawler/platforms/pdd/reader.py, read through the client).

Cases: tests/cases/pdd/api-*/ are recordings of the fixture marketplace (see meta.json); their
output.json holds the truth rows, so each field DDK gives is compared with the truth, one test per
field. ``SALES_TIPS`` are the ``sales_tip`` forms of platform-apis.md §3.4 and the fixture.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from pydantic import SecretStr

from crawler.platforms.base import Answer, ApiResult, ErrorKind
from crawler.platforms.cn_text import count_from_text
from crawler.platforms.pdd import reader
from crawler.platforms.pdd.api import DETAIL, PddSettings
from crawler.platforms.pdd.client import MALFORMED_RETRIES, PddClient
from tests.support.recording.cases import Case, expected_value, load, truth_value

CASES = {c.name: c for c in load("pdd", "api-")}
API_FIELDS = [
    "item_id",
    "variant_id",
    "url",
    "title",
    "brand",
    "seller_id",
    "seller_name",
    "currency",
    "price_minor",
    "list_price_minor",
    "coupon_minor",
    "coupon_threshold_minor",
    "sales_volume",
    "rating",
    "rating_scale",
    "review_count",
]


def client_for(case: Case) -> PddClient:
    rows = [r for rs in case.output.get("items", {}).values() for r in rs]
    base = rows[0]["url"].split("/goods.html")[0] if rows else "http://127.0.0.1:1/pdd"
    return PddClient(
        PddSettings(client_id="c", client_secret=SecretStr("s"), api_base=base, site_base=base)
    )


def read(name: str) -> ApiResult:
    case = CASES[name]
    return client_for(case).read_api(case.call(), case.answer)


GOODS_CASES = ["api-detail", "api-batch"]


@pytest.mark.parametrize("field", API_FIELDS)
@pytest.mark.parametrize("name", GOODS_CASES)
def test_goods_field(name: str, field: str) -> None:
    result = read(name)
    known = {t.item_id: t.known[0] for t in result.incomplete}
    items = CASES[name].output["items"]
    assert set(known) == set(items)
    for item_id, (row,) in items.items():
        assert truth_value(known[item_id], field) == expected_value(row, field), field


@pytest.mark.parametrize("name", GOODS_CASES)
def test_every_goods_goes_to_its_page_for_what_ddk_lacks(name: str) -> None:
    result = read(name)
    assert result.records == [] and result.error is None
    for target in result.incomplete:
        assert set(reader.PAGE_ONLY_FIELDS) <= set(target.missing_fields)
        assert target.url == target.known[0]["url"] and "goods_id=" in target.url
        assert target.known[0].get("gtin") is None  # PDD has no GTIN anywhere


@pytest.mark.parametrize("name", ["api-detail", "api-detail-unknown"])
def test_unknown_goods_signs_are_not_found(name: str) -> None:
    assert read(name).not_found == CASES[name].output["not_found"]


def test_a_goods_a_batch_leaves_out_is_asked_again_alone() -> None:
    result = read("api-batch")
    assert result.not_found == []
    asked = [(c.operation, c.item_ids) for c in result.follow_up]
    assert asked == [(DETAIL, (sign,)) for sign in CASES["api-batch"].output["not_found"]]


def test_missing_prices() -> None:
    (target,) = read("api-missing-prices").incomplete
    assert target.known[0]["price"] is None
    assert {"price", "list_price"} <= set(target.missing_fields)


def test_keyword_search_page() -> None:
    result = read("api-search-page-1")
    out = CASES["api-search-page-1"].output
    found = [t.item_id for t in result.incomplete]
    assert found and set(found) <= set(out["matching"])
    nxt = result.follow_up
    assert bool(nxt) == out["next_page"]
    if nxt:
        assert nxt[0].context["page"] == 2 and nxt[0].context["list_id"]
        sent = dict(p.split("=", 1) for p in nxt[0].body.decode().split("&"))  # type: ignore[union-attr]
        assert sent["list_id"] == nxt[0].context["list_id"]


ERROR_CASES = sorted(n for n in CASES if n.startswith("api-error-") and "malformed" not in n)


@pytest.mark.parametrize("name", ERROR_CASES)
def test_error_case(name: str) -> None:
    result = read(name)
    expected: dict[str, Any] = CASES[name].output["error"]
    assert result.error is not None
    assert (result.error.kind, result.error.code) == (ErrorKind(expected["kind"]), expected["code"])
    if "retry_after" in expected:
        assert result.error.retry_after == expected["retry_after"]
    if "setting" in expected:
        assert expected["setting"] in str(result.error.setting)


def test_malformed_goods_lookup_is_asked_again_then_reported() -> None:
    case = CASES["api-error-malformed"]
    client = client_for(case)
    call = case.call()
    for attempt in range(1, MALFORMED_RETRIES + 1):
        result = client.read_api(call, case.answer)
        assert result.error is None and len(result.follow_up) == 1
        call = result.follow_up[0]
        assert (
            call.context["malformed_retries"] == attempt and call.item_ids == case.call().item_ids
        )
    result = client.read_api(call, case.answer)
    assert result.error is not None and result.error.kind is ErrorKind.MALFORMED
    assert result.error.code == case.output["error"]["code"]


def test_malformed_search_page_is_reported_at_once() -> None:
    case = CASES["api-error-malformed"]
    client = client_for(case)
    result = client.read_api(client.requests.search_call("手机"), case.answer)
    assert result.error is not None and result.error.kind is ErrorKind.MALFORMED


SALES_TIPS = [
    ("4567", 4567),
    ("1.2万", 12000),
    ("10万+", 100000),
    ("已拼1.2万件", 12000),
    ("", None),
    (None, None),
]


@pytest.mark.parametrize(("text", "count"), SALES_TIPS)
def test_sales_tip(text: str | None, count: int | None) -> None:
    assert count_from_text(text) == count


def test_fen_to_yuan() -> None:
    assert reader.fen(129900, "p") == Decimal("1299.00")
    assert reader.fen("99", "p") == Decimal("0.99")
    with pytest.raises(reader.Malformed):
        reader.fen(12.5, "p")


def test_coupon_threshold_zero_is_unconditional() -> None:
    goods = {"has_coupon": True, "coupon_discount": 5000, "coupon_min_order_amount": 0}
    assert reader.coupon(goods) == {"coupon_amount": Decimal(50), "coupon_threshold": None}
    assert reader.coupon({"has_coupon": False, "coupon_discount": 5000}) == {
        "coupon_amount": None,
        "coupon_threshold": None,
    }


def test_goods_without_goods_id_are_kept_without_a_page() -> None:
    goods = {"goods_sign": "Y9x_J1", "goods_name": "t", "min_group_price": 100, "goods_id": 0}
    body = {"goods_detail_response": {"goods_details": [goods], "request_id": "r"}}
    client = client_for(CASES["api-detail"])
    call = client.requests.call(DETAIL, {"goods_sign": "Y9x_J1"}, item_ids=["Y9x_J1"])
    result = client.read_api(call, Answer("u", 200, {}, json.dumps(body).encode()))
    assert result.incomplete == [] and result.records[0]["url"] is None
