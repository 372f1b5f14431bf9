"""Shopify storefront answers → records: one record per variant (item = product, variant = variant).

``.js`` money is an integer x100 of the major unit for every currency (JPY too: ``198000`` is
¥1,980); ``products.json`` money is a major-unit string (two decimals, also for JPY). The list
price is ``compare_at_price`` only when it is above the price (a sale). Options: the first is the
colour (``Color``/``カラー``), a second named ``Storage`` is a capacity, else a size. Shopify
shows no stock count, shipping or coupon (null: "Shipping calculated at checkout").
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from crawler.platforms.base import Record
from crawler.platforms.shopify.stores import Store

CAPACITY_NAMES = {"storage", "capacity", "容量", "ストレージ", "speicher", "kapazität"}
COLOR_NAMES = {"color", "colour", "カラー", "色", "farbe", "颜色"}


class Unreadable(ValueError):
    """The answer is not the JSON shape the endpoint documents."""


def loads(body: bytes) -> Any:
    try:
        return json.loads(body, parse_float=Decimal)
    except ValueError as exc:
        raise Unreadable(f"not JSON: {exc}") from exc


def variant_attributes(names: list[str], values: list[Any]) -> dict[str, str]:
    """``{color, capacity|size}`` from the option names and one variant's values."""
    out: dict[str, str] = {}
    for position, (name, value) in enumerate(zip(names, values, strict=False)):
        if value in (None, ""):
            continue
        folded = str(name).strip().lower()
        if folded in COLOR_NAMES or (position == 0 and folded not in CAPACITY_NAMES):
            out["color"] = str(value)
        elif folded in CAPACITY_NAMES:
            out["capacity"] = str(value)
        else:
            out["size"] = str(value)
    return out


def option_names(product: dict[str, Any]) -> list[str]:
    names = []
    for option in product.get("options") or []:
        names.append(str(option.get("name", "")) if isinstance(option, dict) else str(option))
    return names


def js_records(product: dict[str, Any], store: Store) -> list[Record]:
    """``/products/<handle>.js`` → one record per variant (money ÷ 100, any currency)."""
    if not isinstance(product, dict) or not isinstance(product.get("variants"), list):
        raise Unreadable("no product.variants in the .js answer")
    return _records(product, store, cents=True)


def json_records(product: dict[str, Any], store: Store) -> list[Record]:
    """A ``products.json`` product → records (major-unit strings; no barcode)."""
    if not isinstance(product, dict) or not isinstance(product.get("variants"), list):
        raise Unreadable("a products.json product without variants")
    return _records(product, store, cents=False)


def _money(value: Any, cents: bool) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except ArithmeticError as exc:
        raise Unreadable(f"price {value!r} is not a number") from exc
    return amount / 100 if cents else amount


def _records(product: dict[str, Any], store: Store, *, cents: bool) -> list[Record]:
    names = option_names(product)
    handle = product.get("handle") or ""
    records = []
    for variant in product["variants"]:
        price = _money(variant.get("price"), cents)
        regular = _money(variant.get("compare_at_price"), cents)
        values = [variant.get(f"option{n}") for n in (1, 2, 3)]
        record: Record = {
            "item_id": str(product["id"]),
            "variant_id": str(variant["id"]),
            "url": store.product_url(handle) if handle else None,
            "title": product.get("title"),
            "brand": product.get("vendor") or None,
            "sku": variant.get("sku") or None,
            "gtin": (variant.get("barcode") or None) if cents else None,
            "price": price,
            "list_price": regular
            if regular is not None and price is not None and regular > price
            else None,
            "currency": store.currency,
            "locale": store.locale,
            "availability": "in_stock" if variant.get("available") else "out_of_stock",
            "variant_attributes": variant_attributes(names, values),
            "seller_name": store.name,
        }
        records.append({k: v for k, v in record.items() if v is not None})
    return records


def suggested(data: Any) -> list[dict[str, Any]]:
    """``search/suggest.json`` → its products (``id``, ``handle``, ``title``)."""
    try:
        found = data["resources"]["results"]["products"]
    except (KeyError, TypeError) as exc:
        raise Unreadable("no resources.results.products in suggest.json") from exc
    if not isinstance(found, list):
        raise Unreadable("resources.results.products is not a list")
    return [p for p in found if isinstance(p, dict) and p.get("handle")]


def catalog(data: Any) -> list[dict[str, Any]]:
    """``products.json`` → its products."""
    if not isinstance(data, dict) or not isinstance(data.get("products"), list):
        raise Unreadable("no products list in products.json")
    return [p for p in data["products"] if isinstance(p, dict) and "id" in p]
