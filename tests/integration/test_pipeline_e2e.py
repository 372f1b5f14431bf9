"""The pipelines end to end (issue 5, "Done when"): real crawls of every platform of a private
fixture marketplace (``pricewatch crawl --fixtures URL`` in a subprocess, Chromium for the JS-only
pages), through validate → normalize → match → index into a real Elasticsearch node, compared
with ``/_control/truth``:

- the whole catalog's normalized fields equal the truth (≥ 99.5 %), the effective price exactly;
- the same crawl twice adds no listing and no history point;
- after ``/_control/step`` exactly the listings that moved get a new history point;
- a node stopped in the middle of a crawl loses nothing: the crawl spools, the next crawl replays
  the spool first, and listing and history counts equal the truth. This one runs against a
  private node (its own state folder and port), never the shared one; it is started in the
  background when the module begins, so its JVM start overlaps the other crawls.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from crawler.changes import TRACKED_FIELDS
from crawler.config import Config, ElasticsearchConfig
from crawler.esnode.node import EmbeddedNode
from crawler.esnode.service import Connection
from crawler.index.client import make_client
from crawler.index.names import IndexNames
from crawler.index.templates import ensure_indices
from crawler.platforms import registry
from tests.support.crawl_check import compare, crawl, indexed
from tests.support.es import drop_prefix, fresh_names
from tests.support.marketplace import MarketplaceProcess

pytestmark = [pytest.mark.es, pytest.mark.slow, pytest.mark.browser]

PLATFORMS = tuple(registry.available())
#: 60 items make ~100 listings with every platform and site in them (WooCommerce from ~50 on).
SIZE = 60
NODE_TEST = "test_node_stopped_mid_crawl_loses_nothing"
Market = Callable[..., MarketplaceProcess]
Stats = dict[str, Any]


# -- helpers ---------------------------------------------------------------------------------------
def run_crawl(market: MarketplaceProcess, names: IndexNames, home: Path, es_url: str,
              config: Path | None = None) -> Stats:
    """One ``pricewatch crawl --fixtures`` of every platform; its summed stats."""
    home.mkdir(parents=True, exist_ok=True)
    stats, _ = crawl(market.url, names, home, env={"ES_URL": es_url}, platforms=PLATFORMS,
                     config=str(config) if config else None)
    return stats


def counts(es: Elasticsearch, names: IndexNames) -> tuple[int, int]:
    """(listings, history points) under ``names``."""
    es.indices.refresh(index=names.everything)
    return (es.count(index=names.alias("listings"))["count"],
            es.count(index=names.alias("prices"))["count"])


def points_by_listing(es: Elasticsearch, names: IndexNames) -> Counter[str]:
    es.indices.refresh(index=names.alias("prices"))
    hits = es.search(index=names.alias("prices"), size=10_000, source=["listing_id"],
                     query={"match_all": {}})["hits"]["hits"]
    return Counter(hit["_source"]["listing_id"] for hit in hits)


def live(truth: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [row for row in truth if not row["delisted"]]


def effective_prices(truth: list[dict[str, Any]], docs: dict[str, dict[str, Any]]
                     ) -> tuple[int, list[str]]:
    """(truth rows with an effective price, the ones whose document disagrees)."""
    rows = [row for row in live(truth) if row.get("effective_price_minor") is not None]
    wrong = []
    for row in rows:
        got = docs.get(row["listing_id"], {}).get("effective_price_minor")
        if got != row["effective_price_minor"]:
            wrong.append(f"{row['listing_id']}: indexed {got!r}, "
                         f"truth {row['effective_price_minor']!r}")
    return len(rows), wrong


def due_a_point(before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]],
                stored: dict[str, dict[str, Any]]) -> set[str]:
    """The listings a step moved, by the truth: new ones, live ones whose price, effective price
    or availability changed, and newly delisted ones the index did not already hold as out of
    stock without an offer (a gone item cannot be bought: out of stock, its offer cleared)."""
    due = set()
    for listing_id, row in after.items():
        old = before.get(listing_id)
        if old is None:
            due.add(listing_id)
        elif row["delisted"] and not old["delisted"]:
            doc = stored.get(listing_id, {})
            if doc.get("availability") != "out_of_stock" or doc.get(
                    "effective_price_minor") is not None:
                due.add(listing_id)
        elif not row["delisted"] and any(old.get(f) != row.get(f) for f in TRACKED_FIELDS):
            due.add(listing_id)
    return due


# -- the shared node: one catalog, crawled once for both tests ---------------------------
class Catalog:
    """A private marketplace crawled once into a private prefix of the shared node."""

    def __init__(self, es: Elasticsearch, url: str, home: Path) -> None:
        self.es, self.url, self.home = es, url, home
        self.market = MarketplaceProcess(seed=7, size=SIZE)
        self.names = fresh_names()
        ensure_indices(es, self.names)
        self.runs = 0
        self.first = self.crawl()

    def crawl(self) -> Stats:
        self.runs += 1
        return run_crawl(self.market, self.names, self.home / f"run-{self.runs}", self.url)

    def close(self) -> None:
        self.market.stop()
        drop_prefix(self.es, self.names)


@pytest.fixture(scope="module")
def catalog(es: Elasticsearch, es_connection: Connection,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[Catalog]:
    """Shared by the two tests below to spare a crawl: each holds whichever order they run in
    (the index matches the market's current truth after every crawl)."""
    crawled = Catalog(es, es_connection.target.url, tmp_path_factory.mktemp("catalog"))
    yield crawled
    crawled.close()


def test_whole_catalog_equals_the_truth_and_a_second_crawl_adds_nothing(
        catalog: Catalog, es: Elasticsearch) -> None:
    truth = catalog.market.listings(limit=100_000)
    assert {row["platform"] for row in truth} == set(PLATFORMS)
    docs = indexed(es, catalog.names)
    result = compare(truth, docs)
    with_effective, wrong_effective = effective_prices(truth, docs)
    print(f"\nnormalized fields equal to the truth: {result.describe()}")
    print(f"effective price equal to the truth: {with_effective - len(wrong_effective)}/"
          f"{with_effective} listings that have one")
    for platform in PLATFORMS:
        one = compare([r for r in truth if r["platform"] == platform], docs)
        print(f"  {platform:12} {one.equal}/{one.fields} fields ({one.share:.2%}), "
              f"{one.expected} listings")
    assert not result.missing and result.share >= 0.995, result.describe()
    assert with_effective and not wrong_effective, wrong_effective
    assert set(docs) == {row["listing_id"] for row in truth}
    if catalog.runs == 1:  # nothing stepped yet: one first point per listing
        assert catalog.first["pricewatch/index/history_points"] == len(truth)

    before = counts(es, catalog.names)
    again = catalog.crawl()
    print(f"same crawl again: {again.get('pricewatch/index/written')} written, "
          f"{again.get('pricewatch/index/history_points', 0)} history points; "
          f"listings/history {before} → {counts(es, catalog.names)}")
    assert again["pricewatch/index/written"] == len(truth)  # delisted ones too, marked
    assert counts(es, catalog.names) == before


def test_after_a_step_exactly_the_moved_listings_get_a_point(
        catalog: Catalog, es: Elasticsearch) -> None:
    market, names = catalog.market, catalog.names
    before = {row["listing_id"]: row for row in market.listings(limit=100_000)}
    stored = indexed(es, names)
    points_before = points_by_listing(es, names)

    market.step(ticks=5)
    after = {row["listing_id"]: row for row in market.listings(limit=100_000)}
    due = due_a_point(before, after, stored)
    catalog.crawl()
    points_after = points_by_listing(es, names)
    got = {lid for lid, n in points_after.items() if n > points_before.get(lid, 0)}

    kinds = Counter("new" if lid not in before else "delisted" if after[lid]["delisted"]
                    else "moved" for lid in due)
    print(f"\nafter 5 ticks: {len(due)} listings due a point {dict(kinds)}, {len(got)} got one")
    assert due, "5 ticks moved nothing: pick more ticks"
    assert got == due, (f"a point without a move: {sorted(got - due)}; "
                        f"a move without a point: {sorted(due - got)}")
    assert all(points_after[lid] - points_before.get(lid, 0) == 1 for lid in got)
    assert set(indexed(es, names)) == set(after)  # no listing outside the truth


# -- a private node, stopped mid-crawl ------------------------------------------------------------
class PrivateNode:
    """An embedded node in its own state folder (first free port after 9200), started in a
    background thread so its JVM start overlaps the module's other tests."""

    def __init__(self, home: Path) -> None:
        self.node = EmbeddedNode(Config(home=home, elasticsearch=ElasticsearchConfig(
            heap="256m")))
        self.url = ""
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._start, daemon=True)
        self.thread.start()

    def _start(self) -> None:
        try:
            self.url = self.node.start().state.url
        except BaseException as exc:  # re-raised in the test that waits for the node
            self.error = exc

    def wait(self) -> str:
        self.thread.join()
        if self.error is not None:
            raise self.error
        return self.url

    def restart(self) -> str:
        self.thread = threading.Thread(target=self._start, daemon=True)
        self.thread.start()
        return self.wait()

    def stop(self) -> None:
        self.thread.join()
        self.node.stop()


