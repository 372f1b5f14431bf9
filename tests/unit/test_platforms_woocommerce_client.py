"""WooCommerce Store API answers → records, follow-ups, errors (crawler/platforms/woocommerce).

Cases (tests/cases/woocommerce/api-*): recordings of the fixture marketplace's shop (two parents
and an unknown id by ``include=``, one parent's variations, a list page with ``X-WP-TotalPages``)
and of its faults (``rest_no_route`` when the API is off, 429 + ``Retry-After``, an invalid id,
prices missing). Variation records are compared with the truth through the pipeline's
normalizer, one test per field; GTIN, shipping and seller are the page's (pages test).
"""

from __future__ import annotations

import pytest

from crawler.platforms.base import Answer, ErrorKind, Watch
from crawler.platforms.woocommerce.client import WooClient
from crawler.platforms.woocommerce.errors import status_error
from crawler.platforms.woocommerce.reader import attributes, money
from tests.support.page_cases import expected, key, load, normalized
from tests.support.page_recorder import BASE

API = f"{BASE}/woocommerce"
CLIENT = WooClient(API)
CASES = {c.name: c for c in load("woocommerce", "api-")}
API_FIELDS = (
    "item_id",
    "variant_id",
    "title",
    "brand",
    "currency",
    "price_minor",
    "list_price_minor",
    "promo_price_minor",
    "availability",
    "stock_qty",
    "variant_attributes",
)


def answer_of(name: str):
    case = CASES[name]
    return CLIENT.read_api(case.call(), case.answer)


@pytest.mark.parametrize("field", API_FIELDS)
def test_variation_field(field: str) -> None:
    result = answer_of("api-variations")
    (target,) = result.incomplete
    found = {key(r): normalized(r, "woocommerce") for r in target.known}
    rows = CASES["api-variations"].output["records"]
    assert set(found) == {key(row) for row in rows}
    for row in rows:
        assert found[key(row)][field] == expected(row, field), (row["listing_id"], field)


def test_variations_wait_for_their_page_for_gtin_shipping_and_seller() -> None:
    (target,) = answer_of("api-variations").incomplete
    assert target.url == CASES["api-variations"].output["records"][0]["url"]
    assert {"gtin", "shipping", "seller_name"} <= set(target.missing_fields)
    assert answer_of("api-variations").records == []


def test_parents_ask_for_their_variations_and_report_unknown_ids() -> None:
    result = answer_of("api-parents")
    assert result.not_found == CASES["api-parents"].output["not_found"]
    (variations,) = result.follow_up
    assert len(variations.context["facts"]) == CASES["api-parents"].output["variations"]
    assert all(u.startswith(f"{BASE}/woocommerce/product/") for u in variations.item_ids)
    assert "include=" in variations.url and "per_page=100" in variations.url


def test_a_list_page_continues_until_the_last_page() -> None:
    result = answer_of("api-list-page")
    (next_page,) = [c for c in result.follow_up if c.operation == "products"]
    assert next_page.context["page"] == CASES["api-list-page"].output["next_page"]
    last = Answer(next_page.url, 200, {"X-WP-TotalPages": "2"}, b"[]")
    assert CLIENT.read_api(next_page, last).follow_up == []


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("api-error-invalid-id", ErrorKind.NOT_FOUND),
        ("api-error-no-route", ErrorKind.AUTH),
        ("api-error-throttled", ErrorKind.QUOTA),
    ],
)
def test_wp_errors(name: str, kind: ErrorKind) -> None:
    error = status_error(CASES[name].answer)
    assert error is not None and error.kind is kind
    assert error.retry_after == CASES[name].output.get("retry_after")


def test_variations_without_a_price_still_wait_for_the_page() -> None:
    (target,) = answer_of("api-missing-price").incomplete
    assert len(target.known) == CASES["api-missing-price"].output["missing_price"]
    assert all("price" not in r and "list_price" not in r for r in target.known)
    assert "price" in target.missing_fields


def test_a_body_that_is_not_the_product_list_is_malformed() -> None:
    case = CASES["api-variations"]
    cut = Answer(case.answer.url, 200, {}, case.answer.body[: len(case.answer.body) * 6 // 10])
    error = CLIENT.read_api(case.call(), cut).error
    assert error is not None and error.kind is ErrorKind.MALFORMED


@pytest.mark.parametrize(
    ("prices", "amount"),
    [
        ({"price": "129900", "currency_minor_unit": 2}, "1299.00"),
        ({"price": "1980", "currency_minor_unit": 0}, "1980"),
        ({"price": "12345", "currency_minor_unit": 3}, "12.345"),
    ],
)
def test_minor_unit_strings(prices: dict, amount: str) -> None:
    assert str(money(prices, "price")) == amount


def test_variation_text_keeps_the_shops_words() -> None:
    assert attributes("Farbe: Schwarz, Kapazität: 256 GB") == {
        "color": "Schwarz",
        "capacity": "256 GB",
    }
    assert attributes("Farbe: Weiß, Größe: 42") == {"color": "Weiß", "size": "42"}


def test_calls_for_a_watch() -> None:
    ids = [str(10000 + 10 * n) for n in range(150)]
    calls = CLIENT.calls_for(Watch("woocommerce", item_ids=tuple(ids), keywords=("Kettle",)))
    assert [len(c.item_ids) for c in calls[:2]] == [100, 50]
    assert "search=Kettle" in calls[2].url and calls[2].context["keyword"] == "Kettle"
    assert "search" not in CLIENT.calls_for(Watch("woocommerce"))[0].url
