"""Price history of a listing or a product group: points per platform/seller, and the lows.

Points are ``date_histogram`` buckets of the ``prices`` history (lowest value per interval); the
interval widens with the window so a chart never holds more than ``MAX_POINTS`` per series. Lows
over 30/90/365 days come from ``filters`` + ``min`` + ``top_hits`` in the same ``msearch``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from elasticsearch import Elasticsearch

from crawler.index.names import IndexNames
from crawler.search.basis import CANDIDATE_FIELDS, basis_aggs, basis_from_aggs
from crawler.search.models import Basis, History, HistoryPoint, HistorySeries, Low
from crawler.search.multi import msearch

MAX_POINTS = 500
MAX_SERIES = 200
LOW_WINDOWS = (30, 90, 365)
#: Fixed intervals a chart may use, narrowest first, with their length in seconds.
INTERVALS = (("1m", 60), ("5m", 300), ("15m", 900), ("1h", 3600), ("3h", 10800),
             ("6h", 21600), ("12h", 43200), ("1d", 86400), ("7d", 604800))
#: A point that a buyer could not order at its price does not set a low.
ORDERABLE_POINT = {"bool": {"must_not": [{"term": {"availability": "out_of_stock"}},
                                         {"term": {"price_suspect": True}}]}}
#: Only points with a price say which currency and price a history is drawn in: a delisting
#: point (no price, no currency) must not turn a one-currency listing into a "mixed" one.
PRICED_POINT = {"exists": {"field": "price_minor"}}


def interval_for(days: int) -> str:
    """The narrowest interval that keeps ``days`` within ``MAX_POINTS`` points."""
    span = days * 86400
    return next((name for name, seconds in INTERVALS if span / seconds <= MAX_POINTS),
                INTERVALS[-1][0])


def listing_history(client: Elasticsearch, names: IndexNames, listing_id: str, days: int = 90,
                    now: datetime | None = None, base_currency: str = "CNY") -> History | None:
    """One listing's history over ``days``; None when nothing is known about it."""
    return _history(client, names, "listing", listing_id, days, now, base_currency)


def group_history(client: Elasticsearch, names: IndexNames, group_id: str, days: int = 90,
                  now: datetime | None = None, base_currency: str = "CNY") -> History | None:
    """A product group's history over ``days``, one series per listing (platform/seller)."""
    return _history(client, names, "group", group_id, days, now, base_currency)


def _history(client: Elasticsearch, names: IndexNames, subject: Literal["listing", "group"],
             key: str, days: int, now: datetime | None, base_currency: str) -> History | None:
    now = now or datetime.now(UTC)
    term = {"term": {"listing_id" if subject == "listing" else "product_group_id": key}}
    interval = interval_for(days)
    series, lows, labels = msearch(client, [
        (names.alias("prices"), _series_body(term, now - timedelta(days=days), now, interval)),
        (names.alias("prices"), _lows_body(term, now)),
        (names.alias("listings"), {"query": term, "size": MAX_SERIES, "_source": LABEL_FIELDS}),
    ])
    if not series["hits"]["total"]["value"] and not lows["hits"]["total"]["value"] \
            and not labels["hits"]["hits"]:
        return None
    basis = _basis(series, lows, base_currency)
    by_id = {h["_source"]["listing_id"]: h["_source"] for h in labels["hits"]["hits"]}
    return History(
        subject=subject, id=key, days=days, interval=interval, as_of=now, basis=basis,
        series=[_series(b, basis, by_id) for b in series["aggregations"]["series"]["buckets"]],
        lows=[_low(days_, lows["aggregations"]["windows"]["buckets"][str(days_)], basis)
              for days_ in LOW_WINDOWS],
    )


LABEL_FIELDS = ["listing_id", "platform", "seller_id", "seller_name", "currency"]
POINT_MINS = ("price_minor", "effective_price_minor", "list_price_minor",
              "price_base_minor", "effective_price_base_minor")


