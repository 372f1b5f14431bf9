"""TOP answers → Listing records: envelopes, TBK item records, ``taobao.item.get`` SKUs.

One record per SKU: ``item_id`` = ``num_iid``, ``variant_id`` = ``sku_id``. Money is a yuan
string (``"96.00"``) → ``Decimal``. Where each field comes from: fixtures/README.md, "Where a
crawler finds each field" (Taobao). The TBK record is item-level: its ``zk_final_price`` is the
lowest current SKU price, so a SKU's current price is known only for a single-SKU item or a SKU
whose regular price equals that lowest price (nothing can be cheaper than the lowest, nor dearer
than the regular price); other SKUs need the product page.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from crawler.items import Availability
from crawler.platforms.base import Answer, ApiError, ErrorKind, Record, money
from crawler.platforms.cn_text import coupon_from_text
from crawler.platforms.taobao.errors import classify, transport_error

CURRENCY, LOCALE = "CNY", "zh_CN"
#: Property names of TOP → the Listing's variant attribute keys (others are kept as named).
VARIANT_KEYS = {"颜色分类": "color", "颜色": "color", "存储容量": "capacity", "尺码": "size"}
BRAND_PROP, MODEL_PROP = "品牌", "型号"


class Malformed(ValueError):
    """The answer cannot be read as the documented envelope."""


def envelope_key(method: str) -> str:
    """§1.5: ``taobao.item.get`` → ``item_get_response``."""
    return method.removeprefix("taobao.").replace(".", "_") + "_response"


def open_envelope(answer: Answer, method: str) -> dict[str, Any] | ApiError:
    """The success object of ``method``'s answer, or the error it carries."""
    try:
        body = json.loads(answer.body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return transport_error(answer) or ApiError(ErrorKind.MALFORMED, "json", f"not JSON: {exc}")
    if not isinstance(body, dict):
        return ApiError(ErrorKind.MALFORMED, "envelope", "the answer is not a JSON object")
    if isinstance(body.get("error_response"), dict):
        return classify(body["error_response"])
    key = envelope_key(method)
    if not isinstance(body.get(key), dict):
        return transport_error(answer) or ApiError(
            ErrorKind.MALFORMED, "envelope", f"no {key} in the answer (keys: {sorted(body)[:5]})"
        )
    return body[key]


def _list(node: Any, *path: str) -> list[Any]:
    """TOP wraps lists in an object named after the element (``results.n_tbk_item[]``)."""
    for key in path:
        if not isinstance(node, dict):
            raise Malformed(f"expected an object at {key!r}")
        node = node.get(key)
        if node is None:
            return []
    if not isinstance(node, list):
        raise Malformed(f"expected a list at {'.'.join(path)}")
    return node


def tbk_records(envelope: Mapping[str, Any], method: str) -> list[dict[str, Any]]:
    """``n_tbk_item`` records of a detail answer, or ``map_data`` of a search answer."""
    if method == "taobao.tbk.dg.material.optional":
        records = _list(envelope, "result_list", "map_data")
    else:
        records = _list(envelope, "results", "n_tbk_item")
    for rec in records:
        if not isinstance(rec, dict) or rec.get("num_iid") in (None, ""):
            raise Malformed(f"an item record without num_iid: {str(rec)[:120]}")
    return records


def _amount(value: Any, name: str) -> Decimal | None:
    try:
        return money(value)
    except (InvalidOperation, ValueError) as exc:
        raise Malformed(f"{name} {value!r} is not an amount") from exc


def coupon(rec: Mapping[str, Any]) -> dict[str, Decimal | None]:
    """``coupon_amount`` from ``coupon_start_fee`` (``"0.00"``: always), else ``coupon_info``."""
    amount = _amount(rec.get("coupon_amount"), "coupon_amount")
    if amount:
        threshold = _amount(rec.get("coupon_start_fee"), "coupon_start_fee")
        return {"coupon_amount": amount, "coupon_threshold": threshold or None}
    parsed = coupon_from_text(rec.get("coupon_info"))
    if parsed is None:
        return {"coupon_amount": None, "coupon_threshold": None}
    return {"coupon_amount": parsed.amount, "coupon_threshold": parsed.threshold}


def item_fields(rec: Mapping[str, Any], url: str) -> Record:
    """What a TBK record says about the whole item (every SKU shares it)."""
    images = [rec["pict_url"]] if rec.get("pict_url") else []
    images += [u for u in _list(rec, "small_images", "string") if isinstance(u, str)]
    fields: Record = {
        "item_id": str(rec["num_iid"]),
        "url": url,
        "title": rec.get("title"),
        "seller_id": str(rec["seller_id"]) if rec.get("seller_id") not in (None, "") else None,
        "seller_name": rec.get("shop_title") or rec.get("nick"),
        "currency": CURRENCY,
        "locale": LOCALE,
        "sales_volume": int(rec["volume"]) if str(rec.get("volume", "")).isdigit() else None,
        "image_urls": images,
        **coupon(rec),
    }
    if rec.get("free_shipment") is True:
        fields["shipping"] = Decimal(0)
    return fields


def item_level_record(rec: Mapping[str, Any], url: str) -> Record:
    """A TBK record alone (no ``taobao.item.get``): item-level prices, variant unknown."""
    fields = item_fields(rec, url)
    price = _amount(rec.get("zk_final_price"), "zk_final_price")
    regular = _amount(rec.get("reserve_price"), "reserve_price")
    fields["price"] = price
    fields["list_price"] = regular if regular is not None and regular != price else None
    return fields


def props(text: str | None) -> dict[str, str]:
    """TOP ``pid:vid:name:value;…`` → {name: value} (a value may itself hold ``:``)."""
    out: dict[str, str] = {}
    for part in (text or "").split(";"):
        pieces = part.split(":", 3)
        if len(pieces) == 4 and pieces[2]:
            out[pieces[2]] = pieces[3]
    return out


def variant_attributes(properties_name: str | None) -> dict[str, str]:
    return {VARIANT_KEYS.get(k, k): v for k, v in props(properties_name).items()}


def sku_record(
    common: Record, sku: Mapping[str, Any], lowest: Decimal | None, single: bool
) -> Record:
    """One SKU: its regular price, stock, barcode, properties; its price when it is certain."""
    if sku.get("sku_id") in (None, ""):
        raise Malformed("a SKU without sku_id")
    regular = _amount(sku.get("price"), "sku.price")
    quantity = sku.get("quantity")
    record: Record = {
        **common,
        "variant_id": str(sku["sku_id"]),
        "gtin": str(sku["barcode"]) if sku.get("barcode") else None,
        "variant_attributes": variant_attributes(sku.get("properties_name")),
    }
    if isinstance(quantity, int) or str(quantity or "").isdigit():
        record["stock_qty"] = int(quantity)  # type: ignore[arg-type]
        record["availability"] = (
            Availability.IN_STOCK if record["stock_qty"] > 0 else Availability.OUT_OF_STOCK
        )
    price = lowest if single or (regular is not None and regular == lowest) else None
    if price is not None:
        record["price"] = price
        record["list_price"] = regular if regular is not None and regular != price else None
    return record


def sku_records(tbk: Mapping[str, Any], item: Mapping[str, Any], url: str) -> list[Record]:
    """``taobao.item.get``'s ``item`` merged with the item's TBK record: one record per SKU."""
    common = item_fields(tbk, url) if tbk else {"item_id": str(item.get("num_iid")), "url": url}
    common.setdefault("title", item.get("title"))
    common.update(currency=CURRENCY, locale=LOCALE)
    named = props(item.get("props_name"))
    common["brand"], common["model"] = named.get(BRAND_PROP), named.get(MODEL_PROP)
    if "shipping" not in common:
        common["shipping"] = _amount(item.get("express_fee") or item.get("post_fee"), "express_fee")
    lowest = _amount(tbk.get("zk_final_price"), "zk_final_price") if tbk else None
    skus = _list(item, "skus", "sku")
    if not skus:  # an item without SKUs sells one thing: the item is the listing
        only = {"sku_id": "-", "price": item.get("price"), "quantity": item.get("num")}
        record = sku_record(common, only, lowest, True)
        return [{**record, "variant_id": None, "gtin": item.get("barcode") or None}]
    return [sku_record(common, sku, lowest, len(skus) == 1) for sku in skus]


#: Facts only the item page shows (TOP has no review count).
PAGE_ONLY_FIELDS = ("review_count",)


def missing_fields(record: Record, page_only: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The fields this record lacks that the product page has (empty: the record is complete).

    A record without a ``variant_id`` key is item-level (TBK only): the page splits it into SKUs.
    ``page_only`` names fields TOP never gives that the caller wants anyway.
    """
    gaps = [name for name in ("price", "shipping", *page_only) if record.get(name) is None]
    if record.get("price") is None:
        gaps.append("list_price")
    if "variant_id" not in record:
        gaps += ["variant_id", "stock_qty", "availability", "gtin", "variant_attributes"]
    return tuple(gaps)
