"""Which rules a batch of listing changes fires: pure functions over ``ListingChange``.

No state and no I/O here: dedup, cooldown and hysteresis are ``dedup.py``'s job, watches are
``watches.py``'s. A price is compared against the previous document of the batch when that one is
trusted, else against the last trusted value kept in the alert state (``baselines``), so a suspect
100x price neither fires on the way up nor on the way back down.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from crawler.alerts.rules import PRICE_RULES, Doc, Facts, Rule, comparable, format_minor, in_scope
from crawler.changes import ListingChange

IN_STOCK = frozenset({"in_stock", "limited"})


@dataclass
class Candidate:
    """One rule firing for one listing, before dedup/cooldown/hysteresis."""

    rule: Rule
    listing: dict[str, Any]
    value_key: str
    """What makes this alert "the same" as an earlier one (with rule and listing)."""
    old_value: str | None = None
    new_value: str | None = None
    old_minor: int | None = None
    new_minor: int | None = None
    currency: str | None = None
    watch: str | None = None
    hysteresis_field: str | None = None
    """Field whose recent values the hysteresis check looks at (None: no hysteresis)."""

    @property
    def listing_id(self) -> str:
        return str(self.listing["listing_id"])


def trusted(doc: Doc | None, rule: Rule, *, previous: bool = False) -> bool:
    """Confidence at least the rule's minimum, and for price rules no suspect price.

    A previous document whose suspect price the index step held back (``held_price_minor`` set)
    still carries the last published, trusted price fields, so it is a fine baseline.
    """
    if doc is None:
        return False
    if float(doc.get("confidence", 1.0)) < rule.config.min_confidence:
        return False
    if rule.type not in PRICE_RULES or not doc.get("price_suspect"):
        return True
    return previous and doc.get("held_price_minor") is not None


def detect(
    changes: Sequence[ListingChange],
    rules: Sequence[Rule],
    facts: Facts,
    *,
    own_prices: Mapping[str, Doc] | None = None,
    baselines: Mapping[str, Doc] | None = None,
) -> list[Candidate]:
    """Every (rule, listing) that fires in this batch; ``new_listing`` rules are left to watches."""
    own_prices = own_prices if own_prices is not None else facts.own_prices
    baselines = baselines or {}
    found: list[Candidate] = []
    for change in changes:
        for rule in rules:
            if rule.type == "new_listing" or not in_scope(rule, change.current, facts):
                continue
            if not trusted(change.current, rule):
                continue
            base = change.previous if trusted(change.previous, rule, previous=True) else None
            if base is None and change.previous is not None and rule.type in PRICE_RULES:
                base = baselines.get(change.listing_id)
            candidate = _check(rule, change, base, facts, own_prices)
            if candidate is not None:
                found.append(candidate)
    return found


def _check(rule: Rule, change: ListingChange, base: Doc | None, facts: Facts,
           own_prices: Mapping[str, Doc]) -> Candidate | None:
    cur = change.current
    match rule.type:
        case "price_drop" | "price_rise":
            return _price_move(rule, cur, base)
        case "price_below":
            return _crossed_below(rule, cur, base, rule.money(rule.config.threshold))
        case "undercut":
            if facts.is_ours(cur):
                return None
            return _undercut(rule, cur, base, own_prices.get(str(cur.get("product_group_id"))))
        case "below_map":
            return _crossed_below(rule, cur, base,
                                  facts.map_prices.get(str(cur.get("product_group_id"))))
        case "out_of_stock" | "back_in_stock" | "delisted":
            return _status_change(rule, cur, change.previous)
    return None


def _price_candidate(rule: Rule, cur: Doc, base: Doc | None) -> Candidate:
    kind = rule.price_kind
    currency = cur.get("currency")
    new_minor = cur.get(f"{kind}_minor")
    old_minor = base.get(f"{kind}_minor") if base and base.get("currency") == currency else None
    return Candidate(
        rule=rule, listing=dict(cur), value_key=f"{kind}={new_minor} {currency}",
        old_value=format_minor(old_minor, currency), new_value=format_minor(new_minor, currency),
        old_minor=old_minor, new_minor=new_minor, currency=currency,
        hysteresis_field=f"{kind}_minor",
    )


def _price_move(rule: Rule, cur: Doc, base: Doc | None) -> Candidate | None:
    if base is None:
        return None
    pair = comparable(base, cur, rule.price_kind)
    if pair is None or pair[0] == pair[1] or pair[0] <= 0:
        return None
    old, new = pair
    if (new < old) != (rule.type == "price_drop"):
        return None
    if not _move_is_big_enough(rule, cur, base, old, new):
        return None
    return _price_candidate(rule, cur, base)


def _move_is_big_enough(rule: Rule, cur: Doc, base: Doc, old: int, new: int) -> bool:
    """Percent and/or amount (both when both are set: a rule is as quiet as its strictest part)."""
    config = rule.config
    if config.percent is not None and abs(new - old) * 100 < config.percent * old:
        return False
    if config.amount is not None:
        step = rule.money(config.amount)
        assert step is not None
        # Express the move in the rule's currency: the listing's own, or both in base currency.
        kind = rule.price_kind
        for field, currency_field in ((f"{kind}_minor", "currency"),
                                      (f"{kind}_base_minor", "base_currency")):
            if cur.get(currency_field) == rule.currency == base.get(currency_field):
                if cur.get(field) is None or base.get(field) is None:
                    return False
                return abs(int(cur[field]) - int(base[field])) >= step["price_minor"]
        return False
    return True


def _crossed_below(rule: Rule, cur: Doc, base: Doc | None, limit: Doc | None) -> Candidate | None:
    """Fires when the price is below ``limit`` now and was not before (edge, not level)."""
    if limit is None:
        return None
    now = comparable(cur, limit, rule.price_kind)
    if now is None or now[0] >= now[1]:
        return None
    before = comparable(base, limit, rule.price_kind) if base is not None else None
    if before is not None and before[0] < before[1]:
        return None
    return _price_candidate(rule, cur, base)


def _undercut(rule: Rule, cur: Doc, base: Doc | None, own: Doc | None) -> Candidate | None:
    if own is None:
        return None
    percent = rule.config.percent or 0

    def undercuts(doc: Doc | None) -> bool:
        pair = comparable(doc, own, rule.price_kind) if doc is not None else None
        if pair is None:
            return False
        theirs, ours = pair
        return theirs < ours and theirs * 100 <= ours * (100 - percent)

    if not undercuts(cur) or undercuts(base):
        return None
    candidate = _price_candidate(rule, cur, base)
    ours = own.get(f"{rule.price_kind}_minor")
    candidate.old_value = format_minor(ours, own.get("currency"))  # "our price" for the message
    candidate.old_minor = ours if own.get("currency") == cur.get("currency") else None
    return candidate


def _status_change(rule: Rule, cur: Doc, previous: Doc | None) -> Candidate | None:
    if previous is None:
        return None  # a first sighting is not a change (new listings go through watches)
    if rule.type == "delisted":
        if not cur.get("delisted") or previous.get("delisted"):
            return None
        return Candidate(rule=rule, listing=dict(cur), value_key="delisted", old_value="listed",
                         new_value="delisted", hysteresis_field="delisted")
    if cur.get("delisted"):
        # The index step marks a delisted listing out_of_stock: that is the delisting, which
        # the delisted rule reports, not a stock event (one event, one alert).
        return None
    old, new = previous.get("availability"), cur.get("availability")
    if rule.type == "out_of_stock":
        fires = new == "out_of_stock" and old != "out_of_stock"
    else:
        fires = new in IN_STOCK and old == "out_of_stock"
    if not fires:
        return None
    return Candidate(rule=rule, listing=dict(cur), value_key=f"availability={new}",
                     old_value=old, new_value=new, hysteresis_field="availability")


def new_listing_candidates(changes: Sequence[ListingChange], rules: Sequence[Rule], facts: Facts,
                           matches: Mapping[str, Sequence[str]]) -> list[Candidate]:
    """``new_listing`` rules: each new listing that a saved search matched (``matches``:
    listing_id → watch names)."""
    found = []
    for change in changes:
        if not change.is_new:
            continue
        for rule in rules:
            if rule.type != "new_listing" or not in_scope(rule, change.current, facts):
                continue
            if float(change.current.get("confidence", 1.0)) < rule.config.min_confidence:
                continue
            for watch in matches.get(change.listing_id, ()):
                if rule.config.watches and watch not in rule.config.watches:
                    continue
                found.append(Candidate(rule=rule, listing=dict(change.current),
                                       value_key=f"watch={watch}", new_value=watch, watch=watch))
    return found
