"""A synthetic market at benchmark scale: listings and price points, deterministic per batch.

Batch ``b`` always produces the same documents (seeded by ``b``), with the same ids, so a load
that stops half-way can start again at the batch it was on without duplicating anything.
Groups have ``OFFERS_PER_GROUP`` offers on several platforms; titles mix Chinese and English
vocabulary so the cjk and standard analyzers both get realistic work.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from random import Random
from typing import Any

from crawler.index.names import IndexNames

OFFERS_PER_GROUP = 8
HISTORY_DAYS = 400
SELF = "pw-self"
FX = {"CNY": Decimal(1), "USD": Decimal("7.1"), "EUR": Decimal("7.8")}
PLATFORMS = ("jd", "taobao", "pdd", "amazon", "shopify")
BRANDS = (("华为", "HUAWEI"), ("小米", "Xiaomi"), ("苹果", "Apple"), ("索尼", "Sony"),
          ("三星", "Samsung"), ("联想", "Lenovo"), ("荣耀", "Honor"), ("戴森", "Dyson"),
          ("美的", "Midea"), ("海尔", "Haier"), ("OPPO", "OPPO"), ("vivo", "vivo"))
CATEGORIES = (("手机", "Smartphone"), ("耳机", "Headphones"), ("平板电脑", "Tablet"),
              ("笔记本电脑", "Laptop"), ("智能手表", "Smart Watch"), ("吸尘器", "Vacuum Cleaner"),
              ("电视", "TV"), ("冰箱", "Refrigerator"), ("空调", "Air Conditioner"),
              ("路由器", "Router"))
SPECS = ("8GB+256GB", "12GB+256GB", "12GB+512GB", "16GB+1TB", "64GB", "128GB", "标准版",
         "Pro", "Max", "Ultra")
COLORS = (("黑色", "Black"), ("白色", "White"), ("蓝色", "Blue"), ("绿色", "Green"),
          ("银色", "Silver"))
PROMO_ZH = ("官方旗舰店", "正品行货", "新款", "百亿补贴", "包邮", "5G", "降噪", "无线", "顺丰发货")
PROMO_EN = ("Official", "New", "2024 Model", "Wireless", "Free Shipping", "Unlocked")
SEARCH_QUERIES = ("华为 手机", "小米 耳机", "苹果 平板电脑", "索尼 降噪 耳机", "三星 电视 黑色",
                  "戴森 吸尘器", "HUAWEI Smartphone", "Xiaomi Headphones Black",
                  "Apple Tablet 128GB", "Lenovo Laptop", "Sony Headphones", "荣耀 智能手表")


def group_of(listing_no: int) -> int:
    return listing_no // OFFERS_PER_GROUP


def group_id(group_no: int) -> str:
    return f"bg-{group_no:07d}"


def _group_facts(group_no: int) -> dict[str, Any]:
    rng = Random(group_no * 7919)
    brand, category = rng.choice(BRANDS), rng.choice(CATEGORIES)
    return {"brand": brand, "category": category,
            "model": f"{brand[1][:2].upper()}{rng.randint(10, 999)}",
            "spec": rng.choice(SPECS), "color": rng.choice(COLORS),
            "base_fen": rng.randint(100, 20000) * 100}


def listing_docs(listing_no: int, now: datetime, points: int
                 ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The listing document and its ``points`` history points."""
    rng = Random(listing_no)
    g = _group_facts(group_of(listing_no))
    offer_no = listing_no % OFFERS_PER_GROUP
    platform = PLATFORMS[offer_no % len(PLATFORMS)]
    currency = {"amazon": "USD", "shopify": "EUR"}.get(platform, "CNY")
    ours = offer_no == 0 and group_of(listing_no) % 3 == 0
    seller = SELF if ours else f"{platform}-s{rng.randint(1, 5000)}"
    title = _title(rng, g)
    list_fen = int(g["base_fen"] * rng.uniform(0.95, 1.15)) // 100 * 100
    shipping = rng.choice((0, 0, 0, 1000, None))
    history = _history(rng, now, points, list_fen)
    listing_id = f"{platform}:{listing_no:08d}"
    common = {"listing_id": listing_id, "platform": platform, "seller_id": seller,
              "product_group_id": group_id(group_of(listing_no)), "currency": currency,
              "base_currency": "CNY", "source": "api"}
    docs = [_point(common, at, price, list_fen, shipping, currency, avail, sales)
            for at, price, avail, sales in history]
    at = history[-1][0]
    shop = "Pricewatch 官方旗舰店" if ours else f"{g['brand'][0]}专营店{seller[-4:]}"
    listing = {**docs[-1], **common, "item_id": f"{listing_no:08d}", "title": title,
               "title_clean": title, "model": g["model"], "seller_name": shop,
               "brand": g["brand"][0] if rng.random() < 0.6 else g["brand"][1],
               "url": f"https://{platform}.example/item/{listing_no}", "fetched_at": at.isoformat(),
               "first_seen": history[0][0].isoformat(), "last_changed": at.isoformat(),
               "last_history_at": at.isoformat(), "category_path": [g["category"][0]],
               "delisted": False, "match_method": "gtin"}
    del listing["@timestamp"], listing["changed"]
    return listing, docs


