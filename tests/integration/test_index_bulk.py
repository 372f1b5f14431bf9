"""The bulk writer reports every failed document, and never loses one silently."""

from __future__ import annotations

import socket

import pytest
from elasticsearch import Elasticsearch

from crawler.index.bulk import BulkWriter
from crawler.index.names import IndexNames

pytestmark = pytest.mark.es


def listing_action(names: IndexNames, listing_id: str, **fields: object) -> dict[str, object]:
    doc = {"listing_id": listing_id, "platform": "jd", "item_id": listing_id.split(":")[1],
           "url": f"https://item.jd.com/{listing_id.split(':')[1]}.html", **fields}
    return {"_op_type": "update", "_index": names.alias("listings"), "_id": listing_id,
            "doc": doc, "doc_as_upsert": True}


def test_bad_document_is_reported_and_the_rest_written(es: Elasticsearch,
                                                       es_names: IndexNames) -> None:
    actions = [
        listing_action(es_names, "jd:1", price_minor=129900, currency="CNY"),
        listing_action(es_names, "jd:2", price_minor="not a number", currency="CNY"),
        listing_action(es_names, "jd:3", price_minor=99900, currency="CNY", colour="red"),
        listing_action(es_names, "jd:4", price_minor=5900, currency="CNY"),
    ]
    report = BulkWriter(es, refresh=True).write(actions)

    assert report.succeeded == 2
    failed = {f.doc_id: f for f in report.failures}
    assert set(failed) == {"jd:2", "jd:3"}
    assert failed["jd:2"].status == 400
    assert "price_minor" in failed["jd:2"].error
    assert failed["jd:3"].status == 400
    assert "strict_dynamic_mapping_exception" in failed["jd:3"].error
    assert failed["jd:2"].action is actions[1]  # the caller gets its own document back
    assert es.count(index=es_names.alias("listings"))["count"] == 2


def test_unreachable_cluster_returns_every_document_as_failed() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = Elasticsearch(f"http://127.0.0.1:{port}", max_retries=0, request_timeout=2)
    names = IndexNames("pwtest-nowhere")
    actions = [listing_action(names, f"jd:{i}", price_minor=i) for i in range(5)]
    report = BulkWriter(client, max_retries=0).write(actions)
    assert report.succeeded == 0
    assert report.failed == 5
    assert all(f.connection_failure for f in report.failures)
    assert {f.doc_id for f in report.failures} == {f"jd:{i}" for i in range(5)}
