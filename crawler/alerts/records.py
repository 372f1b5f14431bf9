"""An admitted candidate as an ``alerts`` document: ids, readable values, the message text."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from crawler.alerts.detect import Candidate

HEADLINES = {
    "price_drop": "Price drop", "price_rise": "Price rise", "price_below": "Below threshold",
    "undercut": "Undercuts our price", "below_map": "Below MAP", "out_of_stock": "Out of stock",
    "back_in_stock": "Back in stock", "new_listing": "New listing", "delisted": "Delisted",
}
#: Fields of an alert a notifier sends (never the whole listing: no internal state leaves).
PUBLIC_FIELDS = ("alert_id", "rule", "rule_type", "listing_id", "product_group_id", "platform",
                 "seller_id", "seller_name", "title", "url", "watch", "fired_at", "run_id",
                 "currency", "old_value", "new_value", "old_minor", "new_minor", "message")


def dedup_key(candidate: Candidate) -> str:
    """Same rule, listing and value → the same key."""
    return f"{candidate.rule.name}|{candidate.listing_id}|{candidate.value_key}"


def alert_id(candidate: Candidate, fired_at: datetime) -> str:
    """The ``_id``: the dedup key within its re-arm period, so ES itself refuses a repeat."""
    rearm = candidate.rule.config.rearm
    period = int(fired_at.timestamp() // rearm) if rearm > 0 else int(fired_at.timestamp() * 1e6)
    return hashlib.sha256(f"{dedup_key(candidate)}|{period}".encode()).hexdigest()[:32]


def alert_doc(candidate: Candidate, *, run_id: str | None, fired_at: datetime) -> dict[str, Any]:
    listing = candidate.listing
    channels = candidate.rule.config.channels
    doc: dict[str, Any] = {
        "alert_id": alert_id(candidate, fired_at),
        "dedup_key": dedup_key(candidate),
        "rule": candidate.rule.name,
        "rule_type": candidate.rule.type,
        "listing_id": candidate.listing_id,
        **{k: listing.get(k) for k in ("product_group_id", "platform", "seller_id",
                                       "seller_name", "title", "url")},
        "watch": candidate.watch,
        "fired_at": fired_at.isoformat(),
        "run_id": run_id,
        "currency": candidate.currency,
        "old_value": candidate.old_value,
        "new_value": candidate.new_value,
        "old_minor": candidate.old_minor,
        "new_minor": candidate.new_minor,
        "message": message(candidate),
        "status": "pending" if channels else "recorded",
        "deliveries": {name: {"status": "pending", "attempts": 0} for name in channels},
    }
    return {k: v for k, v in doc.items() if v is not None}


def message(candidate: Candidate) -> str:
    """One line a person reads (plain text: notifiers escape it for their own format)."""
    listing = candidate.listing
    where = str(listing.get("platform", "?"))
    if listing.get("seller_name") or listing.get("seller_id"):
        where += f", {listing.get('seller_name') or listing.get('seller_id')}"
    title = listing.get("title") or candidate.listing_id
    head = f"{HEADLINES[candidate.rule.type]}: {title} ({where})"
    kind = candidate.rule.type
    if kind == "new_listing":
        price = listing.get("price_minor")
        tail = f"matches saved search '{candidate.watch}'"
        return f"{head}: {tail}" + (f" at {candidate_price(candidate)}" if price else "")
    if kind == "undercut":
        return f"{head}: {candidate.new_value}, ours {candidate.old_value}{_percent(candidate)}"
    if candidate.old_value is not None and candidate.new_value is not None:
        return f"{head}: {candidate.old_value} → {candidate.new_value}{_percent(candidate)}"
    return f"{head}: {candidate.new_value}" if candidate.new_value else head


def candidate_price(candidate: Candidate) -> str:
    from crawler.alerts.rules import format_minor

    listing = candidate.listing
    return str(format_minor(listing.get("price_minor"), listing.get("currency")))


def _percent(candidate: Candidate) -> str:
    old, new = candidate.old_minor, candidate.new_minor
    if not old or new is None:
        return ""
    return f" ({(new - old) * 100 / old:+.1f}%)"


def public(doc: dict[str, Any]) -> dict[str, Any]:
    """What a receiver gets about one alert."""
    return {k: doc[k] for k in PUBLIC_FIELDS if doc.get(k) is not None}
