"""The JD spider, crawled for real: ``pricewatch crawl --fixtures URL jd`` in a subprocess (the
reactor cannot restart in pytest) against a private fixture marketplace, through the real
pipelines into the real Elasticsearch node (a private index prefix), Chromium for the JS-only
pages. Each test compares the listings index with ``/_control/truth`` and reads the run's stats.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from crawler.esnode.service import Connection
from crawler.index.names import IndexNames
from crawler.scheduler.runs import counts_from_stats, read_stats
from tests.support.crawl_check import REPO, compare, crawl, indexed
from tests.support.marketplace import MarketplaceProcess

pytestmark = [pytest.mark.es, pytest.mark.browser, pytest.mark.slow]
SIZE = 120
#: Fields only JD's API gives: a crawl that could not use the API cannot know them.
API_ONLY = ("sales_volume",)
Market = Callable[..., MarketplaceProcess]


@pytest.fixture
def run(es_connection: Connection, es_names: IndexNames, tmp_path: Path
        ) -> Callable[..., tuple[dict[str, Any], str]]:
    """``run(market, *args, env=..., config=...)`` → (stats, log) of one crawl."""
    def go(market: MarketplaceProcess, *args: str, env: dict[str, str] | None = None,
           config: str | None = None) -> tuple[dict[str, Any], str]:
        extra = {"ES_URL": es_connection.target.url, **(env or {})}
        home = tmp_path / f"home-{len(list(tmp_path.iterdir()))}"
        home.mkdir()
        return crawl(market.url, es_names, home, *args, env=extra, config=config)
    return go


def jd_truth(market: MarketplaceProcess) -> list[dict[str, Any]]:
    return market.listings(platform="jd")


def errors_in(log: str) -> list[str]:
    """The ERROR lines of a Scrapy log (``... [logger] ERROR: message``)."""
    return [line for line in log.splitlines() if "] ERROR: " in line]


def sources(stats: dict[str, Any]) -> dict[str, int]:
    return {s: int(stats.get(f"pricewatch/jd/source/{s}", 0)) for s in ("api", "page", "rendered")}


def test_faults_off_every_listing_with_the_truths_values(
        fresh_marketplace: Market, run: Any, es: Elasticsearch, es_names: IndexNames) -> None:
    market = fresh_marketplace(size=SIZE)
    truth = jd_truth(market)
    stats, _ = run(market)
    result = compare(truth, indexed(es, es_names))
    assert not result.missing and result.share >= 0.995, result.describe()
    assert sources(stats)["api"] == len(truth)  # every listing through the API ...
    js_only = sum(1 for row in truth if row["_page_variant"] == "js_only")
    assert js_only and stats["pricewatch/jd/fallback/needs_browser"] == js_only  # ... rendered
    assert stats.get("playwright/page_count") == js_only
    docs = indexed(es, es_names)
    assert {d["source"] for d in docs.values()} == {"api"}
    assert all(d["run_id"] and d["spider"] == "jd" and d["fetched_at"].endswith("+00:00")
               for d in docs.values())


def test_api_switched_off_every_listing_from_the_pages(
        fresh_marketplace: Market, run: Any, es: Elasticsearch, es_names: IndexNames) -> None:
    market = fresh_marketplace(size=SIZE)
    market.set_faults(jd={"api_off": True})
    truth = jd_truth(market)
    stats, log = run(market)
    result = compare(truth, indexed(es, es_names), skip=API_ONLY)
    assert not result.missing and result.share >= 0.995, result.describe()
    by_source = sources(stats)
    assert by_source["api"] == 0 and by_source["page"] + by_source["rendered"] == len(truth)
    assert by_source["rendered"] == sum(1 for r in truth if r["_page_variant"] == "js_only")
    assert stats["pricewatch/jd/fallback/auth"] >= 1
    (error,) = errors_in(log)
    assert "the API refused this app" in error


def test_wrong_secret_one_clear_error_naming_platform_and_setting_then_pages(
        fresh_marketplace: Market, run: Any, es: Elasticsearch, es_names: IndexNames) -> None:
    market = fresh_marketplace(size=60)
    stats, log = run(market, env={"JD_APP_SECRET": "not-the-secret"})
    (error,) = errors_in(log)
    assert "jd:" in error and "JD_APP_SECRET" in error and "code 12" in error
    assert "not-the-secret" not in log
    assert not compare(jd_truth(market), indexed(es, es_names), skip=API_ONLY).missing
    assert stats["pricewatch/jd/fallback/auth"] >= 1 and sources(stats)["api"] == 0


def test_api_faults_every_listing_through_retries_and_pages(
        fresh_marketplace: Market, run: Any, es: Elasticsearch, es_names: IndexNames) -> None:
    market = fresh_marketplace(size=SIZE)
    market.set_faults(jd={"rate_limit": 0.05, "server_error": 0.05, "malformed_json": 0.05,
                          "slow": 0.05, "slow_seconds": 0.5})
    truth = jd_truth(market)
    stats, _ = run(market)
    result = compare(truth, indexed(es, es_names), skip=API_ONLY)
    assert not result.missing and result.share >= 0.995, result.describe()
    paths = {k.removeprefix("pricewatch/jd/"): v for k, v in stats.items()
             if k.startswith(("pricewatch/jd/retry/", "pricewatch/jd/fallback/"))}
    assert any(k.startswith("retry/") for k in paths), paths
    assert sum(sources(stats).values()) == len(truth)


def test_malformed_answers_are_rejected_with_their_reason(
        fresh_marketplace: Market, run: Any, es: Elasticsearch, es_names: IndexNames) -> None:
    market = fresh_marketplace(size=60)
    market.set_faults(jd={"malformed_json": 1.0})
    stats, _ = run(market)
    assert stats["pricewatch/jd/fallback/malformed"] >= 1
    es.indices.refresh(index=es_names.alias("rejects"))
    rejects = es.search(index=es_names.alias("rejects"), query={"term": {
        "reason": "malformed_answer"}})["hits"]["hits"]
    assert rejects and rejects[0]["_source"]["platform"] == "jd"
    assert not compare(jd_truth(market), indexed(es, es_names), skip=API_ONLY).missing


def test_blocked_pages_are_counted_and_never_listings_without_price(
        fresh_marketplace: Market, run: Any, es: Elasticsearch, es_names: IndexNames) -> None:
    market = fresh_marketplace(size=SIZE)
    market.set_faults(jd={"blocked_200": 0.15, "blocked_403": 0.1})
    truth = jd_truth(market)
    stats, _ = run(market)
    assert stats["pricewatch/jd/blocked"] >= 1
    docs = indexed(es, es_names)
    assert all(d.get("price_minor") for d in docs.values())
    result = compare(truth, docs)
    assert not result.missing and result.share >= 0.995, result.describe()


def test_page_api_disagreement_is_recorded_and_the_api_value_kept(
        fresh_marketplace: Market, run: Any, es: Elasticsearch, es_names: IndexNames) -> None:
    market = fresh_marketplace(size=SIZE)
    market.set_faults(jd={"disagree": 0.3})
    truth = {r["listing_id"]: r for r in jd_truth(market)}
    disagreeing = {lid for lid, r in truth.items() if "disagree" in r.get("_faults", [])}
    assert disagreeing
    stats, _ = run(market)
    recorded = stats["pricewatch/jd/disagreements"]
    assert {d["listing_id"] for d in recorded if d["field"] == "price"} == disagreeing
    assert stats["pricewatch/jd/disagreement/price"] == len(disagreeing)
    docs = indexed(es, es_names)
    for lid in disagreeing:
        assert docs[lid]["price_minor"] == truth[lid]["price_minor"]  # the API's value
        assert docs[lid]["confidence"] < 0.8 and "disagreement:price" in docs[lid]["warnings"]
    assert all(docs[lid]["confidence"] == 1.0 for lid in truth if lid not in disagreeing)


def test_keyword_discovery_finds_every_match_and_next_runs_new_listing(
        fresh_marketplace: Market, run: Any, es: Elasticsearch, es_names: IndexNames,
        tmp_path: Path) -> None:
    config = tmp_path / "pricewatch.toml"
    config.write_text('[[watch]]\nplatform = "jd"\nname = "phones"\nkeywords = ["手机"]\n',
                      encoding="utf-8")
    market = fresh_marketplace(size=SIZE)

    def phones() -> set[str]:
        return {r["listing_id"] for r in jd_truth(market)
                if "手机" in r["title"] and not r["delisted"]}

    before = phones()
    assert before
    run(market, "--watchlist", "phones", config=str(config))
    assert before <= set(indexed(es, es_names))
    for _ in range(400):  # market time until a new JD phone is listed
        market.step(ticks=5)
        if phones() - before:
            break
    new = phones() - before
    assert new, "no new JD phone within 2,000 ticks"
    run(market, "--watchlist", "phones", config=str(config))
    assert new <= set(indexed(es, es_names))


def test_a_delisted_listing_is_marked_and_keeps_what_was_known(
        fresh_marketplace: Market, run: Any, es: Elasticsearch, es_names: IndexNames) -> None:
    market = fresh_marketplace(size=SIZE)
    run(market)
    first = indexed(es, es_names)
    gone: set[str] = set()
    for _ in range(300):  # market time until a JD listing we crawled is delisted
        market.step(ticks=5)
        gone = {r["listing_id"] for r in jd_truth(market) if r["delisted"]} & set(first)
        if gone:
            break
    assert gone, "no JD listing delisted within 1,500 ticks"
    stats, _ = run(market)
    docs = indexed(es, es_names)
    for lid in gone:
        assert docs[lid]["delisted"] is True and docs[lid]["availability"] == "out_of_stock"
        for kept in ("title", "product_group_id", "seller_id"):
            assert docs[lid][kept] == first[lid][kept]
    assert stats["pricewatch/jd/delisted"] >= len(gone)


def test_scrapy_crawl_jd_as_the_scheduler_runs_it(
        fresh_marketplace: Market, es_connection: Connection, es: Elasticsearch,
        es_names: IndexNames, tmp_path: Path) -> None:
    """``python -m scrapy crawl jd`` from the repo root, with the run id and stats file the
    scheduler passes (docs/scheduling.md); the run record's counts come from those stats."""
    market = fresh_marketplace(size=60)
    stats_file = tmp_path / "run.jd.json"
    env = {**os.environ, "ES_URL": es_connection.target.url, "PRICEWATCH_HOME": str(tmp_path),
           "PRICEWATCH_INDEX_PREFIX": es_names.prefix, "PRICEWATCH_RUN_ID": "run-42",
           "PRICEWATCH_RUN_STATS_FILE": str(stats_file)}
    done = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "jd", "-s",
                           f"PRICEWATCH_FIXTURES={market.url}"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    counts = counts_from_stats([read_stats(stats_file) or {}])["counts"]
    truth = jd_truth(market)
    assert counts["api"] == counts["items"] == len(truth)
    docs = indexed(es, es_names)
    assert {d["run_id"] for d in docs.values()} == {"run-42"}
