"""DDK answers → Listing records (platform-apis.md §3.4; fixtures/README.md, "PDD").

Money is integer **fen** → ``Decimal`` yuan. ``min_group_price`` (the group-buy price) is the
price; ``min_normal_price`` (buying alone) is the list price when it differs. The coupon is
``coupon_discount`` off from ``coupon_min_order_amount`` (0 = unconditional) when ``has_coupon``.
``sales_tip`` is text (``4567``, ``1.2万``, ``10万+``). Stock, shipping, model and the variant's
attributes are not in DDK answers: those records are incomplete until the page completes them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from crawler.platforms.base import Answer, ApiError, ErrorKind, Record
from crawler.platforms.cn_text import count_from_text
from crawler.platforms.pdd.errors import classify, transport_error

CURRENCY, LOCALE = "CNY", "zh_CN"
RATING_SCALE = 5.0
ENVELOPES = {
    "pdd.ddk.goods.detail": "goods_detail_response",
    "pdd.ddk.goods.search": "goods_search_response",
}
LISTS = {"pdd.ddk.goods.detail": "goods_details", "pdd.ddk.goods.search": "goods_list"}
#: What DDK never says and the goods page does (``window.rawData``).
PAGE_ONLY_FIELDS = ("stock_qty", "availability", "shipping", "variant_attributes", "model")


class Malformed(ValueError):
    """The answer cannot be read as the documented envelope."""


def open_envelope(
    answer: Answer, operation: str, rate_limit_codes: Iterable[int] = (52101,)
) -> dict[str, Any] | ApiError:
    """The success object of ``operation``'s answer, or the error it carries."""
    try:
        body = json.loads(answer.body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return transport_error(answer) or ApiError(ErrorKind.MALFORMED, "json", f"not JSON: {exc}")
    if not isinstance(body, dict):
        return ApiError(ErrorKind.MALFORMED, "envelope", "the answer is not a JSON object")
    if isinstance(body.get("error_response"), dict):
        return classify(body["error_response"], rate_limit_codes)
    key = ENVELOPES[operation]
    if not isinstance(body.get(key), dict):
        return transport_error(answer) or ApiError(
            ErrorKind.MALFORMED, "envelope", f"no {key} in the answer (keys: {sorted(body)[:5]})"
        )
    return body[key]


def goods_list(envelope: Mapping[str, Any], operation: str) -> list[dict[str, Any]]:
    goods = envelope.get(LISTS[operation])
    if goods is None:
        return []
    if not isinstance(goods, list):
        raise Malformed(f"{LISTS[operation]} is not a list")
    for g in goods:
        if not isinstance(g, dict) or not g.get("goods_sign"):
            raise Malformed(f"a goods record without goods_sign: {str(g)[:120]}")
    return goods


def fen(value: Any, name: str) -> Decimal | None:
    """Integer fen → yuan (``129900`` → ``1299.00``)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not str(value).lstrip("-").isdigit():
        raise Malformed(f"{name} {value!r} is not an amount in fen")
    return Decimal(int(value)).scaleb(-2)


def coupon(goods: Mapping[str, Any]) -> Record:
    if not goods.get("has_coupon"):
        return {"coupon_amount": None, "coupon_threshold": None}
    threshold = fen(goods.get("coupon_min_order_amount"), "coupon_min_order_amount")
    return {
        "coupon_amount": fen(goods.get("coupon_discount"), "coupon_discount"),
        "coupon_threshold": threshold or None,
    }


def _images(goods: Mapping[str, Any]) -> list[str]:
    first = [goods["goods_image_url"]] if goods.get("goods_image_url") else []
    gallery = [u for u in goods.get("goods_gallery_urls") or [] if isinstance(u, str)]
    return list(dict.fromkeys(first + gallery))


def goods_record(goods: Mapping[str, Any], url: str | None) -> Record:
    """One goods record (detail and search share the shape) → the fields DDK gives."""
    price = fen(goods.get("min_group_price"), "min_group_price")
    normal = fen(goods.get("min_normal_price"), "min_normal_price")
    score = goods.get("goods_eval_score")
    record: Record = {
        "item_id": str(goods["goods_sign"]),
        "variant_id": None,
        "url": url,
        "title": goods.get("goods_name"),
        "brand": goods.get("brand_name") or None,
        "seller_id": str(goods["mall_id"]) if goods.get("mall_id") not in (None, "") else None,
        "seller_name": goods.get("mall_name"),
        "currency": CURRENCY,
        "locale": LOCALE,
        "price": price,
        "list_price": normal if normal is not None and normal != price else None,
        "sales_volume": count_from_text(goods.get("sales_tip")),
        "rating": float(score) if isinstance(score, int | float | str) and score != "" else None,
        "rating_scale": RATING_SCALE,
        "review_count": goods.get("goods_eval_count"),
        "image_urls": _images(goods),
        "category_path": [goods["category_name"]] if goods.get("category_name") else [],
        **coupon(goods),
    }
    return record


def goods_id(goods: Mapping[str, Any]) -> str | None:
    """The numeric id the goods page needs (absent or 0 in some answers [I])."""
    value = goods.get("goods_id")
    return str(value) if value not in (None, "", 0, "0") else None


def missing_fields(record: Record) -> tuple[str, ...]:
    """Page-only fields, plus prices when the answer lacked them."""
    gaps = [name for name in ("price",) if record.get(name) is None]
    if record.get("price") is None:
        gaps.append("list_price")
    return (*gaps, *PAGE_ONLY_FIELDS)
