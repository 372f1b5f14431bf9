"""Normalization: extracted Listing fields → the normalized fields every other part reads.

One pure module per concern (``money``, ``fx``, ``availability``, ``gtin``, ``titles``,
``variants``); ``listing.normalize_listing`` applies them all to one Listing. See docs/pipelines.md.
"""
