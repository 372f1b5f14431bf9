"""Search listings in Chinese and English, with facets by platform, brand, seller, availability.

Facet filters go into ``post_filter`` and into every *other* facet's filter aggregation, so a
facet's counts show what choosing one of its values would give (standard faceted search).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from elasticsearch import Elasticsearch

from crawler.index.names import IndexNames
from crawler.search.models import FacetBucket, ListingDoc, ListingHit, Page, SearchPage
from crawler.search.money import to_minor
from crawler.search.params import ORDERABLE, SearchParams, Sort

HIT_FIELDS = list(ListingHit.model_fields)
FACET_SIZE = 20

#: Chinese is matched on the cjk bigram sub-fields, English and single characters on the
#: standard ones; both must contain every word (operator "and") so 华为 手机 stays precise.
CJK_FIELDS = ["title.cjk^3", "title_clean.cjk^2", "brand.cjk^2", "seller_name.cjk",
              "category_path.cjk"]
STANDARD_FIELDS = ["title^2", "title_clean", "brand.text^2", "seller_name.text",
                   "category_path.text"]


def text_query(q: str) -> dict[str, Any]:
    """The scoring part: words in titles, brand, seller, category; exact ids score highest."""
    if not q:
        return {"match_all": {}}
    return {"bool": {"minimum_should_match": 1, "should": [
        {"multi_match": {"query": q, "fields": CJK_FIELDS, "operator": "and"}},
        {"multi_match": {"query": q, "fields": STANDARD_FIELDS, "type": "cross_fields",
                         "operator": "and"}},
        {"term": {"listing_id": {"value": q, "boost": 10}}},
        {"term": {"gtin": {"value": q, "boost": 10}}},
        {"term": {"model": {"value": q, "case_insensitive": True, "boost": 5}}},
        {"term": {"product_group_id": {"value": q, "boost": 5}}},
    ]}}


def price_filter(params: SearchParams, base_currency: str) -> list[dict[str, Any]]:
    """``--min/--max-price`` on ``price_minor`` of ``--currency``, else on the base price."""
    currency = params.currency or base_currency
    field = "price_minor" if params.currency else "price_base_minor"
    bounds = {op: to_minor(value, currency)
              for op, value in (("gte", params.min_price), ("lte", params.max_price))
              if value is not None}
    filters: list[dict[str, Any]] = [{"range": {field: bounds}}] if bounds else []
    if params.currency:
        filters.append({"term": {"currency": params.currency}})
    return filters


def facet_filters(params: SearchParams) -> dict[str, dict[str, Any]]:
    """The chosen value(s) of each facet as a filter, by facet name."""
    chosen: dict[str, dict[str, Any]] = {}
    if params.platform:
        chosen["platform"] = {"terms": {"platform": params.platform}}
    if params.brand:
        chosen["brand"] = {"bool": {"minimum_should_match": 1, "should": [
            {"term": {"brand": {"value": b, "case_insensitive": True}}} for b in params.brand]}}
    if params.seller:
        chosen["seller"] = {"terms": {"seller_id": params.seller}}
    wanted = [a.value for a in params.availability] or (list(ORDERABLE) if params.in_stock else [])
    if params.in_stock and params.availability:
        wanted = [a for a in wanted if a in ORDERABLE]
    if params.availability or params.in_stock:
        chosen["availability"] = {"terms": {"availability": wanted}}
    return chosen


FACET_AGGS: dict[str, dict[str, Any]] = {
    "platform": {"terms": {"field": "platform", "size": FACET_SIZE}},
    "brand": {"terms": {"field": "brand", "size": FACET_SIZE}},
    "seller": {"terms": {"field": "seller_id", "size": FACET_SIZE},
               "aggs": {"name": {"terms": {"field": "seller_name", "size": 1}}}},
    "availability": {"terms": {"field": "availability", "size": 10}},
}


def facet_aggs(chosen: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Each facet counted under every other facet's choice (but not its own)."""
    aggs = {}
    for name, agg in FACET_AGGS.items():
        others = [f for other, f in chosen.items() if other != name]
        aggs[name] = {"filter": {"bool": {"filter": others}}, "aggs": {"values": agg}}
    return aggs


