"""Fuzzy title similarity under strict guards: a high score never merges two different products.

``compatible`` refuses a pair whose variants differ (256GB ≠ 512GB, black ≠ white: both known
and different), whose numbers differ (iPhone 15 ≠ 14), whose model-line words differ
(Pro ≠ Pro Max) or whose model codes share nothing (WH-1000XM5 ≠ WF-1000XM5). It returns the
confidence factor for what is unknown on one side. ``similarity`` is rapidfuzz's
``token_set_ratio`` on the folded words (word order and extra words matter little), scaled to 0–1.
"""

from __future__ import annotations

import functools

from rapidfuzz import fuzz

from crawler.matching.keys import MatchFeatures
from crawler.normalize.variants import BASIC_COLORS, COLORS, color_family

KNOWN_COLORS = frozenset(COLORS.values())

#: Weight of token-set ratio against token-sort ratio in ``similarity``.
SET_WEIGHT = 0.6

#: Similarity given to two titles that share a model code or a long model/set number.
IDENTIFIER_SIMILARITY = 0.85

#: Confidence factor per variant attribute known on one side only.
UNKNOWN_VARIANT_FACTOR = 0.92


def variant_factor(a: MatchFeatures, b: MatchFeatures) -> float | None:
    """None when a variant attribute differs; else the confidence factor for unknown ones."""
    return variants_factor(a.variant, b.variant)


@functools.lru_cache(maxsize=65536)
def variants_factor(a: tuple[tuple[str, str], ...], b: tuple[tuple[str, str], ...]
                    ) -> float | None:
    """``variant_factor`` of two ``MatchFeatures.variant`` tuples. Cached: a catalog has few
    distinct variants (colour × capacity × size), and the matcher compares each listing with
    every variant of its block (crawler/matching/matcher.py, ``_candidates``)."""
    left, right = dict(a), dict(b)
    factor = 1.0
    for key in set(left) | set(right):
        if key in left and key in right:
            value = _value_factor(key, left[key], right[key])
            if value is None:
                return None
            factor *= value
        elif key != "ram":  # RAM is rarely in a title; storage and colour usually are
            factor *= UNKNOWN_VARIANT_FACTOR
    return factor


def _value_factor(key: str, left: str, right: str) -> float | None:
    """1 for the same value; a lower factor for colours that may be one; None when different."""
    if left == right:
        return 1.0
    if key != "color":
        return None
    # A plain "Black" may be a shop's word for 雅丹黑, and a name we cannot translate may be
    # one we can: they agree by family. Two distinct names of the table are different colours.
    plain = left in BASIC_COLORS or right in BASIC_COLORS
    if not plain and left in KNOWN_COLORS and right in KNOWN_COLORS:
        return None
    family = color_family(left)
    if family is None or family != color_family(right):
        return None
    return UNKNOWN_VARIANT_FACTOR


def compatible(a: MatchFeatures, b: MatchFeatures) -> float | None:
    """None when the two cannot be one product; else a confidence factor (1 = nothing unknown)."""
    if a.brand and b.brand and a.brand != b.brand:
        return None
    numbers = _numbers_factor(a, b)
    if numbers is None or a.discriminators != b.discriminators:
        return None
    if a.accessories != b.accessories:
        return None
    if a.codes and b.codes and not (a.codes & b.codes):
        return None
    if a.model and b.model and a.model != b.model:
        return None
    variant = variant_factor(a, b)
    return None if variant is None else variant * numbers


def _numbers_factor(a: MatchFeatures, b: MatchFeatures) -> float | None:
    """1 for the same numbers; less when one side adds numbers next to a shared model number
    (LEGO "42115" vs "FKP 37 42115", Philips "HX6857" vs "5100 HX6857/11"); None otherwise."""
    left, right = a.numbers, b.numbers
    if left == right:
        return 1.0
    if (left < right or right < left) and _shares_identifier(a, b):
        return UNKNOWN_VARIANT_FACTOR
    return None


def similarity(a: MatchFeatures, b: MatchFeatures) -> float:
    """0–1: how alike the two titles' words are.

    Token-set ratio forgives the extra words one platform adds (手机, "Wireless Headphones");
    the token-sort part keeps a title that only shares a few words from scoring 1.
    """
    best = _ratio(a.words, b.words)
    # Titles in two scripts: the CJK words of one have no counterpart in the other, so the
    # ASCII words (model names, numbers) are compared alone as well.
    if len(a.latin.split()) >= 2 and len(b.latin.split()) >= 2:
        best = max(best, _ratio(a.latin, b.latin))
    if _shares_identifier(a, b):  # one model number / set number: the strongest title evidence
        best = max(best, IDENTIFIER_SIMILARITY)
    return best


def _ratio(left: str, right: str) -> float:
    if not left or not right:
        return 0.0
    token_set = fuzz.token_set_ratio(left, right)
    token_sort = fuzz.token_sort_ratio(left, right)
    return float(SET_WEIGHT * token_set + (1 - SET_WEIGHT) * token_sort) / 100.0


def _shares_identifier(a: MatchFeatures, b: MatchFeatures) -> bool:
    return bool(a.codes & b.codes) or any(len(n) >= 4 for n in a.numbers & b.numbers)


def score(a: MatchFeatures, b: MatchFeatures) -> float:
    """The match confidence of ``a`` and ``b`` as one product (0 when incompatible)."""
    factor = compatible(a, b)
    if factor is None:
        return 0.0
    return round(similarity(a, b) * factor, 4)
