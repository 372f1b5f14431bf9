"""JD Union answers → records (platform-apis.md §2.4, §2.5; fixtures/README.md "JD").

The envelope is ``{"<method dots→_>_responce": {"code": "0", "queryResult": "<JSON string>"}}``
(JD's spelling; ``_response`` is accepted too); ``queryResult`` is parsed a second time and holds
``{"code": 200, "data": ..., "totalCount": n}``. Money is yuan as JSON numbers → ``Decimal``.

- ``promotiongoodsinfo``: ``unitPrice`` is the *regular* JD price; ``isSeckill: 1`` means a flash
  sale runs at a price this API does not give. ``isFreeShipping: 1`` → shipping 0.
- ``goods.query``: the price is ``seckillInfo.seckillPrice`` in a flash sale, else
  ``priceInfo.lowestPrice``; the list price ``seckillOriPrice`` / ``priceInfo.price`` when higher.
- Neither gives availability, model or the variant's colour/capacity: the page does.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from crawler.platforms.base import Answer, ApiError, ErrorKind, Record, money
from crawler.platforms.jd.errors import business_error, gateway_error


class Malformed(ValueError):
    """The answer is not the documented shape (cut off, not JSON, envelope missing)."""


def query_result(method: str, answer: Answer) -> dict[str, Any] | ApiError:
    """The parsed ``queryResult`` of a successful answer, or the error the answer carries."""
    if answer.status >= 500:
        return ApiError(ErrorKind.SERVER, f"http_{answer.status}", answer.text[:200])
    if answer.status == 429:
        return ApiError(ErrorKind.QUOTA, "http_429", answer.text[:200])
    try:
        body = json.loads(answer.body)
        if not isinstance(body, dict):
            raise Malformed("the answer is not a JSON object")
        if "error_response" in body:
            err = body["error_response"]
            return gateway_error(str(err.get("code")), err.get("en_desc") or err.get("zh_desc")
                                 or "")
        key = method.replace(".", "_")
        envelope = body.get(f"{key}_responce") or body.get(f"{key}_response")
        if not isinstance(envelope, dict) or "queryResult" not in envelope:
            raise Malformed(f"no {key}_responce.queryResult in the answer")
        if str(envelope.get("code")) != "0":
            return gateway_error(str(envelope.get("code")), str(envelope.get("message", "")))
        result = json.loads(envelope["queryResult"])
        if not isinstance(result, dict):
            raise Malformed("queryResult is not a JSON object")
    except (ValueError, TypeError) as exc:  # JSONDecodeError is a ValueError
        return ApiError(ErrorKind.MALFORMED, "malformed", f"{type(exc).__name__}: {exc}")
    if result.get("code") != 200:
        return business_error(int(result.get("code") or 0), str(result.get("message", "")))
    return result


def promotion_record(goods: dict[str, Any], page_url: str) -> Record:
    """One ``promotiongoodsinfo`` record."""
    regular = _price(goods.get("unitPrice"))
    seckill = goods.get("isSeckill") == 1
    record: Record = {
        "item_id": str(goods["skuId"]),
        "url": page_url,
        "title": goods.get("goodsName"),
        "currency": "CNY",
        "price": None if seckill else regular,
        "list_price": regular if seckill else None,
        "seller_id": _text(goods.get("shopId")),
        "shipping": Decimal(0) if goods.get("isFreeShipping") == 1 else None,
        "sales_volume": goods.get("inOrderCount"),
        "category_path": _unique(goods.get(k) for k in ("cidName", "cid2Name", "cid3Name")),
        "image_urls": [goods["imgUrl"]] if goods.get("imgUrl") else [],
    }
    return record


def goods_record(goods: dict[str, Any], page_url: str) -> Record:
    """One ``goods.query`` record."""
    prices = goods.get("priceInfo") or {}
    seckill = goods.get("seckillInfo") or {}
    if seckill.get("seckillPrice") is not None:
        price, listed = _price(seckill["seckillPrice"]), _price(seckill.get("seckillOriPrice"))
    else:
        price, listed = _price(prices.get("lowestPrice")), _price(prices.get("price"))
    shop = goods.get("shopInfo") or {}
    coupon, threshold = best_coupon(goods)
    categories = goods.get("categoryInfo") or {}
    return {
        "item_id": str(goods["skuId"]),
        "url": page_url,
        "title": goods.get("skuName"),
        "brand": goods.get("brandName") or None,
        "currency": "CNY",
        "price": price,
        "list_price": listed if listed is not None and price is not None and listed > price
        else None,
        "coupon_amount": coupon,
        "coupon_threshold": threshold,
        "seller_id": _text(shop.get("shopId")),
        "seller_name": shop.get("shopName") or None,
        "sales_volume": goods.get("inOrderCount30Days"),
        "rating": _rating(goods.get("goodCommentsShare")),
        "rating_scale": 100.0 if goods.get("goodCommentsShare") is not None else None,
        "review_count": goods.get("comments"),
        "category_path": _unique(categories.get(f"cid{n}Name") for n in (1, 2, 3)),
        "image_urls": [i["url"] for i in (goods.get("imageInfo") or {}).get("imageList", [])
                       if i.get("url")],
    }


def best_coupon(goods: dict[str, Any]) -> tuple[Decimal | None, Decimal | None]:
    """(discount, threshold) of the best coupon (``isBest``, else the first); quota 0 → None."""
    coupons = (goods.get("couponInfo") or {}).get("couponList") or []
    if not coupons:
        return None, None
    best = next((c for c in coupons if c.get("isBest") == 1), coupons[0])
    threshold = _price(best.get("quota"))
    return _price(best.get("discount")), threshold if threshold else None


def _price(value: Any) -> Decimal | None:
    amount = money(value)
    return None if amount is None or amount < 0 else amount  # wlUnitPrice -1 = "not found"


def _rating(value: Any) -> float | None:
    return float(value) if value is not None else None


def _text(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


def _unique(values: Any) -> list[str]:
    out: list[str] = []
    for value in values:
        if value and value not in out:
            out.append(str(value))
    return out
