"""JD product pages → fields, over the saved cases in tests/cases/jd/page-* (one test per field).

The cases are recordings of the fixture marketplace (``python -m tests.support.jd_recorder``):
the static layout with a promotion, each coupon form, a shipping fee, sold out; the JS-only page
as served (it needs a browser) and as Chromium renders it; a 404; both blocked answers. Each
record's ``output.json`` row is the truth. Text fields are compared as extracted; money,
availability and variants after the pipeline's own normalizer (the reader's job is to find the
values, the normalizer's to fold them).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from crawler.platforms.base import Answer, PageTarget, Watch
from crawler.platforms.jd.pages import JdPageReader, JdProductPage
from tests.support.page_cases import Case, expected, load, normalized

READER = JdPageReader("http://marketplace.invalid/jd")
CASES = load("jd", "page-")
WITH_RECORDS = [c for c in CASES if c.output["records"] and not c.output.get("needs_browser")]
#: Fields JD's page shows (gtin, stock and sales never appear on it: null in the truth).
TEXT_FIELDS = ("item_id", "title", "brand", "model", "seller_id", "seller_name")
NORMALIZED_FIELDS = ("currency", "price_minor", "list_price_minor", "promo_price_minor",
                     "coupon_minor", "coupon_threshold_minor", "shipping_minor",
                     "effective_price_minor", "availability", "variant_attributes", "rating",
                     "rating_scale", "review_count")


def read(case: Case) -> Any:
    return READER.read(case.target(), case.answer)


def only_record(case: Case) -> dict[str, Any]:
    result = read(case)
    assert not result.needs_browser and not result.blocked, result
    assert len(result.records) == 1, result
    return result.records[0]


@pytest.mark.parametrize(("case", "field"), [(c, f) for c in WITH_RECORDS for f in TEXT_FIELDS],
                         ids=str)
def test_text_field(case: Case, field: str) -> None:
    assert only_record(case).get(field) == case.output["records"][0][field]


@pytest.mark.parametrize(("case", "field"),
                         [(c, f) for c in WITH_RECORDS for f in NORMALIZED_FIELDS], ids=str)
def test_normalized_field(case: Case, field: str) -> None:
    row = case.output["records"][0]
    assert normalized(only_record(case), "jd")[field] == expected(row, field)


@pytest.mark.parametrize("case", [c for c in CASES if c.output.get("needs_browser")], ids=str)
def test_js_only_page_needs_a_browser(case: Case) -> None:
    result = read(case)
    assert result.needs_browser and not result.records and not result.blocked


@pytest.mark.parametrize("case", [c for c in CASES if c.output.get("blocked")], ids=str)
def test_blocked_page_is_blocked_and_has_no_listing(case: Case) -> None:
    result = read(case)
    assert result.blocked and not result.records and not result.needs_browser


@pytest.mark.parametrize("case", [c for c in CASES if c.output.get("not_found")], ids=str)
def test_gone_page_is_not_found(case: Case) -> None:
    assert read(case).not_found


def test_money_stays_decimal() -> None:
    case = next(c for c in WITH_RECORDS if c.name == "page-static-promotion")
    record = only_record(case)
    assert isinstance(record["price"], Decimal) and isinstance(record["list_price"], Decimal)


def test_gone_text_on_a_200_page_is_not_found() -> None:
    html = "<html><body><h1>抱歉，您访问的商品不存在或已下柜</h1></body></html>"  # noqa: RUF001
    answer = Answer("http://x/jd/1.html", 200, {}, html.encode())
    assert READER.read(PageTarget("jd", answer.url, "1"), answer).not_found


def test_page_without_product_markup_is_a_problem_not_a_listing() -> None:
    answer = Answer("http://x/jd/1.html", 200, {}, b"<html><body>maintenance</body></html>")
    result = READER.read(PageTarget("jd", answer.url, "1"), answer)
    assert not result.records and result.problems


def test_page_config_fills_the_title_and_brand_when_the_markup_lacks_them() -> None:
    html = ('<div class="product-intro" data-sku="7"><div class="sku-name"> </div>'
            '<span class="price J-p-7">99.00</span></div>'
            '<script>var pageConfig = {"product": {"skuid": 7, "name": "N", "brand": "B"}};'
            "</script>")
    page = JdProductPage("http://x/jd/7.html", html)
    assert (page.title(), page.brand(), page.price()) == ("N", "B", Decimal("99.00"))


def test_a_non_numeric_sku_has_no_page_to_ask_for() -> None:
    assert READER.target_for("100012043978").url == "http://marketplace.invalid/jd/100012043978.html"
    with pytest.raises(ValueError, match="'iphone-15'"):
        READER.targets_for(Watch("jd", item_ids=("iphone-15",)))
