"""One round trip for several searches (``msearch``), failing loudly if any of them failed."""

from __future__ import annotations

from typing import Any

from elasticsearch import Elasticsearch

from crawler.errors import PricewatchError


class SearchFailed(PricewatchError):
    """Elasticsearch refused one search of an ``msearch``."""


def msearch(client: Elasticsearch, searches: list[tuple[str, dict[str, Any]]]
            ) -> list[dict[str, Any]]:
    """The responses of ``(index, body)`` searches, in order."""
    body: list[dict[str, Any]] = []
    for index, search in searches:
        body += [{"index": index}, search]
    responses = client.msearch(searches=body)["responses"]
    for (index, _), response in zip(searches, responses, strict=True):
        if "error" in response:
            error = response["error"]
            reason = error.get("reason") if isinstance(error, dict) else error
            raise SearchFailed(f"search on {index} failed: {reason}")
    return list(responses)
