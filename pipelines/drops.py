"""The ``DropItem`` subclasses our pipelines raise, one per reject reason, named for what happened.

Scrapy's core stats count each as ``item_dropped_reasons_count/<ClassName>``; the rejects extension
stores ``reason``, ``field`` and ``detail``. Reasons are ``crawler.validate.REASONS``.
"""

from __future__ import annotations

from scrapy.exceptions import DropItem

from crawler.validate import Rejected


class RejectedItem(DropItem):
    """An item refused by validation or normalization."""

    reason = "rejected"

    def __init__(self, field: str | None, detail: str) -> None:
        super().__init__(f"{self.reason} ({field}): {detail}" if field else f"{self.reason}: "
                         f"{detail}", log_level="WARNING")
        self.field = field
        self.detail = detail


class NotAListing(RejectedItem):
    reason = "not_a_listing"


class MissingListingId(RejectedItem):
    reason = "missing_listing_id"


class BadListingId(RejectedItem):
    reason = "bad_listing_id"


class MissingUrl(RejectedItem):
    reason = "missing_url"


class BadUrl(RejectedItem):
    reason = "bad_url"


class MissingTitle(RejectedItem):
    reason = "missing_title"


class MissingPrice(RejectedItem):
    reason = "missing_price"


class BadPrice(RejectedItem):
    reason = "bad_price"


class NegativePrice(RejectedItem):
    reason = "negative_price"


class ZeroPrice(RejectedItem):
    reason = "zero_price"


class AbsurdPrice(RejectedItem):
    reason = "absurd_price"


class MissingCurrency(RejectedItem):
    reason = "missing_currency"


class BadCurrency(RejectedItem):
    reason = "bad_currency"


class BadType(RejectedItem):
    reason = "bad_type"


#: Reason → the exception raised for it.
DROPS: dict[str, type[RejectedItem]] = {cls.reason: cls for cls in RejectedItem.__subclasses__()}


def drop_for(rejected: Rejected) -> RejectedItem:
    """The DropItem for a ``Rejected`` (a reason without a class of its own stays generic)."""
    cls = DROPS.get(rejected.reason)
    if cls is None:
        drop = RejectedItem(rejected.field, rejected.detail)
        drop.reason = rejected.reason
        return drop
    return cls(rejected.field, rejected.detail)
