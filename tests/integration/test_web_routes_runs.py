"""``GET /runs``, ``/stale-listings`` and the runs page."""

from __future__ import annotations

import httpx
import pytest

from tests.support.market_data import (
    Market,
)

pytestmark = pytest.mark.es


def test_runs_latest_first_and_by_status(market_web: str) -> None:
    body = httpx.get(f"{market_web}/runs").json()
    assert [r["run_id"] for r in body["items"]] == ["run-2", "run-1", "run-0"]
    failed = httpx.get(f"{market_web}/runs", params={"status": "failed"}).json()
    assert [r["run_id"] for r in failed["items"]] == ["run-2"]
    assert httpx.get(f"{market_web}/runs", params={"status": "meh"}).status_code == 422


def test_stale_listings(market_web: str, shared_market: Market) -> None:
    body = httpx.get(f"{market_web}/stale-listings").json()
    assert [h["listing_id"] for h in body["items"]] == ["pdd:55330"]
    fresh = httpx.get(f"{market_web}/stale-listings", params={"hours": 24 * 30}).json()
    assert fresh["total"] == 0
    assert httpx.get(f"{market_web}/stale-listings", params={"hours": -1}).status_code == 422


def test_runs_page_shows_runs_and_stale_listings(market_web: str) -> None:
    html = httpx.get(f"{market_web}/ui/runs").text
    assert html.count('class="run ') == 3 and "pdd:55330" in html
    assert "taobao: HTTP 503 after 3 retries" in html
