"""Compare one product group across platforms and sellers: cheapest, spread, our price index.

``compare_group`` sends one ``msearch`` (offers + lookback history) and, when we sell the product,
one ``count`` for our rank. Every number comes from Elasticsearch aggregations; Python only reads
them and subtracts. Definitions: docs/search.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from elasticsearch import Elasticsearch

from crawler.index.names import IndexNames
from crawler.search.basis import basis_from_aggs
from crawler.search.compare_query import LOOKBACKS, lookback_body, offers_body, rank_query
from crawler.search.listings import text_query
from crawler.search.models import Basis, GroupComparison, OfferRow
from crawler.search.money import ratio
from crawler.search.multi import msearch
from crawler.search.pricing import PricingSettings

Point = Mapping[str, Any]


def compare_group(client: Elasticsearch, names: IndexNames, group_id: str,
                  settings: PricingSettings, now: datetime | None = None
                  ) -> GroupComparison | None:
    """The comparison of ``group_id`` as of ``now``; None when no listing has that group."""
    now = now or datetime.now(UTC)
    offers, history = msearch(client, [
        (names.alias("listings"), offers_body(group_id, settings)),
        (names.alias("prices"), lookback_body(group_id, now)),
    ])
    if offers["hits"]["total"]["value"] == 0:
        return None
    aggs = offers["aggregations"]
    counted = aggs["counted"]
    basis = basis_from_aggs(counted["doc_count"], counted, settings.base_currency)
    past = {name: _last_points(history["aggregations"][name]) for name in LOOKBACKS}
    rows = _rows(offers["hits"]["hits"], basis, aggs, past)
    comparison = GroupComparison(
        group_id=group_id, as_of=now, basis=basis, offers=rows,
        counted_offers=counted["doc_count"],
        title=_title(rows), brand=_first_key(aggs["brand"]),
        map_breaches=_bucket_keys(aggs["map"]),
        sales_volume_total=_int(aggs["sales"]["value"]) if aggs["sales_known"]["value"] else None,
        **_map_of(group_id, settings),
    )
    if basis is not None:
        _fill_numbers(comparison, basis, counted, past)
        _fill_rank(comparison, client, names, settings, basis)
    return comparison


def _last_points(agg: Mapping[str, Any]) -> dict[str, Point]:
    return {b["key"]: b["last"]["hits"]["hits"][0]["_source"]
            for b in agg["by_listing"]["buckets"]}


def _bucket_keys(agg: Mapping[str, Any]) -> list[str]:
    return [str(b["key"]) for b in agg["ids"]["buckets"]]


def _first_key(agg: Mapping[str, Any]) -> str | None:
    return str(agg["buckets"][0]["key"]) if agg["buckets"] else None


def _int(value: float | None) -> int | None:
    return None if value is None else int(value)


def _title(rows: list[OfferRow]) -> str | None:
    """The group's title: our own listing's when we sell it, else the first offer's."""
    titled = [r for r in rows if r.title]
    return next((r.title for r in titled if r.is_ours), titled[0].title if titled else None)


def _map_of(group_id: str, settings: PricingSettings) -> dict[str, Any]:
    minor, currency = settings.map_prices.get(group_id, (None, None))
    return {"map_minor": minor, "map_currency": currency}


def _rows(hits: list[dict[str, Any]], basis: Basis | None, aggs: Mapping[str, Any],
          past: Mapping[str, Mapping[str, Point]]) -> list[OfferRow]:
    ours, breaches = set(_bucket_keys(aggs["ours_ids"])), set(_bucket_keys(aggs["map"]))
    return [_row(h["_source"], basis, ours, breaches, past) for h in hits]


def _row(doc: Mapping[str, Any], basis: Basis | None, ours: set[str], breaches: set[str],
         past: Mapping[str, Mapping[str, Point]]) -> OfferRow:
    lid = doc["listing_id"]
    compare = doc.get(basis.field) if basis else None
    then = {name: points.get(lid, {}) for name, points in past.items()}
    return OfferRow.model_validate({
        **{k: doc.get(k) for k in ROW_FIELDS},
        **_discount(doc.get("price_minor"), doc.get("list_price_minor")),
        "is_ours": lid in ours, "map_breach": lid in breaches, "counted": _is_counted(doc),
        "availability": doc.get("availability", "unknown"), "last_seen": doc.get("fetched_at"),
        "compare_minor": compare,
        "change_24h_minor": _change(compare, then["d1"].get(basis.field) if basis else None),
        "change_7d_minor": _change(compare, then["d7"].get(basis.field) if basis else None),
        "sales_volume_7d_ago": then["d7"].get("sales_volume"),
    })


