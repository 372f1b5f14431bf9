"""Versioned index templates and mappings, and their idempotent creation at start-up.

Every kind has a composable index template (``<prefix>-<kind>-template``) over
``<prefix>-<kind>-v*`` that carries the mapping and the reader alias, so the same call works on the
embedded node and on an external 8.x/9.x cluster. Mappings are documented in docs/index-mappings.md.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from elasticsearch import Elasticsearch
from elasticsearch import exceptions as es_exceptions

from crawler.index.names import KINDS, SCHEMA_VERSIONS, IndexNames

logger = logging.getLogger(__name__)

KEYWORD = {"type": "keyword"}
LONG = {"type": "long"}
INTEGER = {"type": "integer"}
FLOAT = {"type": "float"}
BOOLEAN = {"type": "boolean"}
DATE = {"type": "date"}
STORED_ONLY = {"type": "keyword", "index": False, "doc_values": False}


def text_with_cjk(keyword_limit: int = 512) -> dict[str, Any]:
    """Chinese and English text: standard analyzer, a ``cjk`` bigram sub-field, a keyword."""
    return {
        "type": "text",
        "analyzer": "standard",
        "fields": {
            "cjk": {"type": "text", "analyzer": "cjk"},
            "keyword": {"type": "keyword", "ignore_above": keyword_limit},
        },
    }


def keyword_with_text() -> dict[str, Any]:
    """An exact-match keyword (facets, filters) that can also be searched as words."""
    return {
        "type": "keyword",
        "ignore_above": 256,
        "fields": {"text": {"type": "text", "analyzer": "standard"},
                   "cjk": {"type": "text", "analyzer": "cjk"}},
    }


MONEY_FIELDS = (
    "price_minor",
    "list_price_minor",
    "promo_price_minor",
    "coupon_minor",
    "coupon_threshold_minor",
    "shipping_minor",
    "effective_price_minor",
    "price_base_minor",
    "effective_price_base_minor",
)

LISTING_PROPERTIES: dict[str, Any] = {
    "listing_id": KEYWORD,
    "platform": KEYWORD,
    "item_id": KEYWORD,
    "variant_id": KEYWORD,
    "url": {"type": "keyword", "ignore_above": 2048},
    "canonical_url": {"type": "keyword", "ignore_above": 2048},
    "title": text_with_cjk(),
    "title_clean": text_with_cjk(),
    "brand": keyword_with_text(),
    "model": KEYWORD,
    "sku": KEYWORD,
    "gtin": KEYWORD,
    "category_path": keyword_with_text(),
    "variant_attributes": {"type": "object", "dynamic": True},
    "image_urls": STORED_ONLY,
    "seller_id": KEYWORD,
    "seller_name": keyword_with_text(),
    "currency": KEYWORD,
    **{name: LONG for name in MONEY_FIELDS},
    "effective_price_parts": KEYWORD,
    "base_currency": KEYWORD,
    "fx_rate": KEYWORD,
    "fx_date": DATE,
    "availability": KEYWORD,
    "stock_qty": INTEGER,
    "delisted": BOOLEAN,
    "sales_volume": LONG,
    "rating": FLOAT,
    "rating_scale": FLOAT,
    "review_count": INTEGER,
    "product_group_id": KEYWORD,
    "match_method": KEYWORD,
    "match_confidence": FLOAT,
    "source": KEYWORD,
    "fetched_at": DATE,
    "run_id": KEYWORD,
    "spider": KEYWORD,
    "confidence": FLOAT,
    "warnings": KEYWORD,
    "price_suspect": BOOLEAN,
    # Written by the index step, not the spiders:
    "first_seen": DATE,
    "last_changed": DATE,
    "last_history_at": DATE,
    "held_price_minor": LONG,
}

PRICE_PROPERTIES: dict[str, Any] = {
    "@timestamp": DATE,
    "listing_id": KEYWORD,
    "platform": KEYWORD,
    "seller_id": KEYWORD,
    "product_group_id": KEYWORD,
    "currency": KEYWORD,
    **{name: LONG for name in MONEY_FIELDS},
    "base_currency": KEYWORD,
    "availability": KEYWORD,
    "sales_volume": LONG,
    "source": KEYWORD,
    "run_id": KEYWORD,
    "changed": KEYWORD,
    "price_suspect": BOOLEAN,
}

REJECT_PROPERTIES: dict[str, Any] = {
    "@timestamp": DATE,
    "reason": KEYWORD,
    "detail": {"type": "text"},
    "field": KEYWORD,
    "spider": KEYWORD,
    "platform": KEYWORD,
    "listing_id": KEYWORD,
    "url": {"type": "keyword", "ignore_above": 2048},
    "run_id": KEYWORD,
    "source": KEYWORD,
    "raw_excerpt": {"type": "text", "index": False},
    "es_error": {"type": "text", "index": False},
}

RUN_PROPERTIES: dict[str, Any] = {
    "run_id": KEYWORD,
    "job": KEYWORD,
    "spiders": KEYWORD,
    "status": KEYWORD,
    "started_at": DATE,
    "ended_at": DATE,
    "duration_seconds": FLOAT,
    "counts": {"type": "object", "dynamic": True},
    "fallbacks": LONG,
    "disagreements": LONG,
    "errors": {"type": "text"},
    "stats": {"type": "object", "enabled": False},
}

ALERT_PROPERTIES: dict[str, Any] = {
    "alert_id": KEYWORD,
    "dedup_key": KEYWORD,
    "rule": KEYWORD,
    "rule_type": KEYWORD,
    "listing_id": KEYWORD,
    "product_group_id": KEYWORD,
    "platform": KEYWORD,
    "seller_id": KEYWORD,
    "title": text_with_cjk(),
    "fired_at": DATE,
    "run_id": KEYWORD,
    "currency": KEYWORD,
    "old_value": KEYWORD,
    "new_value": KEYWORD,
    "old_minor": LONG,
    "new_minor": LONG,
    "message": {"type": "text"},
    "status": KEYWORD,
    "deliveries": {"type": "object", "dynamic": True},
}

WATCH_PROPERTIES: dict[str, Any] = {
    "watch_id": KEYWORD,
    "name": KEYWORD,
    "text": {"type": "text"},
    "filters": {"type": "object", "enabled": False},
    "query": {"type": "object", "enabled": False},
    "tags": KEYWORD,
    "created_at": DATE,
}

PROPERTIES: dict[str, dict[str, Any]] = {
    "listings": LISTING_PROPERTIES,
    "prices": PRICE_PROPERTIES,
    "rejects": REJECT_PROPERTIES,
    "runs": RUN_PROPERTIES,
    "alerts": ALERT_PROPERTIES,
    "watches": WATCH_PROPERTIES,
}

#: Kinds whose documents must match the mapping exactly: a field nobody mapped is a bug to surface.
STRICT_KINDS = {"listings", "prices"}


def mapping(kind: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "dynamic": "strict" if kind in STRICT_KINDS else True,
        "date_detection": False,
        "properties": PROPERTIES[kind],
        "_meta": {"pricewatch_schema_version": SCHEMA_VERSIONS[kind]},
    }
    if kind == "listings":
        # variant_attributes keys (color, capacity, size, ...) are exact values, never prose.
        body["dynamic_templates"] = [{
            "variant_attributes_as_keywords": {
                "path_match": "variant_attributes.*",
                "mapping": {"type": "keyword", "ignore_above": 128},
            }
        }]
    if kind in ("runs", "alerts"):
        body["dynamic_templates"] = [{
            "counts_as_longs": {"path_match": "counts.*", "mapping": {"type": "long"}}
        }]
    return body


def template_body(names: IndexNames, kind: str) -> dict[str, Any]:
    return {
        "index_patterns": [names.pattern(kind)],
        "priority": 200,
        "version": SCHEMA_VERSIONS[kind],
        "_meta": {"managed_by": "pricewatch", "kind": kind},
        "template": {
            "settings": {
                "number_of_shards": 1,
                # 0 replicas on one node (green health), 1 as soon as a second node can hold it.
                "auto_expand_replicas": "0-1",
                "refresh_interval": "1s",
            },
            "mappings": mapping(kind),
            "aliases": {names.alias(kind): {}},
        },
    }


def put_templates(client: Elasticsearch, names: IndexNames) -> None:
    """Create or update every template (idempotent; run at every start)."""
    for kind in KINDS:
        client.indices.put_index_template(name=names.template(kind), **template_body(names, kind))


def ensure_indices(client: Elasticsearch, names: IndexNames,
                   now: datetime | None = None) -> list[str]:
    """Templates plus the current indices behind each alias; returns the indices it created."""
    put_templates(client, names)
    now = now or datetime.now(UTC)
    created = []
    for kind in KINDS:
        index = names.write_index(kind, now)
        if _create_if_missing(client, index):
            created.append(index)
    return created


def ensure_index_for(client: Elasticsearch, names: IndexNames, kind: str, when: datetime) -> str:
    """The write index of ``kind`` for ``when``, created if missing (history rolls monthly)."""
    index = names.write_index(kind, when)
    _create_if_missing(client, index)
    return index


def _create_if_missing(client: Elasticsearch, index: str) -> bool:
    if client.indices.exists(index=index):
        return False
    try:
        client.indices.create(index=index)
    except es_exceptions.BadRequestError as exc:
        if exc.error == "resource_already_exists_exception":  # created concurrently: fine
            return False
        raise
    logger.info("created index %(index)s", {"index": index})
    return True
