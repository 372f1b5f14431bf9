"""The index step on a real node: upserts, history points, suspect prices, spool and replay."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from crawler.changes import ListingChange
from crawler.index.names import IndexNames
from crawler.indexing.indexer import ListingIndexer
from crawler.indexing.spool import Spool

pytestmark = pytest.mark.es

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def listing(item: str, price: int, *, at: datetime = T0, **extra: Any) -> dict[str, Any]:
    return {
        "listing_id": f"jd:{item}", "platform": "jd", "item_id": item,
        "url": f"https://item.jd.com/{item}.html", "title": f"商品 {item}", "currency": "CNY",
        "price_minor": price, "availability": "in_stock", "fetched_at": at.isoformat(),
        "source": "api", "confidence": 1.0, **extra,
    }


def ten_x_jump(previous: dict[str, Any], current: dict[str, Any]) -> str | None:
    old, new = previous.get("price_minor"), current.get("price_minor")
    if old and new and (new >= old * 10 or new * 10 <= old):
        return "price:suspect_jump"
    return None


@pytest.fixture
def changes_seen() -> list[ListingChange]:
    return []


@pytest.fixture
def indexer(es: Elasticsearch, es_names: IndexNames, tmp_path: Path,
            changes_seen: list[ListingChange]) -> ListingIndexer:
    return ListingIndexer(es, es_names, Spool(tmp_path / "spool.jsonl"), refresh=True,
                          listeners=[changes_seen.extend], plausibility=ten_x_jump)


def counts(es: Elasticsearch, names: IndexNames) -> tuple[int, int]:
    es.indices.refresh(index=names.everything)
    return (es.count(index=names.alias("listings"))["count"],
            es.count(index=names.alias("prices"))["count"])


def stored(es: Elasticsearch, names: IndexNames, listing_id: str) -> dict[str, Any]:
    return es.get(index=names.alias("listings"), id=listing_id)["_source"]


def test_same_crawl_twice_adds_no_history(es, es_names, indexer) -> None:
    batch = [listing("1", 129900), listing("2", 5900), listing("3", 19900)]
    first = indexer.index(batch)
    assert (first.written, first.history_points) == (3, 3)
    later = [dict(doc, fetched_at=(T0 + timedelta(hours=1)).isoformat()) for doc in batch]
    second = indexer.index(later)
    assert (second.written, second.history_points) == (3, 0)
    assert counts(es, es_names) == (3, 3)
    assert stored(es, es_names, "jd:1")["first_seen"] == T0.isoformat()


def test_only_changed_listings_get_a_point(es, es_names, indexer, changes_seen) -> None:
    indexer.index([listing("1", 129900), listing("2", 5900)])
    changes_seen.clear()
    t1 = T0 + timedelta(hours=2)
    result = indexer.index([listing("1", 119900, at=t1), listing("2", 5900, at=t1),
                            listing("3", 700, at=t1, availability="out_of_stock")])
    assert result.history_points == 2  # jd:1 changed price, jd:3 is new
    points = es.search(index=es_names.alias("prices"), query={"range": {"@timestamp": {"gte": t1}}})
    by_listing = {hit["_source"]["listing_id"]: hit["_source"] for hit in points["hits"]["hits"]}
    assert set(by_listing) == {"jd:1", "jd:3"}
    assert by_listing["jd:1"]["changed"] == ["price_minor"]
    assert by_listing["jd:1"]["price_minor"] == 119900
    change = {c.listing_id: c for c in changes_seen}
    assert change["jd:1"].previous is not None and change["jd:1"].previous["price_minor"] == 129900
    assert change["jd:1"].changed_fields == ["price_minor"]
    assert change["jd:3"].is_new
    assert change["jd:2"].changed_fields == []


def test_ended_promotion_is_cleared(es, es_names, indexer) -> None:
    from crawler.indexing.documents import listing_document

    indexer.index([listing_document(listing("1", 99900, list_price_minor=129900,
                                            promo_price_minor=99900))])
    indexer.index([listing_document(listing("1", 129900, at=T0 + timedelta(hours=1),
                                            list_price_minor=129900, promo_price_minor=None))])
    doc = stored(es, es_names, "jd:1")
    assert doc["price_minor"] == 129900 and doc.get("promo_price_minor") is None


def test_suspect_jump_is_held_then_confirmed(es, es_names, indexer) -> None:
    indexer.index([listing("1", 129900)])
    held = indexer.index([listing("1", 12990000, at=T0 + timedelta(hours=1))])
    assert (held.suspect, held.history_points) == (1, 0)
    doc = stored(es, es_names, "jd:1")
    assert doc["price_minor"] == 129900 and doc["held_price_minor"] == 12990000
    assert doc["price_suspect"] is True and "price:suspect_jump" in doc["warnings"]
    confirmed = indexer.index([listing("1", 12990000, at=T0 + timedelta(hours=2))])
    assert (confirmed.suspect, confirmed.history_points) == (0, 1)
    doc = stored(es, es_names, "jd:1")
    assert doc["price_minor"] == 12990000 and doc.get("held_price_minor") is None


def test_daily_point_when_nothing_changed(es, es_names, indexer) -> None:
    indexer.index([listing("1", 129900)])
    same_day = indexer.index([listing("1", 129900, at=T0 + timedelta(hours=23))])
    next_day = indexer.index([listing("1", 129900, at=T0 + timedelta(hours=25))])
    assert (same_day.history_points, next_day.history_points) == (0, 1)


def test_refused_document_becomes_a_reject(es, es_names, indexer) -> None:
    result = indexer.index([listing("1", 100), listing("2", 200, colour="red")])
    assert result.written == 1 and len(result.failures) == 1
    es.indices.refresh(index=es_names.alias("rejects"))
    rejects = es.search(index=es_names.alias("rejects"))["hits"]["hits"]
    assert [r["_source"]["listing_id"] for r in rejects] == ["jd:2"]
    assert rejects[0]["_source"]["reason"] == "index_refused"
    assert "colour" in rejects[0]["_source"]["detail"]


def test_unreachable_es_spools_then_replays_in_order(es, es_names, tmp_path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = Elasticsearch(f"http://127.0.0.1:{probe.getsockname()[1]}", max_retries=0)
    spool = Spool(tmp_path / "spool.jsonl")
    down = ListingIndexer(dead, es_names, spool)
    first = down.index([listing("1", 100), listing("2", 200)])
    second = down.index([listing("1", 150, at=T0 + timedelta(hours=1))])
    assert (first.spooled, second.spooled, len(spool)) == (2, 1, 3)

    up = ListingIndexer(es, es_names, spool, refresh=True)
    replay = up.replay_spool()
    assert replay.replayed == 3 and len(spool) == 0
    # In order: jd:1's later observation (150) wins, and both its points exist.
    assert stored(es, es_names, "jd:1")["price_minor"] == 150
    assert counts(es, es_names) == (2, 3)
    again = up.replay_spool()
    assert again.replayed == 0 and counts(es, es_names) == (2, 3)
