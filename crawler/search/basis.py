"""Which price a comparison compares: the rule of docs/search.md, as one pure function.

The effective price (what a buyer pays delivered) when every counted offer has one, else the
price. In the offers' own currency when they share one, else converted to the base currency.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from crawler.search.models import Basis

#: (field, kind, converted to base) in order of preference inside each currency situation.
NATIVE = (("effective_price_minor", "effective"), ("price_minor", "price"))
CONVERTED = (("effective_price_base_minor", "effective"), ("price_base_minor", "price"))
CANDIDATE_FIELDS = tuple(f for f, _ in (*NATIVE, *CONVERTED))


def choose_basis(offers: int, currencies: Sequence[str], counts: Mapping[str, int],
                 base_currency: str) -> Basis | None:
    """The basis for ``offers`` counted offers in ``currencies`` with ``counts[field]`` values.

    When no field is known for every offer, the one known for the most offers wins (offers
    without it are shown but not compared); None when no offer has a price at all.
    """
    if offers == 0:
        return None
    single = len(set(currencies)) == 1
    ladder = NATIVE if single else CONVERTED
    currency = currencies[0] if single else base_currency
    for field, kind in ladder:
        if counts.get(field, 0) >= offers:
            return Basis(field=field, kind=kind, currency=currency, base=not single)  # type: ignore[arg-type]
    field, kind = max(ladder, key=lambda fk: counts.get(fk[0], 0))
    if counts.get(field, 0) == 0:
        return None
    return Basis(field=field, kind=kind, currency=currency, base=not single)  # type: ignore[arg-type]


def basis_aggs() -> dict[str, Any]:
    """Aggregations that feed ``choose_basis``: the currencies and a value count per field."""
    return {
        "currencies": {"terms": {"field": "currency", "size": 2}},
        **{f"has_{f}": {"value_count": {"field": f}} for f in CANDIDATE_FIELDS},
    }


def basis_from_aggs(doc_count: int, aggs: Mapping[str, Any], base_currency: str) -> Basis | None:
    """``choose_basis`` over the results of ``basis_aggs``."""
    currencies = [str(b["key"]) for b in aggs["currencies"]["buckets"]]
    if len(currencies) == 1 and aggs["currencies"]["sum_other_doc_count"] == 0 \
            and aggs["currencies"]["buckets"][0]["doc_count"] < doc_count:
        currencies.append("?")  # some offers have no currency: treat as mixed
    if not currencies:
        return None
    counts = {f: int(aggs[f"has_{f}"]["value"]) for f in CANDIDATE_FIELDS}
    return choose_basis(doc_count, currencies, counts, base_currency)
