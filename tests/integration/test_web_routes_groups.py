"""``GET /groups/{id}``, ``/groups/{id}/history`` and the group page, against the market's truth."""

from __future__ import annotations

import re
from decimal import Decimal

import httpx
import pytest

from tests.support.market_data import (
    Market,
)
from tests.support.market_oracle import expected

pytestmark = pytest.mark.es


@pytest.mark.parametrize("group", ["pg-mate60pro-12-256", "pg-sony-xm5-black"])
def test_comparison_numbers(market_web: str, shared_market: Market, group: str) -> None:
    body = httpx.get(f"{market_web}/groups/{group}").json()
    want = expected(shared_market, group)
    for key in ("cheapest_minor", "spread_minor", "our_price_minor", "our_rank",
                "change_24h_minor", "cheapest_competitor_minor"):
        assert body[key] == want[key], key
    assert Decimal(body["price_index"]) == want["price_index"]  # a string: never a float


def test_unknown_group_is_404(market_web: str) -> None:
    r = httpx.get(f"{market_web}/groups/pg-none")
    assert r.status_code == 404 and "pg-none" in r.json()["detail"]


def test_group_history_series_and_points(market_web: str, shared_market: Market) -> None:
    body = httpx.get(f"{market_web}/groups/pg-iphone15-128-black/history",
                     params={"days": 30}).json()
    assert {s["listing_id"] for s in body["series"]} == \
        {o.listing_id for o in shared_market.group("pg-iphone15-128-black")}
    assert all(len(s["points"]) == 30 for s in body["series"])
    assert [low["days"] for low in body["lows"]] == [30, 90, 365]


@pytest.mark.parametrize("days", ["0", "4000", "ten"])
def test_bad_history_window_is_422(market_web: str, days: str) -> None:
    r = httpx.get(f"{market_web}/groups/pg-xss/history", params={"days": days})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "days"]


def test_group_page_has_the_comparison_and_a_chart_point_per_observation(
        market_web: str, shared_market: Market) -> None:
    html = httpx.get(f"{market_web}/ui/groups/pg-sony-xm5-black", params={"days": 30}).text
    offers = shared_market.group("pg-sony-xm5-black")
    assert html.count('<tr class="offer') == len(offers)
    assert len(re.findall(r'<circle class="pt"', html)) == 30 * len(offers)
    assert "below MAP" in html
