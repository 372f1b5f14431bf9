"""A catalog crawled from a private fixture marketplace, and what its truth implies for search.

``crawl_catalog`` starts its own marketplace (it steps market time, so not the session one), runs
``pricewatch crawl --fixtures URL`` over every platform (a subprocess: the real spiders, pipelines
and index step, into a private index prefix), steps the market ``TICKS`` ticks and crawls again.
It keeps the truth of both market states and when the crawl saw each listing (``fetched_at``).

One documented limit is applied to the truth, not hidden: a product the schema.org shop drops
from its sitemap cannot be marked delisted (its page is known only by URL, docs/platforms/
schema_org.md), so such a listing stays as the first crawl saw it (``Catalog.vanished``).

The oracle functions below recompute, from the truth rows only, what docs/search.md says search,
the comparison and the history must answer. Money in several currencies is compared in CNY through
the same dated rate table the normalize step reads (the table is data, the arithmetic is here).
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch

from crawler.index.names import IndexNames
from crawler.index.templates import ensure_indices
from crawler.normalize.fx import RateTable
from tests.support.crawl_check import crawl, indexed
from tests.support.es import drop_prefix, fresh_names
from tests.support.marketplace import MarketplaceProcess

#: Seed 10 at 40 items: ~50 listings on all 7 platforms, Huawei phones on taobao and pdd, and our
#: own Taobao shop (pricewatch测试店, seller 2200000001) in three product groups.
SEED, SIZE, TICKS = 10, 40, 3
PLATFORMS = ("taobao", "jd", "pdd", "amazon", "shopify", "woocommerce", "schema_org")
OURS = "taobao:2200000001"
BASE = "CNY"
EXPONENT = {"CNY": 2, "USD": 2, "EUR": 2, "JPY": 0}
TRACKED = ("price_minor", "effective_price_minor", "availability")
#: Platforms whose delistings a crawl cannot see (no id → page URL).
DELISTING_UNSEEN = ("schema_org",)
Row = dict[str, Any]


@dataclass
class Catalog:
    names: IndexNames
    before: dict[str, Row]
    """Truth rows when the first crawl ran (market tick 0), by listing id."""
    after: dict[str, Row]
    """Truth rows when the second crawl ran (tick ``TICKS``)."""
    seen_first: dict[str, datetime]
    """``fetched_at`` of each listing after the first crawl (wall time)."""
    seen_second: dict[str, datetime]
    between: datetime
    """A moment after the first crawl ended and before the second began."""
    rates: RateTable
    vanished: list[str]
    """Listings delisted in the truth that the crawl could not see go (``DELISTING_UNSEEN``)."""

    @property
    def as_of(self) -> datetime:
        """24 h after ``between``: "24 h ago" is then the first crawl, "now" the second."""
        return self.between + timedelta(hours=24)

    def live(self) -> list[Row]:
        return [r for r in self.after.values() if not r.get("delisted")]


@contextmanager
def crawl_catalog(es: Elasticsearch, es_url: str, home: Path) -> Iterator[Catalog]:
    """Crawl, step, crawl again; the catalog's prefix and marketplace are gone afterwards."""
    market = MarketplaceProcess(seed=SEED, size=SIZE)
    names = fresh_names()
    ensure_indices(es, names)
    config = home / "pricewatch.toml"
    config.write_text("", encoding="utf-8")  # the defaults, not a pricewatch.toml lying around
    env = {"ES_URL": es_url, "PRICEWATCH_CONFIG": str(config)}
    try:
        crawl(market.url, names, home, env=env, platforms=PLATFORMS)
        before, seen_first = _rows(market), _seen(es, names)
        ended = datetime.now(UTC)
        market.step(TICKS)
        time.sleep(1.0)  # "between" lies strictly between the two crawls' timestamps
        began = datetime.now(UTC)
        crawl(market.url, names, home, env=env, platforms=PLATFORMS)
        after = _rows(market)
        vanished = sorted(lid for lid, r in after.items() if r.get("delisted")
                          and r["platform"] in DELISTING_UNSEEN and lid in before)
        after.update({lid: before[lid] for lid in vanished})
        yield Catalog(names, before, after, seen_first, _seen(es, names),
                      ended + (began - ended) / 2, RateTable.load(), vanished)
    finally:
        market.stop()
        drop_prefix(es, names)


def _rows(market: MarketplaceProcess) -> dict[str, Row]:
    return {r["listing_id"]: r for r in market.listings(limit=100_000)}


def _seen(es: Elasticsearch, names: IndexNames) -> dict[str, datetime]:
    return {lid: datetime.fromisoformat(doc["fetched_at"])
            for lid, doc in indexed(es, names).items()}


# --- search ------------------------------------------------------------------------------------

TEXT_FIELDS = ("title", "brand", "seller_name")


def matches(row: Row, query: str) -> bool:
    """Every word of ``query`` is in the title, brand or seller name (docs/search.md: operator
    ``and``; Chinese words as written, Latin words whole and in any case)."""
    text = " ".join(str(row.get(f) or "") for f in TEXT_FIELDS).lower()
    return all(re.search(rf"(?<![a-z0-9]){re.escape(word)}(?![a-z0-9])", text)
               if word.isascii() else word in text for word in query.lower().split())


