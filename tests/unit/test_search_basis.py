"""Which price a comparison compares: the rule of docs/search.md, case by case."""

from __future__ import annotations

import pytest

from crawler.search.basis import choose_basis

ALL = {"effective_price_minor": 3, "price_minor": 3, "effective_price_base_minor": 3,
       "price_base_minor": 3}


@pytest.mark.parametrize(("currencies", "counts", "expected"), [
    (["CNY"], ALL, ("effective_price_minor", "CNY", False)),
    (["USD"], ALL, ("effective_price_minor", "USD", False)),
    (["CNY", "USD"], ALL, ("effective_price_base_minor", "CNY", True)),
    # One offer without shipping known: its effective price is unknown, so price compares.
    (["CNY"], {**ALL, "effective_price_minor": 2}, ("price_minor", "CNY", False)),
    (["CNY", "USD"], {**ALL, "effective_price_base_minor": 2}, ("price_base_minor", "CNY", True)),
    # Nothing known for all: the field known for the most offers.
    (["CNY", "USD"], {"price_base_minor": 2, "effective_price_base_minor": 1},
     ("price_base_minor", "CNY", True)),
], ids=["one-currency", "one-foreign-currency", "mixed", "effective-missing",
        "mixed-effective-missing", "partial"])
def test_choose_basis(currencies: list[str], counts: dict[str, int],
                      expected: tuple[str, str, bool]) -> None:
    basis = choose_basis(3, currencies, counts, "CNY")
    assert basis is not None
    assert (basis.field, basis.currency, basis.base) == expected
    assert basis.kind == ("effective" if "effective" in expected[0] else "price")


def test_no_offer_or_no_price_means_no_basis() -> None:
    assert choose_basis(0, [], {}, "CNY") is None
    assert choose_basis(2, ["CNY"], {}, "CNY") is None
