"""SP-API request building and watch parsing (crawler/platforms/amazon/api.py, markets.py).

Parameter names and limits from platform-apis.md §4.3-4.5: camelCase catalog parameters,
PascalCase Pricing v0 batch entries, 1-20 requests per batch, ``includedData`` csv.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from crawler.platforms.amazon import api
from crawler.platforms.amazon.markets import UnknownMarket, market, parse_item, parse_url
from crawler.platforms.base import Watch
from tests.unit.test_platforms_amazon_auth import make_client, token_answer

ENDS = api.Endpoints.from_bases("http://marketplace.test/amazon")
US, JP = market("US"), market("JP")
ASINS = [f"B0{n:08d}" for n in range(45)]


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def test_one_asin_uses_get_catalog_item() -> None:
    call = api.catalog_lookup(ENDS, JP, ["B061P0Q276"], "t", {})
    assert call.operation == "getCatalogItem"
    assert urlsplit(call.url).path == "/amazon/fe/catalog/2022-04-01/items/B061P0Q276"
    assert query(call.url) == {"marketplaceIds": "A1VC38T7YXB528",
                               "includedData": "summaries,identifiers,attributes"}
    assert call.headers["x-amz-access-token"] == "t"


def test_several_asins_use_search_by_identifiers() -> None:
    call = api.catalog_lookup(ENDS, US, ASINS[:20], "t", {})
    assert call.operation == "searchCatalogItems"
    assert query(call.url) == {"marketplaceIds": "ATVPDKIKX0DER",
                               "identifiers": ",".join(ASINS[:20]), "identifiersType": "ASIN",
                               "includedData": "summaries,identifiers,attributes",
                               "pageSize": "20"}
    assert call.item_ids == tuple(ASINS[:20])


@pytest.mark.parametrize("count", [0, 21])
def test_batches_hold_1_to_20(count: int) -> None:
    for build in (api.catalog_lookup, api.offers_batch, api.competitive_summary):
        with pytest.raises(ValueError, match=r"1\.\.20"):
            build(ENDS, US, ASINS[:count], "t", {})


def test_offers_batch_body_is_pascal_case_v0() -> None:
    call = api.offers_batch(ENDS, US, ["B074PSYPXE"], "t", {})
    assert (call.method, urlsplit(call.url).path) == (
        "POST", "/amazon/na/batches/products/pricing/v0/itemOffers")
    assert json.loads(call.body or b"") == {"requests": [{
        "uri": "/products/pricing/v0/items/B074PSYPXE/offers", "method": "GET",
        "MarketplaceId": "ATVPDKIKX0DER", "ItemCondition": "New", "CustomerType": "Consumer"}]}
    assert call.headers["Content-Type"] == "application/json"


def test_competitive_summary_body_is_camel_case() -> None:
    call = api.competitive_summary(ENDS, JP, ["B06UYLWJZU"], "t", {})
    assert urlsplit(call.url).path == (
        "/amazon/fe/batches/products/pricing/2022-05-01/items/competitiveSummary")
    assert json.loads(call.body or b"") == {"requests": [{
        "asin": "B06UYLWJZU", "marketplaceId": "A1VC38T7YXB528",
        "includedData": ["featuredBuyingOptions"], "method": "GET",
        "uri": "/products/pricing/2022-05-01/items/competitiveSummary"}]}


def test_keyword_search_pages() -> None:
    call = api.keyword_search(ENDS, US, "phone", "t", {}, page_token="abc", page_size=50)
    assert query(call.url) == {"marketplaceIds": "ATVPDKIKX0DER", "keywords": "phone",
                               "includedData": "summaries,identifiers,attributes",
                               "pageSize": "20", "pageToken": "abc"}
    assert call.purpose == "search"


def test_production_hosts_per_region() -> None:
    ends = api.Endpoints.from_bases(None)
    assert ends.sp(US) == "https://sellingpartnerapi-na.amazon.com"
    assert ends.sp(JP) == "https://sellingpartnerapi-fe.amazon.com"


def test_a_watch_is_batched_per_market_20_at_a_time() -> None:
    client = make_client()
    watch = Watch("amazon", item_ids=(*ASINS, "JP:B06UYLWJZU"), keywords=("phone",))
    grants = client.calls_for(watch)
    assert [g.context["site"] for g in grants] == ["amazon-us", "amazon-jp", "amazon-us",
                                                   "amazon-jp"]
    calls = [c for g in grants for c in client.read_api(g, token_answer()).follow_up]
    shape = [(c.operation, len(c.item_ids), c.context["site"]) for c in calls]
    assert shape == [("searchCatalogItems", 20, "amazon-us"),
                     ("searchCatalogItems", 20, "amazon-us"),
                     ("searchCatalogItems", 5, "amazon-us"), ("getCatalogItem", 1, "amazon-jp"),
                     ("searchCatalogItems", 0, "amazon-us"), ("searchCatalogItems", 0, "amazon-jp")]
    # Once the token is cached, calls_for gives the lookups at once.
    assert len(client.calls_for(watch)) == 6


def test_a_watch_site_places_bare_asins_and_keywords() -> None:
    client = make_client()
    grants = client.calls_for(Watch("amazon", item_ids=("B06UYLWJZU",), keywords=("phone",),
                                    site="amazon-jp"))
    assert [g.context["site"] for g in grants] == ["amazon-jp", "amazon-jp"]
    assert grants[1].context["keyword"] == "phone"


def test_pacing_books_each_operation_on_its_own_plan() -> None:
    client = make_client()
    (grant,) = client.calls_for(Watch("amazon", item_ids=tuple(ASINS)))
    assert client.delay(grant) == 0.0
    calls = client.read_api(grant, token_answer()).follow_up
    assert [round(client.delay(c), 2) for c in calls] == [0.0, 0.0, 0.5]


@pytest.mark.parametrize(("entry", "expected"), [
    ("B074PSYPXE", ("US", "B074PSYPXE")),
    ("JP:B06UYLWJZU", ("JP", "B06UYLWJZU")),
    ("jp: B06UYLWJZU", ("JP", "B06UYLWJZU")),
])
def test_watch_item_ids(entry: str, expected: tuple[str, str]) -> None:
    place, asin = parse_item(entry, US)
    assert (place.code, asin) == expected


@pytest.mark.parametrize(("url", "expected"), [
    ("http://127.0.0.1:4100/amazon/jp/dp/B06UYLWJZU", ("JP", "B06UYLWJZU")),
    ("https://www.amazon.com/Some-Title/dp/B074PSYPXE?th=1", ("US", "B074PSYPXE")),
    ("https://www.amazon.co.jp/gp/product/B06UYLWJZU", ("JP", "B06UYLWJZU")),
])
def test_watch_urls(url: str, expected: tuple[str, str]) -> None:
    place, asin = parse_url(url)
    assert (place.code, asin) == expected


@pytest.mark.parametrize("bad", ["B07", "DE:B074PSYPXE", "b074psypxe"])
def test_bad_item_ids_are_clear_errors(bad: str) -> None:
    with pytest.raises(UnknownMarket, match="amazon"):
        parse_item(bad, US)


@pytest.mark.parametrize("bad", ["https://www.amazon.de/dp/B074PSYPXE",
                                 "https://www.amazon.com/s?k=phone"])
def test_bad_urls_are_clear_errors(bad: str) -> None:
    with pytest.raises(UnknownMarket):
        parse_url(bad)
