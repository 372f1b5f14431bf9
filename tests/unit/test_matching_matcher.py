"""The Matcher: evidence order, variants never merged, overrides win, ids stable across runs.

Listings are the cross-platform table in benchmarks/data (real-looking titles from Taobao, JD,
PDD, Amazon, Shopify, WooCommerce and schema.org pages for 30 products, with variant, model-line
and accessory traps) plus small hand-made pairs.
"""

# ruff: noqa: RUF001, E501  (full-width forms are the data; table rows stay one per line)

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from crawler.matching.evaluation import pairwise, variant_merges
from crawler.matching.matcher import Matcher
from crawler.matching.overrides import parse_overrides

TABLE = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "cross_platform_listings.jsonl"
ROWS = [json.loads(line) for line in TABLE.read_text(encoding="utf-8").splitlines()]
TRUTH = {row["listing_id"]: row["truth_group"] for row in ROWS}


def run(rows: list[dict[str, Any]], matcher: Matcher | None = None) -> dict[str, str]:
    matcher = matcher or Matcher()
    return {row["listing_id"]: matcher.match(row).group_id for row in rows}


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_precision_and_recall_on_the_cross_platform_table(seed: int) -> None:
    rows = list(ROWS)
    random.Random(seed).shuffle(rows)
    score = pairwise(run(rows), TRUTH)
    assert score.precision >= 0.98, score.wrong_pairs
    assert score.recall >= 0.95, score.missed_pairs


def test_no_merge_across_variants() -> None:
    from crawler.matching.keys import features

    predicted = run(ROWS)
    variants = {row["listing_id"]: features(row).variant_dict for row in ROWS}
    assert variant_merges(predicted, variants, TRUTH) == []


def test_group_ids_are_stable_across_runs() -> None:
    first = Matcher()
    ids = run(ROWS, first)
    stored = [{**row, "product_group_id": ids[row["listing_id"]], "match_method": "title"}
              for row in ROWS]
    second = Matcher()
    assert second.load(reversed(stored)) == len(ROWS)
    assert run(list(reversed(ROWS)), second) == ids


def test_a_new_seller_joins_the_known_group_in_a_later_run() -> None:
    ids = run(ROWS)
    later = Matcher()
    later.load({**row, "product_group_id": ids[row["listing_id"]]} for row in ROWS)
    newcomer = {"listing_id": "pdd:NEW1", "title": "【百亿补贴】索尼 WH-1000XM5 无线降噪耳机 黑色",
                "brand": "索尼"}
    assert later.match(newcomer).group_id == ids["amazon:B09XS7JWHH"]


def pair(left: str, right: str, **extra: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    return ({"listing_id": "amazon:A", "title": left, **extra.get("a", {})},
            {"listing_id": "jd:B", "title": right, **extra.get("b", {})})


SAME = [
    pair("Apple iPhone 15 Pro (256 GB) - Black Titanium", "苹果 iPhone 15 Pro 256G 黑色钛金属 5G手机"),
    pair("Sony WH-1000XM5 Headphones, Black", "索尼（SONY）WH-1000XM5 头戴式无线降噪耳机 黑色"),
    pair("LEGO Technic Lamborghini Sián FKP 37 42115", "乐高 LEGO 42115 兰博基尼 积木"),
]

DIFFERENT = [
    pair("Apple iPhone 15 Pro 256GB Black Titanium", "Apple iPhone 15 Pro 512GB Black Titanium"),
    pair("Apple iPhone 15 Pro 256GB Black Titanium", "Apple iPhone 15 Pro Max 256GB Black Titanium"),
    pair("Apple iPhone 15 Pro 256GB Black Titanium", "Apple iPhone 15 Pro 256GB White Titanium"),
    pair("Apple iPhone 15 Pro 256GB", "Apple iPhone 14 Pro 256GB"),
    pair("Sony WH-1000XM5 Black", "Sony WF-1000XM5 Black"),
    pair("Sony WH-1000XM5 Black", "Sony WH-1000XM4 Black"),
    pair("Apple iPhone 15 Pro", "Apple iPhone 15 Pro Clear Case with MagSafe"),
    pair("华为 Mate 60 Pro 12+512GB 雅川青", "华为 Mate 60 Pro 12+512GB 雅丹黑"),
    pair("Nintendo Switch OLED White", "Nintendo Switch Lite White"),
    pair("Apple AirPods Pro 2", "Apple AirPods 3"),
    pair("Sony Alpha 7 IV Body", "Sony Alpha 7 III Body"),
    pair("Apple iPhone 15 Pro 256GB Black Titanium", "Apple iPhone 15 Pro 256GB Black Titanium",
         a={"gtin": "0194253715375"}, b={"gtin": "0194253715443"}),
]


@pytest.mark.parametrize(("a", "b"), SAME, ids=lambda p: p["title"][:40])
def test_same_product(a: dict[str, Any], b: dict[str, Any]) -> None:
    matcher = Matcher()
    first, second = matcher.match(a), matcher.match(b)
    assert second.group_id == first.group_id and second.method == "title"


@pytest.mark.parametrize(("a", "b"), DIFFERENT, ids=lambda p: p["title"][:40])
def test_different_products(a: dict[str, Any], b: dict[str, Any]) -> None:
    matcher = Matcher()
    assert matcher.match(a).group_id != matcher.match(b).group_id


def test_gtin_then_brand_model() -> None:
    matcher = Matcher()
    a = matcher.match({"listing_id": "amazon:1", "title": "Anker 737", "gtin": "0194253715375",
                       "brand": "Anker", "model": "A1289"})
    b = matcher.match({"listing_id": "shopify:2", "title": "Power bank",
                       "gtin": "194253715375"})
    c = matcher.match({"listing_id": "jd:3", "title": "安克 充电宝", "brand": "安克",
                       "model": "a-1289"})
    assert a.group_id == "gtin-00194253715375" and a.method == "new"
    assert (b.group_id, b.method, b.confidence) == (a.group_id, "gtin", 1.0)
    assert (c.group_id, c.method) == (a.group_id, "brand_model")


def test_overrides_always_win() -> None:
    overrides = parse_overrides({
        "group": [{"group_id": "hand-made", "listing_ids": ["jd:B"]}],
        "never": [{"listing_ids": ["amazon:A", "taobao:C"]}]})
    matcher = Matcher(overrides)
    a, b = pair("Apple iPhone 15 Pro 256GB Black Titanium", "Apple iPhone 15 Pro 256GB 黑色钛金属")
    c = {"listing_id": "taobao:C", "title": "苹果 iPhone 15 Pro 256GB 黑色钛金属"}
    first = matcher.match(a)
    assert matcher.match(b) == type(first)("hand-made", "override", 1.0)
    kept_apart = matcher.match(c)
    assert kept_apart.group_id != first.group_id and kept_apart.method == "override"
