"""Market time and truth: ``step`` is deterministic per seed, the truth follows it, new listings
are searchable, delisted ones disappear from APIs and pages; the catalog scales to 100k items."""

from __future__ import annotations

from typing import Any

import httpx

from crawler.items import make_listing_id
from tests.fixtures.marketplace_clients import Jd, Taobao
from tests.fixtures.normalize import gtin

MONEY = ("price_minor", "list_price_minor", "promo_price_minor", "effective_price_minor")


def _state(rows: list[dict[str, Any]]) -> dict[str, tuple[Any, ...]]:
    return {
        r["listing_id"]: tuple(r[f] for f in (*MONEY, "availability", "stock_qty", "delisted"))
        for r in rows
    }


def test_same_seed_same_market_after_steps(fresh_marketplace) -> None:
    first, second, other = (fresh_marketplace(seed=s, size=80) for s in (11, 11, 12))
    for market in (first, second, other):
        market.step(ticks=3)

    def portless(market: Any) -> list[dict[str, Any]]:
        return [{**r, "url": r["url"].removeprefix(market.url)} for r in market.listings()]

    assert portless(first) == portless(second)
    assert first.truth()["changes"] == second.truth()["changes"]
    assert _state(first.listings()) != _state(other.listings())


def test_step_changes_prices_and_stock_and_truth_reports_them(fresh_marketplace) -> None:
    market = fresh_marketplace(seed=3, size=200)
    before = {r["listing_id"]: r for r in market.listings()}
    result = market.step()
    after = {r["listing_id"]: r for r in market.listings()}
    assert result["tick"] == 1 and market.truth()["changes"] == result["changes"]
    changed = {c["listing_id"]: c for c in result["changes"] if c["kind"] != "new"}
    moved = {lid for lid in before if _state([before[lid]]) != _state([after[lid]])}
    assert moved and moved <= set(changed)
    for lid, change in changed.items():
        for name, (old, new) in change["fields"].items():
            assert before[lid][name] == old and after[lid][name] == new
    kinds = {name for c in changed.values() for name in c["fields"]}
    assert {"price_minor", "availability"} & kinds
    new = [c["listing_id"] for c in result["changes"] if c["kind"] == "new"]
    assert new and set(new) == set(after) - set(before)


def test_new_listing_is_found_by_keyword_search(fresh_marketplace) -> None:
    market = fresh_marketplace(seed=5, size=40)
    before = {r["listing_id"] for r in market.listings()}
    new_jd = []
    for _ in range(40):
        market.step()
        new_jd = [
            r
            for r in market.listings(platform="jd")
            if r["listing_id"] not in before and not r["delisted"]
        ]
        if new_jd:
            break
    assert new_jd, "no JD listing appeared in 40 ticks"
    row = new_jd[0]
    word = row["title"].split()[-1]
    with httpx.Client(timeout=30) as client:
        jd = Jd(market.url, market.credentials["jd"], client)
        result = jd.result(
            "jd.union.open.goods.query", {"goodsReqDTO": {"keyword": word, "pageSize": 30}}
        )
    assert row["item_id"] in {str(g["skuId"]) for g in result["data"]}


def test_delisted_item_is_gone_from_api_and_page(fresh_marketplace) -> None:
    market = fresh_marketplace(seed=9, size=300)
    delisted: list[dict[str, Any]] = []
    for _ in range(30):
        market.step()
        delisted = [r for r in market.listings(platform="taobao") if r["delisted"]]
        if delisted:
            break
    assert delisted, "no Taobao item was delisted in 30 ticks"
    row = delisted[0]
    with httpx.Client(timeout=30) as client:
        top = Taobao(market.url, market.credentials["taobao"], client)
        body = top.call(
            "taobao.item.get", {"num_iid": row["item_id"], "fields": "title"}, session=True
        )
        tbk = top.call("taobao.tbk.item.info.get", {"num_iids": row["item_id"]})
        page = client.get(row["url"])
    assert body["error_response"]["sub_code"] == "isv.item-is-delete:invalid-numIid"
    assert tbk["tbk_item_info_get_response"]["results"]["n_tbk_item"] == []
    assert page.status_code == 404


def test_truth_rows_follow_the_listing_contract(marketplace) -> None:
    rows = marketplace.listings()
    assert len({r["listing_id"] for r in rows}) == len(rows)
    for row in rows:
        assert row["listing_id"] == make_listing_id(
            row["platform"], row["item_id"], row["variant_id"]
        )
        assert row["url"].startswith(marketplace.url + "/")
        assert row["availability"] in {"in_stock", "out_of_stock", "preorder", "limited"}
        assert row["gtin"] is None or gtin(row["gtin"]) == row["gtin"]
        if row["list_price_minor"] is not None:
            assert row["price_minor"] < row["list_price_minor"]
            assert row["promo_price_minor"] == row["price_minor"]
        if "_gtin_note" in row:
            assert row["gtin"] is None and gtin(row["_gtin_shown"]) is None
    groups: dict[str, set[str]] = {}
    for row in rows:
        groups.setdefault(row["product_group_id"], set()).add(row["model"])
    assert all(len(models) == 1 for models in groups.values())
    assert any(len({r["platform"] for r in rows if r["product_group_id"] == g}) > 1 for g in groups)
    assert {r["currency"] for r in rows} == {"CNY", "USD", "EUR", "JPY"}
    assert any("_gtin_shown" in r for r in rows), "some listings show a broken GTIN on purpose"


def test_truth_narrows_by_platform_site_and_window(marketplace) -> None:
    everything = marketplace.listings()
    woo = marketplace.listings(platform="woocommerce")
    assert woo == [r for r in everything if r["platform"] == "woocommerce"]
    assert marketplace.listings(platform="woocommerce", offset=1, limit=2) == woo[1:3]
    assert {r["_site"] for r in marketplace.listings(site="amazon-jp")} == {"amazon-jp"}


def test_a_100k_catalog_serves_its_last_item_and_steps(fresh_marketplace) -> None:
    market = fresh_marketplace(seed=2, size=100_000)
    last = market.listings(offset=99_999, limit=1)
    assert last and last[0]["_index"] == 99_999
    with httpx.Client(timeout=30) as client:
        assert client.get(last[0]["url"]).status_code == 200
    result = market.step()
    assert result["count"] > 100_000 and result["changes"]
