"""Price history and lows against the test market (one observation a day for 400 days)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from elasticsearch import Elasticsearch

from crawler.items import Availability
from crawler.search.history import group_history, listing_history
from crawler.search.report import build_report, report_row, to_csv
from tests.support.market_data import (
    SPECS,
    Market,
    to_base,
)

pytestmark = pytest.mark.es


@pytest.fixture
def market(shared_market: Market) -> Market:
    return shared_market


@pytest.mark.parametrize("days", [7, 30, 365])
def test_listing_history_has_one_point_per_observation_in_the_window(
        es: Elasticsearch, market: Market, days: int) -> None:
    offer = market.offer("pdd:55220")
    history = listing_history(es, market.names, offer.listing_id, days, market.now)
    assert history is not None and [s.listing_id for s in history.series] == [offer.listing_id]
    window = [o for o in offer.history if o.at >= market.now - timedelta(days=days)]
    points = history.series[0].points
    assert len(points) == len(window)
    assert [p.price_minor for p in points] == [o.price_minor for o in window]
    assert [p.effective_price_minor for p in points] == [offer.effective(o) for o in window]
    assert [p.list_price_minor for p in points] == [o.list_price_minor for o in window]


def test_lows_over_30_90_365_days_skip_out_of_stock_points(es: Elasticsearch,
                                                           market: Market) -> None:
    offer = market.offer("taobao:7312")
    history = listing_history(es, market.names, offer.listing_id, 30, market.now)
    assert history is not None and history.basis is not None
    assert history.basis.field == "effective_price_minor"
    for low in history.lows:
        window = [o for o in offer.history if o.at >= market.now - timedelta(days=low.days)
                  and o.availability is not Availability.OUT_OF_STOCK]
        assert low.minor == min(offer.effective(o) for o in window)  # type: ignore[type-var]
        assert low.listing_id == offer.listing_id


def test_group_history_has_a_series_per_offer_in_base_currency_when_mixed(
        es: Elasticsearch, market: Market) -> None:
    group = "pg-mate60pro-12-256"
    history = group_history(es, market.names, group, 90, market.now)
    assert history is not None and history.basis is not None and history.basis.base
    offers = {o.listing_id: o for o in market.group(group)}
    assert {s.listing_id for s in history.series} == set(offers)
    amazon = next(s for s in history.series if s.platform == "amazon")
    offer = offers[amazon.listing_id]
    window = [o for o in offer.history if o.at >= market.now - timedelta(days=90)]
    assert [p.effective_price_minor for p in amazon.points] == \
        [to_base(offer.effective(o), "USD") for o in window]
    assert amazon.currency == "CNY" and all(p.list_price_minor is None for p in amazon.points)
    assert {s.seller_name for s in history.series} == {o.spec.seller_name for o in offers.values()}


def test_a_long_window_is_bucketed_daily(es: Elasticsearch, market: Market) -> None:
    history = listing_history(es, market.names, "jd:100066", 400, market.now)
    assert history is not None and history.interval == "1d"
    assert len(history.series[0].points) == 400


def test_unknown_subject_is_none(es: Elasticsearch, market: Market) -> None:
    assert listing_history(es, market.names, "jd:0", 30, market.now) is None


def test_report_has_one_row_per_group(es: Elasticsearch, market: Market) -> None:
    comparisons = build_report(es, market.names, market.settings, market.now)
    assert [c.group_id for c in comparisons] == sorted({s.group for s in SPECS})
    csv_text = to_csv(comparisons)
    assert len(csv_text.strip().splitlines()) == 1 + len(comparisons)
    xss = report_row(next(c for c in comparisons if c.group_id == "pg-xss"))
    assert xss["title"].startswith("<script>")  # CSV is data; the dashboard escapes it
    sony = report_row(next(c for c in comparisons if c.group_id == "pg-sony-xm5-black"))
    assert sony["map"] == "2499.00 CNY" and sony["map_breaches"]
