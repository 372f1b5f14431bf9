"""Store API products → records: one per variation (item = parent id, variant = variation id).

Prices are strings of integers in minor units: divide by ``10 ** currency_minor_unit``
(``"129900"`` with 2 → 1299.00). The list price is ``regular_price`` when above ``price``.
``is_on_backorder`` → preorder; ``stock_availability.text`` ``12 vorrätig`` → stock 12,
``Nicht vorrätig`` → 0. A variation's ``name`` is ``"<parent> - Rot, 43"``: the title is the
parent's ``name``. The Store API never shows the GTIN (the page does).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from crawler.platforms.base import Record
from crawler.platforms.schemaorg import read_stock

COLOR_NAMES = {"farbe", "color", "colour", "couleur", "カラー", "颜色"}
CAPACITY_NAMES = {"kapazität", "capacity", "speicher", "storage", "speicherkapazität"}


class Unreadable(ValueError):
    """The answer is not the JSON shape the route documents."""


def loads(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError as exc:
        raise Unreadable(f"not JSON: {exc}") from exc


def product_list(data: Any) -> list[dict[str, Any]]:
    if not isinstance(data, list) or not all(isinstance(p, dict) and "id" in p for p in data):
        raise Unreadable("expected a JSON list of products with ids")
    return data


def parent_facts(product: dict[str, Any]) -> dict[str, Any]:
    """What every variation's record shares: the parent's id, name, brand, rating, page."""
    brands = product.get("brands") or []
    rating = product.get("average_rating")
    facts: dict[str, Any] = {
        "item_id": str(product["id"]),
        "title": product.get("name"),
        "brand": brands[0].get("name") if brands and isinstance(brands[0], dict) else None,
        "url": product.get("permalink"),
        "category_path": [c["name"] for c in product.get("categories") or [] if c.get("name")],
    }
    if rating not in (None, "") and product.get("review_count"):
        facts.update(
            rating=float(Decimal(str(rating))),
            rating_scale=5.0,
            review_count=int(product["review_count"]),
        )
    return facts


def money(prices: dict[str, Any], key: str) -> Decimal | None:
    raw = prices.get(key)
    if raw in (None, ""):
        return None
    unit = int(prices.get("currency_minor_unit", 2))
    if not re.fullmatch(r"-?\d+", str(raw)):
        raise Unreadable(f"prices.{key} {raw!r} is not an integer string")
    return Decimal(int(raw)).scaleb(-unit)


def attributes(text: str | None) -> dict[str, str]:
    """``Farbe: Rot, Größe: 43`` → ``{color: Rot, size: 43}`` (values as the shop writes them)."""
    out: dict[str, str] = {}
    for part in (text or "").split(", "):
        name, sep, value = part.partition(": ")
        if not sep or not value.strip():
            continue
        key = name.strip().lower()
        slot = "color" if key in COLOR_NAMES else "capacity" if key in CAPACITY_NAMES else "size"
        out[slot] = value.strip()
    return out


def stock(product: dict[str, Any]) -> tuple[str, int | None]:
    """``(availability, stock_qty)`` of a product or variation."""
    line = read_stock((product.get("stock_availability") or {}).get("text"))
    if product.get("is_on_backorder"):
        return "preorder", None
    if not product.get("is_in_stock", True):
        return "out_of_stock", 0
    return "in_stock", line.quantity if line.availability is not None else None


def record(product: dict[str, Any], facts: dict[str, Any], locale: str | None) -> Record:
    """The record of one variation (or of a simple product, ``facts`` being its own)."""
    prices = product.get("prices")
    if not isinstance(prices, dict):
        raise Unreadable(f"product {product.get('id')} has no prices object")
    price, regular = money(prices, "price"), money(prices, "regular_price")
    availability, quantity = stock(product)
    is_variation = product.get("type") == "variation" or product.get("parent")
    out: Record = {
        **facts,
        "variant_id": str(product["id"]) if is_variation else None,
        "sku": product.get("sku") or None,
        "price": price,
        "list_price": regular if price is not None and regular and regular > price else None,
        "currency": prices.get("currency_code"),
        "locale": locale,
        "availability": availability,
        "stock_qty": quantity,
        "variant_attributes": attributes(product.get("variation")) if is_variation else None,
    }
    return {k: v for k, v in out.items() if v not in (None, "", [], {})}
