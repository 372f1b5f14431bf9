"""The comparison of every watched product group, as rows for CSV or as JSON.

"Watched" groups are the product groups present in the ``listings`` index: the crawler indexes
only what the watchlist asks for. Money in the rows is a decimal string in major units next to its
currency (never a float); text cells that a spreadsheet would run as a formula are neutralized.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from elasticsearch import Elasticsearch

from crawler.index.names import IndexNames
from crawler.search.compare import compare_group
from crawler.search.models import GroupComparison
from crawler.search.money import to_decimal
from crawler.search.pricing import PricingSettings

COLUMNS = [
    "group_id", "title", "compared", "currency", "offers", "counted_offers", "cheapest",
    "cheapest_listing_id", "highest", "spread", "cheapest_competitor",
    "cheapest_competitor_listing_id", "our_price", "our_listing_id", "price_index", "our_rank",
    "change_24h", "change_7d", "map", "map_breaches", "sales_volume_total",
    "sales_volume_7d_ago_total",
]
MONEY = {"cheapest": "cheapest_minor", "highest": "highest_minor", "spread": "spread_minor",
         "cheapest_competitor": "cheapest_competitor_minor", "our_price": "our_price_minor",
         "change_24h": "change_24h_minor", "change_7d": "change_7d_minor"}


def watched_groups(client: Elasticsearch, names: IndexNames, page: int = 500) -> Iterator[str]:
    """Every product group id in the listings, in id order (composite aggregation pages)."""
    after: dict[str, Any] | None = None
    while True:
        composite: dict[str, Any] = {"size": page, "sources": [
            {"group": {"terms": {"field": "product_group_id"}}}]}
        if after:
            composite["after"] = after
        response = client.search(index=names.alias("listings"), size=0,
                                 aggs={"groups": {"composite": composite}})
        agg = response["aggregations"]["groups"]
        yield from (str(b["key"]["group"]) for b in agg["buckets"])
        after = agg.get("after_key")
        if not after or not agg["buckets"]:
            return


def busiest_group(client: Elasticsearch, names: IndexNames) -> str | None:
    """The product group with the most listings (the one a demo shows first), or None."""
    response = client.search(index=names.alias("listings"), size=0, aggs={
        "groups": {"terms": {"field": "product_group_id", "size": 1}}})
    buckets = response["aggregations"]["groups"]["buckets"]
    return str(buckets[0]["key"]) if buckets else None


def build_report(client: Elasticsearch, names: IndexNames, settings: PricingSettings,
                 now: datetime | None = None) -> list[GroupComparison]:
    now = now or datetime.now(UTC)
    found = (compare_group(client, names, g, settings, now) for g in watched_groups(client, names))
    return [c for c in found if c is not None]


def report_row(c: GroupComparison) -> dict[str, str]:
    """One group's summary as CSV cells."""
    currency = c.basis.currency if c.basis else ""
    row: dict[str, Any] = {
        "group_id": c.group_id, "title": c.title, "currency": currency,
        "compared": f"{c.basis.kind}{' (base)' if c.basis.base else ''}" if c.basis else "",
        "offers": len(c.offers), "counted_offers": c.counted_offers,
        "cheapest_listing_id": c.cheapest_listing_id,
        "cheapest_competitor_listing_id": c.cheapest_competitor_listing_id,
        "our_listing_id": c.our_listing_id, "price_index": c.price_index, "our_rank": c.our_rank,
        "map": "" if c.map_minor is None else f"{to_decimal(c.map_minor, c.map_currency or '')} "
                                              f"{c.map_currency}",
        "map_breaches": " ".join(c.map_breaches),
        "sales_volume_total": c.sales_volume_total,
        "sales_volume_7d_ago_total": c.sales_volume_7d_ago_total,
    }
    for column, field in MONEY.items():
        minor = getattr(c, field)
        row[column] = "" if minor is None or not currency else str(to_decimal(minor, currency))
    return {k: _cell(row.get(k)) for k in COLUMNS}


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    # A cell starting with = + - @ runs as a formula in a spreadsheet; numbers are safe.
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except InvalidOperation:
        return False
    return True


def write_csv(comparisons: list[GroupComparison], out: IO[str]) -> None:
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    for comparison in comparisons:
        writer.writerow(report_row(comparison))


def to_csv(comparisons: list[GroupComparison]) -> str:
    buffer = io.StringIO()
    write_csv(comparisons, buffer)
    return buffer.getvalue()


def to_json(comparisons: list[GroupComparison]) -> str:
    """Full comparisons (offers included), money as integer minor units."""
    return json.dumps([c.model_dump(mode="json") for c in comparisons], ensure_ascii=False,
                      indent=2)
