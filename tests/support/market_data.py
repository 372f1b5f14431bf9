"""A small, realistic market written through the index layer, with its truth kept for assertions.

Five product groups (Chinese and English titles) on jd, taobao, pdd, amazon; several sellers per
group, one of them ours (``pw-self``); a price history with one point a day over 400 days plus the
current observation; a few alerts and crawl runs; and one listing whose title is an XSS attempt.
Prices follow a seeded path (promotions for 618 and 双11, slow decline), so tests can compute what
the index should answer straight from ``Market.offers`` in plain Python.
"""

# ruff: noqa: RUF001  (full-width brackets are part of real titles)

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from random import Random
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from crawler.index.bulk import BulkWriter
from crawler.index.names import IndexNames
from crawler.index.templates import ensure_index_for, ensure_indices
from crawler.items import TRANSIENT_FIELDS, Availability, Listing, make_listing_id
from crawler.search.pricing import PricingSettings
from tests.support.es import drop_prefix, fresh_names

SELF = "pw-self"
BASE = "CNY"
#: The dated rate table of the test market: 1 unit = rate CNY.
FX = {"CNY": Decimal(1), "USD": Decimal("7.1"), "EUR": Decimal("7.8")}
HISTORY_DAYS = 400
XSS_TITLE = "<script>alert(1)</script><img src=x onerror=alert(2)>"


@dataclass(frozen=True)
class Spec:
    """One offer of the market: who sells which product where, at which regular price."""

    group: str
    platform: str
    item_id: str
    seller_id: str
    seller_name: str
    title: str
    brand: str
    list_minor: int
    currency: str = "CNY"
    shipping_minor: int | None = 0
    coupon: tuple[int, int] | None = None
    """(coupon, threshold) in minor units: 满6000减200 = (20000, 600000)."""
    availability: Availability = Availability.IN_STOCK
    sales: int | None = None
    """30-day sales the platform reports (None where it reports none, e.g. amazon)."""


SPECS = [
    Spec("pg-mate60pro-12-256", "jd", "100066", SELF, "Pricewatch 官方旗舰店",
         "华为Mate60 Pro 手机 12GB+256GB 雅川青", "华为", 699900, sales=1200),
    Spec("pg-mate60pro-12-256", "jd", "100071", "1000004259", "华为京东自营官方旗舰店",
         "华为Mate60 Pro 手机 12GB+256GB", "华为", 699900, sales=8800),
    Spec("pg-mate60pro-12-256", "taobao", "7312", "tb-hw-flag", "华为官方旗舰店",
         "【官方正品】华为Mate60 Pro 12GB+256GB 5G手机", "华为", 699900, shipping_minor=1000,
         sales=5300),
    Spec("pg-mate60pro-12-256", "pdd", "55101", "pdd-88", "百亿补贴数码",
         "华为 Mate60 Pro 手机 12+256GB 百亿补贴", "华为", 689900, coupon=(20000, 600000),
         sales=15000),
    Spec("pg-mate60pro-12-256", "amazon", "B0CHX1", "A2EUQ1W", "HUAWEI Store US",
         "HUAWEI Mate 60 Pro Smartphone 12GB 256GB, Green", "HUAWEI", 99900, currency="USD",
         shipping_minor=2500),
    Spec("pg-mate60pro-12-256", "taobao", "7388", "tb-resell", "数码二手回收",
         "华为Mate60 Pro 12+256 手机 现货秒发", "华为", 549900,
         availability=Availability.OUT_OF_STOCK, sales=40),
    Spec("pg-iphone15-128-black", "jd", "100088", SELF, "Pricewatch 官方旗舰店",
         "Apple iPhone 15 (A3092) 128GB 黑色 支持移动联通电信5G 双卡双待手机", "Apple",
         599900, sales=700),
    Spec("pg-iphone15-128-black", "jd", "100089", "1000000127", "Apple产品京东自营旗舰店",
         "Apple/苹果 iPhone 15 128GB 黑色", "Apple", 599900, sales=20000),
    Spec("pg-iphone15-128-black", "pdd", "55220", "pdd-12", "苹果授权专营",
         "Apple iPhone 15 128GB 黑色 全新国行", "Apple", 579900, shipping_minor=800,
         coupon=(10000, 500000), sales=9000),
    Spec("pg-xiaomi14-16-512", "jd", "100101", "1000085868", "小米京东自营旗舰店",
         "小米14 徕卡光学镜头 骁龙8Gen3 16GB+512GB 黑色 5G手机", "小米", 499900, sales=6100),
    Spec("pg-xiaomi14-16-512", "taobao", "7420", "tb-mi-flag", "小米官方旗舰店",
         "Xiaomi/小米 小米14 16GB+512GB 徕卡影像 黑色", "小米", 499900, shipping_minor=None,
         sales=3100),
    Spec("pg-xiaomi14-16-512", "pdd", "55330", "pdd-31", "小米数码专营",
         "小米14 16+512GB 黑色 骁龙8Gen3 官方正品", "小米", 489900, sales=4400),
    Spec("pg-sony-xm5-black", "amazon", "B09XS7", "ATVPDKI", "Amazon.com",
         "Sony WH-1000XM5 Wireless Noise Canceling Headphones, Black", "Sony", 39999,
         currency="USD", shipping_minor=0),
    Spec("pg-sony-xm5-black", "jd", "100120", SELF, "Pricewatch 官方旗舰店",
         "索尼（SONY）WH-1000XM5 头戴式无线降噪耳机 黑色", "Sony", 269900, sales=300),
    Spec("pg-sony-xm5-black", "jd", "100121", "1000002211", "索尼京东自营官方旗舰店",
         "索尼 WH-1000XM5 降噪耳机 Wireless Noise Cancelling Headphones 黑色", "Sony", 269900,
         sales=2500),
    Spec("pg-sony-xm5-black", "taobao", "7501", "tb-av-shop", "影音数码专营店",
         "Sony/索尼 WH-1000XM5 头戴式降噪蓝牙耳机", "Sony", 259900, shipping_minor=0,
         sales=800),
    Spec("pg-xss", "taobao", "6666", "tb-evil", "<b>evil</b> shop", XSS_TITLE, "Evil",
         1000, sales=1),
]