SORTS: dict[Sort, list[Any]] = {
    Sort.RELEVANCE: ["_score", {"fetched_at": {"order": "desc", "missing": "_last"}}],
    Sort.UPDATED: [{"fetched_at": {"order": "desc", "missing": "_last"}}],
}


def sort_clause(params: SearchParams) -> list[Any]:
    if params.sort in SORTS:
        return [*SORTS[params.sort], {"listing_id": "asc"}]
    field = "price_minor" if params.currency else "price_base_minor"
    order = "asc" if params.sort is Sort.PRICE else "desc"
    return [{field: {"order": order, "missing": "_last"}}, {"listing_id": "asc"}]


def search_body(params: SearchParams, base_currency: str) -> dict[str, Any]:
    """The whole request body (exposed for tests and the benchmark)."""
    chosen = facet_filters(params)
    return {
        "query": {"bool": {
            "must": [text_query(params.q)],
            "filter": price_filter(params, base_currency),
            "must_not": [{"term": {"delisted": True}}],
        }},
        "post_filter": {"bool": {"filter": list(chosen.values())}},
        "aggs": facet_aggs(chosen),
        "sort": sort_clause(params),
        "from": params.offset,
        "size": params.limit,
        "track_total_hits": True,
        "_source": HIT_FIELDS,
    }


def search_listings(client: Elasticsearch, names: IndexNames, params: SearchParams,
                    base_currency: str = "CNY") -> SearchPage:
    """Listings matching ``params`` (delisted ones left out), with facet counts."""
    response = client.search(index=names.alias("listings"), **search_body(params, base_currency))
    return SearchPage(
        query=params.q,
        total=response["hits"]["total"]["value"],
        offset=params.offset,
        limit=params.limit,
        hits=[_hit(h) for h in response["hits"]["hits"]],
        facets={name: _buckets(name, response["aggregations"][name]["values"]["buckets"])
                for name in FACET_AGGS},
    )


def _hit(hit: dict[str, Any]) -> ListingHit:
    return ListingHit.model_validate({**hit["_source"], "score": hit.get("_score")})


def _buckets(name: str, buckets: list[dict[str, Any]]) -> list[FacetBucket]:
    def label(bucket: dict[str, Any]) -> str:
        names = bucket.get("name", {}).get("buckets", [])
        return str(names[0]["key"]) if names else str(bucket["key"])

    return [FacetBucket(key=str(b["key"]), label=label(b), count=b["doc_count"]) for b in buckets]


def get_listing(client: Elasticsearch, names: IndexNames, listing_id: str) -> ListingDoc | None:
    """The stored listing, or None (a search: ``get`` needs an index, readers use the alias)."""
    response = client.search(index=names.alias("listings"), size=1,
                             query={"term": {"listing_id": listing_id}})
    hits = response["hits"]["hits"]
    return ListingDoc.model_validate(hits[0]["_source"]) if hits else None


def stale_listings(client: Elasticsearch, names: IndexNames, *, now: datetime,
                   older_than: timedelta, offset: int = 0, limit: int = 50) -> Page[ListingHit]:
    """Listings not fetched since ``now - older_than`` (and not delisted), the stalest first."""
    response = client.search(
        index=names.alias("listings"), from_=offset, size=limit, track_total_hits=True,
        query={"bool": {"filter": [{"range": {"fetched_at": {"lt": now - older_than}}}],
                        "must_not": [{"term": {"delisted": True}}]}},
        sort=[{"fetched_at": "asc"}, {"listing_id": "asc"}], source={"includes": HIT_FIELDS})
    return Page[ListingHit](total=response["hits"]["total"]["value"], offset=offset, limit=limit,
                            items=[_hit(h) for h in response["hits"]["hits"]])
