"""When a listing earns a price-history point, and what the point holds."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from crawler.changes import TRACKED_FIELDS

#: Listing fields copied into every history point.
POINT_FIELDS = (
    "listing_id", "platform", "seller_id", "product_group_id", "currency", "price_minor",
    "list_price_minor", "promo_price_minor", "coupon_minor", "coupon_threshold_minor",
    "shipping_minor", "effective_price_minor", "price_base_minor", "effective_price_base_minor",
    "base_currency", "availability", "sales_volume", "source", "run_id", "price_suspect",
)


def history_reasons(previous: dict[str, Any] | None, current: dict[str, Any],
                    observed_at: datetime, daily_every: timedelta | None) -> list[str]:
    """Why a point is due: the tracked fields that changed, ``first`` or ``daily``; [] if none."""
    if previous is None:
        return ["first"]
    changed = [name for name in TRACKED_FIELDS if previous.get(name) != current.get(name)]
    if changed:
        return changed
    last = previous.get("last_history_at")
    if daily_every is not None and last and observed_at - _parse(last) >= daily_every:
        return ["daily"]
    return []


def history_point(current: dict[str, Any], observed_at: datetime,
                  reasons: list[str]) -> dict[str, Any]:
    point = {name: current[name] for name in POINT_FIELDS if current.get(name) is not None}
    point["@timestamp"] = observed_at.isoformat()
    point["changed"] = reasons
    return point


def point_id(listing_id: str, observed_at: datetime) -> str:
    """Deterministic id: replaying the same observation (spool, retry) never adds a second point."""
    return hashlib.sha1(f"{listing_id}|{observed_at.isoformat()}".encode()).hexdigest()


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value)
