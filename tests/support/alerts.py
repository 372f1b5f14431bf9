"""Builders for alert tests: listing documents, real ListingChange objects, configs."""

from __future__ import annotations

from typing import Any

from crawler.changes import ListingChange, tracked_changes
from crawler.config import Config


def listing(listing_id: str = "jd:100", **fields: Any) -> dict[str, Any]:
    """A stored listing document (normalized fields) with sensible defaults."""
    platform = listing_id.split(":", 1)[0]
    doc: dict[str, Any] = {
        "listing_id": listing_id, "platform": platform, "item_id": listing_id.split(":")[1],
        "url": f"http://127.0.0.1/{platform}/item/{listing_id.split(':')[1]}",
        "title": "Anker 737 充电宝 PowerCore", "brand": "Anker", "seller_id": "s1",
        "seller_name": "Shop One", "currency": "CNY", "price_minor": 19900,
        "effective_price_minor": 19900, "base_currency": "CNY", "price_base_minor": 19900,
        "effective_price_base_minor": 19900, "availability": "in_stock",
        "product_group_id": "pg-anker-737", "confidence": 1.0, "price_suspect": False,
        "delisted": False, "source": "api",
    }
    doc.update(fields)
    return {k: v for k, v in doc.items() if v is not None}


def price(minor: int, **fields: Any) -> dict[str, Any]:
    """Price fields all set to ``minor`` (CNY, base CNY)."""
    return {"price_minor": minor, "effective_price_minor": minor, "price_base_minor": minor,
            "effective_price_base_minor": minor, **fields}


def change(previous: dict[str, Any] | None, current: dict[str, Any]) -> ListingChange:
    """A ListingChange the way the index step builds one."""
    return ListingChange(current=current, previous=previous,
                         changed_fields=tracked_changes(previous, current))


def alerts_config(rules: list[dict[str, Any]], channels: dict[str, Any] | None = None,
                  **extra: Any) -> Config:
    raw: dict[str, Any] = {"alerts": {"rules": rules, "channels": channels or {}}, **extra}
    return Config.model_validate(raw)
