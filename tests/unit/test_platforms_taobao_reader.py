"""TOP answers → records (crawler/platforms/taobao/reader.py, read through the client).

Cases: tests/cases/taobao/api-*/ are recordings of the fixture marketplace (see each meta.json);
their output.json holds the marketplace's truth rows, so every field is checked against the
truth (through the pipeline's normalizers), one test per field. Text tables below come from
platform-apis.md §1.4 (``props_name``, ``properties_name``) and the TBK coupon forms.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from pydantic import SecretStr

from crawler.platforms.base import ApiResult, ErrorKind, Record
from crawler.platforms.taobao import reader
from crawler.platforms.taobao.api import ITEM_GET, TopSettings
from crawler.platforms.taobao.client import TaobaoClient
from tests.support.recording.cases import Case, by_key, expected_value, load, truth_value

CASES = {c.name: c for c in load("taobao", "api-")}
#: What TOP gives per SKU (item.get merged with its TBK record); the page adds the rest.
SKU_FIELDS = [
    "item_id",
    "variant_id",
    "url",
    "title",
    "brand",
    "model",
    "gtin",
    "seller_id",
    "seller_name",
    "currency",
    "coupon_minor",
    "coupon_threshold_minor",
    "shipping_minor",
    "availability",
    "stock_qty",
    "variant_attributes",
    "sales_volume",
]
PRICE_FIELDS = ["price_minor", "list_price_minor"]


def client_for(case: Case, session: bool = True, complete: bool = True) -> TaobaoClient:
    rows = [r for rs in case.output.get("items", {}).values() for r in rs]
    rows += case.output.get("records", [])
    base = rows[0]["url"].split("/item.htm")[0] if rows else "http://127.0.0.1:1/taobao"
    settings = TopSettings(
        app_key="24680135",
        app_secret=SecretStr("x"),
        session=SecretStr("s") if session else None,
        adzone_id="1",
        api_base=base,
        site_base=base,
        complete_from_page=complete,
    )
    return TaobaoClient(settings)


def read(name: str, session: bool = True, complete: bool = True) -> ApiResult:
    case = CASES[name]
    return client_for(case, session, complete).read_api(case.call(), case.answer)


def sku_records(name: str) -> dict[tuple[str, str | None], Record]:
    """Every SKU record of an item.get case: complete ones and those waiting for the page."""
    result = read(name)
    assert result.error is None
    known = [r for t in result.incomplete for r in t.known]
    return by_key(result.records + known)


ITEM_CASES = ["api-item-get-single-sku", "api-item-get-multi-sku"]


@pytest.mark.parametrize("field", SKU_FIELDS)
@pytest.mark.parametrize("name", ITEM_CASES)
def test_item_get_field(name: str, field: str) -> None:
    records = sku_records(name)
    truth = CASES[name].output["records"]
    assert len(records) == len(truth)
    for row in truth:
        record = records[(row["item_id"], row["variant_id"])]
        assert truth_value(record, field) == expected_value(row, field), (row["listing_id"], field)


@pytest.mark.parametrize("field", PRICE_FIELDS)
@pytest.mark.parametrize("name", ITEM_CASES)
def test_item_get_price_where_top_determines_it(name: str, field: str) -> None:
    records = sku_records(name)
    known = CASES[name].output["price_known"]
    for row in CASES[name].output["records"]:
        record = records[(row["item_id"], row["variant_id"])]
        if known[row["variant_id"]]:
            assert truth_value(record, field) == row[field], row["listing_id"]
        else:
            assert record.get("price") is None, row["listing_id"]


@pytest.mark.parametrize("name", ITEM_CASES)
def test_every_item_goes_to_its_page_for_the_review_count(name: str) -> None:
    result = read(name)
    (target,) = result.incomplete
    assert result.records == [] and "review_count" in target.missing_fields
    assert len(target.known) == len(CASES[name].output["records"])
    assert ("price" in target.missing_fields) == (
        not all(CASES[name].output["price_known"].values())
    )


@pytest.mark.parametrize("name", ITEM_CASES)
def test_skus_without_a_price_go_to_the_page(name: str) -> None:
    result = read(name, complete=False)
    known = CASES[name].output["price_known"]
    waiting = {r["variant_id"] for t in result.incomplete for r in t.known}
    assert {r["variant_id"] for r in result.records} == {v for v, k in known.items() if k}
    assert waiting == {v for v, k in known.items() if not k}
    for target in result.incomplete:
        assert "price" in target.missing_fields and target.url.endswith(target.item_id)


def test_tbk_detail_asks_item_get_and_reports_unknown_ids() -> None:
    result = read("api-tbk-detail")
    out = CASES["api-tbk-detail"].output
    assert result.error is None and result.records == [] and result.incomplete == []
    assert result.not_found == out["not_found"]
    asked = [{"operation": c.operation, "item_id": c.item_ids[0]} for c in result.follow_up]
    assert asked == out["follow_up"]
    assert all(c.operation == ITEM_GET and c.context["tbk"] for c in result.follow_up)


@pytest.mark.parametrize(
    "field",
    [
        "title",
        "seller_id",
        "seller_name",
        "sales_volume",
        "coupon_minor",
        "coupon_threshold_minor",
        "currency",
        "url",
    ],
)
def test_tbk_record_field(field: str) -> None:
    result = read("api-tbk-detail")
    out = CASES["api-tbk-detail"].output
    for call in result.follow_up:
        rows = out["items"][call.item_ids[0]]
        fields = reader.item_fields(call.context["tbk"], rows[0]["url"])
        assert truth_value(fields, field) == rows[0][field]


def test_tbk_free_shipment_is_zero_shipping() -> None:
    out = CASES["api-tbk-detail"].output
    for call in read("api-tbk-detail").follow_up:
        row = out["items"][call.item_ids[0]][0]
        fields = reader.item_fields(call.context["tbk"], row["url"])
        if call.context["tbk"]["free_shipment"]:
            assert fields["shipping"] == 0 and row["shipping_minor"] == 0
        else:
            assert "shipping" not in fields  # item.get's express_fee says it


def test_without_session_the_page_completes_every_item() -> None:
    result = read("api-tbk-detail", session=False)
    assert result.follow_up == [] and result.records == []
    assert [t.item_id for t in result.incomplete] == [
        f["item_id"] for f in CASES["api-tbk-detail"].output["follow_up"]
    ]
    assert all(t.known == () and "variant_id" in t.missing_fields for t in result.incomplete)


def test_missing_prices_fault_reads_without_prices() -> None:
    result = read("api-tbk-missing-prices", session=False)
    (target,) = result.incomplete
    assert {"price", "list_price"} <= set(target.missing_fields)
    record = reader.item_level_record(
        read("api-tbk-missing-prices").follow_up[0].context["tbk"], target.url
    )
    assert record["price"] is None and record["list_price"] is None


def test_search_page() -> None:
    result = read("api-search-page-1")
    out = CASES["api-search-page-1"].output
    found = [c.item_ids[0] for c in result.follow_up if c.operation == ITEM_GET]
    assert found and set(found) <= set(out["matching"])
    nxt = [c for c in result.follow_up if c.purpose == "search"]
    assert bool(nxt) == out["next_page"]
    if nxt:
        assert nxt[0].context == {"keyword": "手机", "page_no": 2, "page_size": 100}


ERROR_CASES = sorted(n for n in CASES if n.startswith("api-error-"))


@pytest.mark.parametrize("name", ERROR_CASES)
def test_error_case(name: str) -> None:
    result = read(name)
    expected: dict[str, Any] = CASES[name].output["error"]
    assert result.error is not None and result.records == []
    assert result.error.kind is ErrorKind(expected["kind"])
    assert result.error.code == expected["code"]
    if "retry_after" in expected:
        assert result.error.retry_after == expected["retry_after"]
    if "setting" in expected:  # names the setting a person checks, never a value
        assert expected["setting"] in str(result.error.setting)


PROPS = [
    (
        "20000:3869562:品牌:Xiaomi/小米;1632501:7643796:型号:M01001",
        {"品牌": "Xiaomi/小米", "型号": "M01001"},
    ),
    ("20000:1:品牌:Apple/苹果;1632501:2:型号:A2849:B", {"品牌": "Apple/苹果", "型号": "A2849:B"}),
    ("", {}),
    ("broken;20000:1", {}),
]


@pytest.mark.parametrize(("text", "expected"), PROPS)
def test_props(text: str, expected: dict[str, str]) -> None:
    assert reader.props(text) == expected


def test_variant_attributes_keep_the_site_language() -> None:
    text = (
        "1627207:8549012:颜色分类:银色;12304035:1:存储容量:256GB;"
        "20509:3014657:尺码:41mm;1:2:套餐:官方标配"
    )
    assert reader.variant_attributes(text) == {
        "color": "银色",
        "capacity": "256GB",
        "size": "41mm",
        "套餐": "官方标配",
    }


COUPONS = [
    ({"coupon_amount": "50", "coupon_start_fee": "300.00"}, (Decimal(50), Decimal(300))),
    ({"coupon_amount": "90", "coupon_start_fee": "0.00"}, (Decimal(90), None)),
    ({"coupon_info": "满300元减50元"}, (Decimal(50), Decimal(300))),
    ({"coupon_info": "90元无条件券"}, (Decimal(90), None)),
    ({}, (None, None)),
]


@pytest.mark.parametrize(("rec", "expected"), COUPONS, ids=[str(c[0]) for c in COUPONS])
def test_coupon(rec: dict[str, str], expected: tuple) -> None:
    got = reader.coupon(rec)
    assert (got["coupon_amount"], got["coupon_threshold"]) == expected


def test_unreadable_money_is_malformed() -> None:
    case = CASES["api-item-get-single-sku"]
    body = case.answer.body.replace(b'"price":"', b'"price":"x')
    answer = type(case.answer)(case.answer.url, 200, {}, body)
    result = client_for(case).read_api(case.call(), answer)
    assert result.error is not None and result.error.kind is ErrorKind.MALFORMED
