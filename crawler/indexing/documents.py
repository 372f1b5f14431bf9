"""A Listing (or its dict) → the document stored in the ``listings`` index."""

from __future__ import annotations

import dataclasses
import enum
import functools
from collections.abc import Iterable, Mapping
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
    doc: dict[str, Any] = {}
    for key, value in _pairs(item):
        if key in _TRANSIENT:
            continue
        if type(value) in _PLAIN:  # most values: stored as they are (the hot path)
            doc[key] = value
        elif value is None or (isinstance(value, (list, dict)) and not value):
            if key in _OFFER:
                doc[key] = None
        else:
            doc[key] = json_safe(value)
    return doc


_TRANSIENT, _OFFER = frozenset(TRANSIENT_FIELDS), frozenset(OFFER_FIELDS)
#: Types stored as they are (exact types: a StrEnum is a str, but is stored as its value).
_PLAIN = frozenset({str, int, bool, float})


def _pairs(item: Any) -> Iterable[tuple[str, Any]]:
    """(field, value) of a mapping or of a dataclass Listing, one level deep (``json_safe``
    converts the values). ``ItemAdapter.asdict`` asks every nested value whether it is an item:
    a quarter of the pipelines' time in benchmarks/ingest.py; reading the instance ``__dict__``
    spares a ``getattr`` per field."""
    if isinstance(item, Mapping):
        return item.items()
    if dataclasses.is_dataclass(item) and not isinstance(item, type) and hasattr(item, "__dict__"):
        names = _stored_field_names(type(item))
        return zip(names, map(vars(item).__getitem__, names), strict=True)
    return ItemAdapter(item).asdict().items()  # anything else, a slotted dataclass included


@functools.cache
def _stored_field_names(cls: type) -> tuple[str, ...]:
    """The dataclass's fields a document keeps (transient ones never are)."""
    return tuple(f.name for f in dataclasses.fields(cls) if f.name not in _TRANSIENT)


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
        return {str(k): v if type(v) in _PLAIN else json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [v if type(v) in _PLAIN else json_safe(v) for v in value]
    return value
