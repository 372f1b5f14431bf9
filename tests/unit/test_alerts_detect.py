"""Detection as a table: (rule, previous listing, current listing) → the value that fires or None.

Cases were written from the issue's rule list (drop/rise by % or amount, threshold, undercut,
MAP, stock, delisted), plus the gating cases it names (suspect price, low confidence) and the
index step's way of holding a suspect price (old price kept, ``held_price_minor`` set).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from crawler.alerts.detect import detect, new_listing_candidates
from crawler.alerts.rules import compile_rules, facts_from_config
from tests.support.alerts import alerts_config, change, listing, price


@dataclass
class Case:
    id: str
    rule: dict[str, Any]
    previous: dict[str, Any] | None
    current: dict[str, Any]
    fires: str | None
    """The candidate's new_value, or None when nothing may fire."""


DROP = {"name": "drop", "type": "price_drop", "percent": "5"}
RISE = {"name": "rise", "type": "price_rise", "amount": "10.00"}
BELOW = {"name": "below", "type": "price_below", "threshold": "150.00"}
UNDERCUT = {"name": "undercut", "type": "undercut", "percent": "3"}
MAP = {"name": "map", "type": "below_map"}

CASES = [
    Case("drop 10% fires", DROP, listing(**price(20000)), listing(**price(18000)), "180.00 CNY"),
    Case("drop 2% is too small", DROP, listing(**price(20000)), listing(**price(19600)), None),
    Case("exactly 5% fires", DROP, listing(**price(20000)), listing(**price(19000)), "190.00 CNY"),
    Case("a rise is not a drop", DROP, listing(**price(20000)), listing(**price(30000)), None),
    Case("new listing: no drop", DROP, None, listing(**price(100)), None),
    Case("suspect current price", DROP, listing(**price(20000)),
         listing(**price(200), price_suspect=True), None),
    Case("low confidence", DROP, listing(**price(20000)),
         listing(**price(10000), confidence=0.5), None),
    Case("held suspect previous is a fine baseline", DROP,
         listing(**price(20000), price_suspect=True, held_price_minor=2000000),
         listing(**price(15000)), "150.00 CNY"),
    Case("rise by amount 10.00 fires", RISE, listing(**price(20000)), listing(**price(21000)),
         "210.00 CNY"),
    Case("rise by 9.99 does not", RISE, listing(**price(20000)), listing(**price(20999)), None),
    Case("rise in USD listing, rule in base CNY", RISE,
         listing(currency="USD", **price(1000, price_base_minor=7200)),
         listing(currency="USD", **price(1200, price_base_minor=8640)), "12.00 USD"),
    Case("crosses below threshold", BELOW, listing(**price(16000)), listing(**price(14000)),
         "140.00 CNY"),
    Case("already below: edge, not level", BELOW, listing(**price(14500)),
         listing(**price(14000)), None),
    Case("threshold uses effective price (a coupon)", BELOW, listing(**price(16000)),
         listing(**price(16000, effective_price_minor=14900)), "149.00 CNY"),
    Case("undercut by 5% against own price 199.00", UNDERCUT, listing(**price(19900)),
         listing(**price(18900)), "189.00 CNY"),
    Case("undercut by 1% is not enough", UNDERCUT, listing(**price(19900)),
         listing(**price(19700)), None),
    Case("our own listing never undercuts us", UNDERCUT, listing(seller_id="self", **price(19900)),
         listing(seller_id="self", **price(10000)), None),
    Case("below MAP 180.00", MAP, listing(**price(19900)), listing(**price(17900)), "179.00 CNY"),
    Case("MAP: still below", MAP, listing(**price(17000)), listing(**price(17900)), None),
    Case("out of stock", {"name": "oos", "type": "out_of_stock"}, listing(),
         listing(availability="out_of_stock"), "out_of_stock"),
    Case("back in stock", {"name": "bis", "type": "back_in_stock"},
         listing(availability="out_of_stock"), listing(availability="in_stock"), "in_stock"),
    Case("preorder is not back in stock", {"name": "bis", "type": "back_in_stock"},
         listing(availability="out_of_stock"), listing(availability="preorder"), None),
    Case("delisted", {"name": "gone", "type": "delisted"}, listing(), listing(delisted=True),
         "delisted"),
    Case("a delisting (marked out_of_stock by the index step) is not out of stock",
         {"name": "oos", "type": "out_of_stock"}, listing(),
         listing(delisted=True, availability="out_of_stock"), None),
    Case("scope: other platform", {**DROP, "scope": {"platforms": ["taobao"]}},
         listing(**price(20000)), listing(**price(10000)), None),
    Case("scope: tag of the product group", {**DROP, "scope": {"tags": ["chargers"]}},
         listing(**price(20000)), listing(**price(10000)), "100.00 CNY"),
    Case("scope: brand is case-insensitive", {**DROP, "scope": {"brands": ["ANKER"]}},
         listing(**price(20000)), listing(**price(10000)), "100.00 CNY"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_detect(case: Case) -> None:
    config = alerts_config(
        [case.rule],
        pricing={"our_sellers": ["jd:self"], "map": {"pg-anker-737": "180.00 CNY"}},
        **{"alerts": {"rules": [case.rule],
                      "products": {"pg-anker-737": {"own_price": "199.00", "tags": ["chargers"]}}}},
    )
    found = detect([change(case.previous, case.current)], compile_rules(config),
                   facts_from_config(config))
    assert [c.new_value for c in found] == ([case.fires] if case.fires else [])


def test_suspect_previous_without_held_price_uses_the_trusted_baseline() -> None:
    config = alerts_config([DROP])
    previous = listing(**price(2000000), price_suspect=True)  # stored as is, not held back
    current = listing(**price(18000))
    rules, facts = compile_rules(config), facts_from_config(config)
    assert detect([change(previous, current)], rules, facts) == []
    found = detect([change(previous, current)], rules, facts,
                   baselines={"jd:100": listing(**price(20000))})
    assert [(c.old_value, c.new_value) for c in found] == [("200.00 CNY", "180.00 CNY")]


def test_new_listing_fires_once_per_matching_watch_named_by_the_rule() -> None:
    rule = {"name": "new", "type": "new_listing", "watches": ["anker"]}
    config = alerts_config([rule])
    changes = [change(None, listing("jd:1")), change(None, listing("jd:2")),
               change(listing("jd:3"), listing("jd:3"))]
    matches = {"jd:1": ["anker", "other"], "jd:3": ["anker"]}
    found = new_listing_candidates(changes, compile_rules(config), facts_from_config(config),
                                   matches)
    assert [(c.listing_id, c.watch) for c in found] == [("jd:1", "anker")]
