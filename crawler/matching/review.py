"""What ``pricewatch matches review`` shows: low-confidence matches, side by side with their group.

Pure: rows come from ``crawler.index.match_reads.low_confidence``. ``toml_snippet`` prints the
``matches.toml`` entries a person pastes to confirm (``[[group]]``) or split (``[[never]]``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ReviewRow:
    listing_id: str
    group_id: str
    method: str
    confidence: float
    title: str
    peer_id: str | None
    peer_title: str | None
    variant: str
    peer_variant: str


def review_rows(docs: Sequence[Mapping[str, Any]]) -> list[ReviewRow]:
    """Table rows from the listings (each with its ``peer`` or None)."""
    rows = []
    for doc in docs:
        peer = doc.get("peer") or {}
        rows.append(ReviewRow(
            listing_id=str(doc.get("listing_id")), group_id=str(doc.get("product_group_id")),
            method=str(doc.get("match_method") or "?"),
            confidence=float(doc.get("match_confidence") or 0.0),
            title=str(doc.get("title_clean") or doc.get("title") or ""),
            peer_id=peer.get("listing_id"),
            peer_title=peer.get("title_clean") or peer.get("title"),
            variant=_variant(doc.get("variant_attributes")),
            peer_variant=_variant(peer.get("variant_attributes"))))
    return rows


def _variant(attributes: object) -> str:
    if not isinstance(attributes, Mapping):
        return ""
    return ", ".join(f"{k}={v}" for k, v in sorted(attributes.items()))


def toml_snippet(rows: Sequence[ReviewRow]) -> str:
    """``matches.toml`` entries confirming each row's match; swap to ``[[never]]`` to split."""
    out = []
    for row in rows:
        if row.peer_id is None:
            continue
        ids = json.dumps([row.peer_id, row.listing_id], ensure_ascii=False)
        out.append(f"# {row.confidence:.2f} {row.method}: keep together, or change to [[never]]\n"
                   f"[[group]]\ngroup_id = {json.dumps(row.group_id)}\nlisting_ids = {ids}\n")
    return "\n".join(out)
