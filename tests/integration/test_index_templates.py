"""Templates and indices on a real node: created on an empty node, left alone on one that has
them."""

from __future__ import annotations

import dataclasses

import pytest
from elasticsearch import Elasticsearch

from crawler.index.names import KINDS, SCHEMA_VERSIONS, IndexNames
from crawler.index.templates import LISTING_PROPERTIES, ensure_indices
from crawler.items import TRANSIENT_FIELDS, Listing
from tests.support.es import drop_prefix, fresh_names

pytestmark = pytest.mark.es


@pytest.fixture
def empty_prefix(es: Elasticsearch):
    names = fresh_names()
    yield names
    drop_prefix(es, names)


def test_creates_everything_on_an_empty_node(es: Elasticsearch, empty_prefix: IndexNames) -> None:
    created = ensure_indices(es, empty_prefix)
    assert len(created) == len(KINDS)
    for kind in KINDS:
        template = es.indices.get_index_template(name=empty_prefix.template(kind))
        body = template["index_templates"][0]["index_template"]
        assert body["version"] == SCHEMA_VERSIONS[kind]
        assert es.indices.exists_alias(name=empty_prefix.alias(kind))
    health = es.cluster.health(index=empty_prefix.everything, wait_for_status="yellow",
                               timeout="10s")
    assert health["status"] in ("green", "yellow")


def test_second_start_changes_nothing(es: Elasticsearch, empty_prefix: IndexNames) -> None:
    ensure_indices(es, empty_prefix)
    es.index(index=empty_prefix.alias("listings"), id="jd:1",
             document={"listing_id": "jd:1", "platform": "jd", "item_id": "1", "url": "http://x"},
             refresh=True)
    assert ensure_indices(es, empty_prefix) == []
    assert es.count(index=empty_prefix.alias("listings"))["count"] == 1


def test_title_is_standard_cjk_and_keyword(es: Elasticsearch, es_names: IndexNames) -> None:
    mapping = es.indices.get_mapping(index=es_names.alias("listings"))
    (index_mapping,) = mapping.values()
    title = index_mapping["mappings"]["properties"]["title"]
    assert title["analyzer"] == "standard"
    assert title["fields"]["cjk"]["analyzer"] == "cjk"
    assert title["fields"]["keyword"]["type"] == "keyword"
    assert index_mapping["mappings"]["properties"]["price_minor"]["type"] == "long"


def test_cjk_search_finds_a_chinese_title(es: Elasticsearch, es_names: IndexNames) -> None:
    listings = es_names.alias("listings")
    docs = {
        "jd:1": "华为Mate60 Pro 手机 12GB+512GB 雅丹黑",
        "jd:2": "小米14 Ultra 徕卡光学 手机",
        "jd:3": "华为 FreeBuds Pro 3 无线耳机",
    }
    for doc_id, title in docs.items():
        es.index(index=listings, id=doc_id, document={
            "listing_id": doc_id, "platform": "jd", "item_id": doc_id[3:], "url": "http://x",
            "title": title})
    es.indices.refresh(index=listings)

    def search(text: str) -> list[str]:
        result = es.search(index=listings, query={"match": {"title.cjk": {
            "query": text, "operator": "and"}}})
        return sorted(hit["_id"] for hit in result["hits"]["hits"])

    assert search("华为") == ["jd:1", "jd:3"]
    assert search("华为 手机") == ["jd:1"]
    assert search("手机") == ["jd:1", "jd:2"]
    assert search("苹果") == []


def test_mapping_covers_every_stored_listing_field() -> None:
    stored = {f.name for f in dataclasses.fields(Listing)} - set(TRANSIENT_FIELDS)
    assert stored - set(LISTING_PROPERTIES) == set()
