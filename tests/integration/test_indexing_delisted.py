"""The index step on a real node: an item-level delisted marker marks every listing of its item.

Taobao's API says "gone" per item (``num_iid``) while listings are per SKU; the router's marker
(``taobao:<num_iid>``, no title, no price) must reach each stored SKU listing, keep what was known,
and leave a history point, without creating a listing for the item itself.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from crawler.index.names import IndexNames
from crawler.indexing.indexer import ListingIndexer
from crawler.indexing.spool import Spool

pytestmark = pytest.mark.es

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
T1 = T0 + timedelta(hours=6)


def sku(item: str, sku_id: str, price: int) -> dict[str, Any]:
    return {
        "listing_id": f"taobao:{item}:{sku_id}", "platform": "taobao", "item_id": item,
        "variant_id": sku_id, "url": f"https://item.taobao.com/item.htm?id={item}&skuId={sku_id}",
        "title": f"商品 {item} {sku_id}", "seller_id": "shop-7", "seller_name": "七号店",
        "product_group_id": f"g-{item}", "currency": "CNY", "price_minor": price,
        "availability": "in_stock", "fetched_at": T0.isoformat(), "source": "api",
    }


def marker(platform: str, item: str, url: str | None = None) -> dict[str, Any]:
    """What ``listing_document`` makes of the router's delisted marker."""
    doc = {"listing_id": f"{platform}:{item}", "platform": platform, "item_id": item,
           "delisted": True, "availability": "out_of_stock", "fetched_at": T1.isoformat(),
           "source": "api", "list_price_minor": None, "promo_price_minor": None}
    return doc | ({"url": url} if url else {})


@pytest.fixture
def indexer(es: Elasticsearch, es_names: IndexNames, tmp_path: Path) -> ListingIndexer:
    return ListingIndexer(es, es_names, Spool(tmp_path / "spool.jsonl"), refresh=True)


def stored(es: Elasticsearch, names: IndexNames) -> dict[str, dict[str, Any]]:
    es.indices.refresh(index=names.everything)
    hits = es.search(index=names.alias("listings"), size=100)["hits"]["hits"]
    return {hit["_id"]: hit["_source"] for hit in hits}


def points_at(es: Elasticsearch, names: IndexNames, when: datetime) -> dict[str, dict[str, Any]]:
    hits = es.search(index=names.alias("prices"), size=100,
                     query={"term": {"@timestamp": when.isoformat()}})["hits"]["hits"]
    return {hit["_source"]["listing_id"]: hit["_source"] for hit in hits}


def test_an_item_marker_marks_every_sku_listing_of_the_item(es, es_names, indexer) -> None:
    indexer.index([sku("1001", "a", 5900), sku("1001", "b", 6900), sku("1002", "a", 100)])
    result = indexer.index([marker("taobao", "1001", "https://item.taobao.com/item.htm?id=1001")])
    docs = stored(es, es_names)
    assert sorted(docs) == ["taobao:1001:a", "taobao:1001:b", "taobao:1002:a"]  # no item doc
    for lid in ("taobao:1001:a", "taobao:1001:b"):
        doc = docs[lid]
        assert (doc["delisted"], doc["availability"]) == (True, "out_of_stock")
        assert (doc["title"], doc["seller_id"], doc["product_group_id"]) == (
            f"商品 1001 {lid[-1]}", "shop-7", "g-1001")
        assert doc["url"].endswith(f"skuId={lid[-1]}")  # each SKU keeps its own page
    assert docs["taobao:1002:a"].get("delisted") is None
    assert (result.written, result.history_points) == (2, 2)
    points = points_at(es, es_names, T1)
    assert sorted(points) == ["taobao:1001:a", "taobao:1001:b"]
    assert all(p["availability"] == "out_of_stock" for p in points.values())
    assert {c.current["listing_id"] for c in result.changes} == set(points)


def test_a_marker_naming_one_listing_marks_only_it(es, es_names, indexer) -> None:
    """JD and Amazon have one listing per item id; a SKU marker (a 404 SKU page) names one SKU."""
    jd = sku("100012043978", "x", 129900) | {
        "listing_id": "jd:100012043978", "platform": "jd", "variant_id": None,
        "url": "https://item.jd.com/100012043978.html"}
    indexer.index([{k: v for k, v in jd.items() if v is not None},
                   sku("1001", "a", 5900), sku("1001", "b", 6900)])
    gone_sku = marker("taobao", "1001") | {"listing_id": "taobao:1001:b", "variant_id": "b"}
    indexer.index([marker("jd", "100012043978", "https://item.jd.com/100012043978.html"),
                   gone_sku, marker("pdd", "sign-gone")])
    docs = stored(es, es_names)
    assert (docs["jd:100012043978"]["delisted"], docs["jd:100012043978"]["title"]) == (
        True, "商品 100012043978 x")
    assert docs["taobao:1001:b"]["delisted"] is True
    assert docs["taobao:1001:a"].get("delisted") is None
    # An item never stored is written as it is (a watched id that is gone), without a URL.
    assert docs["pdd:sign-gone"]["delisted"] is True and "url" not in docs["pdd:sign-gone"]
