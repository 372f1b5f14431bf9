"""Test helpers for Elasticsearch: a private index prefix per test, removed afterwards."""

from __future__ import annotations

import uuid

from elasticsearch import Elasticsearch

from crawler.index.names import KINDS, IndexNames


def fresh_names() -> IndexNames:
    return IndexNames(f"pwtest-{uuid.uuid4().hex[:10]}")


def drop_prefix(client: Elasticsearch, names: IndexNames) -> None:
    """Delete every index and template under ``names.prefix`` (by name: no wildcard deletes)."""
    indices = list(client.indices.get(index=names.everything, expand_wildcards="all"))
    if indices:
        client.indices.delete(index=indices)
    for kind in KINDS:
        client.options(ignore_status=404).indices.delete_index_template(name=names.template(kind))
