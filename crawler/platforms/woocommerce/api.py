"""WooCommerce Store API calls (platform-apis.md §6): product lists, searches, variations.

``GET {api_base}/wp-json/wc/store/v1/products`` with ``page`` / ``per_page`` (≤ 100; pages
counted by ``X-WP-TotalPages``), ``search=`` for keywords and ``include=`` for a batch of ids
(parents, or the variations of parents: variations are products of their own). Public and
unauthenticated: a retry needs no new signature.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlencode

from crawler.platforms.base import ApiCall

PLATFORM = "woocommerce"
ROUTE = "/wp-json/wc/store/v1/products"
MAX_PER_PAGE = 100
HEADERS = {"Accept": "application/json"}


def products_url(api_base: str, **query: Any) -> str:
    return f"{api_base.rstrip('/')}{ROUTE}?{urlencode(query)}"


def listing(
    api_base: str, page: int = 1, keyword: str = "", per_page: int = MAX_PER_PAGE
) -> ApiCall:
    """A page of parent products (every product, or a ``search``)."""
    query: dict[str, Any] = {"page": page, "per_page": per_page}
    if keyword:
        query["search"] = keyword
    return ApiCall(
        PLATFORM,
        "products",
        "GET",
        products_url(api_base, **query),
        headers=HEADERS,
        purpose="search",
        context={"page": page, "keyword": keyword, "per_page": per_page},
    )


def parents(api_base: str, ids: Iterable[str], per_call: int = MAX_PER_PAGE) -> list[ApiCall]:
    """Parent products by id, ``per_call`` a call (ids missing from the answer are gone)."""
    wanted = list(dict.fromkeys(str(i) for i in ids))
    calls = []
    for start in range(0, len(wanted), per_call):
        chunk = tuple(wanted[start : start + per_call])
        calls.append(
            ApiCall(
                PLATFORM,
                "products?include",
                "GET",
                products_url(api_base, include=",".join(chunk), per_page=MAX_PER_PAGE),
                headers=HEADERS,
                item_ids=chunk,
                purpose="detail",
                context={"parents": True},
            )
        )
    return calls


def variations(api_base: str, wanted: Mapping[str, Mapping[str, Any]]) -> ApiCall:
    """The variations ``wanted`` names (variation id → its parent's facts and page URL).

    ``item_ids`` are the parents' page URLs: the page is each parent's fallback.
    """
    urls = tuple(dict.fromkeys(str(facts["url"]) for facts in wanted.values()))
    return ApiCall(
        PLATFORM,
        "products?include",
        "GET",
        products_url(api_base, include=",".join(wanted), per_page=MAX_PER_PAGE),
        headers=HEADERS,
        item_ids=urls,
        purpose="detail",
        context={"parents": False, "facts": {k: dict(v) for k, v in wanted.items()}},
    )
