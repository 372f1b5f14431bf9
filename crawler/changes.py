"""What the index step learned about each listing of a batch: the hand-off to alerting.

The index step reads the previous state of the whole batch with one ``mget``, writes the new state,
and hands a ``ListingChange`` per listing to whoever listens (alerts). Nothing downstream needs to
ask Elasticsearch again for the previous values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Fields whose change is a market move (and earns a price-history point).
TRACKED_FIELDS = ("price_minor", "effective_price_minor", "availability")


@dataclass
class ListingChange:
    """One listing of an indexed batch, with its state before and after."""

    current: dict[str, Any]
    """The listing document as now stored (normalized fields; None values dropped)."""

    previous: dict[str, Any] | None
    """The stored document before this batch; None for a listing seen for the first time."""

    changed_fields: list[str] = field(default_factory=list)
    """Which of ``TRACKED_FIELDS`` (and ``delisted``) differ from ``previous``."""

    history_written: bool = False
    """Whether a price-history point was appended for this listing in this batch."""

    @property
    def listing_id(self) -> str:
        return str(self.current["listing_id"])

    @property
    def is_new(self) -> bool:
        return self.previous is None


def tracked_changes(previous: dict[str, Any] | None, current: dict[str, Any]) -> list[str]:
    """The tracked fields (plus ``delisted``) whose value differs; every field for a new listing."""
    fields = (*TRACKED_FIELDS, "delisted")
    if previous is None:
        return [name for name in fields if current.get(name) is not None]
    return [name for name in fields if previous.get(name) != current.get(name)]
