"""The error type of the embedded-node code."""

from __future__ import annotations

from crawler.errors import PricewatchError


class NodeError(PricewatchError):
    """Starting, stopping or resolving the embedded Elasticsearch node failed."""
