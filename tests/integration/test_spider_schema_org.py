"""The generic schema.org spider against the fixture marketplace's "Northwind Goods" shop (no API):
real crawls (``pricewatch crawl`` in a subprocess), real pipelines, the real Elasticsearch node
and real Chromium for the js-only pages; compared field by field with the truth.

Scenarios (issue 4, "Done when"): the whole shop from its robots.txt → sitemap index → chunk →
every page layout (JSON-LD, ``@graph``, several offers, a related product first, microdata,
OpenGraph, Next.js state, js-only rendered by Chromium); a list of URLs; blocked pages counted as
blocked; a related product's or a refurbished offer's price never wins; a gone URL (404).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from crawler.esnode.service import Connection
from crawler.index.names import IndexNames
from tests.support.marketplace import MarketplaceProcess
from tests.support.shop_crawl import (
    ISSUE_FIELDS,
    OTHER_FIELDS,
    Run,
    accuracy,
    crawl,
    indexed,
    watch_toml,
)

pytestmark = [pytest.mark.es, pytest.mark.slow, pytest.mark.browser]

Crawl = Callable[..., Run]
ALL_BUT_ATTRIBUTES = [*ISSUE_FIELDS, *(f for f in OTHER_FIELDS if f != "variant_attributes")]


@pytest.fixture
def run(es_connection: Connection, es_names: IndexNames, tmp_path: Path) -> Crawl:
    def go(mp: MarketplaceProcess, **kw: Any) -> Run:
        return crawl(mp, "schema_org", tmp_path, es_connection.target.url, es_names, **kw)

    return go


def live(mp: MarketplaceProcess) -> list[dict[str, Any]]:
    return [r for r in mp.listings(platform="schema_org", limit=100_000) if not r["delisted"]]


def test_the_whole_shop_from_its_sitemap(
    fresh_marketplace: Callable[..., MarketplaceProcess],
    run: Crawl,
    es: Elasticsearch,
    es_names: IndexNames,
) -> None:
    mp = fresh_marketplace(size=320)
    result = run(mp)
    truth, docs = live(mp), indexed(es, es_names, "schema_org")
    issue = accuracy(truth, docs, ISSUE_FIELDS)
    other = accuracy(truth, docs, OTHER_FIELDS)
    print(f"whole shop: issue fields {issue}\n  other fields {other}\n  {result.platform_stats()}")
    layouts = {r["_page_variant"] for r in truth}
    assert {"jsonld_offers", "jsonld_related", "js_only", "microdata", "opengraph"} <= layouts
    assert issue.missing == [] and issue.share >= 0.995, str(issue)
    assert accuracy(truth, docs, ALL_BUT_ATTRIBUTES).share >= 0.995
    js_only = [r for r in truth if r["_page_variant"] == "js_only"]
    assert result.stat("source/rendered") == len(js_only) > 0  # real Chromium
    assert result.stat("fallback/needs_browser") == len(js_only)
    assert result.stat("source/page") == len(truth) - len(js_only)
    for row in js_only:
        assert docs[row["listing_id"]]["source"] == "rendered"
        assert docs[row["listing_id"]]["confidence"] < 1.0  # price from visible text
    assert result.errors() == []


def test_related_products_and_refurbished_offers_never_win(
    fresh_marketplace: Callable[..., MarketplaceProcess],
    run: Crawl,
    es: Elasticsearch,
    es_names: IndexNames,
) -> None:
    mp = fresh_marketplace(size=200)
    traps = [r for r in live(mp) if r["_page_variant"] in ("jsonld_related", "jsonld_offers")]
    urls = [r["url"] for r in traps]
    run(mp, config=watch_toml("schema_org", "traps", urls=urls), watchlist="traps")
    docs = indexed(es, es_names, "schema_org")
    assert set(docs) == {r["listing_id"] for r in traps}
    for row in traps:
        doc = docs[row["listing_id"]]
        assert (doc["price_minor"], doc["seller_name"]) == (row["price_minor"], row["seller_name"])


def test_blocked_pages_are_counted_as_blocked_and_retried(
    fresh_marketplace: Callable[..., MarketplaceProcess],
    run: Crawl,
    es: Elasticsearch,
    es_names: IndexNames,
) -> None:
    mp = fresh_marketplace(size=80)
    mp.set_faults(schema_org={"blocked_200": 0.1, "blocked_403": 0.1})
    result = run(mp)
    truth, docs = live(mp), indexed(es, es_names, "schema_org")
    print(f"blocked: {result.platform_stats()}")
    assert result.stat("blocked") > 0 and result.stat("retry/blocked") > 0
    assert set(docs) == {r["listing_id"] for r in truth}
    assert all(doc.get("price_minor") is not None for doc in docs.values())


def test_a_gone_page_of_a_url_watch_is_reported_never_an_empty_listing(
    fresh_marketplace: Callable[..., MarketplaceProcess],
    run: Crawl,
    es: Elasticsearch,
    es_names: IndexNames,
) -> None:
    """A URL-only page has no item id before it is read: once it answers 404 nobody can say
    which listing is gone, so the crawl stores a reject naming the URL (rejects index), never a
    delisted listing with an empty id."""
    mp = fresh_marketplace(size=120)
    rows = [r for r in live(mp) if r["_page_variant"] in ("jsonld", "jsonld_graph")]
    gone_url = rows[0]["url"].replace(".html", "-gone.html")
    config = watch_toml("schema_org", "some", urls=[r["url"] for r in rows] + [gone_url])
    result = run(mp, config=config, watchlist="some")
    docs = indexed(es, es_names, "schema_org")
    assert set(docs) == {r["listing_id"] for r in rows}
    assert result.stat("rejected/page_unreadable") == 1 and result.stat("delisted") == 0
