"""PDD goods pages → records (crawler/platforms/pdd/pages.py).

Cases: tests/cases/pdd/page-*/ are recordings of the fixture marketplace (meta.json); output.json
is the item's truth, compared field by field through the pipeline's normalizers.
"""

from __future__ import annotations

import pytest

from crawler.platforms.base import Answer, PageTarget, Watch
from crawler.platforms.pdd.pages import NoProductPage, PddGoodsPage, PddPageReader, read_page
from tests.support.recording.cases import by_key, expected_value, load, truth_value

CASES = {c.name: c for c in load("pdd", "page-")}
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
    "rating",
    "rating_scale",
    "review_count",
]


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("name", RECORD_CASES)
def test_field(name: str, field: str) -> None:
    case = CASES[name]
    result = read_page(case.target(), case.answer)
    assert not result.blocked and not result.problems
    found = by_key(result.records)
    for row in case.output["records"]:
        record = found[(row["item_id"], row["variant_id"])]
        assert truth_value(record, field) == expected_value(row, field), field


@pytest.mark.parametrize("name", ["page-blocked-captcha", "page-blocked-403"])
def test_blocked(name: str) -> None:
    case = CASES[name]
    result = read_page(case.target(), case.answer)
    assert result.blocked and result.records == []


def test_not_found() -> None:
    case = CASES["page-not-found"]
    result = read_page(case.target(), case.answer)
    assert result.not_found and result.records == []


def test_page_without_state_is_a_problem() -> None:
    answer = Answer("http://x/pdd/goods.html?goods_id=1", 200, {}, b"<html><body></body></html>")
    result = read_page(PageTarget("pdd", answer.url, "1"), answer)
    assert result.records == [] and result.problems == ["page:no_product_state"]


SHIPPING = [
    ('{"store":{"initDataObj":{"goods":{"goodsID":1,"serviceTags":["全场包邮"]}}}}', 0),
    ('{"store":{"initDataObj":{"goods":{"goodsID":1,"serviceTags":["7天无理由退货"]}}}}', None),
]


@pytest.mark.parametrize(("state", "expected"), SHIPPING)
def test_shipping_is_known_only_when_free(state: str, expected: int | None) -> None:
    page = PddGoodsPage("u", f"<script>window.rawData = {state};</script>")
    assert page.shipping() == expected


def test_reader_targets() -> None:
    reader = PddPageReader("http://127.0.0.1:1/pdd")
    watch = Watch(
        "pdd",
        item_ids=("Y9000000B_Je1a0cf55ba37e36d4c", "3000000012"),
        urls=("https://mobile.yangkeduo.com/goods.html?goods_id=3000000011",),
    )
    assert [t.url for t in reader.targets_for(watch)] == [
        "https://mobile.yangkeduo.com/goods.html?goods_id=3000000011",
        "http://127.0.0.1:1/pdd/goods.html?goods_id=3000000012",
    ]
    known = ({"item_id": "Y9a_J1", "url": "http://127.0.0.1:1/pdd/goods.html?goods_id=5"},)
    assert reader.target_for("Y9a_J1", known).url.endswith("goods_id=5")
    with pytest.raises(NoProductPage, match="goods_sign Y9a_J1"):
        reader.target_for("Y9a_J1")
