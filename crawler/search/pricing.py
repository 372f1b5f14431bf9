"""Who "we" are and what MAP applies: the pricing settings as Elasticsearch filters.

Built once from ``[pricing]`` and ``base_currency`` (see docs/search.md); a comparison never reads
the config itself, so tests and the benchmark pass their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crawler.config import Config
from crawler.search.money import parse_money

MATCH_NONE: dict[str, Any] = {"bool": {"must_not": [{"match_all": {}}]}}

#: Offers that take part in cheapest / spread / index: a buyer can order them at that price.
COUNTED: dict[str, Any] = {"bool": {"must_not": [
    {"term": {"delisted": True}},
    {"term": {"availability": "out_of_stock"}},
    {"term": {"price_suspect": True}},
]}}


@dataclass(frozen=True)
class PricingSettings:
    """Our sellers, MAP per product group (minor units, currency) and the base currency."""

    base_currency: str = "CNY"
    our_sellers: tuple[str, ...] = ()
    map_prices: dict[str, tuple[int, str]] = field(default_factory=dict)

    @classmethod
    def from_config(cls, config: Config) -> PricingSettings:
        return cls(
            base_currency=config.base_currency.upper(),
            our_sellers=tuple(config.pricing.our_sellers),
            map_prices={group: parse_money(text) for group, text in config.pricing.map.items()},
        )

    def ours_filter(self) -> dict[str, Any]:
        """Listings that are ours: ``platform:seller_id`` entries, or a bare seller id."""
        should: list[dict[str, Any]] = []
        for entry in self.our_sellers:
            platform, sep, seller = entry.partition(":")
            if sep:
                should.append({"bool": {"filter": [{"term": {"platform": platform}},
                                                   {"term": {"seller_id": seller}}]}})
            else:
                should.append({"term": {"seller_id": entry}})
        return {"bool": {"should": should, "minimum_should_match": 1}} if should else MATCH_NONE

    def map_breach_filter(self, group_id: str) -> dict[str, Any] | None:
        """Listings advertised below the group's MAP, or None when the group has no MAP.

        MAP is about the advertised price, so ``price_minor`` (not the effective price) is
        compared: natively when the currency matches, else through the base-currency price.
        """
        if group_id not in self.map_prices:
            return None
        minor, currency = self.map_prices[group_id]
        should: list[dict[str, Any]] = [{"bool": {"filter": [
            {"term": {"currency": currency}}, {"range": {"price_minor": {"lt": minor}}}]}}]
        if currency == self.base_currency:
            should.append({"bool": {
                "filter": [{"range": {"price_base_minor": {"lt": minor}}}],
                "must_not": [{"term": {"currency": currency}}]}})
        return {"bool": {"should": should, "minimum_should_match": 1,
                         "must_not": [{"term": {"delisted": True}}]}}
