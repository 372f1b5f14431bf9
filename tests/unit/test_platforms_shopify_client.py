"""Shopify storefront answers → records, follow-up calls, error kinds (crawler/platforms/shopify).

Cases (tests/cases/shopify/api-*): recordings of the fixture marketplace's two stores
(``products.json`` pages, ``products/<handle>.js`` in USD and JPY, ``search/suggest.json``, the
HTML ``/search``) and of its faults (429 + ``Retry-After``, the JSON switched off, 503, a body
cut off, variants without a price, an unknown handle). Records are compared with the truth rows
through the pipeline's normalizer, one test per field.
"""

from __future__ import annotations

import pytest

from crawler.platforms.base import Answer, ApiCall, ErrorKind, Watch
from crawler.platforms.shopify import FIXTURE_PATHS
from crawler.platforms.shopify.client import ShopifyClient
from crawler.platforms.shopify.stores import DEFAULT_STORES, stores_from
from tests.support.page_cases import expected, key, load, normalized
from tests.support.page_recorder import BASE

STORES = stores_from(
    {"stores": [{**s, "base": BASE + FIXTURE_PATHS[s["site"]]} for s in DEFAULT_STORES]}
)
CLIENT = ShopifyClient(STORES, complete_from_page=False)
CASES = {c.name: c for c in load("shopify", "api-")}
#: What the storefront JSON gives (model and rating are on the page only).
API_FIELDS = (
    "item_id",
    "variant_id",
    "title",
    "brand",
    "gtin",
    "seller_name",
    "currency",
    "price_minor",
    "list_price_minor",
    "promo_price_minor",
    "availability",
    "variant_attributes",
    "shipping_minor",
    "stock_qty",
    "coupon_minor",
)


def answer_of(name: str):
    case = CASES[name]
    return CLIENT.read_api(case.call(), case.answer)


@pytest.mark.parametrize("field", API_FIELDS)
@pytest.mark.parametrize("name", ["api-product-js-us", "api-product-js-jp"])
def test_product_js_field(name: str, field: str) -> None:
    result = answer_of(name)
    assert result.error is None and result.incomplete == []
    found = {key(r): normalized(r, "shopify") for r in result.records}
    rows = CASES[name].output["records"]
    assert set(found) == {key(row) for row in rows}
    for row in rows:
        assert found[key(row)][field] == expected(row, field), (name, field)


def test_js_money_is_a_hundredth_also_for_yen() -> None:
    case = CASES["api-product-js-jp"]
    first = answer_of("api-product-js-jp").records[0]
    cents = int(case.answer.text.split('"price":', 2)[2].split(",", 1)[0])
    assert first["price"] * 100 == cents and first["currency"] == "JPY"


def test_page_completion_is_asked_for_model_and_rating_by_default() -> None:
    case = CASES["api-product-js-us"]
    result = ShopifyClient(STORES).read_api(case.call(), case.answer)
    (target,) = result.incomplete
    assert result.records == [] and len(target.known) == len(case.output["records"])
    assert target.url == case.request["context"]["url"]
    assert set(target.missing_fields) >= {"model", "rating"}


@pytest.mark.parametrize("name", ["api-products-json-us", "api-products-json-jp"])
def test_catalog_page_asks_for_each_product_and_the_next_page(name: str) -> None:
    result = answer_of(name)
    js = [c for c in result.follow_up if c.operation == "products/<handle>.js"]
    (walk,) = [c for c in result.follow_up if c.operation == "products.json"]
    assert len(js) == CASES[name].output["products"]
    assert all(c.url.endswith(".js") and c.context["known"] for c in js)
    assert walk.context["page"] == 2 and "page=2" in walk.url
    assert walk.context["previous_first"] == int(js[0].item_ids[0])


def test_a_walk_for_ids_keeps_only_those_and_reports_the_rest_at_its_end() -> None:
    case = CASES["api-products-json-us"]
    first_id = answer_of("api-products-json-us").follow_up[0].item_ids[0]
    call = ApiCall(
        "shopify",
        "products.json",
        "GET",
        case.answer.url,
        item_ids=(first_id, "8000000099999"),
        context={**case.request["context"]},
    )
    result = CLIENT.read_api(call, case.answer)
    assert [c.item_ids for c in result.follow_up if c.operation.endswith(".js")] == [(first_id,)]
    (walk,) = [c for c in result.follow_up if c.operation == "products.json"]
    assert walk.item_ids == ("8000000099999",)
    empty = Answer(walk.url, 200, {}, b'{"products": []}')
    assert CLIENT.read_api(walk, empty).not_found == ["8000000099999"]


