"""Real crawls of the stand-alone shops (Shopify, WooCommerce, schema.org) against a fixture
marketplace, compared with its truth (tests/integration/test_spider_{shopify,woocommerce,
schema_org}.py).

``pricewatch crawl --fixtures URL PLATFORM`` runs in a subprocess (the Twisted reactor cannot
restart inside pytest), through the real pipelines into the real Elasticsearch node under the
test's private index prefix; the run's stats come back from ``PRICEWATCH_RUN_STATS_FILE``.
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

from elasticsearch import Elasticsearch

from crawler.index.names import IndexNames
from tests.support.marketplace import MarketplaceProcess

REPO = Path(__file__).resolve().parents[2]
#: The fields the issue counts: price minor units, currency, list/promo price, availability,
#: GTIN, seller, title.
ISSUE_FIELDS = ("price_minor", "currency", "list_price_minor", "promo_price_minor",
                "availability", "gtin", "seller_id", "seller_name", "title")
#: Every other field the truth states (variant attributes are measured, not asserted: the
#: normalize stage writes ``1.7l`` where the truth writes ``1.7L``).
OTHER_FIELDS = ("brand", "model", "coupon_minor", "coupon_threshold_minor", "shipping_minor",
                "effective_price_minor", "stock_qty", "rating", "rating_scale", "review_count",
                "variant_attributes")
#: Fields whose null in the truth is a value to reproduce (not "the platform never says").
NULLABLE = {"list_price_minor", "promo_price_minor", "gtin"}

#: ``(truth row, field) → False`` when the path a listing took cannot know the field.
Countable = Callable[[dict[str, Any], str], bool]


@dataclass
class Run:
    platform: str
    stats: dict[str, Any]
    log: str

    def stat(self, key: str) -> int:
        return int(self.stats.get(f"pricewatch/{self.platform}/{key}", 0))

    def platform_stats(self) -> dict[str, Any]:
        prefix = f"pricewatch/{self.platform}/"
        return {k[len(prefix):]: v for k, v in self.stats.items()
                if k.startswith(prefix) and k != f"{prefix}disagreements"}

    def errors(self) -> list[str]:
        return [line for line in self.log.splitlines() if "] ERROR:" in line]

    def fault_paths(self) -> int:
        """Calls and pages that took a retry or a fallback (the stats "show which path")."""
        return sum(int(v) for k, v in self.platform_stats().items()
                   if k.startswith(("retry/", "fallback/", "rejected/")))

    def sources(self) -> int:
        return sum(self.stat(f"source/{s}") for s in ("api", "page", "rendered"))


@dataclass
class Accuracy:
    expected: int = 0
    missing: list[str] = field(default_factory=list)
    fields: int = 0
    equal: int = 0
    not_countable: int = 0
    wrong: list[str] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.equal / self.fields if self.fields else 0.0

    def __str__(self) -> str:
        return (f"{self.equal}/{self.fields} = {self.share:.2%} of {self.expected} listings "
                f"(not countable on the path taken: {self.not_countable}); missing "
                f"{self.missing[:10]}; wrong {self.wrong[:12]}")


def accuracy(truth: Iterable[dict[str, Any]], docs: dict[str, dict[str, Any]],
             names: Iterable[str], countable: Countable | None = None) -> Accuracy:
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
        for name in names:
            want = row.get(name)
            if want is None and name not in NULLABLE:
                continue  # the platform never states it (Shopify shipping, stock, coupons)
            if countable is not None and not countable(row, name):
                result.not_countable += 1
                continue
            result.fields += 1
            got = doc.get(name)
            if got == want or (isinstance(want, float) and got is not None
                               and abs(float(got) - want) < 1e-9):
                result.equal += 1
            else:
                result.wrong.append(f"{row['listing_id']} {name}: {got!r} != {want!r}")
    return result


def indexed(es: Elasticsearch, names: IndexNames, platform: str) -> dict[str, dict[str, Any]]:
    es.indices.refresh(index=names.alias("listings"))
    hits = es.search(index=names.alias("listings"), size=10_000,
                     query={"term": {"platform": platform}})
    return {hit["_id"]: hit["_source"] for hit in hits["hits"]["hits"]}


def crawl(mp: MarketplaceProcess, platform: str, workdir: Path, es_url: str, names: IndexNames,
          *, config: str = "", watchlist: str | None = None, timeout: float = 300) -> Run:
    """``pricewatch crawl --fixtures URL [--watchlist NAME] PLATFORM`` with ``config`` as the
    whole pricewatch.toml."""
    n = len(list(workdir.glob("pricewatch-*.toml")))
    config_file = workdir / f"pricewatch-{n}.toml"
    config_file.write_text(config, encoding="utf-8")
    stats_file = workdir / f"stats-{n}.json"
    env = {**os.environ, "ES_URL": es_url, "PRICEWATCH_CONFIG": str(config_file),
           "PRICEWATCH_HOME": str(workdir), "PRICEWATCH_INDEX_PREFIX": names.prefix,
           "PRICEWATCH_RUN_STATS_FILE": str(stats_file), "PYTHONUNBUFFERED": "1"}
    cmd = [sys.executable, "-m", "crawler.cli", "crawl", "--fixtures", mp.url, "--no-progress",
           "-s", "LOG_LEVEL=INFO"]
    if watchlist:
        cmd += ["--watchlist", watchlist]
    done = subprocess.run([*cmd, platform], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)
    log = done.stdout + done.stderr
    assert done.returncode == 0, log[-5000:]
    return Run(platform, json.loads(stats_file.read_text(encoding="utf-8"))["stats"], log)


def watch_toml(platform: str, name: str, **values: Any) -> str:
    """One ``[[watch]]`` table (values JSON-quoted: valid TOML strings and lists)."""
    lines = ["[[watch]]", f'platform = "{platform}"', f'name = "{name}"']
    lines += [f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in values.items()]
    return "\n".join(lines) + "\n"
