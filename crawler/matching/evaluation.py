"""Pairwise precision and recall of predicted product groups against the true ones.

A pair of listings is predicted-same when both got one group, truly-same when the truth puts
them in one group. precision = correct same-pairs / predicted same-pairs; recall = correct
same-pairs / true same-pairs. ``variant_merges`` lists predicted pairs whose variant attributes
differ (the one mistake matching must never make).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import combinations


@dataclass
class PairwiseScore:
    predicted_pairs: int
    true_pairs: int
    correct_pairs: int
    wrong_pairs: list[tuple[str, str]] = field(default_factory=list)
    missed_pairs: list[tuple[str, str]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0


def same_pairs(groups: Mapping[str, str]) -> set[tuple[str, str]]:
    """Every unordered pair of listings that share a group (sorted listing ids)."""
    members: dict[str, list[str]] = defaultdict(list)
    for listing_id, group in groups.items():
        members[group].append(listing_id)
    return {pair for ids in members.values() for pair in combinations(sorted(ids), 2)}


def pairwise(predicted: Mapping[str, str], truth: Mapping[str, str]) -> PairwiseScore:
    """Compare on the listings both mappings know."""
    common = predicted.keys() & truth.keys()
    got = same_pairs({k: predicted[k] for k in common})
    want = same_pairs({k: truth[k] for k in common})
    return PairwiseScore(
        predicted_pairs=len(got), true_pairs=len(want), correct_pairs=len(got & want),
        wrong_pairs=sorted(got - want), missed_pairs=sorted(want - got))


def variant_merges(predicted: Mapping[str, str], variants: Mapping[str, Mapping[str, str]],
                   truth: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """Predicted same-pairs whose known ``capacity``/``color``/``size`` values differ (pairs the
    truth puts together are not counted: "Silver" and 铂金银 may name one colour)."""
    confirmed = same_pairs(truth) if truth is not None else set()
    bad = []
    for a, b in sorted(same_pairs(predicted) - confirmed):
        left, right = variants.get(a, {}), variants.get(b, {})
        if any(k in left and k in right and left[k] != right[k]
               for k in ("capacity", "color", "size")):
            bad.append((a, b))
    return bad
