"""Group comparison against the test market: every number equals what the market's truth implies.

The oracle below recomputes each figure in plain Python from ``Market.offers`` (the prices the
builder wrote), following docs/search.md; the code under test gets them from ES aggregations.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from elasticsearch import Elasticsearch

from crawler.search.compare import compare_group, resolve_groups
from crawler.search.money import to_minor
from tests.support.market_data import (
    MAP_PRICES,
    SELF,
    SPECS,
    Market,
    to_base,
)
from tests.support.market_oracle import expected

pytestmark = pytest.mark.es
GROUPS = sorted({s.group for s in SPECS})


@pytest.fixture
def market(shared_market: Market) -> Market:
    return shared_market


@pytest.mark.parametrize("group", GROUPS)
def test_comparison_numbers_equal_the_market_truth(es: Elasticsearch, market: Market,
                                                   group: str) -> None:
    c = compare_group(es, market.names, group, market.settings, market.now)
    assert c is not None and c.basis is not None
    want = expected(market, group)
    got = {k: getattr(c, k) for k in want if not k.startswith("basis_")}
    got |= {"basis_kind": c.basis.kind, "basis_base": c.basis.base}
    assert got == want


def test_rows_carry_each_offer_with_its_own_24h_and_7d_change(es: Elasticsearch,
                                                              market: Market) -> None:
    c = compare_group(es, market.names, "pg-iphone15-128-black", market.settings, market.now)
    assert c is not None
    rows = {r.listing_id: r for r in c.offers}
    assert set(rows) == {o.listing_id for o in market.group("pg-iphone15-128-black")}
    for offer in market.group("pg-iphone15-128-black"):
        row, eff = rows[offer.listing_id], offer.effective
        day, week = (offer.at(market.now - d) for d in (timedelta(days=1), timedelta(days=7)))
        assert row.compare_minor == eff(offer.current)
        assert row.change_24h_minor == eff(offer.current) - eff(day)  # type: ignore[operator]
        assert row.change_7d_minor == eff(offer.current) - eff(week)  # type: ignore[operator]
        assert row.is_ours == (offer.spec.seller_id == SELF)
        assert row.sales_volume == offer.current.sales_volume
        assert row.sales_volume_7d_ago == week.sales_volume  # type: ignore[union-attr]


def test_out_of_stock_offer_is_shown_but_not_counted(es: Elasticsearch, market: Market) -> None:
    c = compare_group(es, market.names, "pg-mate60pro-12-256", market.settings, market.now)
    assert c is not None
    resale = next(r for r in c.offers if r.listing_id == "taobao:7388")
    assert resale.counted is False and resale.availability == "out_of_stock"
    assert c.cheapest_listing_id != "taobao:7388"
    assert c.cheapest_minor is not None and resale.compare_minor is not None
    assert resale.compare_minor < c.cheapest_minor  # cheaper, but nobody can buy it


def test_map_breaches_are_the_offers_advertised_below_map(es: Elasticsearch,
                                                          market: Market) -> None:
    group = "pg-sony-xm5-black"
    c = compare_group(es, market.names, group, market.settings, market.now)
    assert c is not None
    map_minor = to_minor(MAP_PRICES[group].split()[0], "CNY")
    below = {o.listing_id for o in market.group(group)
             if to_base(o.current.price_minor, o.spec.currency) < map_minor}  # type: ignore[operator]
    assert below, "the market is built with MAP breaches in this group"
    assert set(c.map_breaches) == below
    assert {r.listing_id for r in c.offers if r.map_breach} == below
    assert c.map_minor == map_minor


def test_unknown_group_is_none(es: Elasticsearch, market: Market) -> None:
    assert compare_group(es, market.names, "pg-nope", market.settings, market.now) is None


@pytest.mark.parametrize(("text", "group"), [
    ("pg-xiaomi14-16-512", "pg-xiaomi14-16-512"),
    ("华为 手机", "pg-mate60pro-12-256"),
    ("小米14", "pg-xiaomi14-16-512"),
    ("Sony WH-1000XM5", "pg-sony-xm5-black"),
    ("iphone 15", "pg-iphone15-128-black"),
])
def test_a_query_resolves_to_its_product_group(es: Elasticsearch, market: Market, text: str,
                                               group: str) -> None:
    assert resolve_groups(es, market.names, text)[0][0] == group