def test_a_page_repeating_the_previous_first_id_ends_the_walk() -> None:
    case = CASES["api-products-json-us"]
    first = answer_of("api-products-json-us").follow_up[-1].context["previous_first"]
    call = ApiCall(
        "shopify",
        "products.json",
        "GET",
        case.answer.url,
        item_ids=("1",),
        context={**case.request["context"], "page": 7, "previous_first": first},
    )
    result = CLIENT.read_api(call, case.answer)
    assert result.follow_up == [] and result.not_found == ["1"]


def test_ids_of_a_watch_over_several_stores_are_not_reported_missing_by_one() -> None:
    calls = CLIENT.calls_for(Watch("shopify", item_ids=("1",)))
    assert len(calls) == 2 and not any(c.context["report_missing"] for c in calls)
    empty = Answer(calls[0].url, 200, {}, b'{"products": []}')
    assert CLIENT.read_api(calls[0], empty).not_found == []


@pytest.mark.parametrize("name", ["api-suggest-phone", "api-suggest-smartphone"])
def test_suggest_asks_for_each_product(name: str) -> None:
    result = answer_of(name)
    assert len(result.follow_up) == CASES[name].output["products"]
    assert all(c.operation == "products/<handle>.js" for c in result.follow_up)


def test_a_full_suggest_answer_continues_with_the_search_pages() -> None:
    case = CASES["api-suggest-phone"]
    products = ",".join(f'{{"id": {n}, "handle": "h-{n}"}}' for n in range(10))
    body = f'{{"resources": {{"results": {{"products": [{products}]}}}}}}'.encode()
    result = CLIENT.read_api(case.call(), Answer(case.answer.url, 200, {}, body))
    (search,) = result.follow_up
    assert search.operation == "search" and "q=phone" in search.url and "page=1" in search.url


def test_the_search_page_lists_every_match() -> None:
    result = answer_of("api-search-phone")
    assert len(result.follow_up) == CASES["api-search-phone"].output["products"]
    assert all(c.item_ids[0].startswith(BASE) for c in result.follow_up)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("api-error-throttled", ErrorKind.QUOTA),
        ("api-error-api-off", ErrorKind.AUTH),
        ("api-error-server", ErrorKind.SERVER),
        ("api-error-malformed", ErrorKind.MALFORMED),
    ],
)
def test_error_kinds(name: str, kind: ErrorKind) -> None:
    result = answer_of(name)
    assert result.error is not None and result.error.kind is kind and result.records == []
    assert result.error.retry_after == CASES[name].output.get("retry_after")
    if kind is ErrorKind.AUTH:
        assert "platforms.shopify" in (result.error.setting or "")


def test_variants_without_a_price_wait_for_their_page() -> None:
    result = answer_of("api-missing-price")
    (target,) = result.incomplete
    assert result.error is None and result.records == []
    assert [target.url] == CASES["api-missing-price"].output["incomplete"]
    assert "price" in target.missing_fields and all("price" not in r for r in target.known)


def test_an_unknown_handle_is_confirmed_on_its_page_not_declared_delisted() -> None:
    result = answer_of("api-product-js-unknown")
    assert result.error is None and result.not_found == []
    assert [t.url for t in result.incomplete] == CASES["api-product-js-unknown"].output[
        "incomplete"
    ]


def test_calls_for_a_watch() -> None:
    watch = Watch(
        "shopify",
        urls=(f"{BASE}/shopify/tokyo-gadgets/products/a-1",),
        keywords=("phone",),
        site="shopify-jp",
    )
    calls = CLIENT.calls_for(watch)
    assert [c.operation for c in calls] == ["products/<handle>.js", "search/suggest.json"]
    assert calls[0].url == f"{BASE}/shopify/tokyo-gadgets/products/a-1.js"
    whole = CLIENT.calls_for(Watch("shopify"))
    assert [c.context["keyword"] for c in whole] == ["", ""]  # the fallback is the sitemap
    assert all("limit=250&page=1" in c.url for c in whole)
