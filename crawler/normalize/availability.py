"""Availability as sources say it (schema.org URLs, platform codes, shop texts) → ``Availability``.

One table, ``AVAILABILITY``, keyed by a folded form of the value: schema.org URLs lose their
``http(s)://schema.org/`` prefix, English words lose case, spaces, ``-`` and ``_``
(``https://schema.org/InStock``, ``instock`` and ``In stock`` are one key). Platform codes whose
meaning differs between platforms (Taobao's ``instock`` means "in the warehouse, not on sale")
are in ``PLATFORM_CODES`` and win for that platform. Texts such as 仅剩3件 / "Only 2 left" are
``limited`` through ``LIMITED_PATTERNS``.
"""

# ruff: noqa: RUF001  (full-width forms and dashes are the data here)

from __future__ import annotations

import re
import unicodedata

from crawler.items import Availability

IN, OUT, PRE, LIM, UNK = (Availability.IN_STOCK, Availability.OUT_OF_STOCK,
                          Availability.PREORDER, Availability.LIMITED, Availability.UNKNOWN)

AVAILABILITY: dict[str, Availability] = {
    # schema.org ItemAvailability (docs/data-model.md)
    "instock": IN, "onlineonly": IN, "instoreonly": IN,
    "outofstock": OUT, "soldout": OUT, "discontinued": OUT,
    "preorder": PRE, "presale": PRE, "backorder": PRE, "madetoorder": PRE,
    "limitedavailability": LIM,
    # WooCommerce stock_status
    "onbackorder": PRE,
    # Amazon SP-API ShippingTime.availabilityType
    "now": IN, "futurewithdate": PRE, "futurewithoutdate": PRE,
    # English shop texts
    "available": IN, "inventoryavailable": IN, "unavailable": OUT,
    "currentlyunavailable": OUT, "notavailable": OUT, "nostock": OUT, "outofstockonline": OUT,
    "comingsoon": PRE, "lowstock": LIM, "limitedstock": LIM, "fewleft": LIM,
    "delisted": OUT, "removed": OUT,
    # Chinese platform texts (JD 有货/无货, Taobao/Tmall 现货/预售, PDD 已售罄)
    "有货": IN, "现货": IN, "在售": IN, "有库存": IN, "可配货": IN, "现货速发": IN,
    "无货": OUT, "缺货": OUT, "售罄": OUT, "已售罄": OUT, "已抢光": OUT, "暂时无货": OUT,
    "下架": OUT, "已下架": OUT, "停售": OUT, "已停售": OUT, "商品已下架": OUT,
    "预售": PRE, "预订": PRE, "预定": PRE, "可预订": PRE, "订货": PRE, "采购中": PRE,
    "库存紧张": LIM, "少量库存": LIM, "仅剩少量": LIM, "即将售罄": LIM,
    # Japanese shop texts
    "在庫あり": IN, "在庫切れ": OUT, "売り切れ": OUT, "予約受付中": PRE, "予約": PRE,
    "残りわずか": LIM, "在庫僅少": LIM,
    # our own values
    **{value.value.replace("_", ""): value for value in Availability},
}

#: Codes whose meaning depends on the platform: (platform, folded code) → availability.
PLATFORM_CODES: dict[tuple[str, str], Availability] = {
    ("taobao", "onsale"): IN,
    ("taobao", "instock"): OUT,  # TOP approve_status: in the warehouse, not for sale
    ("tmall", "onsale"): IN,
    ("tmall", "instock"): OUT,
}

#: "Only N left" in the languages we crawl: a buyer can order, but not for long.
LIMITED_PATTERNS = (
    re.compile(r"^(仅剩|只剩|剩余|库存仅剩)\d+(件|个|台)?$"),
    re.compile(r"^only\d+left(instock)?(ordersoon)?$"),
    re.compile(r"^残り\d+(点|個)$"),
)

_SCHEMA_PREFIX = re.compile(r"^(https?://)?(www\.)?schema\.org/(itemavailability/)?|^schema:")


_CANONICAL = {member.value: member for member in Availability}


def fold(value: str) -> str:
    """The table key of a value: NFKC, lower case, no schema.org prefix, no spaces/``-``/``_``."""
    text = unicodedata.normalize("NFKC", value).strip().lower()
    text = _SCHEMA_PREFIX.sub("", text)
    return re.sub(r"[\s\-_.!·:：。!]+", "", text)


def availability_from(value: object, platform: str | None = None) -> Availability | None:
    """The Availability ``value`` means, or None when the table does not know it.

    Booleans are Shopify's ``available``; an ``Availability`` passes through.
    """
    if isinstance(value, Availability):
        return value
    if isinstance(value, str) and value in _CANONICAL:
        return _CANONICAL[value]  # our own five values mean themselves on every platform
    if isinstance(value, bool):
        return IN if value else OUT
    if not isinstance(value, str) or not value.strip():
        return None
    key = fold(value)
    if platform and (platform.lower(), key) in PLATFORM_CODES:
        return PLATFORM_CODES[(platform.lower(), key)]
    if key in AVAILABILITY:
        return AVAILABILITY[key]
    if any(pattern.match(key) for pattern in LIMITED_PATTERNS):
        return LIM
    return None