#: Minimum advertised prices of the test market (the Sony headphones are policed).
MAP_PRICES = {"pg-sony-xm5-black": "2499.00 CNY"}


@dataclass
class Observation:
    """What a crawl saw of one offer at one moment (normalized, minor units)."""

    at: datetime
    price_minor: int
    list_price_minor: int
    availability: Availability
    sales_volume: int | None


@dataclass
class Offer:
    spec: Spec
    listing_id: str
    history: list[Observation] = field(default_factory=list)

    @property
    def current(self) -> Observation:
        return self.history[-1]

    def at(self, when: datetime) -> Observation | None:
        """The last observation at or before ``when``."""
        seen = [o for o in self.history if o.at <= when]
        return seen[-1] if seen else None

    def effective(self, obs: Observation) -> int | None:
        """What a buyer pays delivered, as the normalize step computes it."""
        return effective_minor(self.spec, obs.price_minor)


def effective_minor(spec: Spec, price: int) -> int | None:
    if spec.shipping_minor is None:
        return None
    coupon = spec.coupon[0] if spec.coupon and price >= spec.coupon[1] else 0
    return price - coupon + spec.shipping_minor


def to_base(minor: int | None, currency: str) -> int | None:
    """Minor units of ``currency`` → CNY fen, half-even (all test currencies have 2 decimals)."""
    if minor is None:
        return None
    return int((Decimal(minor) * FX[currency]).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


#: Offers whose last crawl is days old (a stale listing for the runs page).
STALE_DAYS = {("pdd", "55330"): 5}


def _price_path(spec: Spec, now: datetime) -> list[Observation]:
    """One observation a day (at now - 1 h - k days, k = 399..0), oldest first."""
    rng = Random(zlib.crc32(f"{spec.platform}:{spec.item_id}".encode()))
    drift, stale = 0, STALE_DAYS.get((spec.platform, spec.item_id), 0)
    path = []
    for k in range(HISTORY_DAYS - 1, stale - 1, -1):
        at = now - timedelta(hours=1) - timedelta(days=k)
        if rng.random() < 0.05:  # a seller adjusts the price now and then, by up to ±2 %
            drift = max(-0.1, min(0.02, drift + rng.uniform(-0.02, 0.02)))
        decline = 0.08 * (HISTORY_DAYS - k) / HISTORY_DAYS
        promo = 0.1 if (at.month == 6 and at.day <= 18) or (at.month == 11 and at.day <= 11) \
            else 0.0
        price = _round_unit(spec.list_minor * (1 - decline - promo + drift), spec.currency)
        path.append(Observation(at=at, price_minor=price, list_price_minor=spec.list_minor,
                                availability=_availability(spec, k, rng),
                                sales_volume=_sales(spec, k)))
    if rng.random() < 0.6:  # today's move, so 24 h changes are not all zero
        last = path[-1]
        last.price_minor = _round_unit(last.price_minor * rng.uniform(0.96, 0.99), spec.currency)
    return path


def _round_unit(minor: float, currency: str) -> int:
    """Shops price in whole yuan, or in cents ending in 9 for USD/EUR."""
    return int(minor // 100 * 100) if currency == "CNY" else int(minor // 100 * 100 + 99)


def _availability(spec: Spec, k: int, rng: Random) -> Availability:
    if spec.availability is Availability.OUT_OF_STOCK and k < 10:
        return Availability.OUT_OF_STOCK
    return Availability.OUT_OF_STOCK if rng.random() < 0.02 and k > 10 else Availability.IN_STOCK


def _sales(spec: Spec, k: int) -> int | None:
    return None if spec.sales is None else spec.sales * (80 + (HISTORY_DAYS - k) // 20) // 100


@dataclass
class Market:
    """What was written, under which prefix, as of when; the oracle tests compute from."""

    names: IndexNames
    now: datetime
    offers: list[Offer]
    settings: PricingSettings

    def group(self, group_id: str) -> list[Offer]:
        return [o for o in self.offers if o.spec.group == group_id]

    def offer(self, listing_id: str) -> Offer:
        return next(o for o in self.offers if o.listing_id == listing_id)


def settings() -> PricingSettings:
    return PricingSettings.from_config(_config())


def _config() -> Any:
    from crawler.config import Config

    return Config.model_validate({"base_currency": BASE, "pricing": {
        "our_sellers": [SELF], "map": MAP_PRICES}})


def build_market(client: Elasticsearch, names: IndexNames, now: datetime | None = None
                 ) -> Market:
    """Write the market under ``names`` (indices must exist) and return its truth."""
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    offers = [Offer(spec=s, listing_id=make_listing_id(s.platform, s.item_id),
                    history=_price_path(s, now)) for s in SPECS]
    writer = BulkWriter(client, chunk_size=2000, refresh=True)
    months = {(o.at.year, o.at.month): o.at for offer in offers for o in offer.history}
    for when in months.values():
        ensure_index_for(client, names, "prices", when)
    actions = [a for offer in offers for a in _actions(offer, names)]
    actions += _feed_actions(offers, names, now)
    report = writer.write(actions)
    if report.failures:
        raise AssertionError(f"market data rejected: {report.failures[:3]}")
    return Market(names=names, now=now, offers=offers, settings=settings())


@contextmanager
def market_in_fresh_prefix(client: Elasticsearch, now: datetime | None = None
                           ) -> Iterator[Market]:
    """A market under its own prefix for one test module, dropped afterwards."""
    names = fresh_names()
    ensure_indices(client, names)
    try:
        yield build_market(client, names, now)
    finally:
        drop_prefix(client, names)


def listing_fields(offer: Offer, obs: Observation) -> dict[str, Any]:
    """The normalized Listing of ``offer`` as seen in ``obs``, None dropped (the pipeline's doc)."""
    s, effective = offer.spec, offer.effective(obs)
    coupon = s.coupon if s.coupon and obs.price_minor >= s.coupon[1] else None
    listing = Listing(
        listing_id=offer.listing_id, platform=s.platform, item_id=s.item_id,
        url=f"http://127.0.0.1:8000/{s.platform}/item/{s.item_id}.html", title=s.title,
        title_clean=s.title.replace("【官方正品】", ""), brand=s.brand, seller_id=s.seller_id,
        seller_name=s.seller_name, currency=s.currency, price_minor=obs.price_minor,
        list_price_minor=obs.list_price_minor,
        promo_price_minor=obs.price_minor if obs.price_minor < obs.list_price_minor else None,
        coupon_minor=coupon[0] if coupon else None,
        coupon_threshold_minor=coupon[1] if coupon else None, shipping_minor=s.shipping_minor,
        effective_price_minor=effective,
        effective_price_parts=["price", "coupon", "shipping"] if effective is not None else [],
        base_currency=BASE, price_base_minor=to_base(obs.price_minor, s.currency),
        effective_price_base_minor=to_base(effective, s.currency), fx_rate=str(FX[s.currency]),
        fx_date="2026-01-02", availability=obs.availability, sales_volume=obs.sales_volume,
        product_group_id=s.group, match_method="gtin", fetched_at=obs.at,
        run_id=f"run-{obs.at:%Y%m%d}", spider=s.platform,
    )
    return {k: _plain(v) for k, v in asdict(listing).items()
            if v is not None and k not in TRANSIENT_FIELDS}


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


PRICE_KEYS = ("listing_id", "platform", "seller_id", "product_group_id", "currency",
              "price_minor", "list_price_minor", "promo_price_minor", "coupon_minor",
              "coupon_threshold_minor", "shipping_minor", "effective_price_minor",
              "price_base_minor", "effective_price_base_minor", "base_currency", "availability",
              "sales_volume", "source", "run_id")


def _actions(offer: Offer, names: IndexNames) -> Iterator[dict[str, Any]]:
    previous: Observation | None = None
    last_changed = offer.history[0].at
    for obs in offer.history:
        fields = listing_fields(offer, obs)
        changed = _changed(previous, obs)
        if changed:
            last_changed = obs.at
        yield {"_op_type": "index", "_index": names.write_index("prices", obs.at),
               "_id": f"{offer.listing_id}@{obs.at:%Y%m%dT%H%M%S}",
               "@timestamp": obs.at.isoformat(), "changed": changed,
               **{k: fields[k] for k in PRICE_KEYS if k in fields}}
        previous = obs
    doc = listing_fields(offer, offer.current)
    doc.update(first_seen=offer.history[0].at.isoformat(), last_changed=last_changed.isoformat(),
               last_history_at=offer.current.at.isoformat())
    yield {"_op_type": "update", "_index": names.write_index("listings"),
           "_id": offer.listing_id, "doc": doc, "doc_as_upsert": True}


def _changed(previous: Observation | None, obs: Observation) -> list[str]:
    if previous is None:
        return ["price_minor", "availability"]
    return [name for name in ("price_minor", "availability")
            if getattr(previous, name) != getattr(obs, name)]


def _feed_actions(offers: list[Offer], names: IndexNames, now: datetime
                  ) -> list[dict[str, Any]]:
    """A few fired alerts (one about the XSS listing) and three crawl runs."""
    actions: list[dict[str, Any]] = []
    for n, offer in enumerate(o for o in offers if o.spec.platform in ("pdd", "taobao")):
        before, after = offer.history[-2], offer.current
        actions.append({"_op_type": "index", "_index": names.write_index("alerts"),
                        "_id": f"alert-{n}", "alert_id": f"alert-{n}", "rule": "price-drop",
                        "rule_type": "price_drop", "listing_id": offer.listing_id,
                        "product_group_id": offer.spec.group, "platform": offer.spec.platform,
                        "seller_id": offer.spec.seller_id, "title": offer.spec.title,
                        "fired_at": (now - timedelta(minutes=30 + n)).isoformat(),
                        "currency": offer.spec.currency, "old_minor": before.price_minor,
                        "new_minor": after.price_minor, "status": "sent",
                        "message": f"{offer.spec.title}: price changed"})
    for n, status in enumerate(("ok", "ok", "failed")):
        started = now - timedelta(hours=3 * (3 - n))
        actions.append({"_op_type": "index", "_index": names.write_index("runs"),
                        "_id": f"run-{n}", "run_id": f"run-{n}", "job": "watchlist",
                        "spiders": ["jd", "taobao", "pdd"], "status": status,
                        "started_at": started.isoformat(),
                        "ended_at": (started + timedelta(minutes=4)).isoformat(),
                        "duration_seconds": 240.0, "counts": {"items": 17, "rejects": n},
                        "errors": ["taobao: HTTP 503 after 3 retries"] if status == "failed"
                        else []})
    return actions


@pytest.fixture(scope="session")
def shared_market(es: Elasticsearch) -> Iterator[Market]:
    """One read-only market for every test module that imports this fixture (built once)."""
    with market_in_fresh_prefix(es) as built:
        yield built


def market_config(market: Market, **web: Any) -> Any:
    """The Config a user of this market would have: its prefix, our seller, MAP, ``[web]``."""
    config = _config()
    return config.model_copy(update={
        "elasticsearch": config.elasticsearch.model_copy(
            update={"index_prefix": market.names.prefix}),
        "web": config.web.model_copy(update=web),
    })
