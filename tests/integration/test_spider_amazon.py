"""The Amazon spider against the fixture marketplace: real crawls (``scrapy crawl amazon`` in a
subprocess), real pipelines, the real Elasticsearch node; compared field by field with the truth.

Scenarios (issue 4, "Done when"): faults off; the API switched off (credentials revoked); 20 %
API faults (429, 5xx, cut-off JSON, slow); a wrong client secret; keyword discovery ("phone");
a listing added by ``/_control/step`` found on the next run (and a removed one delisted); item
faults (no price in the API, a page disagreeing with the API, CAPTCHA pages). The marketplace
runs with ``quota_scale`` 50 and the platform is told the same (``options.quota_scale``), so the
documented rates (getItemOffersBatch 0.1/s) are scaled alike on both sides.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from crawler.esnode.service import Connection
from crawler.index.names import IndexNames
from tests.support.marketplace import MarketplaceProcess

pytestmark = [pytest.mark.es, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
SCALE = 50.0
#: The fields the issue counts: price minor units, currency, list/promo price, availability,
#: GTIN, seller, title.
ISSUE_FIELDS = ("price_minor", "currency", "list_price_minor", "promo_price_minor",
                "availability", "gtin", "seller_id", "seller_name", "title")
#: Every other field the truth states for Amazon (measured and reported, not all asserted).
OTHER_FIELDS = ("brand", "model", "coupon_minor", "shipping_minor", "effective_price_minor",
                "stock_qty", "rating", "rating_scale", "review_count", "variant_attributes")
NULLABLE = {"list_price_minor", "promo_price_minor", "coupon_minor", "stock_qty", "gtin",
            "price_minor", "shipping_minor", "effective_price_minor"}


@dataclass
class Run:
    stats: dict[str, Any]
    log: str

    def stat(self, key: str) -> int:
        return int(self.stats.get(f"pricewatch/amazon/{key}", 0))

    def errors(self) -> list[str]:
        return [line for line in self.log.splitlines() if "] ERROR:" in line]


@dataclass
class Accuracy:
    expected: int = 0
    missing: list[str] = field(default_factory=list)
    fields: int = 0
    equal: int = 0
    wrong: list[str] = field(default_factory=list)
    gtin_unknowable: int = 0
    """Listings that came through the page fallback: the page never shows the EAN, so their GTIN
    is not counted (an earlier run's value survives in the index: None never overwrites)."""

    @property
    def share(self) -> float:
        return self.equal / self.fields if self.fields else 0.0

    def __str__(self) -> str:
        return (f"{self.equal}/{self.fields} = {self.share:.2%}; missing {self.missing[:10]}; "
                f"GTIN not countable (page fallback) {self.gtin_unknowable}; "
                f"wrong {self.wrong[:15]}")


def accuracy(truth: Iterable[dict[str, Any]], docs: dict[str, dict[str, Any]],
             names: Iterable[str]) -> Accuracy:
    """Every live truth listing against its indexed document, field by field."""
    result, names = Accuracy(), tuple(names)
    for row in truth:
        if row.get("delisted"):
            continue
        result.expected += 1
        doc = docs.get(row["listing_id"])
        if doc is None:
            result.missing.append(row["listing_id"])
            continue
        if "gtin" in names and doc.get("source") != "api":
            result.gtin_unknowable += 1
        for name in names:
            want = row.get(name)
            if want is None and name not in NULLABLE:
                continue  # a field Amazon never states
            if name == "gtin" and doc.get("source") != "api":
                continue
            result.fields += 1
            got = doc.get(name)
            if got == want or (isinstance(want, float) and got is not None
                               and abs(float(got) - want) < 1e-9):
                result.equal += 1
            else:
                result.wrong.append(f"{row['listing_id']} {name}: {got!r} != {want!r}")
    return result


def indexed(es: Elasticsearch, names: IndexNames) -> dict[str, dict[str, Any]]:
    es.indices.refresh(index=names.alias("listings"))
    hits = es.search(index=names.alias("listings"), size=10_000, query={"match_all": {}})
    return {hit["_id"]: hit["_source"] for hit in hits["hits"]["hits"]}


@pytest.fixture
def crawl(es_connection: Connection, es_names: IndexNames, tmp_path: Path
          ) -> Callable[..., Run]:
    """``scrapy crawl amazon`` against a marketplace (a subprocess: the reactor cannot restart)."""
    counter = iter(range(100))

    def run(mp: MarketplaceProcess, *, config: str = "", watchlist: str | None = None,
            env: dict[str, str] | None = None, options: str = "") -> Run:
        n = next(counter)
        config_file = tmp_path / f"pricewatch-{n}.toml"
        config_file.write_text(
            f"[platforms.amazon]\noptions = {{ quota_scale = {SCALE}{options} }}\n{config}",
            encoding="utf-8")
        stats_file = tmp_path / f"stats-{n}.json"
        clean = {k: v for k, v in os.environ.items() if not k.startswith("AMAZON_LWA_")}
        full_env = {**clean, "ES_URL": es_connection.target.url,
                    "PRICEWATCH_CONFIG": str(config_file), "PRICEWATCH_HOME": str(tmp_path),
                    "PRICEWATCH_INDEX_PREFIX": es_names.prefix,
                    "PRICEWATCH_RUN_STATS_FILE": str(stats_file), **(env or {})}
        cmd = [sys.executable, "-m", "scrapy", "crawl", "amazon",
               "-s", f"PRICEWATCH_FIXTURES={mp.url}", "-s", "LOG_LEVEL=INFO"]
        if watchlist:
            cmd += ["-a", f"watchlist={watchlist}"]
        done = subprocess.run(cmd, cwd=REPO, env=full_env, capture_output=True, text=True,
                              timeout=300, check=False)
        log = done.stdout + done.stderr
        assert done.returncode == 0, log[-4000:]
        return Run(json.loads(stats_file.read_text(encoding="utf-8"))["stats"], log)

    return run


def truth_of(mp: MarketplaceProcess) -> list[dict[str, Any]]:
    return mp.listings(platform="amazon", limit=100_000)


def test_faults_off_every_listing_through_the_api(
    fresh_marketplace: Callable[..., MarketplaceProcess], crawl: Callable[..., Run],
    es: Elasticsearch, es_names: IndexNames,
) -> None:
    mp = fresh_marketplace(size=160, quota_scale=SCALE)
    run = crawl(mp)
    truth, docs = truth_of(mp), indexed(es, es_names)
    issue = accuracy(truth, docs, ISSUE_FIELDS)
    other = accuracy(truth, docs, OTHER_FIELDS)
    print(f"faults off: issue fields {issue}\n  other fields {other}")
    assert issue.missing == [] and issue.expected > 20 and issue.gtin_unknowable == 0
    assert issue.share >= 0.995, str(issue)
    assert run.stat("source/api") == issue.expected
    assert run.stat("completed") == issue.expected  # seller name, ratings: from the page
    assert {d["currency"] for d in docs.values()} == {"USD", "JPY"}
    assert run.errors() == []


def test_api_off_every_listing_through_the_pages(
    fresh_marketplace: Callable[..., MarketplaceProcess], crawl: Callable[..., Run],
    es: Elasticsearch, es_names: IndexNames,
) -> None:
    mp = fresh_marketplace(size=100, quota_scale=SCALE)
    mp.set_faults(amazon={"api_off": True})
    run = crawl(mp)
    truth, docs = truth_of(mp), indexed(es, es_names)
    issue = accuracy(truth, docs, ISSUE_FIELDS)
    print(f"API off: {issue}")
    assert issue.missing == [] and issue.gtin_unknowable == issue.expected
    assert issue.share >= 0.995, str(issue)
    assert run.stat("source/page") == issue.expected and run.stat("source/api") == 0
    assert run.stat("fallback/auth") == issue.expected
    (error,) = run.errors()
    assert "amazon" in error and "invalid_grant" in error and "AMAZON_LWA_REFRESH_TOKEN" in error


def test_wrong_secret_one_clear_error_then_pages(
    fresh_marketplace: Callable[..., MarketplaceProcess], crawl: Callable[..., Run],
    es: Elasticsearch, es_names: IndexNames,
) -> None:
    mp = fresh_marketplace(size=40, quota_scale=SCALE)
    run = crawl(mp, env={"AMAZON_LWA_CLIENT_SECRET": "amzn1.oa2-cs.v1.wrong"})
    (error,) = run.errors()
    assert "amazon" in error and "invalid_client" in error
    assert "AMAZON_LWA_CLIENT_SECRET" in error and "amzn1.oa2-cs.v1.wrong" not in run.log
    truth = [r for r in truth_of(mp) if not r["delisted"]]
    assert run.stat("source/page") == len(truth)
    assert len(indexed(es, es_names)) == len(truth)


def test_20_percent_api_faults_every_listing_through_retries_and_fallback(
    fresh_marketplace: Callable[..., MarketplaceProcess], crawl: Callable[..., Run],
    es: Elasticsearch, es_names: IndexNames,
) -> None:
    mp = fresh_marketplace(size=2000, quota_scale=SCALE)
    mp.set_faults(amazon={"rate_limit": 0.05, "server_error": 0.05, "malformed_json": 0.05,
                          "slow": 0.05, "slow_seconds": 0.5, "ban_seconds": 1})
    run = crawl(mp)
    truth, docs = truth_of(mp), indexed(es, es_names)
    issue = accuracy(truth, docs, ISSUE_FIELDS)
    print(f"20 % faults: {issue}\n  stats "
          f"{ {k: v for k, v in run.stats.items() if k.startswith('pricewatch/amazon')} }")
    assert issue.missing == []
    assert issue.share >= 0.995, str(issue)
    assert issue.gtin_unknowable == run.stat("source/page") < issue.expected / 5
    assert run.stat("retry/quota") > 0 and run.stat("retry/server") > 0
    assert run.stat("fallback/quota") == 0  # every 429 wait was within max_quota_wait
    assert run.errors() == []


def test_keyword_discovery_finds_every_matching_listing(
    fresh_marketplace: Callable[..., MarketplaceProcess], crawl: Callable[..., Run],
    es: Elasticsearch, es_names: IndexNames,
) -> None:
    mp = fresh_marketplace(size=400, quota_scale=SCALE)
    watch = '[[watch]]\nplatform = "amazon"\nname = "phones"\nkeywords = ["phone"]\n'
    # Three results a page, so the search pages through pagination.nextToken.
    run = crawl(mp, config=watch, watchlist="phones", options=", search_page_size = 3")
    wanted = {r["listing_id"] for r in truth_of(mp)
              if "phone" in r["title"].lower() and not r["delisted"]}
    found = set(indexed(es, es_names))
    print(f"discovery 'phone': {len(wanted)} truth listings, {len(found)} indexed")
    assert wanted and wanted <= found
    assert found <= wanted  # the search returns only titles holding the keyword
    assert run.stat("source/api") == len(found)


def test_after_steps_new_listings_are_discovered_and_gone_ones_delisted(
    fresh_marketplace: Callable[..., MarketplaceProcess], crawl: Callable[..., Run],
    es: Elasticsearch, es_names: IndexNames,
) -> None:
    mp = fresh_marketplace(size=60, quota_scale=SCALE)
    crawl(mp)
    before = indexed(es, es_names)
    new: set[str] = set()
    gone: set[str] = set()
    for _ in range(300):
        for change in mp.step()["changes"]:
            if change["listing_id"].startswith("amazon:"):
                {"new": new, "delisted": gone}.get(change["kind"], set()).add(change["listing_id"])
        if new and gone & set(before):
            break
    assert new and gone & set(before), "no Amazon listing appeared and disappeared in 300 ticks"
    assert not new & set(before)
    # Discovery: a keyword watch (the new listing's brand) finds it on the next run.
    row = next(r for r in truth_of(mp) if r["listing_id"] in new)
    keyword = row["title"].split()[0]
    watch = f'[[watch]]\nplatform = "amazon"\nname = "brand"\nkeywords = ["{keyword}"]\n'
    crawl(mp, config=watch, watchlist="brand")
    assert row["listing_id"] in indexed(es, es_names)
    # The watchlist of ids: the catalog no longer knows the gone ones, so they are delisted.
    run = crawl(mp)
    docs = indexed(es, es_names)
    assert all(docs[lid]["delisted"] is True for lid in gone & set(before))
    assert run.stat("delisted") >= len(gone & set(before))


def test_item_faults_pages_complete_reconcile_and_survive_captchas(
    fresh_marketplace: Callable[..., MarketplaceProcess], crawl: Callable[..., Run],
    es: Elasticsearch, es_names: IndexNames,
) -> None:
    mp = fresh_marketplace(size=160, quota_scale=SCALE)
    mp.set_faults(amazon={"missing_fields": 0.2, "disagree": 0.2, "blocked_200": 0.02})
    run = crawl(mp)
    truth, docs = truth_of(mp), indexed(es, es_names)
    live = [r for r in truth if not r["delisted"]]
    missing = [r for r in live if "missing_fields" in r.get("_faults", [])]
    disagree = [r for r in live if "disagree" in r.get("_faults", [])
                and "missing_fields" not in r.get("_faults", []) and r["price_minor"]]
    print(f"item faults: {len(missing)} without API price, {len(disagree)} disagreeing, "
          f"blocked {run.stat('blocked')}, disagreements {run.stat('disagreement/price')}")
    assert missing and disagree and run.stat("blocked") > 0
    # The API's price wins; a disagreeing page only lowers the confidence and is recorded.
    clean = [r for r in live if not ({"missing_fields", "disagree"} <= set(r.get("_faults", [])))]
    issue = accuracy(clean, docs, ISSUE_FIELDS)
    print(f"  issue fields (items not both priceless and disagreeing): {issue}")
    assert issue.missing == [] and issue.share >= 0.995, str(issue)
    assert run.stat("disagreement/price") == len(disagree)
    for row in disagree:
        assert docs[row["listing_id"]]["confidence"] == 0.5
        assert "disagreement:price" in docs[row["listing_id"]]["warnings"]
    recorded = {d["listing_id"] for d in run.stats["pricewatch/amazon/disagreements"]}
    assert recorded == {r["listing_id"] for r in disagree}
