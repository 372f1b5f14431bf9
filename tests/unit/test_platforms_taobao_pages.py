# ruff: noqa: RUF001  (full-width forms are the data here)
"""Taobao item pages → records (crawler/platforms/taobao/pages.py).

Cases: tests/cases/taobao/page-*/ are recordings of the fixture marketplace (meta.json says which
layout and fault), one rendered by Chromium; output.json is the truth of the item, so each field
is compared with the truth through the pipeline's normalizers, one test per field and case.
"""

from __future__ import annotations

import pytest

from crawler.platforms.base import Answer, PageTarget, Watch
from crawler.platforms.taobao.pages import TaobaoItemPage, TaobaoPageReader, read_page
from tests.support.recording.cases import by_key, expected_value, load, truth_value

CASES = {c.name: c for c in load("taobao", "page-")}
RECORD_CASES = sorted(n for n, c in CASES.items() if "records" in c.output)
FIELDS = [
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
    "price_minor",
    "list_price_minor",
    "coupon_minor",
    "coupon_threshold_minor",
    "shipping_minor",
    "availability",
    "stock_qty",
    "variant_attributes",
    "sales_volume",
    "review_count",
]


def records(name: str) -> dict:
    case = CASES[name]
    result = read_page(case.target(), case.answer)
    assert not result.blocked and not result.needs_browser and not result.problems
    return by_key(result.records)


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("name", RECORD_CASES)
def test_field(name: str, field: str) -> None:
    found = records(name)
    truth = CASES[name].output["records"]
    assert set(found) == {(r["item_id"], r["variant_id"]) for r in truth}
    for row in truth:
        record = found[(row["item_id"], row["variant_id"])]
        assert truth_value(record, field) == expected_value(row, field), (row["listing_id"], field)


def test_broken_gtin_is_kept_as_shown_for_the_pipeline_to_drop() -> None:
    for row in CASES["page-broken-gtin"].output["records"]:
        record = records("page-broken-gtin")[(row["item_id"], row["variant_id"])]
        assert record["gtin"] == row["_gtin_shown"] and row["gtin"] is None


def test_js_only_page_needs_a_browser() -> None:
    case = CASES["page-js-only-static"]
    result = read_page(case.target(), case.answer)
    assert result.needs_browser and result.records == [] and not result.blocked


@pytest.mark.parametrize("name", ["page-blocked-captcha", "page-blocked-403"])
def test_blocked(name: str) -> None:
    case = CASES[name]
    result = read_page(case.target(), case.answer)
    assert result.blocked and result.records == [] and not result.not_found


def test_not_found() -> None:
    case = CASES["page-not-found"]
    result = read_page(case.target(), case.answer)
    assert result.not_found and result.records == [] and not result.blocked


def test_a_page_without_product_markup_is_a_problem() -> None:
    answer = Answer("http://x/taobao/item.htm?id=1", 200, {}, b"<html><body>hi</body></html>")
    result = read_page(PageTarget("taobao", answer.url, "1"), answer)
    assert result.records == [] and result.problems == ["page:no_product_markup"]


def test_a_gone_text_on_a_200_page_is_not_found() -> None:
    body = "<html><body><h1>很抱歉，您查看的宝贝不存在，可能已下架或者被转移。</h1></body></html>"
    answer = Answer("http://x/taobao/item.htm?id=1", 200, {}, body.encode())
    assert read_page(PageTarget("taobao", answer.url, "1"), answer).not_found


ATTRIBUTES = [
    ('<li title="Xiaomi/小米">品牌:&nbsp;Xiaomi/小米</li>', "品牌", "Xiaomi/小米"),
    ("<li>品牌：小米</li>", "品牌", "小米"),
    ('<li title="M01000">型号:&nbsp;M01000</li>', "型号", "M01000"),
    ("<li>产地: 中国</li>", "品牌", None),
]


@pytest.mark.parametrize(("li", "name", "expected"), ATTRIBUTES)
def test_attribute(li: str, name: str, expected: str | None) -> None:
    page = TaobaoItemPage("u", f'<ul class="attributes-list">{li}</ul>')
    assert page.attribute(name) == expected


POSTAGE = [("快递: 免运费", 0), ("快递: 8.00", 8), ("快递: 12.50", 12.5), ("", None)]


@pytest.mark.parametrize(("text", "expected"), POSTAGE)
def test_postage(text: str, expected: float | None) -> None:
    page = TaobaoItemPage("u", f'<div id="J_WlServiceInfo">{text}</div>')
    assert page.shipping() == (None if expected is None else pytest.approx(expected))


def test_reader_targets() -> None:
    reader = TaobaoPageReader("http://127.0.0.1:1/taobao/")
    watch = Watch(
        "taobao",
        item_ids=("560000000001", "560000000001"),
        urls=("https://item.taobao.com/item.htm?id=560000000002",),
        keywords=("手机",),
    )
    assert [t.url for t in reader.targets_for(watch)] == [
        "http://127.0.0.1:1/taobao/item.htm?id=560000000001",
        "http://127.0.0.1:1/taobao/item.htm?id=560000000002",
    ]
    known = ({"item_id": "560000000003", "variant_id": "4"},)
    target = reader.target_for("560000000003", known)
    assert target.known == known and target.item_id == "560000000003"
    assert reader.ready_selector == 'body[data-price-ready="1"]'