def _title(rng: Random, g: dict[str, Any]) -> str:
    if rng.random() < 0.6:
        promo = " ".join(rng.sample(PROMO_ZH, 2))
        return (f"{g['brand'][0]} {g['model']} {g['category'][0]} {g['spec']} "
                f"{g['color'][0]} {promo}")
    promo = " ".join(rng.sample(PROMO_EN, 2))
    return (f"{g['brand'][1]} {g['model']} {g['category'][1]} {g['spec']} "
            f"{g['color'][1]} {promo}")


def _history(rng: Random, now: datetime, points: int, list_fen: int
             ) -> list[tuple[datetime, int, str, int | None]]:
    days = sorted(rng.sample(range(1, HISTORY_DAYS), points - 1), reverse=True)
    moments = [now - timedelta(days=d, minutes=rng.randint(0, 1439)) for d in days]
    moments.append(now - timedelta(minutes=rng.randint(5, 600)))
    sales = rng.randint(0, 20000) if rng.random() < 0.7 else None
    out = []
    for at in moments:
        price = int(list_fen * rng.uniform(0.8, 1.0)) // 100 * 100
        avail = "out_of_stock" if rng.random() < 0.05 else "in_stock"
        out.append((at, price, avail, sales))
    return out


def _base(minor: int | None, currency: str) -> int | None:
    if minor is None:
        return None
    return int((Decimal(minor) * FX[currency]).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def _point(common: dict[str, Any], at: datetime, price: int, list_fen: int, shipping: int | None,
           currency: str, avail: str, sales: int | None) -> dict[str, Any]:
    effective = None if shipping is None else price + shipping
    doc = {**common, "@timestamp": at.isoformat(), "price_minor": price,
           "list_price_minor": list_fen, "shipping_minor": shipping,
           "effective_price_minor": effective, "price_base_minor": _base(price, currency),
           "effective_price_base_minor": _base(effective, currency), "availability": avail,
           "sales_volume": sales, "changed": ["price_minor"]}
    return {k: v for k, v in doc.items() if v is not None}


def batch_actions(names: IndexNames, first: int, count: int, now: datetime, points: int
                  ) -> Iterator[dict[str, Any]]:
    """Bulk actions for listings ``first`` .. ``first + count - 1`` and their points."""
    listings_index = names.write_index("listings")
    for listing_no in range(first, first + count):
        listing, history = listing_docs(listing_no, now, points)
        yield {"_op_type": "index", "_index": listings_index, "_id": listing["listing_id"],
               "_source": listing}
        for point in history:
            at = datetime.fromisoformat(point["@timestamp"])
            yield {"_op_type": "index", "_index": names.write_index("prices", at),
                   "_id": f"{listing['listing_id']}@{at:%Y%m%dT%H%M}", "_source": point}
