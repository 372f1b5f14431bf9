"""Queries and aggregations for people: search with facets, group comparison, history, report.

Every function here is pure in the sense that matters: it takes an Elasticsearch client and the
``IndexNames`` to read (always through the aliases) and returns typed results whose money is still
integer minor units. Formatting for people happens at the edge (``crawler.search.money``,
``crawler/cli/render.py``, the web templates). See docs/search.md for the definitions.
"""