@pytest.fixture(scope="module", autouse=True)
def private_node(request: pytest.FixtureRequest,
                 tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateNode | None]:
    """Started when the module begins, only if the node test is selected; stopped at the end."""
    if not any(item.name == NODE_TEST for item in request.session.items):
        yield None
        return
    node = PrivateNode(tmp_path_factory.mktemp("private-node"))
    yield node
    node.stop()


def test_node_stopped_mid_crawl_loses_nothing(
        fresh_marketplace: Market, private_node: PrivateNode | None, tmp_path: Path) -> None:
    assert private_node is not None
    market = fresh_marketplace(size=SIZE)
    truth = market.listings(limit=100_000)
    names = fresh_names()
    began = time.monotonic()
    client = make_client(ElasticsearchConfig(max_retries=0), private_node.wait())
    waited = time.monotonic() - began
    ensure_indices(client, names)
    # Small batches, flushed often: the crawl writes many batches, so the node stops between
    # some that were written and some that must be spooled.
    config = tmp_path / "pricewatch.toml"
    config.write_text("[indexing]\nbatch_size = 5\nflush_seconds = 0.3\n", encoding="utf-8")
    home = tmp_path / "home"

    with ThreadPoolExecutor(1) as pool:
        crawling = pool.submit(run_crawl, market, names, home, private_node.url, config)
        while not crawling.done() and _listings(client, names) == 0:
            time.sleep(0.2)
        indexed_before_stop = _listings(client, names)
        private_node.node.stop()
        interrupted = crawling.result()
    client.close()
    print(f"\nnode stopped after {indexed_before_stop} listings; the crawl wrote "
          f"{interrupted.get('pricewatch/index/written', 0)} and spooled "
          f"{interrupted.get('pricewatch/index/spooled', 0)}")
    assert indexed_before_stop > 0 and interrupted.get("pricewatch/index/spooled", 0) > 0
    spool = home / "spool" / "listings.jsonl"
    assert spool.exists()

    began = time.monotonic()
    url = private_node.restart()
    restarted = time.monotonic() - began
    replayed = run_crawl(market, names, home, url, config)
    print(f"waited {waited:.0f} s for the node's first start, {restarted:.0f} s for its restart")
    client = make_client(ElasticsearchConfig(), url)
    listings = len(live(truth))
    found = counts(client, names)
    print(f"after restart: replayed {replayed.get('pricewatch/index/replayed', 0)}, "
          f"listings/history {found}, truth {listings}")
    assert replayed["pricewatch/index/replayed"] == interrupted["pricewatch/index/spooled"]
    assert not spool.exists()
    assert found == (listings, listings)
    result = compare(truth, indexed(client, names))
    assert not result.missing and result.share >= 0.995, result.describe()
    client.close()


def _listings(client: Elasticsearch, names: IndexNames) -> int:
    try:
        client.indices.refresh(index=names.alias("listings"))
        return int(client.count(index=names.alias("listings"))["count"])
    except Exception:
        return 0
