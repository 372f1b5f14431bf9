"""Search with facets against the test market, in Chinese and English.

Expected hits are read from the market's specs (titles as written), not from the index.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from elasticsearch import Elasticsearch
from pydantic import ValidationError

from crawler.items import Availability
from crawler.search.listings import get_listing, search_listings, stale_listings
from crawler.search.params import SearchParams
from tests.support.market_data import (
    XSS_TITLE,
    Market,
    to_base,
)

pytestmark = pytest.mark.es


@pytest.fixture
def market(shared_market: Market) -> Market:
    return shared_market


def ids(market: Market, **where: object) -> set[str]:
    return {o.listing_id for o in market.offers
            if all(getattr(o.spec, k) == v for k, v in where.items())}


def found(es: Elasticsearch, market: Market, **params: object) -> set[str]:
    page = search_listings(es, market.names, SearchParams(limit=100, **params))  # type: ignore[arg-type]
    return {h.listing_id for h in page.hits}


@pytest.mark.parametrize(("query", "expected"), [
    # Chinese words match the cjk bigrams: 华为 + 手机, in any title that has both.
    ("华为 手机", lambda o: "华为" in o.spec.title and "手机" in o.spec.title),
    ("降噪耳机", lambda o: "降噪" in o.spec.title and "耳机" in o.spec.title),
    ("小米14 黑色", lambda o: "小米14" in o.spec.title and "黑色" in o.spec.title),
    ("iPhone 15", lambda o: "iPhone 15" in o.spec.title),
    ("sony headphones", lambda o: "Headphones" in o.spec.title),
    ("HUAWEI", lambda o: "HUAWEI" in o.spec.title or o.spec.brand == "HUAWEI"),
], ids=["zh-huawei-phone", "zh-noise-cancelling", "zh-mixed-xiaomi14", "en-iphone",
        "en-sony", "en-brand"])
def test_chinese_and_english_queries_find_the_titles_that_contain_them(
        es: Elasticsearch, market: Market, query: str, expected) -> None:  # type: ignore[no-untyped-def]
    want = {o.listing_id for o in market.offers if expected(o)}
    assert want, "the market has titles for this query"
    assert found(es, market, q=query) == want


def test_facets_count_the_results_and_ignore_their_own_choice(es: Elasticsearch,
                                                              market: Market) -> None:
    page = search_listings(es, market.names, SearchParams(q="", platform=["taobao"], limit=100))
    assert {h.platform for h in page.hits} == {"taobao"}
    assert page.total == len(ids(market, platform="taobao"))
    # The platform facet still shows every platform (its own filter is not applied to it) ...
    assert {b.key: b.count for b in page.facets["platform"]} == \
        Counter(o.spec.platform for o in market.offers)
    # ... while the other facets count only the taobao results.
    assert {b.key: b.count for b in page.facets["brand"]} == \
        Counter(o.spec.brand for o in market.offers if o.spec.platform == "taobao")
    sellers = {b.key: b.label for b in page.facets["seller"]}
    assert sellers["tb-hw-flag"] == "华为官方旗舰店"


def test_in_stock_leaves_out_what_cannot_be_ordered(es: Elasticsearch, market: Market) -> None:
    everything = found(es, market, q="华为")
    orderable = found(es, market, q="华为", in_stock=True)
    gone = {o.listing_id for o in market.offers
            if o.current.availability is Availability.OUT_OF_STOCK}
    assert gone & everything and orderable == everything - gone


def test_price_range_in_a_currency_and_in_the_base_currency(es: Elasticsearch,
                                                            market: Market) -> None:
    usd = found(es, market, min_price="300", max_price="900", currency="USD")
    assert usd == {o.listing_id for o in market.offers if o.spec.currency == "USD"
                   and 30000 <= o.current.price_minor <= 90000}
    base = found(es, market, max_price="3000")
    assert base == {o.listing_id for o in market.offers
                    if to_base(o.current.price_minor, o.spec.currency) <= 300000}  # type: ignore[operator]


def test_sort_by_price_orders_by_base_currency_price(es: Elasticsearch, market: Market) -> None:
    page = search_listings(es, market.names, SearchParams(q="", sort="price", limit=100))
    prices = [h.price_base_minor for h in page.hits]
    assert prices == sorted(prices) and len(prices) == len(market.offers)
    desc = search_listings(es, market.names, SearchParams(q="", sort="-price", limit=3))
    assert [h.price_base_minor for h in desc.hits] == sorted(prices, reverse=True)[:3]


def test_pages_do_not_overlap_and_cover_everything(es: Elasticsearch, market: Market) -> None:
    seen = []
    for offset in range(0, len(market.offers), 5):
        page = search_listings(es, market.names,
                               SearchParams(q="", sort="price", limit=5, offset=offset))
        seen += [h.listing_id for h in page.hits]
    assert sorted(seen) == sorted(o.listing_id for o in market.offers)


def test_scraped_markup_comes_back_verbatim(es: Elasticsearch, market: Market) -> None:
    listing = get_listing(es, market.names, "taobao:6666")
    assert listing is not None and listing.title == XSS_TITLE


def test_stale_listings_are_those_not_fetched_recently(es: Elasticsearch, market: Market) -> None:
    page = stale_listings(es, market.names, now=market.now, older_than=timedelta(hours=48))
    assert [h.listing_id for h in page.items] == \
        [o.listing_id for o in market.offers if o.current.at < market.now - timedelta(hours=48)]
    assert page.total == 1


@pytest.mark.parametrize("bad", [{"limit": 0}, {"limit": 101}, {"min_price": "-1"},
                                 {"min_price": "9", "max_price": "1"}, {"currency": "yuan"},
                                 {"sort": "cheapest"}, {"offset": 9990, "limit": 20}])
def test_bad_parameters_are_refused_with_a_reason(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError) as err:
        SearchParams(**bad)  # type: ignore[arg-type]
    assert err.value.errors()[0]["msg"]
