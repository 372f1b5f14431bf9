"""SP-API answers → Listing fields (records). Pure functions over decoded JSON.

The listing is the Buy Box offer (fixtures/README.md, "Amazon"): ``Offers[IsBuyBoxWinner]`` gives
the price (``ListingPrice.Amount``), shipping and seller id; ``Summary.ListPrice`` is the list price
while the offer is discounted; no winner (``NoBuyableOffers``) means out of stock with an unknown
price; ``ShippingTime.availabilityType`` ``FUTURE_*`` means pre-order. The catalog item gives
title, brand, model, EAN and the variant attributes; the competitive summary the coupon.
Money is ``{CurrencyCode, Amount}`` (v0) / ``{currencyCode, amount}`` (2022-05-01) in major units;
answers are decoded with ``parse_float=Decimal``, so no amount ever passes through a float.
"""

from __future__ import annotations

import json
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from crawler.items import Availability
from crawler.normalize.money import currency_exponent
from crawler.platforms.amazon.markets import Market
from crawler.platforms.base import Record, money

GTIN_TYPES = ("EAN", "GTIN", "UPC", "JAN")
"""Catalog identifier types that are GTINs, in order of preference."""
FUTURE = {"FUTURE_WITH_DATE", "FUTURE_WITHOUT_DATE"}
NOT_BUYABLE = "NoBuyableOffers"


class ReadError(ValueError):
    """An answer whose shape is not the documented one (→ MALFORMED with this reason)."""


def decode(body: bytes) -> Any:
    """JSON with every fractional number as ``Decimal``."""
    try:
        return json.loads(body, parse_float=Decimal)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ReadError(f"body is not JSON ({getattr(exc, 'msg', exc)})") from exc


def _for_market(entries: Any, market: Market) -> dict[str, Any]:
    """The entry of a per-marketplace catalog array that belongs to ``market`` (else the first)."""
    if not isinstance(entries, list) or not entries:
        return {}
    rows = [e for e in entries if isinstance(e, dict)]
    own = [e for e in rows if e.get("marketplaceId") == market.marketplace_id]
    return (own or rows or [{}])[0]


def _number_text(value: Any) -> str:
    """``512.0`` → ``512``, ``1.5`` → ``1.5`` (capacity values without float noise)."""
    text = format(Decimal(str(value)).normalize(), "f")
    return text


def _attribute(attributes: dict[str, Any], name: str) -> dict[str, Any] | None:
    values = attributes.get(name)
    if isinstance(values, list) and values and isinstance(values[0], dict):
        return values[0]
    return None


def variant_attributes(summary: dict[str, Any], attributes: dict[str, Any]) -> dict[str, str]:
    """``color`` (summary), ``capacity`` (``512GB``, ``1.5L``) and ``size`` (attributes)."""
    found: dict[str, str] = {}
    if summary.get("color"):
        found["color"] = str(summary["color"])
    storage = _attribute(attributes, "memory_storage_capacity")
    if storage and storage.get("value") not in (None, ""):
        found["capacity"] = f"{_number_text(storage['value'])}{storage.get('unit') or ''}"
    size = _attribute(attributes, "size")
    if size and size.get("value") not in (None, ""):
        found["size"] = str(size["value"])
    return found


def gtin(identifiers: dict[str, Any]) -> str | None:
    """The first EAN/GTIN/UPC/JAN of the market's identifier set (checked by the pipeline)."""
    rows = identifiers.get("identifiers")
    if not isinstance(rows, list):
        return None
    by_type = {
        str(r.get("identifierType")): str(r.get("identifier"))
        for r in rows
        if isinstance(r, dict) and r.get("identifier")
    }
    return next((by_type[t] for t in GTIN_TYPES if t in by_type), None)


def catalog_record(item: Any, market: Market) -> tuple[str, Record]:
    """One catalog ``Item`` → (ASIN, title/brand/model/gtin/variant attributes)."""
    if not isinstance(item, dict) or not isinstance(item.get("asin"), str):
        raise ReadError("catalog item without asin")
    summary = _for_market(item.get("summaries"), market)
    attributes = item.get("attributes") if isinstance(item.get("attributes"), dict) else {}
    record: Record = {
        "title": summary.get("itemName"),
        "brand": summary.get("brand") or summary.get("manufacturer"),
        "model": summary.get("modelNumber") or summary.get("partNumber"),
        "gtin": gtin(_for_market(item.get("identifiers"), market)),
        "variant_attributes": variant_attributes(summary, attributes),
    }
    classification = summary.get("browseClassification")
    if isinstance(classification, dict) and classification.get("displayName"):
        record["category_path"] = [str(classification["displayName"])]
    return item["asin"], {k: v for k, v in record.items() if v not in (None, "", {})}


