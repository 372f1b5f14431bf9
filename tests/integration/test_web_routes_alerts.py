"""``GET /alerts`` and the alerts feed page."""

from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.es


def test_alerts_newest_first_with_pagination(market_web: str) -> None:
    first = httpx.get(f"{market_web}/alerts", params={"limit": 3}).json()
    rest = httpx.get(f"{market_web}/alerts", params={"limit": 50, "offset": 3}).json()
    fired = [a["fired_at"] for a in first["items"] + rest["items"]]
    assert fired == sorted(fired, reverse=True) and len(fired) == first["total"] == 8


def test_alerts_for_one_group(market_web: str) -> None:
    body = httpx.get(f"{market_web}/alerts", params={"group": "pg-xss"}).json()
    assert [a["listing_id"] for a in body["items"]] == ["taobao:6666"]


def test_bad_alert_parameters_are_422(market_web: str) -> None:
    assert httpx.get(f"{market_web}/alerts", params={"limit": 101}).status_code == 422
    r = httpx.get(f"{market_web}/alerts", params={"since": "yesterday"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "since"]


def test_alerts_page_escapes_titles(market_web: str) -> None:
    html = httpx.get(f"{market_web}/ui/alerts").text
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
