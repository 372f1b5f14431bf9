"""An item-level delisted marker → one marker per stored listing of that item.

A platform's API says "gone" per item (Taobao's ``num_iid``, a Shopify product), while listings
are per variant (``taobao:<num_iid>:<sku_id>``). The router's marker carries the item id and no
variant, so the index step finds the item's stored listings (one search per batch: the node has
no ``_update_by_query``) and writes the marker to each of them. Each copy then goes through the
ordinary upsert: what was known (title, group, seller) stays, availability becomes out of stock
and a history point is written, as for any delisting. A marker whose item has no stored listing is
written as it is (a watched id that is gone is still worth showing).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from elasticsearch import Elasticsearch

from crawler.index.names import IndexNames

#: Hits per search page (an item rarely has more than a few hundred variants).
PAGE_SIZE = 1000


def is_item_marker(doc: dict[str, Any]) -> bool:
    """A "this item is gone" document without a variant (see ``crawler.validate``'s marker)."""
    return (doc.get("delisted") is True and not doc.get("variant_id") and not doc.get("title")
            and doc.get("price_minor") is None and doc.get("price") is None)


def expand_item_markers(client: Elasticsearch, names: IndexNames,
                        documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``documents`` with each item-level marker replaced by one per stored listing of its item.

    Raises the client's ``TransportError`` when Elasticsearch cannot be reached (the caller spools).
    """
    items = {(str(d["platform"]), str(d["item_id"])) for d in documents if is_item_marker(d)}
    if not items:
        return documents
    stored: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for hit in _stored_listings(client, names, items):
        source = hit["_source"]
        stored.setdefault((str(source["platform"]), str(source["item_id"])), []).append(
            {"listing_id": hit["_id"], "variant_id": source.get("variant_id")})
    expanded: list[dict[str, Any]] = []
    for doc in documents:
        listings = stored.get((str(doc.get("platform")), str(doc.get("item_id"))))
        if not is_item_marker(doc) or not listings:
            expanded.append(doc)
            continue
        for listing in listings:
            copy = {**doc, **listing}
            if listing["listing_id"] != doc["listing_id"]:
                copy.pop("url", None)  # a variant keeps its own stored URL
            expanded.append({k: v for k, v in copy.items() if v is not None or k not in listing})
    return expanded


def _stored_listings(client: Elasticsearch, names: IndexNames,
                     items: set[tuple[str, str]]) -> Iterator[dict[str, Any]]:
    """Every stored listing of ``items`` (platform, item id), paged by ``search_after``."""
    query = {"bool": {"should": [
        {"bool": {"filter": [{"term": {"platform": p}}, {"term": {"item_id": i}}]}}
        for p, i in sorted(items)
    ], "minimum_should_match": 1}}
    after: list[Any] | None = None
    while True:
        page = client.search(index=names.alias("listings"), query=query, size=PAGE_SIZE,
                             sort=[{"listing_id": "asc"}], search_after=after,
                             source=["platform", "item_id", "variant_id"])
        hits = page["hits"]["hits"]
        yield from hits
        if len(hits) < PAGE_SIZE:
            return
        after = hits[-1]["sort"]
