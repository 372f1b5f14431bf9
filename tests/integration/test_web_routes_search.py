"""``GET /search`` and the search page ``/`` over real HTTP against the shared test market."""

from __future__ import annotations

import httpx
import pytest

from tests.support.market_data import (
    Market,
)

pytestmark = pytest.mark.es


def test_search_returns_the_matching_listings_with_facets(market_web: str,
                                                          shared_market: Market) -> None:
    r = httpx.get(f"{market_web}/search", params={"q": "华为 手机", "platform": "jd"})
    assert r.status_code == 200
    body = r.json()
    want = {o.listing_id for o in shared_market.offers if o.spec.platform == "jd"
            and "华为" in o.spec.title and "手机" in o.spec.title}
    assert {h["listing_id"] for h in body["hits"]} == want and body["total"] == len(want)
    assert {b["key"] for b in body["facets"]["platform"]} >= {"jd", "taobao", "pdd"}
    assert all(isinstance(h["price_minor"], int) for h in body["hits"])


def test_pagination_walks_every_result_once(market_web: str, shared_market: Market) -> None:
    seen: list[str] = []
    for offset in (0, 6, 12):
        body = httpx.get(f"{market_web}/search",
                         params={"sort": "price", "limit": 6, "offset": offset}).json()
        seen += [h["listing_id"] for h in body["hits"]]
    assert sorted(seen) == sorted(o.listing_id for o in shared_market.offers)


@pytest.mark.parametrize(("params", "message"), [
    ({"limit": 0}, "greater than or equal to 1"),
    ({"limit": 500}, "less than or equal to 100"),
    ({"min_price": 9, "max_price": 1}, "min_price 9 is above max_price 1"),
    ({"sort": "cheapest"}, "relevance"),
    ({"availability": "sold"}, "in_stock"),
    ({"min_price": "0.001", "currency": "CNY"}, "more decimals than CNY allows"),
    ({"offset": 9995, "limit": 10}, "may not pass 10000"),
])
def test_bad_parameters_get_422_with_a_message(market_web: str, params: dict[str, object],
                                               message: str) -> None:
    r = httpx.get(f"{market_web}/search", params=params)  # type: ignore[arg-type]
    assert r.status_code == 422
    assert message in r.text


def test_search_page_lists_results_and_facet_links(market_web: str) -> None:
    r = httpx.get(f"{market_web}/", params={"q": "iphone 15"})
    assert r.status_code == 200 and "3 listings" in r.text
    assert 'href="/?q=iphone+15&amp;platform=pdd"' in r.text
    assert "script-src" not in r.headers["content-security-policy"]  # default-src 'none'
    assert "default-src 'none'" in r.headers["content-security-policy"]


def test_search_page_explains_bad_input(market_web: str) -> None:
    r = httpx.get(f"{market_web}/", params={"min_price": "abc"})
    assert r.status_code == 422 and "Cannot search" in r.text and "min_price" in r.text


def test_repeated_facet_parameters_and_in_stock(market_web: str, shared_market: Market) -> None:
    r = httpx.get(f"{market_web}/search",
                  params=[("platform", "pdd"), ("platform", "taobao"), ("in_stock", "true"),
                          ("limit", "100")])
    assert r.status_code == 200
    assert {h["listing_id"] for h in r.json()["hits"]} == {
        o.listing_id for o in shared_market.offers if o.spec.platform in ("pdd", "taobao")
        and o.current.availability.value in ("in_stock", "limited")}