ROW_FIELDS = ("listing_id", "platform", "seller_id", "seller_name", "title", "url", "currency",
              "price_minor", "effective_price_minor", "list_price_minor", "sales_volume")


def _discount(price: int | None, listed: int | None) -> dict[str, Any]:
    """List price - price, and that ÷ list price, when a list price above the price is known."""
    if price is None or listed is None or listed <= price:
        return {}
    return {"discount_minor": listed - price, "discount": ratio(listed - price, listed)}


def _is_counted(doc: Mapping[str, Any]) -> bool:
    """The same rule as ``pricing.COUNTED``, for the row flag."""
    return not (doc.get("delisted") or doc.get("price_suspect")
                or doc.get("availability") == "out_of_stock")


def _change(now_minor: int | None, then_minor: int | None) -> int | None:
    return None if now_minor is None or then_minor is None else now_minor - then_minor


def _fill_numbers(c: GroupComparison, basis: Basis, counted: Mapping[str, Any],
                  past: Mapping[str, Mapping[str, Point]]) -> None:
    f = basis.field
    c.cheapest_minor, c.cheapest_listing_id = _cheapest(counted, f)
    c.highest_minor = _int(counted[f"max_{f}"]["value"])
    if c.cheapest_minor is not None and c.highest_minor is not None:
        c.spread_minor = c.highest_minor - c.cheapest_minor
    c.cheapest_competitor_minor, c.cheapest_competitor_listing_id = \
        _cheapest(counted["competitors"], f)
    c.our_price_minor, c.our_listing_id = _cheapest(counted["ours"], f)
    if c.our_price_minor is not None and c.cheapest_competitor_minor:
        c.price_index = ratio(c.our_price_minor, c.cheapest_competitor_minor)
    c.cheapest_24h_ago_minor = _cheapest_then(past["d1"], f)
    c.cheapest_7d_ago_minor = _cheapest_then(past["d7"], f)
    c.change_24h_minor = _change(c.cheapest_minor, c.cheapest_24h_ago_minor)
    c.change_7d_minor = _change(c.cheapest_minor, c.cheapest_7d_ago_minor)
    known = [r.sales_volume_7d_ago for r in c.offers if r.sales_volume_7d_ago is not None]
    c.sales_volume_7d_ago_total = sum(known) if known else None


def _cheapest(agg: Mapping[str, Any], field: str) -> tuple[int | None, str | None]:
    hits = agg[f"first_{field}"]["hits"]["hits"]
    value = _int(agg[f"min_{field}"]["value"])
    return value, (hits[0]["_source"]["listing_id"] if hits and value is not None else None)


def _cheapest_then(points: Mapping[str, Point], field: str) -> int | None:
    """The lowest counted price among the listings' last points before a lookback moment.

    Core aggregations cannot take "the value at the latest timestamp" per bucket (top_metrics is
    not on this node), so this min runs over the per-listing ``top_hits`` the search returned:
    one value per listing of the group, never over the raw history.
    """
    values = [p[field] for p in points.values()
              if p.get(field) is not None and p.get("availability") != "out_of_stock"
              and not p.get("price_suspect")]
    return min(values) if values else None


def _fill_rank(c: GroupComparison, client: Elasticsearch, names: IndexNames,
               settings: PricingSettings, basis: Basis) -> None:
    if c.our_price_minor is None:
        return
    query = rank_query(c.group_id, settings, basis.field, c.our_price_minor)
    cheaper = client.count(index=names.alias("listings"), query=query)["count"]
    c.our_rank = int(cheaper) + 1


def resolve_groups(client: Elasticsearch, names: IndexNames, text: str, limit: int = 5
                   ) -> list[tuple[str, str | None]]:
    """``GROUP_ID|QUERY`` → candidate (group id, title), best first.

    An exact product group id wins; otherwise the search's best listing per group (field
    collapsing), so ``华为 手机`` finds the groups whose listings match best.
    """
    exact = client.count(index=names.alias("listings"),
                         query={"term": {"product_group_id": text}})["count"]
    if exact:
        return [(text, None)]
    response = client.search(
        index=names.alias("listings"), size=limit, query={"bool": {
            "must": [text_query(text)], "filter": [{"exists": {"field": "product_group_id"}}]}},
        collapse={"field": "product_group_id"},
        source={"includes": ["product_group_id", "title"]})
    return [(h["_source"]["product_group_id"], h["_source"].get("title"))
            for h in response["hits"]["hits"]]
