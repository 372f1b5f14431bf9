"""Shown texts → stock, rating, review count, spec-table labels.

``FROM_FIXTURE_PAGES`` rows are the lines the fixture marketplace prints (schema.org shop
``.stock-status``, WooCommerce ``availability_html``, Amazon ``#availability``, the ``.rating``
line); ``FROM_REAL_SHOPS`` are phrasings of real themes.
"""


from __future__ import annotations

from decimal import Decimal

import pytest

from crawler.items import Availability
from crawler.platforms.schemaorg.texts import (
    fact_field,
    read_rating,
    read_review_count,
    read_stock,
)

IN, OUT, PRE, LIM = (Availability.IN_STOCK, Availability.OUT_OF_STOCK, Availability.PREORDER,
                     Availability.LIMITED)

STOCK_FROM_FIXTURE_PAGES = [
    ("In stock (12 available)", IN, 12),
    ("Limited availability: only 3 left", LIM, 3),
    ("Out of stock", OUT, 0),
    ("Available for pre-order", PRE, None),
    ("12 vorrätig", IN, 12),
    ("Nicht vorrätig", OUT, 0),
    ("Lieferbar auf Nachbestellung", PRE, None),
    ("In Stock", IN, None),
    ("Only 3 left in stock - order soon.", LIM, 3),
    ("残り3点", LIM, 3),
    ("在庫あり。", IN, None),
    ("現在在庫切れです。", OUT, 0),
    ("有货", IN, None),
    ("无货", OUT, 0),
]
STOCK_FROM_REAL_SHOPS = [
    ("  In stock\n  (1,204 available) ", IN, 1204),
    ("Sold out", OUT, 0),
    ("", None, None),
    ("Ships in 3-5 days", None, None),
]


@pytest.mark.parametrize(("text", "state", "quantity"),
                         STOCK_FROM_FIXTURE_PAGES + STOCK_FROM_REAL_SHOPS)
def test_read_stock(text: str, state: Availability | None, quantity: int | None) -> None:
    line = read_stock(text)
    assert (line.availability, line.quantity) == (state, quantity)


def test_sold_out_says_nothing_about_units_where_the_site_shows_none() -> None:
    assert read_stock("Currently unavailable.", zero_when_sold_out=False).quantity is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Rated 4.6 out of 5 (132 reviews)", ("4.6", "5")),
        ("Rated 8.0 out of 10 (1163 reviews)", ("8.0", "10")),
        ("4.5 out of 5 stars", ("4.5", "5")),
        ("5つ星のうち4.5", ("4.5", "5")),
        ("Bewertet mit 3.50 von 5", ("3.50", "5")),
        ("4.1 / 5", ("4.1", "5")),
        ("7 out of 5", None),  # impossible: better none than wrong
        ("no reviews yet", None),
    ],
)
def test_read_rating(text: str, expected: tuple[str, str] | None) -> None:
    found = read_rating(text)
    assert found == (tuple(Decimal(x) for x in expected) if expected else None)


@pytest.mark.parametrize(
    ("text", "count"),
    [("Rated 4.6 out of 5 (132 reviews)", 132), ("1,234 ratings", 1234), ("1,234個の評価", 1234),
     ("(1957 Kundenbewertungen)", 1957), ("9941 件のレビュー", 9941), ("no reviews", None)],
)
def test_read_review_count(text: str, count: int | None) -> None:
    assert read_review_count(text) == count


@pytest.mark.parametrize(
    ("label", "field"),
    [("Brand", "brand"), ("Sold by", "seller_name"), ("GTIN", "gtin"), ("Model:", "model"),
     ("型番", "model"), ("Farbe", "color"), ("Capacity", "capacity"), ("Size", "size"),
     ("Weight", None)],
)
def test_fact_field(label: str, field: str | None) -> None:
    assert fact_field(label) == field
