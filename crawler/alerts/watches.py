"""Saved searches ("watches") and which new listings they match: one ``_msearch`` per batch.

This node has no percolator module, so a watch is a stored query document in the ``watches``
index (the query DSL in a non-indexed object field, plus its readable text), and each batch of new
listings is matched by one ``_msearch``: per watch, its query AND an ``ids`` filter of the batch's
new listing ids, against the listings alias. ``WatchMatcher`` is the seam: a percolator-backed
matcher (``percolate`` query over the batch's documents) can replace ``MsearchWatchMatcher`` where
the module exists. See docs/alerts.md.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from elasticsearch import Elasticsearch, NotFoundError

from crawler.errors import PricewatchError
from crawler.index.names import IndexNames

logger = logging.getLogger(__name__)

#: Title-like fields a watch's text is searched in (standard and cjk analyzers).
TEXT_FIELDS = ("title", "title.cjk", "title_clean", "title_clean.cjk", "brand.text", "model")
FILTER_FIELDS = {"platforms": "platform", "brands": "brand", "sellers": "seller_id",
                 "product_groups": "product_group_id", "availability": "availability"}


class WatchNotFound(PricewatchError):
    """No saved search has that name."""


@dataclass
class Watch:
    """A saved search: readable text and filters, and the query DSL built from them."""

    name: str
    text: str
    filters: dict[str, Any] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    query: dict[str, Any] = field(default_factory=dict)
    created_at: str | None = None


class WatchMatcher(Protocol):
    """Which of these (new, already indexed) listings each watch matches."""

    def match(self, listing_ids: Sequence[str]) -> dict[str, list[str]]:
        """listing_id → names of the watches it matches (only listings that match any)."""
        ...


def build_query(text: str, filters: dict[str, Any]) -> dict[str, Any]:
    """The query DSL a watch stores: all words of ``text`` in the title, plus exact filters."""
    clauses: list[dict[str, Any]] = []
    if text.strip():
        clauses.append({"simple_query_string": {"query": text, "fields": list(TEXT_FIELDS),
                                                "default_operator": "and"}})
    for key, es_field in FILTER_FIELDS.items():
        if filters.get(key):
            clauses.append({"terms": {es_field: list(filters[key])}})
    if filters.get("max_price_base_minor") is not None:
        ceiling = int(filters["max_price_base_minor"])
        clauses.append({"range": {"price_base_minor": {"lte": ceiling}}})
    return {"bool": {"filter": clauses}} if clauses else {"match_all": {}}


class WatchStore:
    """Create, list and remove watches in the ``watches`` index (``_id`` = the watch's name)."""

    def __init__(self, client: Elasticsearch, names: IndexNames) -> None:
        self.client = client
        self.names = names

    def add(self, name: str, text: str, filters: dict[str, Any] | None = None,
            tags: Sequence[str] = ()) -> Watch:
        filters = {k: v for k, v in (filters or {}).items() if v not in (None, [], ())}
        watch = Watch(name=name, text=text, filters=filters, tags=list(tags),
                      query=build_query(text, filters),
                      created_at=datetime.now(UTC).isoformat())
        self.client.index(index=self.names.write_index("watches"), id=name, refresh="wait_for",
                          document={"watch_id": name, **watch.__dict__})
        return watch

    def list(self) -> list[Watch]:
        result = self.client.search(index=self.names.alias("watches"), size=1000,
                                    sort=[{"name": "asc"}])
        return [_watch(hit["_source"]) for hit in result["hits"]["hits"]]

    def remove(self, name: str) -> None:
        try:
            self.client.delete(index=self.names.write_index("watches"), id=name, refresh="wait_for")
        except NotFoundError as exc:
            raise WatchNotFound(f"no saved search named {name!r}",
                                "see `pricewatch alerts watch list`") from exc


class MsearchWatchMatcher:
    """``WatchMatcher`` over stored queries: one ``_msearch`` per batch (no percolator needed)."""

    def __init__(self, client: Elasticsearch, names: IndexNames, *, cache_seconds: float = 30.0,
                 refresh: bool = True) -> None:
        self.store = WatchStore(client, names)
        self.client = client
        self.names = names
        self.cache_seconds = cache_seconds
        self.refresh = refresh
        self._cached: tuple[float, list[Watch]] | None = None

    def watches(self) -> list[Watch]:
        if self._cached is None or time.monotonic() - self._cached[0] > self.cache_seconds:
            self._cached = (time.monotonic(), self.store.list())
        return self._cached[1]

    def match(self, listing_ids: Sequence[str]) -> dict[str, list[str]]:
        watches = self.watches()
        if not listing_ids or not watches:
            return {}
        if self.refresh:  # the batch was just written: make it searchable before asking
            self.client.indices.refresh(index=self.names.alias("listings"))
        searches: list[dict[str, Any]] = []
        for watch in watches:
            searches.append({"index": self.names.alias("listings")})
            only_batch = {"ids": {"values": list(listing_ids)}}
            searches.append({"query": {"bool": {"filter": [watch.query, only_batch]}},
                             "size": len(listing_ids), "_source": False})
        responses = self.client.msearch(searches=searches)["responses"]
        matches: dict[str, list[str]] = {}
        for watch, response in zip(watches, responses, strict=True):
            if "error" in response:  # one broken stored query must not hide the others
                logger.error("watch %(name)s failed: %(error)s",
                             {"name": watch.name, "error": response["error"]})
                continue
            for hit in response["hits"]["hits"]:
                matches.setdefault(hit["_id"], []).append(watch.name)
        return matches


def _watch(source: dict[str, Any]) -> Watch:
    return Watch(name=source["name"], text=source.get("text", ""),
                 filters=source.get("filters") or {}, tags=source.get("tags") or [],
                 query=source.get("query") or {"match_all": {}},
                 created_at=source.get("created_at"))
