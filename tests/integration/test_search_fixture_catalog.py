"""Search and comparison over the fixture marketplace's catalog, written by the real index step.

No spider exists yet, so the "crawl" reads the marketplace's truth tick by tick (the values a
correct crawler extracts: money as Decimal, the rest as shown), normalizes it with
``crawler.normalize`` and indexes it with ``ListingIndexer``: the documents have exactly the shape
the pipelines write. Market ticks are observed 6 hours apart. The oracle recomputes every number
from the truth rows, following docs/search.md, with the same dated rate table for conversions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from crawler.index.names import IndexNames
from crawler.index.templates import ensure_indices
from crawler.indexing.documents import listing_document
from crawler.indexing.indexer import ListingIndexer
from crawler.indexing.spool import Spool
from crawler.items import Listing
from crawler.normalize.fx import RateTable
from crawler.normalize.listing import NormalizeContext, normalize_listing
from crawler.normalize.money import from_minor
from crawler.search.compare import compare_group
from crawler.search.history import listing_history
from crawler.search.listings import search_listings
from crawler.search.params import SearchParams
from crawler.search.pricing import PricingSettings
from tests.support.es import drop_prefix, fresh_names
from tests.support.marketplace import MarketplaceProcess

pytestmark = [pytest.mark.es, pytest.mark.slow]
TICKS, EVERY = 8, timedelta(hours=6)
MONEY = {"price_minor": "price", "list_price_minor": "list_price", "coupon_minor": "coupon_amount",
         "coupon_threshold_minor": "coupon_threshold", "shipping_minor": "shipping"}
LISTING_FIELDS = {f.name for f in fields(Listing)}


@dataclass
class Crawled:
    names: IndexNames
    ticks: list[tuple[datetime, list[dict[str, Any]]]]
    rates: RateTable
    now: datetime


def extracted(row: dict[str, Any], at: datetime, tick: int) -> Listing:
    """What a correct spider yields for a truth row: extracted money, no normalized fields."""
    plain = {k: v for k, v in row.items() if k in LISTING_FIELDS and not k.endswith("_minor")
             and v is not None}
    money = {name: from_minor(row[minor], row["currency"]) for minor, name in MONEY.items()
             if row.get(minor) is not None}
    if row["platform"] == "taobao" and row.get("availability") == "in_stock":
        # As the taobao spider reads it: TOP's own "onsale". The canonical "in_stock" folds to
        # TOP's "instock" (= in the warehouse, not for sale) in crawler.normalize.availability.
        plain["availability"] = "onsale"
    return Listing(**plain, **money, fetched_at=at, run_id=f"tick-{tick}", spider=row["platform"])


@pytest.fixture(scope="module")
def crawled(es: Elasticsearch, tmp_path_factory: Any) -> Iterator[Crawled]:
    # Its own marketplace (the session one must not be stepped), stopped at the end.
    market = MarketplaceProcess(seed=11, size=60)
    names, rates = fresh_names(), RateTable.load()
    ensure_indices(es, names)
    ctx = NormalizeContext(base_currency="CNY", rates=rates)
    spool = Spool(Path(tmp_path_factory.mktemp("spool")) / "spool.jsonl")
    indexer = ListingIndexer(es, names, spool, daily_every=None, refresh=True)
    start = datetime.now(UTC).replace(microsecond=0) - TICKS * EVERY
    ticks = []
    try:
        for tick in range(TICKS):
            at, rows = start + tick * EVERY, market.listings()
            docs = [listing_document(normalize_listing(extracted(r, at, tick), ctx)) for r in rows]
            result = indexer.index(docs)
            assert not result.failures, result.failures[:2]
            ticks.append((at, rows))
            market.step()
        yield Crawled(names, ticks, rates, ticks[-1][0] + timedelta(minutes=1))
    finally:
        market.stop()
        drop_prefix(es, names)


def orderable(row: dict[str, Any]) -> bool:
    return row.get("availability") != "out_of_stock" and not row.get("delisted") \
        and row.get("price_minor") is not None


def in_base(c: Crawled, row: dict[str, Any], minor: int | None, at: datetime) -> int | None:
    if minor is None:
        return None
    return c.rates.rate(row["currency"], "CNY", at.date()).convert_minor(minor)


def groups(c: Crawled) -> dict[str, list[dict[str, Any]]]:
    """Groups with two or more orderable offers now, none ever delisted (see docs/search.md:
    a delisting is not in the history, so the 24 h lookback cannot see it)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for row in c.ticks[-1][1]:
        out.setdefault(row["product_group_id"], []).append(row)
    delisted = {r["product_group_id"] for _, rows in c.ticks for r in rows if r.get("delisted")}
    return {g: rows for g, rows in out.items()
            if g not in delisted and sum(map(orderable, rows)) >= 2}


