"""The pipelines with a real crawler object and the real Elasticsearch node.

Items go through ValidatePipeline → NormalizePipeline → MatchPipeline as Scrapy calls them; a
dropped one is sent on ``signals.item_dropped`` as the scraper sends it, and must end up in the
``rejects`` index with its reason, field, spider, URL, run id and raw excerpt, counted in stats.
"""

# ruff: noqa: RUF001  (full-width brackets are how JD writes titles)

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from elasticsearch import Elasticsearch
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.extensions.corestats import CoreStats
from scrapy.utils.test import get_crawler

from crawler.esnode.service import Connection
from crawler.index.bulk import BulkWriter
from crawler.index.client import make_client
from crawler.index.names import IndexNames
from crawler.items import Listing
from pipelines.match import MatchPipeline
from pipelines.normalize import NormalizePipeline
from pipelines.rejects import RejectsExtension
from pipelines.validate import ValidatePipeline

pytestmark = pytest.mark.es


class ShopSpider(Spider):
    name = "jd"


@pytest.fixture
def crawler(es_names: IndexNames, es_connection: Connection, tmp_path: Path,
            monkeypatch: pytest.MonkeyPatch) -> Iterator[Crawler]:
    # A state folder of its own (for the spool), so the session's node is named by its URL.
    monkeypatch.setenv("ES_URL", es_connection.target.url)
    monkeypatch.setenv("PRICEWATCH_INDEX_PREFIX", es_names.prefix)
    monkeypatch.setenv("PRICEWATCH_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("PRICEWATCH_CONFIG", str(_config(tmp_path)))
    crawler = get_crawler(ShopSpider, {"PRICEWATCH_RUN_ID": "run-42"})
    crawler.spider = ShopSpider()
    yield crawler


def _config(tmp_path: Path) -> Path:
    (tmp_path / "matches.toml").write_text(
        '[[group]]\ngroup_id = "pinned"\nlisting_ids = ["jd:pinned"]\n', encoding="utf-8")
    path = tmp_path / "pricewatch.toml"
    path.write_text("[pipeline]\nrejects_batch_size = 2\n", encoding="utf-8")
    return path


def item(item_id: str, **fields: Any) -> Listing:
    base: dict[str, Any] = {"listing_id": f"jd:{item_id}", "platform": "jd", "item_id": item_id,
                            "url": f"https://item.jd.com/{item_id}.html", "spider": "jd",
                            "title": "索尼（SONY）WH-1000XM5 头戴式无线降噪耳机 黑色",
                            "price": Decimal("2299.00"), "currency": "CNY",
                            "shipping": Decimal(0)}
    base.update(fields)
    return Listing(**base)


def run_items(crawler: Crawler, items: list[Any]) -> list[Any]:
    """Each item through the three stages; drops signalled as Scrapy's scraper does."""
    stages = [cls.from_crawler(crawler) for cls in (ValidatePipeline, NormalizePipeline,
                                                     MatchPipeline)]
    stages[2].open_spider()
    kept = []
    for thing in items:
        try:
            for stage in stages:
                thing = stage.process_item(thing)
        except DropItem as exc:
            crawler.signals.send_catch_log(signal=signals.item_dropped, item=thing,
                                           response=None, exception=exc, spider=crawler.spider)
            continue
        kept.append(thing)
    return kept


def rejects(es: Elasticsearch, names: IndexNames) -> list[dict[str, Any]]:
    es.indices.refresh(index=names.alias("rejects"))
    found = es.search(index=names.alias("rejects"), size=100, sort=[{"listing_id": "asc"}])
    return [hit["_source"] for hit in found["hits"]["hits"]]


def test_rejects_are_stored_with_reason_and_counted(crawler: Crawler, es: Elasticsearch,
                                                    es_names: IndexNames) -> None:
    CoreStats.from_crawler(crawler)
    extension = RejectsExtension.from_crawler(crawler)
    kept = run_items(crawler, [
        item("good"),
        item("noprice", price=None),
        item("neg", shipping="-12.00"),
        item("cur", currency=None, currency_raw="¤"),
        {"title": "a dict, not a Listing"},
        item("pinned"),
    ])
    extension.spider_closed(crawler.spider, "finished")

    assert [k.listing_id for k in kept] == ["jd:good", "jd:pinned"]
    assert kept[0].price_minor == 229900 and kept[0].product_group_id
    assert (kept[1].product_group_id, kept[1].match_method) == ("pinned", "override")
    docs = rejects(es, es_names)
    by_id = {d.get("listing_id"): d for d in docs}
    assert {(d["reason"], d["field"]) for d in docs} == {
        ("missing_price", "price"), ("negative_price", "shipping"), ("bad_currency", "currency"),
        ("not_a_listing", None)}
    neg = by_id["jd:neg"]
    assert (neg["spider"], neg["platform"], neg["run_id"]) == ("jd", "jd", "run-42")
    assert neg["url"] == "https://item.jd.com/neg.html"
    assert '"shipping": "-12.00"' in neg["raw_excerpt"]
    assert "negative" in neg["detail"]
    stats = crawler.stats.get_stats()  # type: ignore[union-attr]
    assert stats["pricewatch/rejected/missing_price"] == 1
    assert stats["pricewatch/rejected/not_a_listing"] == 1
    assert stats["item_dropped_reasons_count/MissingPrice"] == 1
    assert stats["item_dropped_reasons_count/NegativePrice"] == 1
    assert stats["pricewatch/rejects/written"] == 4
    assert stats["pricewatch/match/override"] == 1


def test_rejects_wait_in_the_spool_while_elasticsearch_is_down(
        crawler: Crawler, es: Elasticsearch, es_names: IndexNames) -> None:
    from crawler.crawl_context import crawl_config

    config = crawl_config(crawler)
    dead = make_client(config.elasticsearch.model_copy(update={"max_retries": 0,
                                                               "request_timeout": 2}),
                       "http://127.0.0.1:9")
    spool = config.state_dir / "spool" / "rejects.jsonl"
    down = RejectsExtension(crawler, BulkWriter(dead, max_retries=0), es_names, 10, spool)
    crawler.signals.connect(down.item_dropped, signal=signals.item_dropped)
    run_items(crawler, [item("a", price=None), item("b", price="free lunch")])
    down.spider_closed(crawler.spider, "finished")
    crawler.signals.disconnect(down.item_dropped, signal=signals.item_dropped)
    assert len(spool.read_text(encoding="utf-8").splitlines()) == 2
    assert rejects(es, es_names) == []

    back = RejectsExtension.from_crawler(crawler)   # the next crawl, with ES back
    back.spider_opened(crawler.spider)
    assert not spool.exists()
    assert sorted(d["listing_id"] for d in rejects(es, es_names)) == ["jd:a", "jd:b"]


def test_groups_of_earlier_runs_are_loaded_and_reviewed(
        crawler: Crawler, es: Elasticsearch, es_names: IndexNames) -> None:
    index = es_names.write_index("listings")
    for doc in ({"listing_id": "amazon:B09XS7JWHH", "platform": "amazon", "brand": "Sony",
                 "title": "Sony WH-1000XM5 Wireless Noise Canceling Headphones, Black",
                 "product_group_id": "gtin-04548736132580", "match_method": "gtin",
                 "match_confidence": 1.0, "variant_attributes": {"color": "black"}},
                {"listing_id": "taobao:1", "platform": "taobao",
                 "title": "Sony/索尼 WH-1000XM5 无线降噪蓝牙耳机 黑色",
                 "product_group_id": "gtin-04548736132580", "match_method": "title",
                 "match_confidence": 0.77}):
        es.index(index=index, id=doc["listing_id"], document=doc)
    es.indices.refresh(index=index)

    kept = run_items(crawler, [item("100029402318")])
    assert kept[0].product_group_id == "gtin-04548736132580"
    assert kept[0].match_method == "title"
    assert crawler.stats.get_value("pricewatch/match/groups_loaded") == 2  # type: ignore[union-attr]

    from crawler.cli import cli

    wide = CliRunner(env={"COLUMNS": "300"})  # one table row per line
    result = wide.invoke(cli, ["matches", "review", "--below", "0.8"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "taobao:1" in result.output and "amazon:B09XS7JWHH" in result.output
    assert "0.77" in result.output
    toml = wide.invoke(cli, ["matches", "review", "--toml"], catch_exceptions=False)
    assert 'listing_ids = ["amazon:B09XS7JWHH", "taobao:1"]' in toml.output
