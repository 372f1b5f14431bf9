"""Rules as detection uses them: scope tests, money in comparable units, per-product facts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from babel.numbers import get_currency_precision

from crawler.config import AlertRuleConfig, Config

PRICE_RULES = frozenset({"price_drop", "price_rise", "price_below", "undercut", "below_map"})
STOCK_RULES = frozenset({"out_of_stock", "back_in_stock"})

Doc = Mapping[str, Any]


def to_minor(amount: Decimal, currency: str) -> int:
    """Major units → integer minor units of ``currency`` (JPY 0 decimals, CNY 2)."""
    exponent = get_currency_precision(currency)
    return int((amount * (Decimal(10) ** exponent)).to_integral_value())


def format_minor(minor: int | None, currency: str | None) -> str | None:
    """``19900, "CNY"`` → ``"199.00 CNY"``; None stays None."""
    if minor is None:
        return None
    if not currency:
        return str(minor)
    exponent = get_currency_precision(currency)
    return f"{Decimal(minor).scaleb(-exponent):.{exponent}f} {currency}"


def parse_money_text(text: str) -> tuple[Decimal, str]:
    """``"5999.00 CNY"`` (the ``[pricing] map`` format) → ``(Decimal("5999.00"), "CNY")``."""
    amount, _, currency = text.strip().partition(" ")
    return Decimal(amount), currency.strip()


def price_doc(minor: int, currency: str) -> dict[str, Any]:
    """A price expressed as a listing-like doc, so it compares like a listing does."""
    return {"price_minor": minor, "effective_price_minor": minor, "currency": currency}


def comparable(a: Doc, b: Doc, kind: str) -> tuple[int, int] | None:
    """``kind`` (price | effective_price) of two docs in one currency, or None if impossible.

    Same currency: the ``*_minor`` fields; else both converted to the base currency, if both are.
    """
    if a.get("currency") and a.get("currency") == b.get("currency"):
        pair = a.get(f"{kind}_minor"), b.get(f"{kind}_minor")
    elif a.get("base_currency") and a.get("base_currency") == b.get("base_currency"):
        pair = a.get(f"{kind}_base_minor"), b.get(f"{kind}_base_minor")
    elif a.get("base_currency") and a.get("base_currency") == b.get("currency"):
        pair = a.get(f"{kind}_base_minor"), b.get(f"{kind}_minor")
    elif b.get("base_currency") and b.get("base_currency") == a.get("currency"):
        pair = a.get(f"{kind}_minor"), b.get(f"{kind}_base_minor")
    else:
        return None
    if pair[0] is None or pair[1] is None:
        return None
    return int(pair[0]), int(pair[1])


@dataclass(frozen=True)
class Rule:
    """A configured rule plus the values derived from it once."""

    config: AlertRuleConfig
    currency: str
    """Currency of ``amount``/``threshold`` (the rule's, else the base currency)."""

    @property
    def name(self) -> str:
        return self.config.name

    @property
    def type(self) -> str:
        return self.config.type

    @property
    def price_kind(self) -> str:
        """Which price the rule compares: ``price`` or ``effective_price``."""
        if self.config.price:
            return self.config.price
        return "effective_price" if self.type == "price_below" else "price"

    def money(self, amount: Decimal | None) -> dict[str, Any] | None:
        return None if amount is None else price_doc(to_minor(amount, self.currency), self.currency)


@dataclass
class Facts:
    """What rules need beyond the listing: tags, our prices, MAP, which sellers are ours."""

    tags: dict[str, list[str]] = field(default_factory=dict)
    own_prices: dict[str, dict[str, Any]] = field(default_factory=dict)
    """product_group_id → our price as a listing-like doc (from config or our own listings)."""
    map_prices: dict[str, dict[str, Any]] = field(default_factory=dict)
    our_sellers: list[str] = field(default_factory=list)

    def is_ours(self, doc: Doc) -> bool:
        seller = doc.get("seller_id")
        if not seller:
            return False
        return seller in self.our_sellers or f"{doc.get('platform')}:{seller}" in self.our_sellers


def compile_rules(config: Config) -> list[Rule]:
    return [Rule(config=rule, currency=rule.currency or config.base_currency)
            for rule in config.alerts.rules]


def facts_from_config(config: Config) -> Facts:
    """Tags and own prices from ``[alerts.products]``, MAP and our sellers from ``[pricing]``."""
    facts = Facts(our_sellers=list(config.pricing.our_sellers))
    for group, product in config.alerts.products.items():
        facts.tags[group] = list(product.tags)
        if product.own_price is not None:
            currency = product.currency or config.base_currency
            facts.own_prices[group] = price_doc(to_minor(product.own_price, currency), currency)
    for group, text in config.pricing.map.items():
        amount, currency = parse_money_text(text)
        facts.map_prices[group] = price_doc(to_minor(amount, currency), currency)
    return facts


def in_scope(rule: Rule, doc: Doc, facts: Facts) -> bool:
    """Whether the listing falls within the rule's scope (every non-empty list must match)."""
    scope = rule.config.scope
    group = doc.get("product_group_id")
    seller = doc.get("seller_id")
    checks = (
        (scope.platforms, doc.get("platform") in scope.platforms),
        (scope.sellers, seller in scope.sellers
         or f"{doc.get('platform')}:{seller}" in scope.sellers),
        (scope.brands, _casefold(doc.get("brand")) in {_casefold(b) for b in scope.brands}),
        (scope.product_groups, group in scope.product_groups),
        (scope.tags, bool(set(facts.tags.get(str(group), ())) & set(scope.tags))),
    )
    return all(ok for wanted, ok in checks if wanted)


def _casefold(value: Any) -> str | None:
    return value.casefold() if isinstance(value, str) else None