def expected(c: Crawled, rows: list[dict[str, Any]], ours: str) -> dict[str, Any]:
    now_at, counted = c.ticks[-1][0], [r for r in rows if orderable(r)]
    mixed = len({r["currency"] for r in counted}) > 1
    kind = "effective" if all(r.get("effective_price_minor") is not None for r in counted) \
        else "price"

    def value(row: dict[str, Any], at: datetime) -> int | None:
        minor = row.get(f"{kind}_price_minor" if kind == "effective" else "price_minor")
        return in_base(c, row, minor, at) if mixed else minor

    now = {r["listing_id"]: value(r, now_at) for r in counted}
    then_at, then_rows = next((at, rs) for at, rs in reversed(c.ticks)
                              if at <= c.now - timedelta(hours=24))
    ids = set(now) | {r["listing_id"] for r in rows}
    then = [value(r, then_at) for r in then_rows if r["listing_id"] in ids
            and r.get("availability") != "out_of_stock" and r.get("price_minor") is not None]
    then = [v for v in then if v is not None]
    known = [v for v in now.values() if v is not None]
    mine = [v for lid, v in now.items() if _seller(rows, lid) == ours]
    rivals = [v for lid, v in now.items() if _seller(rows, lid) != ours]
    want: dict[str, Any] = {
        "counted_offers": len(counted), "basis": (kind, mixed),
        "cheapest_minor": min(known), "spread_minor": max(known) - min(known),
        "change_24h_minor": min(known) - min(then) if then else None,
    }
    if mine and rivals:
        want["price_index"] = (Decimal(min(mine)) / Decimal(min(rivals))).quantize(
            Decimal("0.001"), rounding=ROUND_HALF_EVEN)
        want["our_rank"] = 1 + sum(1 for v in rivals if v < min(mine))
    return want


def _seller(rows: list[dict[str, Any]], listing_id: str) -> str:
    row = next(r for r in rows if r["listing_id"] == listing_id)
    return f"{row['platform']}:{row['seller_id']}"


def test_comparisons_equal_what_the_truth_implies(es: Elasticsearch, crawled: Crawled) -> None:
    chosen = groups(crawled)
    assert len(chosen) >= 3, "the catalog has product groups sold by several sellers"
    sellers = [f"{r['platform']}:{r['seller_id']}" for rows in chosen.values() for r in rows
               if r.get("seller_id")]
    ours = max(set(sellers), key=sellers.count)  # the seller in most groups plays "us"
    settings = PricingSettings(base_currency="CNY", our_sellers=(ours,))
    wrong = {}
    for group, rows in chosen.items():
        c = compare_group(es, crawled.names, group, settings, crawled.now)
        assert c is not None and c.basis is not None
        want = expected(crawled, rows, ours)
        got = {k: getattr(c, k) for k in want if k != "basis"} | {
            "basis": (c.basis.kind, c.basis.base)}
        if got != want:
            wrong[group] = (got, want)
    assert wrong == {}
    assert any("price_index" in expected(crawled, rows, ours) for rows in chosen.values())


def test_model_and_chinese_brand_queries_find_their_listings(es: Elasticsearch,
                                                              crawled: Crawled) -> None:
    live = [r for r in crawled.ticks[-1][1] if not r.get("delisted")]
    model = max((r["model"] for r in live if r.get("model")),
                key=lambda m: sum(r.get("model") == m for r in live))
    page = search_listings(es, crawled.names, SearchParams(q=model, limit=100))
    with_model = {r["listing_id"] for r in live if r.get("model") == model}
    assert {h.listing_id for h in page.hits[:len(with_model)]} == with_model
    zh = [r for r in live if r["platform"] in ("jd", "taobao", "pdd") and r.get("brand")
          and all("\u4e00" <= ch <= "\u9fff" for ch in r["brand"])]
    assert zh, "the catalog has Chinese brand labels"
    label = zh[0]["brand"]
    page = search_listings(es, crawled.names, SearchParams(q=label, limit=100))
    holds = {r["listing_id"] for r in live
             if any(label in (r.get(f) or "") for f in ("title", "brand", "seller_name"))}
    assert {h.listing_id for h in page.hits} == holds and page.total == len(holds)





def test_facets_count_the_catalog(es: Elasticsearch, crawled: Crawled) -> None:
    live = [r for r in crawled.ticks[-1][1] if not r.get("delisted")]
    page = search_listings(es, crawled.names, SearchParams(limit=1))
    assert page.total == len(live)
    for facet, key in (("platform", "platform"), ("availability", "availability")):
        assert {b.key: b.count for b in page.facets[facet]} == Counter(r[key] for r in live)


TRACKED = ("price_minor", "effective_price_minor", "availability")


def test_listing_history_has_a_point_per_change_and_the_right_low(es: Elasticsearch,
                                                                  crawled: Crawled) -> None:
    rows = [r for rows in groups(crawled).values() for r in rows][:12]
    for row in rows:
        seen = [next(r for r in tick_rows if r["listing_id"] == row["listing_id"])
                for _, tick_rows in crawled.ticks
                if any(r["listing_id"] == row["listing_id"] for r in tick_rows)]
        changes = 1 + sum(1 for a, b in pairwise(seen)
                          if any(a.get(f) != b.get(f) for f in TRACKED))
        history = listing_history(es, crawled.names, row["listing_id"], 7, crawled.now)
        assert history is not None
        if all(r.get("price_minor") is None for r in seen):  # never priced (Amazon, unsold)
            assert history.basis is None and history.lows[0].minor is None
            continue
        assert history.basis is not None
        assert len(history.series[0].points) == changes, row["listing_id"]
        field = "effective_price_minor" if history.basis.kind == "effective" else "price_minor"
        orderable_values = [r[field] for r in seen
                            if r.get("availability") != "out_of_stock" and r.get(field) is not None]
        assert history.lows[0].minor == (min(orderable_values) if orderable_values else None)
