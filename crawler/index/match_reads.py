"""Reads of the listings index for matching: the fields the Matcher needs, and the review list.

``matching_documents`` scans (one scroll, only the needed ``_source`` fields) every listing that
has a group, so the Matcher starts a crawl knowing every group of earlier runs.
``low_confidence`` returns the listings matched below a confidence, each with one other member of
its group for a side-by-side look (one search plus one ``terms`` aggregation, never per listing).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from elasticsearch import Elasticsearch
from elasticsearch.helpers import scan

from crawler.index.names import IndexNames

MATCH_FIELDS = ["listing_id", "product_group_id", "match_method", "match_confidence", "gtin",
                "brand", "model", "title", "title_clean", "variant_attributes", "category_path"]


def matching_documents(client: Elasticsearch, names: IndexNames,
                       page_size: int = 2000) -> Iterator[dict[str, Any]]:
    """Every grouped listing's matching fields, oldest group first (stable group choice)."""
    query = {"query": {"exists": {"field": "product_group_id"}},
             "_source": MATCH_FIELDS, "sort": [{"listing_id": "asc"}]}
    for hit in scan(client, index=names.alias("listings"), query=query, size=page_size,
                    preserve_order=True):
        yield hit["_source"]


def low_confidence(client: Elasticsearch, names: IndexNames, below: float,
                   limit: int = 50) -> list[dict[str, Any]]:
    """Listings matched with confidence < ``below`` (lowest first), each with ``peer``: the most
    confident other member of its group (None when it is alone)."""
    fields = ["listing_id", "platform", "product_group_id", "match_method", "match_confidence",
              "title", "title_clean", "variant_attributes"]
    found = client.search(
        index=names.alias("listings"), size=limit, source=fields,
        query={"bool": {"filter": [{"range": {"match_confidence": {"lt": below}}},
                                   {"exists": {"field": "product_group_id"}}]}},
        sort=[{"match_confidence": "asc"}, {"listing_id": "asc"}])
    rows = [hit["_source"] for hit in found["hits"]["hits"]]
    groups = sorted({row["product_group_id"] for row in rows})
    peers = _best_members(client, names, groups, fields) if groups else {}
    for row in rows:
        candidates = [p for p in peers.get(row["product_group_id"], [])
                      if p["listing_id"] != row["listing_id"]]
        row["peer"] = candidates[0] if candidates else None
    return rows


def _best_members(client: Elasticsearch, names: IndexNames, groups: list[str],
                  fields: list[str]) -> dict[str, list[dict[str, Any]]]:
    result = client.search(
        index=names.alias("listings"), size=0,
        query={"terms": {"product_group_id": groups}},
        aggs={"groups": {"terms": {"field": "product_group_id", "size": len(groups)},
                         "aggs": {"best": {"top_hits": {
                             "size": 2, "_source": fields,
                             "sort": [{"match_confidence": {"order": "desc", "missing": "_last"}},
                                      {"listing_id": "asc"}]}}}}})
    return {bucket["key"]: [h["_source"] for h in bucket["best"]["hits"]["hits"]]
            for bucket in result["aggregations"]["groups"]["buckets"]}
