"""GTIN as found → digits with a verified GS1 check digit, or None plus the warning why.

The check itself is python-stdnum's ``ean`` (GTIN-8/12/13/14). A GTIN that fails is not trusted
for matching: the listing keeps no ``gtin`` and gets a ``gtin:<problem>`` warning instead.
``gtin14`` pads any valid GTIN to 14 digits, so a UPC-A and its EAN-13 form match each other.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from stdnum import ean

VALID_LENGTHS = (8, 12, 13, 14)

_SEPARATORS = re.compile(r"[\s\-.]")


def normalize_gtin(raw: object) -> tuple[str | None, str | None]:
    """``(gtin, None)`` if valid, ``(None, warning)`` if not, ``(None, None)`` when absent."""
    # Cached per distinct value (normalize, then the matcher on the normalized GTIN); typed, so
    # True is not read as 1.
    return _normalized(raw) if type(raw) in (str, int) else _normalized.__wrapped__(raw)


@functools.lru_cache(maxsize=4096, typed=True)
def _normalized(raw: object) -> tuple[str | None, str | None]:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, None
    if isinstance(raw, bool) or not isinstance(raw, str | int) or str(raw).startswith("-"):
        return None, "gtin:not_digits"
    text = _SEPARATORS.sub("", unicodedata.normalize("NFKC", str(raw))).upper()
    if isinstance(raw, int):  # a number lost its leading zeros; they never change the check digit
        text = text.zfill(next((n for n in VALID_LENGTHS if n >= len(text)), len(text)))
    if text.startswith(("GTIN", "EAN", "UPC")):
        text = re.sub(r"^(GTIN|EAN|UPC)(-?\d{1,2})?:?", "", text)
    if not text.isascii() or not text.isdigit():
        return None, "gtin:not_digits"
    if len(text) not in VALID_LENGTHS:
        return None, "gtin:bad_length"
    if set(text) == {"0"}:
        return None, "gtin:placeholder"
    # ASCII digits of a GTIN length by now: what ``ean.validate`` has left to do is the check
    # digit (its clean-up pass walks the text character by character again, ~half this call).
    if ean.calc_check_digit(text[:-1]) != text[-1]:
        return None, "gtin:bad_check_digit"
    return text, None


def gtin14(gtin: str) -> str:
    """A valid GTIN zero-padded to 14 digits: the form matching compares."""
    return gtin.zfill(14)
