"""GTIN check digits: valid GTIN-8/12/13/14 pass, everything else is dropped with a warning.

Valid numbers are GS1's published examples and real product barcodes; the broken ones are the
shapes found on shop pages (a changed check digit, an ASIN in the GTIN slot, all zeros).
"""

# ruff: noqa: RUF001  (full-width forms are the data; table rows stay one per line)

from __future__ import annotations

import pytest

from crawler.normalize.gtin import gtin14, normalize_gtin

VALID = [
    ("4006381333931", "4006381333931"),          # EAN-13 (GS1 example)
    ("96385074", "96385074"),                    # EAN-8
    ("012345678905", "012345678905"),            # UPC-A
    ("0 12345 67890 5", "012345678905"),         # printed with spaces
    ("0-12345-67890-5", "012345678905"),
    ("EAN: 4006381333931", "4006381333931"),
    ("１２３４５６７８９０１２８", "1234567890128"),   # full-width digits
    (12345678905, "012345678905"),               # a JSON number lost the leading zero
    ("10012345678902", "10012345678902"),        # GTIN-14
]

BROKEN = [
    ("4006381333932", "gtin:bad_check_digit"),
    ("012345678906", "gtin:bad_check_digit"),
    ("B0CHX1W1XY", "gtin:not_digits"),           # an ASIN
    ("123456789", "gtin:bad_length"),
    ("0000000000000", "gtin:placeholder"),
    (-4006381333931, "gtin:not_digits"),
    ([4006381333931], "gtin:not_digits"),
]


@pytest.mark.parametrize(("raw", "expected"), VALID, ids=repr)
def test_valid_gtins(raw: object, expected: str) -> None:
    assert normalize_gtin(raw) == (expected, None)


@pytest.mark.parametrize(("raw", "warning"), BROKEN, ids=repr)
def test_broken_gtins_are_dropped_with_a_warning(raw: object, warning: str) -> None:
    assert normalize_gtin(raw) == (None, warning)


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_absent_is_neither_value_nor_warning(raw: object) -> None:
    assert normalize_gtin(raw) == (None, None)


def test_upc_and_its_ean_form_compare_equal() -> None:
    assert gtin14("012345678905") == gtin14("0012345678905") == "00012345678905"
