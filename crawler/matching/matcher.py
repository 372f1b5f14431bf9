"""The Matcher: one ``product_group_id`` per product, stable across runs.

Order of evidence for a listing: the overrides file (always wins) → its stored group when
nothing it is matched on changed → GTIN → brand + model (variants must agree) → fuzzy title
within the brand's block (``fuzzy.score`` ≥ the threshold) → a new group. ``[[never]]`` pairs are
checked at every step. New group ids derive from the founding listing's keys (``gtin-<GTIN-14>``,
``bm-<digest of brand|model|variant>``, ``t-<digest of listing_id>``), and ``load`` rebuilds the
known groups from the listings index at start, so the same inputs get the same ids run after run.

Memory: per listing an entry in ``_known`` (group, fingerprint, method, confidence); per group at
most ``max_representatives`` feature records for fuzzy comparison and its creation number.

Fuzzy candidates come from blocks (same brand and numbers, or one model code or long number),
and within a block only from the representatives ``compatible`` could accept: same model-line
words, numbers equal or one within the other, a variant the listing may be (``may_join``, per
distinct pair of such triples, cached). A block holds every colour and size of a brand's
products, so it grows with the catalog; comparing every member cost 64 fuzzy comparisons a
listing on some platforms of benchmarks/ingest.py at 100k, 4 with this (same groups).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from crawler.matching.brands import BrandVocabulary
from crawler.matching.fuzzy import score, variant_factor, variants_factor
from crawler.matching.keys import MatchFeatures, features
from crawler.matching.overrides import Overrides

METHODS = ("override", "gtin", "brand_model", "title", "new")

#: Confidence of a brand + model match whose variants agree in full.
BRAND_MODEL_CONFIDENCE = 0.95


@dataclass(frozen=True, slots=True)
class Assignment:
    """Which group a listing joins, how, and how sure we are (0 to 1)."""

    group_id: str
    method: str
    confidence: float


@dataclass(frozen=True)
class MatchSettings:
    """Thresholds (from ``[matching]`` in the config)."""

    title_threshold: float = 0.75
    """Lowest fuzzy score that joins a group when the brand is known."""
    title_threshold_no_brand: float = 0.92
    """Lowest fuzzy score when neither listing names a brand we know."""
    max_representatives: int = 3
    """Listings kept per group for fuzzy comparison (memory bound)."""


class Matcher:
    """Assigns product groups; holds the known groups of this and earlier runs."""

    def __init__(self, overrides: Overrides | None = None,
                 settings: MatchSettings | None = None) -> None:
        self.overrides = overrides or Overrides()
        self.settings = settings or MatchSettings()
        self.vocabulary = BrandVocabulary()
        self._known: dict[str, tuple[str, int, str, float]] = {}
        self._by_gtin: dict[str, str] = {}
        self._by_model: dict[tuple[str, str], list[str]] = {}
        #: block key → a representative's numbers → the number of its guards (``may_join``) →
        #: groups with such a representative there. Numbers first: in a block of one long
        #: number (Philips "5000" series) most members have other numbers and are passed over
        #: a whole set at a time.
        self._blocks: dict[tuple[Any, ...], dict[frozenset[str], dict[int, list[str]]]] = {}
        #: Distinct guards → their number, and back: block members are compared by number (an
        #: int pair hashes at once; a pair of guard tuples is hashed afresh at every look-up).
        self._guard_numbers: dict[Guards, int] = {}
        self._guard_list: list[Guards] = []
        self._may_join = functools.lru_cache(maxsize=1 << 16)(self._may_join_numbers)
        self._reps: dict[str, list[MatchFeatures]] = {}
        #: group → creation number: candidates are compared oldest group first, so a tie in
        #: score goes to the same group whatever the order the blocks were read in.
        self._order: dict[str, int] = {}
        #: A tuple, not a set: a group nearly always has one GTIN (a set of one is 216 bytes).
        self._group_gtins: dict[str, tuple[str, ...]] = {}

    # --- public ----------------------------------------------------------------------------
    def features_of(self, doc: Mapping[str, Any] | Any) -> MatchFeatures:
        """Features of a Listing/document, with the brand vocabulary learned so far."""
        brand = doc.get("brand") if isinstance(doc, Mapping) else getattr(doc, "brand", None)
        self.vocabulary.add(brand)
        return features(doc, self.vocabulary)

    def match(self, doc: Mapping[str, Any] | Any) -> Assignment:
        """Assign a group to a Listing or listing document and remember it."""
        return self.assign(self.features_of(doc))

    def assign(self, f: MatchFeatures) -> Assignment:
        """The group for ``f`` (remembered, so later listings can join it)."""
        pinned = self.overrides.group_of.get(f.listing_id)
        if pinned is not None:
            assignment = Assignment(pinned, "override", 1.0)
            self._known[f.listing_id] = (pinned, f.fingerprint(), "override", 1.0)
            return assignment
        stored = self._stored(f)
        if stored is not None:
            return stored
        assignment = self._find(f) or self._new_group(f)
        self.remember(f, assignment)
        return assignment

    def load(self, docs: Iterable[Mapping[str, Any]]) -> int:
        """Rebuild known groups from stored listing documents; returns how many were loaded."""
        count = 0
        for doc in docs:
            group = doc.get("product_group_id")
            if not group or not doc.get("listing_id"):
                continue
            confidence = doc.get("match_confidence")
            assignment = Assignment(str(group), str(doc.get("match_method") or "title"),
                                    float(confidence) if confidence is not None else 1.0)
            self.remember(self.features_of(doc), assignment)
            count += 1
        return count

    def remember(self, f: MatchFeatures, a: Assignment) -> None:
        """Record ``f`` as a member of ``a.group_id`` and index its keys."""
        self._known[f.listing_id] = (a.group_id, f.fingerprint(), a.method, a.confidence)
        if a.method == "override":
            return  # a pinned listing lends its keys to no one (docs/matching.md)
        if f.gtin14:
            self._by_gtin.setdefault(f.gtin14, a.group_id)
            gtins = self._group_gtins.get(a.group_id, ())
            if f.gtin14 not in gtins:
                self._group_gtins[a.group_id] = (*gtins, f.gtin14)
        if f.brand and f.model:
            groups = self._by_model.setdefault((f.brand, f.model), [])
            if a.group_id not in groups:
                groups.append(a.group_id)
        reps = self._reps.get(a.group_id)
        if reps is None:
            reps = self._reps[a.group_id] = []
            self._order[a.group_id] = len(self._order)
        if len(reps) < self.settings.max_representatives and all(
                r.listing_id != f.listing_id for r in reps):
            reps.append(f)
            guards = self._guard_number(f)
            for key in block_keys(f):
                groups = self._blocks.setdefault(key, {}).setdefault(f.numbers, {}).setdefault(
                    guards, [])
                if a.group_id not in groups:
                    groups.append(a.group_id)

    def group_of(self, listing_id: str) -> str | None:
        known = self._known.get(listing_id)
        return known[0] if known else None

    @property
    def group_count(self) -> int:
        return len(self._reps)

    # --- steps -----------------------------------------------------------------------------
    def _stored(self, f: MatchFeatures) -> Assignment | None:
        known = self._known.get(f.listing_id)
        if known is None or known[1] != f.fingerprint() or known[2] == "override":
            return None  # new, changed, or no longer pinned: match afresh
        group, _, method, confidence = known
        if self._violates(f.listing_id, group):
            return None
        return Assignment(group, method, confidence)

    def _find(self, f: MatchFeatures) -> Assignment | None:
        for step in (self._by_gtin_step, self._by_model_step, self._by_title_step):
            found = step(f)
            if found is not None:
                return found
        return None

    def _by_gtin_step(self, f: MatchFeatures) -> Assignment | None:
        group = self._by_gtin.get(f.gtin14) if f.gtin14 else None
        if group is None or self._violates(f.listing_id, group):
            return None
        return Assignment(group, "gtin", 1.0)

    def _by_model_step(self, f: MatchFeatures) -> Assignment | None:
        if not (f.brand and f.model):
            return None
        best: Assignment | None = None
        for group in self._by_model.get((f.brand, f.model), []):
            factors = [variant_factor(f, rep) for rep in self._reps.get(group, [])]
            usable = [x for x in factors if x is not None]
            if not usable or None in factors or self._violates(f.listing_id, group):
                continue
            confidence = round(BRAND_MODEL_CONFIDENCE * max(usable), 4)
            if best is None or confidence > best.confidence:
                best = Assignment(group, "brand_model", confidence)
        return best

    def _by_title_step(self, f: MatchFeatures) -> Assignment | None:
        threshold = (self.settings.title_threshold if f.brand
                     else self.settings.title_threshold_no_brand)
        best: Assignment | None = None
        for group in self._candidates(f):
            if f.gtin14 and f.gtin14 not in self._group_gtins.get(group, (f.gtin14,)):
                continue  # two different valid GTINs: different products, whatever the title
            value = max((score(f, rep) for rep in self._reps[group]), default=0.0)
            if value >= threshold and (best is None or value > best.confidence) \
                    and not self._violates(f.listing_id, group):
                best = Assignment(group, "title", value)
        return best

    def _candidates(self, f: MatchFeatures) -> list[str]:
        """Groups sharing a block with ``f`` through a representative ``may_join`` allows (the
        others score 0: not compared), oldest first."""
        found: set[str] = set()
        ours, may_join, numbers = self._guard_number(f), self._may_join, f.numbers
        for key in block_keys(f):
            for other, members in self._blocks.get(key, {}).items():
                if not (other == numbers or other < numbers or numbers < other):
                    continue  # numbers neither equal nor nested: see may_join
                for theirs, groups in members.items():
                    if may_join(ours, theirs):
                        found.update(groups)
        return sorted(found, key=self._order.__getitem__)

    def _guard_number(self, f: MatchFeatures) -> int:
        guards = (f.variant, f.numbers, f.discriminators)
        number = self._guard_numbers.get(guards)
        if number is None:
            number = self._guard_numbers[guards] = len(self._guard_list)
            self._guard_list.append(guards)
        return number

    def _may_join_numbers(self, ours: int, theirs: int) -> bool:
        return may_join(self._guard_list[ours], self._guard_list[theirs])

    def _violates(self, listing_id: str, group: str) -> bool:
        never = self.overrides.never_with(listing_id)
        # Asked for every candidate group: most listings have no [[never]] partner at all.
        return bool(never) and any(self.group_of(other) == group for other in never)

    def _new_group(self, f: MatchFeatures) -> Assignment:
        if f.gtin14:
            candidate = f"gtin-{f.gtin14}"
        elif f.brand and f.model:
            candidate = "bm-" + _digest("|".join([f.brand, f.model, repr(f.variant)]))
        else:
            candidate = "t-" + _digest(f.listing_id)
        if candidate in self._reps or self._violates(f.listing_id, candidate):
            candidate = "t-" + _digest(f.listing_id)
        # A listing kept apart by [[never]] was placed by the overrides file.
        method = "override" if self.overrides.never_with(f.listing_id) and self._kept_apart(f) \
            else "new"
        return Assignment(candidate, method, 1.0)

    def _kept_apart(self, f: MatchFeatures) -> bool:
        partners = [self.group_of(o) for o in self.overrides.never_with(f.listing_id)]
        return any(p is not None for p in partners)


def block_keys(f: MatchFeatures) -> list[tuple[Any, ...]]:
    """The blocks ``f`` is compared within: same brand, numbers and model-line words; and for
    each model code or long model number (HX6857, LEGO 42115), the brand and that identifier."""
    brand = f.brand or ""
    keys: list[tuple[Any, ...]] = [(brand, f.numbers, f.discriminators, f.accessories)]
    keys.extend((brand, "#" + n) for n in sorted(f.numbers) if len(n) >= 4)
    keys.extend((brand, "@" + code) for code in sorted(f.codes))
    return keys


#: What ``may_join`` reads of a listing: variant, numbers, model-line words.
Guards = tuple[tuple[tuple[str, str], ...], frozenset[str], frozenset[str]]


def may_join(ours: Guards, theirs: Guards) -> bool:
    """False when ``fuzzy.compatible`` refuses any pair with these guards in one block: other
    model-line words, numbers neither equal nor one within the other (within a block a nested
    pair shares the block's code or long number, which ``compatible`` then allows), or another
    variant. The Matcher caches it per pair: a catalog has few distinct triples."""
    (variant, numbers, discriminators), (variant2, numbers2, discriminators2) = ours, theirs
    if discriminators != discriminators2:
        return False
    if not (numbers == numbers2 or numbers < numbers2 or numbers2 < numbers):
        return False
    return variants_factor(variant, variant2) is not None


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()