def catalog_items(body: Any, market: Market) -> dict[str, Record]:
    """A ``getCatalogItem`` body (one ``Item``) or ``searchCatalogItems`` body (``items[]``)."""
    if isinstance(body, dict) and "items" in body:
        items = body["items"]
        if not isinstance(items, list):
            raise ReadError("searchCatalogItems: items is not a list")
    elif isinstance(body, dict) and "asin" in body:
        items = [body]
    else:
        raise ReadError("catalog answer has neither items[] nor asin")
    return dict(catalog_record(item, market) for item in items)


def next_page_token(body: Any) -> str | None:
    pagination = body.get("pagination") if isinstance(body, dict) else None
    token = pagination.get("nextToken") if isinstance(pagination, dict) else None
    return token if isinstance(token, str) and token else None


def _amount(block: Any, key: str = "Amount") -> Decimal | None:
    if not isinstance(block, dict):
        return None
    value = block.get(key)
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
        return None
    return money(value)


def offers_record(payload: Any, market: Market) -> Record:
    """A ``getItemOffers`` payload → the Buy Box listing's price, shipping, seller, availability.

    Keys are left out when the answer lacks them (``price`` absent = unknown: the page has it).
    """
    if not isinstance(payload, dict) or not isinstance(payload.get("Offers", []), list):
        raise ReadError("getItemOffers: payload without Offers[]")
    offers = [o for o in payload.get("Offers", []) if isinstance(o, dict)]
    winner = next((o for o in offers if o.get("IsBuyBoxWinner") is True), None)
    record: Record = {"currency": market.currency}
    if winner is None or payload.get("status") == NOT_BUYABLE:
        record["availability"] = Availability.OUT_OF_STOCK
        return record
    price_block = winner.get("ListingPrice")
    if isinstance(price_block, dict) and price_block.get("CurrencyCode"):
        record["currency"] = str(price_block["CurrencyCode"])
    price = _amount(price_block)
    if price is not None:
        record["price"] = price
    shipping = _amount(winner.get("Shipping"))
    if shipping is not None:
        record["shipping"] = shipping
    listed = _amount((payload.get("Summary") or {}).get("ListPrice"))
    if listed is not None and (price is None or listed > price):
        record["list_price"] = listed
    if winner.get("SellerId"):
        record["seller_id"] = str(winner["SellerId"])
    timing = winner.get("ShippingTime") if isinstance(winner.get("ShippingTime"), dict) else {}
    future = timing.get("availabilityType") in FUTURE
    record["availability"] = Availability.PREORDER if future else Availability.IN_STOCK
    return record


def offers_payload(entry_body: Any) -> Any:
    """The ``payload`` of one getItemOffers body (as a batch entry carries it)."""
    if not isinstance(entry_body, dict) or "payload" not in entry_body:
        raise ReadError("getItemOffers body without payload")
    return entry_body["payload"]


def coupon(body: Any, price: Decimal | None, currency: str) -> Decimal | None:
    """The featured offer's COUPON saving (``amountOff``, or ``percentOff`` of the price)."""
    if not isinstance(body, dict):
        raise ReadError("competitive summary entry without body")
    for option in body.get("featuredBuyingOptions") or []:
        for offer in (option or {}).get("segmentedFeaturedOffers") or []:
            for promotion in (offer or {}).get("promotions") or []:
                if isinstance(promotion, dict) and promotion.get("promotionType") == "COUPON":
                    return _discount(promotion.get("promotionSavings"), price, currency)
    return None


def _discount(savings: Any, price: Decimal | None, currency: str) -> Decimal | None:
    discount = savings.get("discount") if isinstance(savings, dict) else None
    if not isinstance(discount, dict):
        return None
    amount = _amount(discount.get("amountOff"), "amount")
    if amount is not None:
        return amount
    percent = discount.get("percentOff")
    if price is None or isinstance(percent, bool) or not isinstance(percent, int | Decimal):
        return None
    unit = Decimal(1).scaleb(-currency_exponent(currency))
    return (price * Decimal(percent) / 100).quantize(unit, rounding=ROUND_HALF_EVEN)
