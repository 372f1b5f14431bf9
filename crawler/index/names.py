"""Index, alias and template names, all under one prefix (``PRICEWATCH_INDEX_PREFIX``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

#: Bump a kind's version when its mapping changes incompatibly: a new ``-v<N>`` index is created
#: behind the same alias (see docs/index-mappings.md, "Changing a mapping").
SCHEMA_VERSIONS: dict[str, int] = {
    "listings": 1,
    "prices": 1,
    "alerts": 1,
    "runs": 1,
    "rejects": 1,
    "watches": 1,
}

KINDS = tuple(SCHEMA_VERSIONS)


@dataclass(frozen=True)
class IndexNames:
    """Names for one prefix. Readers use the aliases; writers use ``write_index``."""

    prefix: str = "pricewatch"

    def alias(self, kind: str) -> str:
        """The alias every reader uses, e.g. ``pricewatch-listings``."""
        self._check(kind)
        return f"{self.prefix}-{kind}"

    def versioned(self, kind: str) -> str:
        """The concrete index name stem for the current schema, e.g. ``pricewatch-listings-v1``."""
        return f"{self.alias(kind)}-v{SCHEMA_VERSIONS[kind]}"

    def template(self, kind: str) -> str:
        return f"{self.alias(kind)}-template"

    def pattern(self, kind: str) -> str:
        """The index pattern a kind's template applies to (all schema versions)."""
        return f"{self.alias(kind)}-v*"

    def write_index(self, kind: str, when: datetime | None = None) -> str:
        """Where a document of ``kind`` is written. Price history is split by month."""
        if kind == "prices":
            if when is None:
                raise ValueError("price observations are written to the index of their month")
            # Not ``{when:%Y.%m}``: strftime per history point was a tenth of the index step's CPU.
            return f"{self.versioned(kind)}-{when.year:04d}.{when.month:02d}"
        return self.versioned(kind)

    @property
    def everything(self) -> str:
        """A pattern matching every index under the prefix (for cleanup and status)."""
        return f"{self.prefix}-*"

    @staticmethod
    def _check(kind: str) -> None:
        if kind not in SCHEMA_VERSIONS:
            raise ValueError(f"unknown index kind {kind!r}; known: {', '.join(KINDS)}")
