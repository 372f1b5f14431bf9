"""``GET /listings/{id}``, ``/listings/{id}/history`` and the listing page."""

from __future__ import annotations

import httpx
import pytest

from tests.support.market_data import (
    XSS_TITLE,
    Market,
)

pytestmark = pytest.mark.es


def test_listing_as_stored(market_web: str, shared_market: Market) -> None:
    offer = shared_market.offer("pdd:55220")
    body = httpx.get(f"{market_web}/listings/pdd:55220").json()
    assert body["price_minor"] == offer.current.price_minor
    assert body["effective_price_minor"] == offer.effective(offer.current)
    assert body["first_seen"]  # stored fields beyond the summary pass through


def test_unknown_listing_is_404(market_web: str) -> None:
    assert httpx.get(f"{market_web}/listings/jd:0").status_code == 404
    assert httpx.get(f"{market_web}/listings/jd:0/history").status_code == 404


def test_listing_history_lows(market_web: str, shared_market: Market) -> None:
    body = httpx.get(f"{market_web}/listings/jd:100088/history", params={"days": 7}).json()
    assert len(body["series"]) == 1 and len(body["series"][0]["points"]) == 7
    offer = shared_market.offer("jd:100088")
    assert body["lows"][2]["minor"] == min(
        offer.effective(o) for o in offer.history  # type: ignore[type-var]
        if o.at >= shared_market.now.replace(year=shared_market.now.year - 1)
        and o.availability.value != "out_of_stock")


def test_listing_page_escapes_scraped_text(market_web: str) -> None:
    html = httpx.get(f"{market_web}/ui/listings/taobao:6666").text
    assert XSS_TITLE not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;" in html
    assert "&lt;b&gt;evil&lt;/b&gt; shop" in html
