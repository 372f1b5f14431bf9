"""Matching: the same product across platforms and sellers gets one ``product_group_id``.

``keys`` turns a listing into comparable features, ``fuzzy`` compares two titles under strict
variant/model guards, ``overrides`` reads ``matches.toml``, ``matcher.Matcher`` assigns groups
(override → GTIN → brand + model → fuzzy title → new), ``review`` lists low-confidence matches.
See docs/matching.md.
"""
