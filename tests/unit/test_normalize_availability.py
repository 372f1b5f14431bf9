"""Availability: one table for schema.org URLs, platform codes and shop texts.

Origins: schema.org ItemAvailability (http, https, bare and ``schema:`` forms all occur in
JSON-LD in the wild), WooCommerce ``stock_status``, Amazon SP-API ``availabilityType``, Shopify's
``available`` boolean, JD/Taobao/PDD page texts, Japanese shop texts.
"""



from __future__ import annotations

import pytest

from crawler.items import Availability
from crawler.normalize.availability import availability_from

IN, OUT, PRE, LIM = (Availability.IN_STOCK, Availability.OUT_OF_STOCK, Availability.PREORDER,
                     Availability.LIMITED)

AVAILABILITY_FROM_SCHEMA_ORG = [
    ("https://schema.org/InStock", IN), ("http://schema.org/InStock", IN), ("InStock", IN),
    ("schema:InStock", IN), ("https://schema.org/OnlineOnly", IN),
    ("https://schema.org/InStoreOnly", IN), ("http://schema.org/OutOfStock", OUT),
    ("https://schema.org/SoldOut", OUT), ("https://schema.org/Discontinued", OUT),
    ("https://schema.org/PreOrder", PRE), ("https://schema.org/PreSale", PRE),
    ("https://schema.org/BackOrder", PRE), ("https://schema.org/LimitedAvailability", LIM),
    ("https://www.schema.org/InStock", IN), (" https://schema.org/InStock ", IN),
]

AVAILABILITY_FROM_PLATFORM_CODES = [
    ("instock", IN), ("outofstock", OUT), ("onbackorder", PRE),          # WooCommerce
    ("NOW", IN), ("FUTURE_WITH_DATE", PRE), ("FUTURE_WITHOUT_DATE", PRE),  # Amazon
    (True, IN), (False, OUT),                                             # Shopify available
    ("in_stock", IN), (Availability.LIMITED, LIM),                         # already ours
]

AVAILABILITY_FROM_SHOP_TEXT = [
    ("有货", IN), ("现货", IN), ("无货", OUT), ("缺货", OUT), ("已售罄", OUT), ("预售", PRE),
    ("库存紧张", LIM), ("仅剩3件", LIM), ("在庫あり", IN), ("在庫切れ", OUT), ("残り2点", LIM),
    ("In Stock", IN), ("Out of stock", OUT), ("Sold out!", OUT), ("Pre-order", PRE),
    ("Only 2 left in stock - order soon.", LIM), ("Currently unavailable.", OUT),
]

UNKNOWN = ["", "   ", "call us", "https://schema.org/Thing", None, 3, ["InStock"]]


@pytest.mark.parametrize(("value", "expected"), AVAILABILITY_FROM_SCHEMA_ORG
                         + AVAILABILITY_FROM_PLATFORM_CODES + AVAILABILITY_FROM_SHOP_TEXT,
                         ids=repr)
def test_availability(value: object, expected: Availability) -> None:
    assert availability_from(value) is expected


@pytest.mark.parametrize("value", UNKNOWN, ids=repr)
def test_unknown_values_are_none(value: object) -> None:
    assert availability_from(value) is None


def test_taobao_instock_means_in_the_warehouse() -> None:
    assert availability_from("instock", "taobao") is OUT
    assert availability_from("onsale", "taobao") is IN
    assert availability_from("instock", "woocommerce") is IN


AVAILABILITY_BUGS_CAUGHT = [
    # Our own value folded to TOP's "instock" code and read as out of stock (found by search tests).
    ("in_stock", "taobao", IN), ("out_of_stock", "taobao", OUT), ("limited", "jd", LIM),
]


@pytest.mark.parametrize(("value", "platform", "expected"), AVAILABILITY_BUGS_CAUGHT, ids=repr)
def test_our_own_values_mean_themselves_on_every_platform(value: str, platform: str,
                                                          expected: Availability) -> None:
    assert availability_from(value, platform) is expected
