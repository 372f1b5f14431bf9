"""What the comparison of a test-market group must say, recomputed in plain Python.

Follows docs/search.md: counted offers are those a buyer can order; the effective price compares
when every counted offer has one; mixed currencies compare in CNY (the base currency).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from crawler.items import Availability
from tests.support.market_data import SELF, Market, Observation, Offer, to_base


def compared(offer: Offer, obs: Observation, mixed: bool, effective: bool
             ) -> int | None:
    value = offer.effective(obs) if effective else obs.price_minor
    return to_base(value, offer.spec.currency) if mixed else value


def orderable(obs: Observation | None) -> bool:
    return obs is not None and obs.availability is not Availability.OUT_OF_STOCK


def expected(market: Market, group: str) -> dict[str, object]:
    offers = market.group(group)
    counted = [o for o in offers if orderable(o.current)]
    mixed = len({o.spec.currency for o in counted}) > 1
    effective = all(o.effective(o.current) is not None for o in counted)
    now = {o.listing_id: compared(o, o.current, mixed, effective) for o in counted}
    ours = [v for lid, v in now.items() if market.offer(lid).spec.seller_id == SELF]
    rivals = [v for lid, v in now.items() if market.offer(lid).spec.seller_id != SELF]
    day_ago = [compared(o, o.at(market.now - timedelta(hours=24)), mixed, effective)
               for o in offers if orderable(o.at(market.now - timedelta(hours=24)))]
    our = min(ours) if ours else None
    result: dict[str, object] = {
        "cheapest_minor": min(now.values()), "spread_minor": max(now.values()) - min(now.values()),
        "cheapest_competitor_minor": min(rivals), "our_price_minor": our,
        "counted_offers": len(counted), "change_24h_minor": min(now.values()) - min(day_ago),
        "basis_kind": "effective" if effective else "price", "basis_base": mixed,
    }
    if our is not None:
        result["price_index"] = (Decimal(our) / Decimal(min(rivals))).quantize(
            Decimal("0.001"), rounding=ROUND_HALF_EVEN)
        result["our_rank"] = 1 + sum(1 for v in rivals if v < our)
    return result
