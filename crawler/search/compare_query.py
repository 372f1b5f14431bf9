"""Request bodies of a group comparison: the offers with their aggregations, and the past prices.

Two searches go out in one ``msearch``: the group's listings (rows plus every number the summary
needs, as aggregations) and the group's history (per listing, the last point at or before
now - 24 h and now - 7 d, as ``top_hits`` under a ``terms`` bucket).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from crawler.search.basis import CANDIDATE_FIELDS, basis_aggs
from crawler.search.pricing import COUNTED, MATCH_NONE, PricingSettings

#: Offers shown per group; a bigger group is cut (the summary numbers still cover all of it).
MAX_OFFERS = 500

OFFER_FIELDS = [
    "listing_id", "platform", "seller_id", "seller_name", "title", "brand", "url", "currency",
    "price_minor", "effective_price_minor", "list_price_minor", "price_base_minor",
    "effective_price_base_minor", "base_currency", "availability", "delisted", "price_suspect",
    "fetched_at", "sales_volume",
]
POINT_FIELDS = [*CANDIDATE_FIELDS, "availability", "price_suspect", "sales_volume", "@timestamp"]

#: The past moments a comparison looks back to, by aggregation name.
LOOKBACKS = {"d1": timedelta(hours=24), "d7": timedelta(days=7)}


def _cheapest_aggs() -> dict[str, Any]:
    """Per candidate field: its min and the listing that has it."""
    aggs: dict[str, Any] = {}
    for field in CANDIDATE_FIELDS:
        aggs[f"min_{field}"] = {"min": {"field": field}}
        aggs[f"first_{field}"] = {"top_hits": {
            "size": 1, "sort": [{field: "asc"}, {"listing_id": "asc"}],
            "_source": ["listing_id"]}}
    return aggs


def _ids(size: int = MAX_OFFERS) -> dict[str, Any]:
    return {"ids": {"terms": {"field": "listing_id", "size": size}}}


def offers_body(group_id: str, settings: PricingSettings) -> dict[str, Any]:
    """The group's listings as rows, plus the counted offers' numbers as aggregations."""
    ours = settings.ours_filter()
    counted_aggs = {
        **basis_aggs(),
        **_cheapest_aggs(),
        **{f"max_{f}": {"max": {"field": f}} for f in CANDIDATE_FIELDS},
        "competitors": {"filter": {"bool": {"must_not": [ours]}}, "aggs": _cheapest_aggs()},
        "ours": {"filter": ours, "aggs": _cheapest_aggs()},
    }
    return {
        "query": {"term": {"product_group_id": group_id}},
        "size": MAX_OFFERS,
        "sort": [{"listing_id": "asc"}],
        "_source": OFFER_FIELDS,
        "track_total_hits": True,
        "aggs": {
            "counted": {"filter": COUNTED, "aggs": counted_aggs},
            "ours_ids": {"filter": ours, "aggs": _ids()},
            "map": {"filter": settings.map_breach_filter(group_id) or MATCH_NONE, "aggs": _ids()},
            "sales": {"sum": {"field": "sales_volume"}},
            "sales_known": {"value_count": {"field": "sales_volume"}},
            "brand": {"terms": {"field": "brand", "size": 1}},
        },
    }


def lookback_body(group_id: str, now: datetime) -> dict[str, Any]:
    """Per listing of the group, its last history point at or before each lookback moment."""
    def last_points(until: datetime) -> dict[str, Any]:
        return {
            "filter": {"range": {"@timestamp": {"lte": until.isoformat()}}},
            "aggs": {"by_listing": {
                # "map": a group holds few listings; global ordinals over every listing id of
                # the history would cost more than they save.
                "terms": {"field": "listing_id", "size": MAX_OFFERS, "execution_hint": "map"},
                "aggs": {"last": {"top_hits": {
                    "size": 1, "sort": [{"@timestamp": "desc"}], "_source": POINT_FIELDS}}},
            }},
        }

    return {
        "query": {"term": {"product_group_id": group_id}},
        "size": 0,
        "aggs": {name: last_points(now - delta) for name, delta in LOOKBACKS.items()},
    }


def rank_query(group_id: str, settings: PricingSettings, field: str, our_minor: int
               ) -> dict[str, Any]:
    """Counted competitor offers strictly cheaper than ours (our rank is this count + 1)."""
    return {"bool": {
        "filter": [{"term": {"product_group_id": group_id}}, COUNTED,
                   {"range": {field: {"lt": our_minor}}}],
        "must_not": [settings.ours_filter()],
    }}