def facets(rows: list[Row]) -> dict[str, dict[str, int]]:
    """Platform, brand (as the pipeline folds it: NFKC), seller id and availability counts."""
    return {
        "platform": dict(Counter(r["platform"] for r in rows)),
        "brand": dict(Counter(unicodedata.normalize("NFKC", r["brand"]) for r in rows
                              if r.get("brand"))),
        "seller": dict(Counter(r["seller_id"] for r in rows if r.get("seller_id"))),
        "availability": dict(Counter(r["availability"] for r in rows)),
    }


# --- comparison --------------------------------------------------------------------------------

def groups(rows: dict[str, Row]) -> dict[str, list[Row]]:
    out: dict[str, list[Row]] = defaultdict(list)
    for row in rows.values():
        out[row["product_group_id"]].append(row)
    return dict(out)


def seller(row: Row) -> str:
    return f"{row['platform']}:{row['seller_id']}"


def orderable(row: Row) -> bool:
    """A counted offer (docs/search.md): not delisted, not out of stock, priced."""
    return not row.get("delisted") and row.get("availability") != "out_of_stock" \
        and row.get("price_minor") is not None


def in_base(c: Catalog, minor: int, currency: str, on: datetime) -> int:
    rate = c.rates.rate(currency, BASE, on.date()).rate
    major = Decimal(minor).scaleb(-EXPONENT[currency]) * rate
    return int(major.scaleb(EXPONENT[BASE]).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def expected_comparison(c: Catalog, group: str) -> dict[str, Any]:
    """The summary numbers of ``group`` as of ``c.as_of``, from the truth of both crawls."""
    members = [r for r in c.after.values() if r["product_group_id"] == group]
    counted = [r for r in members if orderable(r)]
    kind = "effective" if all(r.get("effective_price_minor") is not None for r in counted) \
        else "price"
    base = len({r["currency"] for r in counted}) > 1

    def value(row: Row, seen: datetime) -> int | None:
        minor = row.get("effective_price_minor" if kind == "effective" else "price_minor")
        return in_base(c, minor, row["currency"], seen) if base and minor is not None else minor

    now = {r["listing_id"]: value(r, c.seen_second[r["listing_id"]]) for r in counted}
    cheapest = min(now.values())
    mine = [v for lid, v in now.items() if seller(c.after[lid]) == OURS]
    rivals = [v for lid, v in now.items() if seller(c.after[lid]) != OURS]
    # 24 h before as_of lies between the crawls: each listing's last point is the first crawl's.
    then = [value(row, c.seen_first[lid]) for lid, row in c.before.items()
            if row["product_group_id"] == group and row.get("availability") != "out_of_stock"]
    then = [v for v in then if v is not None]
    want: dict[str, Any] = {
        "counted_offers": len(counted), "basis": (kind, base), "cheapest_minor": cheapest,
        "cheapest_listing_id": min(lid for lid, v in now.items() if v == cheapest),
        "spread_minor": max(now.values()) - cheapest,
        "change_24h_minor": cheapest - min(then) if then else None,
        "change_7d_minor": None,  # nothing was crawled 7 days before as_of
        "price_index": None, "our_rank": None,
    }
    if mine and rivals:
        want["price_index"] = (Decimal(min(mine)) / Decimal(min(rivals))).quantize(
            Decimal("0.001"), rounding=ROUND_HALF_EVEN)
        want["our_rank"] = 1 + sum(1 for v in rivals if v < min(mine))
    return want


# --- history -----------------------------------------------------------------------------------

def observations(c: Catalog, listing_id: str) -> list[tuple[datetime, Row]]:
    """The history points the crawls wrote: the first sighting, then one per tracked change; a
    delisting is a point without prices, out of stock (docs/spiders.md, "NOT_FOUND")."""
    out: list[tuple[datetime, Row]] = []
    first = c.before.get(listing_id)
    if first is not None and not first.get("delisted"):
        out.append((c.seen_first[listing_id], first))
    second = c.after[listing_id]
    if second.get("delisted"):
        out.append((c.seen_second[listing_id], {"availability": "out_of_stock"}))
    elif first is None or any(first.get(f) != second.get(f) for f in TRACKED):
        out.append((c.seen_second[listing_id], second))
    return out


def expected_points(c: Catalog, listing_id: str, seconds: int) -> list[dict[str, Any]]:
    """The chart points: observations in ``seconds``-wide buckets (from the epoch, as a
    ``date_histogram`` cuts them), each holding the lowest values and how many it holds."""
    buckets: dict[int, list[Row]] = defaultdict(list)
    for at, row in observations(c, listing_id):
        buckets[int(at.timestamp()) // seconds * seconds].append(row)

    def low(rows: list[Row], name: str) -> int | None:
        known = [r[name] for r in rows if r.get(name) is not None]
        return min(known) if known else None

    return [{"t": datetime.fromtimestamp(key, UTC), "observations": len(rows),
             **{f: low(rows, f) for f in ("price_minor", "effective_price_minor",
                                          "list_price_minor")}}
            for key, rows in sorted(buckets.items())]
