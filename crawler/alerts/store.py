"""The ``alerts`` index: create alerts once (``op_type=create``), track deliveries, list them.

Pending alerts are claimed before a retry (``claimed_ms``, epoch milliseconds, written with
``if_seq_no``), so two crawl runs starting together never both deliver the same pending alert.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from elasticsearch import ConflictError, Elasticsearch

from crawler.index.bulk import BulkWriter
from crawler.index.names import IndexNames

#: A claim older than this is considered abandoned (the process that took it died).
CLAIM_LEASE = timedelta(minutes=5)
CLAIM_FIELD = "claimed_ms"


@dataclass
class CreateResult:
    created: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    """Refused by Elasticsearch: an alert with the same dedup id exists already."""
    failed: list[dict[str, Any]] = field(default_factory=list)
    """Not written (ES unreachable or refused): the caller keeps them in its outbox."""


class AlertStore:
    def __init__(self, client: Elasticsearch, names: IndexNames) -> None:
        self.client = client
        self.names = names
        self.index = names.write_index("alerts")
        self.alias = names.alias("alerts")

    def create(self, docs: Sequence[dict[str, Any]], *, claimed: bool = True) -> CreateResult:
        """Write new alerts; with ``claimed`` they are born claimed by the caller, who delivers."""
        result = CreateResult()
        if not docs:
            return result
        actions = [{"_op_type": "create", "_index": self.index, "_id": doc["alert_id"],
                    "_source": {**doc, **({CLAIM_FIELD: _now_ms()} if claimed else {})}}
                   for doc in docs]
        report = BulkWriter(self.client, max_retries=2).write(actions)
        failed_ids = {f.doc_id: f for f in report.failures}
        for doc in docs:
            failure = failed_ids.get(doc["alert_id"])
            if failure is None:
                result.created.append(doc)
            elif failure.status == 409:
                result.duplicates.append(doc)
            else:
                result.failed.append(doc)
        return result

    def save_deliveries(self, doc: dict[str, Any]) -> None:
        """Store the delivery outcome and release the claim."""
        self.client.update(index=self.index, id=doc["alert_id"], doc={
            "status": doc["status"], "deliveries": doc["deliveries"], CLAIM_FIELD: 0})

    def claim_pending(self, limit: int = 200) -> list[dict[str, Any]]:
        """Pending alerts nobody holds, each claimed for this process (oldest first)."""
        lease_start = _now_ms() - int(CLAIM_LEASE.total_seconds() * 1000)
        result = self.client.search(
            index=self.alias, size=limit, seq_no_primary_term=True, sort=[{"fired_at": "asc"}],
            query={"bool": {"filter": [{"term": {"status": "pending"}}],
                            "must_not": [{"range": {CLAIM_FIELD: {"gte": lease_start}}}]}})
        claimed = []
        for hit in result["hits"]["hits"]:
            try:
                self.client.update(index=hit["_index"], id=hit["_id"], doc={CLAIM_FIELD: _now_ms()},
                                   if_seq_no=hit["_seq_no"], if_primary_term=hit["_primary_term"])
            except ConflictError:
                continue  # another run claimed it between our search and our update
            claimed.append(hit["_source"])
        return claimed

    def search(self, *, since: datetime | None = None, rule: str | None = None,
               pending: bool = False, size: int = 50) -> list[dict[str, Any]]:
        """Newest first, for ``pricewatch alerts``."""
        filters: list[dict[str, Any]] = []
        if since is not None:
            filters.append({"range": {"fired_at": {"gte": since.isoformat()}}})
        if rule:
            filters.append({"term": {"rule": rule}})
        if pending:
            filters.append({"term": {"status": "pending"}})
        result = self.client.search(index=self.alias, size=size, sort=[{"fired_at": "desc"}],
                                    query={"bool": {"filter": filters}})
        return [hit["_source"] for hit in result["hits"]["hits"]]


def _now_ms() -> int:
    return int(time.time() * 1000)
