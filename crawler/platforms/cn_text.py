"""Text the Chinese marketplaces show: 满X减Y coupons, 万 counts, postage lines.

Shared by the Taobao and PDD readers (JD's page writes the same 满300减50 form). Each function
returns ``None`` when the text says nothing it understands, so a caller can tell "no coupon"
from "a coupon we could not read" (``CouponText.unreadable``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from crawler.normalize.money import MoneyError, coerce_amount

# 满300减50, 满300元减50元, 满 300 减 50
_THRESHOLD = re.compile(r"满\s*([\d.,]+)\s*元?\s*减\s*([\d.,]+)")
# 无门槛减50, 50元无条件券, 立减50, 减50元
_UNCONDITIONAL = re.compile(r"(?:无门槛|立)?减\s*([\d.,]+)|([\d.,]+)\s*元?\s*无(?:条件|门槛)")
_COUNT = re.compile(r"([\d.,]+)\s*(万|千)?(\+)?")
_FREE_POSTAGE = ("免运费", "包邮", "免邮", "卖家承担运费")


@dataclass(frozen=True)
class CouponText:
    """A coupon read from text: ``amount`` off from ``threshold`` spent (None: always)."""

    amount: Decimal
    threshold: Decimal | None


def _decimal(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def coupon_from_text(text: str | None) -> CouponText | None:
    """``满300减50`` → (50, 300); ``无门槛减50`` / ``50元无条件券`` → (50, None); else None."""
    if not text or not text.strip():
        return None
    if match := _THRESHOLD.search(text):
        threshold = _decimal(match.group(1))
        return CouponText(_decimal(match.group(2)), threshold or None)
    if match := _UNCONDITIONAL.search(text):
        return CouponText(_decimal(match.group(1) or match.group(2)), None)
    return None


def count_from_text(text: str | None) -> int | None:
    """Counts: ``4567`` → 4567, ``1.2万`` / ``已拼1.2万件`` → 12000, ``10万+`` → 100000.

    ``+`` means "at least": the lower bound is what we know.
    """
    if text is None:
        return None
    match = _COUNT.search(str(text))
    if not match:
        return None
    value = _decimal(match.group(1))
    scale = {"万": 10_000, "千": 1_000}.get(match.group(2) or "", 1)
    return int(value * scale)


def postage_from_text(text: str | None, *, locale: str = "zh_CN") -> Decimal | None:
    """``快递: 免运费`` / ``全场包邮`` → 0; ``快递: 8.00`` / ``运费 ¥6.00`` → 8.00; else None."""
    if not text or not text.strip():
        return None
    if any(word in text for word in _FREE_POSTAGE):
        return Decimal(0)
    try:
        amount, _ = coerce_amount(text, locale=locale)
    except MoneyError:
        return None
    return amount
