"""Records → Listings with provenance; an API record completed from its page; disagreements.

A record is a dict of ``Listing`` field names (see ``crawler.platforms.base.Record``). Keys that
start with ``_`` are the platform's own notes and are dropped; any other unknown key is dropped
and reported, so a typo in a reader shows up in the stats instead of crashing a crawl.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from crawler.items import Availability, Listing, Source, make_listing_id
from crawler.platforms.base import Record

LISTING_FIELDS = frozenset(f.name for f in dataclasses.fields(Listing))

#: Fields compared when both the API and the page give them (extracted values, major units).
CROSS_CHECK_FIELDS = ("price", "list_price", "coupon_amount", "coupon_threshold", "shipping")

#: Set by the framework, never taken from a record.
PROVENANCE = ("listing_id", "platform", "source", "fetched_at", "run_id", "spider", "confidence")


@dataclass(frozen=True)
class Provenance:
    platform: str
    spider: str
    run_id: str | None
    source: Source
    confidence: float = 1.0
    fetched_at: datetime | None = None


@dataclass(frozen=True)
class Disagreement:
    listing_id: str
    field: str
    api: Any
    page: Any

    def as_stat(self) -> dict[str, str]:
        return {"listing_id": self.listing_id, "field": self.field, "api": str(self.api),
                "page": str(self.page)}


def record_key(record: Record) -> tuple[str, str | None]:
    """``(item_id, variant_id)`` of a record, as text."""
    variant = record.get("variant_id")
    return str(record.get("item_id")), None if variant in (None, "") else str(variant)


def listing_id_of(platform: str, record: Record) -> str:
    item_id, variant_id = record_key(record)
    return make_listing_id(platform, item_id, variant_id)


def to_listing(record: Record, prov: Provenance) -> tuple[Listing, list[str]]:
    """The Listing for ``record`` and the unknown keys that were dropped."""
    values = {k: v for k, v in record.items() if k in LISTING_FIELDS and k not in PROVENANCE}
    unknown = sorted(k for k in record if k not in LISTING_FIELDS and not k.startswith("_"))
    values["item_id"] = str(values["item_id"])
    if values.get("variant_id") not in (None, ""):
        values["variant_id"] = str(values["variant_id"])
    listing = Listing(
        **values,
        listing_id=listing_id_of(prov.platform, record),
        platform=prov.platform,
        source=prov.source,
        fetched_at=prov.fetched_at or datetime.now(UTC),
        run_id=prov.run_id,
        spider=prov.spider,
        confidence=min(prov.confidence, float(record.get("confidence", 1.0))),
    )
    return listing, unknown


def complete(api: Record, page: Record) -> Record:
    """The API record with the fields it lacks taken from the page (API values always win)."""
    merged = dict(api)
    for key, value in page.items():
        if _empty(merged.get(key)) and not _empty(value):
            merged[key] = value
    return merged


def disagreements(platform: str, api: Record, page: Record) -> list[Disagreement]:
    """Fields both sides give with different values (money compared as Decimal)."""
    listing_id = listing_id_of(platform, api)
    found = []
    for name in CROSS_CHECK_FIELDS:
        a, p = api.get(name), page.get(name)
        if a is None or p is None:
            continue
        if a != p:
            found.append(Disagreement(listing_id, name, a, p))
    return found


def delisted_record(item_id: str, url: str | None, variant_id: str | None = None) -> Record:
    """A record saying the item is gone (the index keeps its other, last known values; a gone
    item cannot be ordered, so it is out of stock). ``url`` is None when the id has no page
    (the index keeps the stored URL); without ``variant_id`` it concerns every listing of the
    item (the index step marks each of them, ``crawler/indexing/delisted.py``)."""
    return {"item_id": item_id, "variant_id": variant_id, "url": url, "delisted": True,
            "availability": Availability.OUT_OF_STOCK}


def match_page_record(api: Record, page_records: dict[tuple[str, str | None], Record]
                      ) -> Record | None:
    """The page's record for ``api``: same item and variant, or the page's only record."""
    key = record_key(api)
    if key in page_records:
        return page_records.pop(key)
    same_item = [k for k in page_records if k[0] == key[0]]
    if len(same_item) == 1 and (key[1] is None or same_item[0][1] is None):
        return page_records.pop(same_item[0])
    return None


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}
