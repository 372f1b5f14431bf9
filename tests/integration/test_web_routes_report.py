"""``GET /report.csv`` and ``/report.json``."""

from __future__ import annotations

import csv
import io

import httpx
import pytest

from crawler.search.money import to_decimal
from tests.support.market_data import (
    SPECS,
    Market,
)
from tests.support.market_oracle import expected

pytestmark = pytest.mark.es


def test_report_csv_has_a_row_per_group_with_decimal_money(market_web: str,
                                                           shared_market: Market) -> None:
    r = httpx.get(f"{market_web}/report.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = {row["group_id"]: row for row in csv.DictReader(io.StringIO(r.text))}
    assert set(rows) == {s.group for s in SPECS}
    want = expected(shared_market, "pg-mate60pro-12-256")
    assert rows["pg-mate60pro-12-256"]["cheapest"] == \
        str(to_decimal(want["cheapest_minor"], "CNY"))  # type: ignore[arg-type]


def test_report_json_holds_full_comparisons(market_web: str) -> None:
    body = httpx.get(f"{market_web}/report.json").json()
    assert {c["group_id"] for c in body} == {s.group for s in SPECS}
    assert all(isinstance(o["price_minor"], int) for c in body for o in c["offers"])