def _series_body(term: dict[str, Any], since: datetime, now: datetime, interval: str
                 ) -> dict[str, Any]:
    return {
        "query": {"bool": {"filter": [term, {"range": {"@timestamp": {
            "gte": since.isoformat(), "lte": now.isoformat()}}}]}},
        "size": 0,
        "track_total_hits": True,
        "aggs": {
            "priced": {"filter": PRICED_POINT, "aggs": basis_aggs()},
            "series": {
                "terms": {"field": "listing_id", "size": MAX_SERIES, "execution_hint": "map",
                          "order": {"_key": "asc"}},
                "aggs": {
                    "meta": {"top_hits": {"size": 1, "sort": [{"@timestamp": "desc"}],
                                          "_source": ["platform", "seller_id", "currency"]}},
                    "points": {
                        "date_histogram": {"field": "@timestamp", "fixed_interval": interval,
                                           "min_doc_count": 1},
                        "aggs": {f: {"min": {"field": f}} for f in POINT_MINS},
                    },
                },
            },
        },
    }


def _lows_body(term: dict[str, Any], now: datetime) -> dict[str, Any]:
    windows = {str(d): {"range": {"@timestamp": {
        "gte": (now - timedelta(days=d)).isoformat(), "lte": now.isoformat()}}}
        for d in LOW_WINDOWS}
    lows: dict[str, Any] = {}
    for field in CANDIDATE_FIELDS:
        lows[f"min_{field}"] = {"min": {"field": field}}
        lows[f"first_{field}"] = {"top_hits": {
            "size": 1, "sort": [{field: "asc"}, {"@timestamp": "desc"}],
            "_source": ["listing_id", "@timestamp", "currency"]}}
    return {
        "query": {"bool": {"filter": [term, ORDERABLE_POINT]}},
        "size": 0,
        "track_total_hits": True,
        "aggs": {
            "windows": {"filters": {"filters": windows}, "aggs": lows},
            "all": {"filter": {"bool": {"filter": [windows[str(LOW_WINDOWS[-1])],
                                                   PRICED_POINT]}}, "aggs": basis_aggs()},
        },
    }


def _basis(series: Mapping[str, Any], lows: Mapping[str, Any], base_currency: str
           ) -> Basis | None:
    """The window's basis (over its priced points); a window without any falls back to the
    last 365 days'."""
    priced = series["aggregations"]["priced"]
    if priced["doc_count"]:
        return basis_from_aggs(priced["doc_count"], priced, base_currency)
    year = lows["aggregations"]["all"]
    return basis_from_aggs(year["doc_count"], year, base_currency)


def _series(bucket: Mapping[str, Any], basis: Basis | None,
            labels: Mapping[str, Mapping[str, Any]]) -> HistorySeries:
    meta = bucket["meta"]["hits"]["hits"][0]["_source"]
    label = labels.get(bucket["key"], {})
    base = basis is not None and basis.base
    return HistorySeries(
        listing_id=bucket["key"], platform=meta.get("platform"),
        seller_id=meta.get("seller_id"), seller_name=label.get("seller_name"),
        currency=basis.currency if base and basis else meta.get("currency"),
        points=[_point(p, base) for p in bucket["points"]["buckets"]],
    )


def _point(bucket: Mapping[str, Any], base: bool) -> HistoryPoint:
    def value(field: str) -> int | None:
        found = bucket[field]["value"]
        return None if found is None else int(found)

    return HistoryPoint(
        t=datetime.fromtimestamp(bucket["key"] / 1000, UTC), observations=bucket["doc_count"],
        price_minor=value("price_base_minor" if base else "price_minor"),
        effective_price_minor=value("effective_price_base_minor" if base
                                    else "effective_price_minor"),
        # No list price is converted to the base currency, so a mixed-currency chart lacks it.
        list_price_minor=None if base else value("list_price_minor"),
    )


def _low(days: int, bucket: Mapping[str, Any], basis: Basis | None) -> Low:
    if basis is None or bucket[f"min_{basis.field}"]["value"] is None:
        return Low(days=days)
    first = bucket[f"first_{basis.field}"]["hits"]["hits"][0]["_source"]
    return Low(days=days, minor=int(bucket[f"min_{basis.field}"]["value"]),
               currency=basis.currency, at=first["@timestamp"], listing_id=first["listing_id"])
