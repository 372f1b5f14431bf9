"""What happened: the alerts feed and the crawl runs, newest first, a page at a time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from elasticsearch import Elasticsearch

from crawler.index.names import IndexNames
from crawler.search.models import AlertItem, Page, RunItem


def recent_alerts(client: Elasticsearch, names: IndexNames, *, offset: int = 0, limit: int = 50,
                  group_id: str | None = None, listing_id: str | None = None,
                  since: datetime | None = None) -> Page[AlertItem]:
    """Fired alerts, newest first, optionally for one group or listing, or since a moment."""
    filters: list[dict[str, Any]] = []
    if group_id:
        filters.append({"term": {"product_group_id": group_id}})
    if listing_id:
        filters.append({"term": {"listing_id": listing_id}})
    if since:
        filters.append({"range": {"fired_at": {"gte": since.isoformat()}}})
    response = client.search(
        # ignore_unavailable: before the first alert run there may be no alerts index yet.
        index=names.alias("alerts"), ignore_unavailable=True, from_=offset, size=limit,
        track_total_hits=True,
        query={"bool": {"filter": filters}}, sort=[{"fired_at": {"order": "desc"}}])
    return Page[AlertItem](total=response["hits"]["total"]["value"], offset=offset, limit=limit,
                           items=[AlertItem.model_validate(h["_source"])
                                  for h in response["hits"]["hits"]])


def recent_runs(client: Elasticsearch, names: IndexNames, *, offset: int = 0, limit: int = 50,
                status: str | None = None) -> Page[RunItem]:
    """Crawl runs, the latest start first."""
    query = {"bool": {"filter": [{"term": {"status": status}}] if status else []}}
    response = client.search(
        index=names.alias("runs"), ignore_unavailable=True, from_=offset, size=limit,
        track_total_hits=True, query=query,
        sort=[{"started_at": {"order": "desc", "missing": "_last"}}])
    return Page[RunItem](total=response["hits"]["total"]["value"], offset=offset, limit=limit,
                         items=[RunItem.model_validate(h["_source"])
                                for h in response["hits"]["hits"]])
