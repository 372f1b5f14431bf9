"""Fields found on a page, each with the rung that supplied it, and the confidence that follows.

Rungs, most trusted first: ``jsonld`` / ``microdata`` (schema.org markup), ``state`` (the page's
own JSON: ``__NEXT_DATA__``, ``window.__INITIAL_STATE__``), ``opengraph`` (``product:price:*``)
and ``visible`` (text a person reads). The first rung to give a field keeps it. The extraction
confidence is set by the rungs of the fields a price comparison rests on (``CORE_FIELDS``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: How much a value from each rung is trusted; see ``Found.confidence``.
RUNG_CONFIDENCE: dict[str, float] = {
    "jsonld": 1.0,
    "microdata": 1.0,
    "platform": 1.0,
    "state": 0.95,
    "opengraph": 0.95,
    "visible": 0.85,
}
#: The fields whose rung sets the confidence: the price dominates, the others shave it.
CORE_FIELDS = ("price", "availability", "list_price")
#: A price read from a range (``¥99-199``: the low end) is a guess, whoever supplied it.
RANGE_CONFIDENCE = 0.6


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


@dataclass
class Found:
    """Listing fields in the making: ``values`` plus ``rungs`` (field → rung that gave it)."""

    values: dict[str, Any] = field(default_factory=dict)
    rungs: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    price_is_range: bool = False

    def put(self, name: str, value: Any, rung: str) -> None:
        """Keep ``value`` for ``name`` unless an earlier (more trusted) rung already gave one."""
        if _empty(value) or not _empty(self.values.get(name)):
            return
        self.values[name] = value
        self.rungs[name] = rung

    def put_attribute(self, name: str, value: Any, rung: str) -> None:
        """One ``variant_attributes`` entry (``color``, ``capacity``, ``size``)."""
        attributes = self.values.setdefault("variant_attributes", {})
        if not _empty(value) and name not in attributes:
            attributes[name] = value

    def has(self, name: str) -> bool:
        return not _empty(self.values.get(name))

    def warn(self, warning: str) -> None:
        if warning not in self.warnings:
            self.warnings.append(warning)

    def confidence(self) -> float:
        """The price's rung confidence, less 0.05 per other core field read from visible text."""
        price_rung = self.rungs.get("price")
        if price_rung is None:
            return 0.0
        score = RUNG_CONFIDENCE.get(price_rung, 0.85)
        if self.price_is_range:
            score = min(score, RANGE_CONFIDENCE)
        for name in CORE_FIELDS[1:]:
            if self.rungs.get(name) == "visible" and price_rung != "visible":
                score -= 0.05
        return round(max(score, 0.0), 2)
