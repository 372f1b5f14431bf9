"""Shopify storefront calls (platform-apis.md §5.1): catalog walk, product ``.js``, searches.

- ``products.json?limit=&page=`` walks the whole catalog, 1-based pages until an empty
  ``products`` list (or a page whose first id repeats the previous page's: some shops stop
  advancing). It carries the ids still looked for, so a page's fallback covers only those.
- ``products/<handle>.js`` is the product with barcodes; money as integers x100 of the major
  unit, **also for JPY** (¥1,980 → ``198000``).
- ``search/suggest.json`` (≤ 10 products) for a keyword; when it is full, ``/search?q=&type=
  product&page=N`` (HTML, 24 a page) lists every match.

No authentication: the calls are plain GETs, and a retry needs no new signature.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlencode

from crawler.platforms.base import ApiCall, Record
from crawler.platforms.shopify.stores import Store

PLATFORM = "shopify"
MAX_LIMIT = 250
SUGGEST_LIMIT = 10
HEADERS = {"Accept": "application/json"}


def catalog_page(
    store: Store,
    page: int,
    *,
    wanted: Iterable[str] = (),
    keyword: str | None = None,
    limit: int = MAX_LIMIT,
    previous_first: int | None = None,
    report_missing: bool = True,
) -> ApiCall:
    """Page ``page`` of ``products.json``; ``wanted`` ids (empty = every product).

    ``report_missing``: ids still wanted at the end are not found (only when the watch named
    this store; ids of a watch over several stores belong to one of them).
    """
    query = urlencode({"limit": limit, "page": page})
    context: dict[str, Any] = {
        "site": store.site,
        "page": page,
        "limit": limit,
        "previous_first": previous_first,
        "keyword": keyword,
        "report_missing": report_missing,
    }
    ids = tuple(wanted)
    return ApiCall(
        PLATFORM,
        "products.json",
        "GET",
        store.url(f"/products.json?{query}"),
        headers=HEADERS,
        item_ids=ids,
        purpose="detail" if ids else "search",
        context=context,
    )


def product_js(
    store: Store,
    handle: str,
    item_id: str | None = None,
    known: Mapping[str, tuple[Record, ...]] | None = None,
) -> ApiCall:
    """``/products/<handle>.js``; ``item_id`` (when known) makes a 404 mean that item."""
    context: dict[str, Any] = {
        "site": store.site,
        "handle": handle,
        "url": store.product_url(handle),
    }
    if known:
        context["known"] = dict(known)
    return ApiCall(
        PLATFORM,
        "products/<handle>.js",
        "GET",
        store.url(f"/products/{handle}.js"),
        headers=HEADERS,
        item_ids=(item_id,) if item_id else (),
        purpose="detail",
        context=context,
    )


def suggest(store: Store, keyword: str) -> ApiCall:
    query = urlencode(
        {"q": keyword, "resources[type]": "product", "resources[limit]": SUGGEST_LIMIT}
    )
    return ApiCall(
        PLATFORM,
        "search/suggest.json",
        "GET",
        store.url(f"/search/suggest.json?{query}"),
        headers=HEADERS,
        purpose="search",
        context={"site": store.site, "keyword": keyword},
    )


def search_page(store: Store, keyword: str, page: int = 1) -> ApiCall:
    query = urlencode({"q": keyword, "type": "product", "page": page})
    return ApiCall(
        PLATFORM,
        "search",
        "GET",
        store.url(f"/search?{query}"),
        headers={"Accept": "text/html"},
        purpose="search",
        context={"site": store.site, "keyword": keyword, "page": page},
    )


def handle_of(url: str) -> str | None:
    """The handle in a product URL (``…/products/<handle>[.js][?variant=…]``)."""
    path = url.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    if "/products/" not in path:
        return None
    handle = path.rsplit("/products/", 1)[1]
    for suffix in (".js", ".json"):
        handle = handle.removesuffix(suffix)
    return handle or None
