"""A Listing (or its dict) → the document stored in the ``listings`` index."""

from __future__ import annotations

import dataclasses
import enum
import functools
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from itemadapter import ItemAdapter

from crawler.items import TRANSIENT_FIELDS

#: Fields that describe the current offer as a whole: written even when None, so a promotion or
#: coupon that ended is cleared instead of lingering from an earlier crawl.
OFFER_FIELDS = (
    "list_price_minor", "promo_price_minor", "coupon_minor", "coupon_threshold_minor",
    "shipping_minor", "effective_price_minor", "effective_price_base_minor", "price_base_minor",
    "effective_price_parts",
)


def listing_document(item: Any) -> dict[str, Any]:
    """The JSON-safe stored form: transient fields dropped, unknown (None/empty) values dropped.

    None means "unknown": dropping it keeps an earlier, better-informed value in place on upsert
    (a page fallback without ``stock_qty`` never wipes the API's). The ``OFFER_FIELDS`` are the
    exception: they are always written, null when absent.
    """
    data = item if isinstance(item, Mapping) else _fields(item)
    doc: dict[str, Any] = {}
    for key, value in data.items():
        if key in _TRANSIENT:
            continue
        if value is None or value == [] or value == {}:
            if key in _OFFER:
                doc[key] = None
            continue
        doc[key] = json_safe(value)
    return doc


_TRANSIENT, _OFFER = frozenset(TRANSIENT_FIELDS), frozenset(OFFER_FIELDS)
#: Types stored as they are (exact types: a StrEnum is a str, but is stored as its value).
_PLAIN = frozenset({str, int, bool, float})


def _fields(item: Any) -> Mapping[str, Any]:
    """A dataclass Listing's fields, one level deep (``json_safe`` converts the values).
    ``ItemAdapter.asdict`` asks every nested value whether it is an item: a quarter of the
    pipelines' time in benchmarks/ingest.py."""
    if dataclasses.is_dataclass(item) and not isinstance(item, type):
        return {name: getattr(item, name) for name in _field_names(type(item))}
    return ItemAdapter(item).asdict()


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def json_safe(value: Any) -> Any:
    if type(value) in _PLAIN:
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: pricewatch stores UTC times only")
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return value
