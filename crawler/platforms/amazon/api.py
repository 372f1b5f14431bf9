"""SP-API request building: Catalog Items 2022-04-01, Product Pricing v0 and 2022-05-01.

platform-apis.md §4.3-4.5. Every call is a plain ``ApiCall`` with the access token in
``x-amz-access-token`` (no SigV4 since 2023-10-02). Parameter names follow each version's
spelling: camelCase in Catalog 2022-04-01 and Pricing 2022-05-01, PascalCase in Pricing v0.

- ``catalog_lookup``: ``getCatalogItem`` for one ASIN, ``searchCatalogItems`` with
  ``identifiers`` + ``identifiersType=ASIN`` for 2-20 (title, brand, model, EAN, variant
  attributes);
- ``keyword_search``: ``searchCatalogItems`` with ``keywords``, paged by ``pageToken``;
- ``offers_batch``: ``getItemOffersBatch`` (1-20 ``getItemOffers`` requests; the Buy Box offer is
  the listing's price, shipping and seller);
- ``competitive_summary``: ``getCompetitiveSummary`` (1-20; the featured offer's coupon).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from crawler.platforms.amazon.markets import Market
from crawler.platforms.base import ApiCall

PLATFORM = "amazon"
PRODUCTION_LWA = "https://api.amazon.com/auth/o2/token"
PRODUCTION_SP_API = "https://sellingpartnerapi-{region}.amazon.com"

CATALOG_ITEMS = "/catalog/2022-04-01/items"
ITEM_OFFERS = "/products/pricing/v0/items/{asin}/offers"
OFFERS_BATCH = "/batches/products/pricing/v0/itemOffers"
SUMMARY_BATCH = "/batches/products/pricing/2022-05-01/items/competitiveSummary"
SUMMARY_URI = "/products/pricing/2022-05-01/items/competitiveSummary"

GET_CATALOG_ITEM = "getCatalogItem"
SEARCH_CATALOG_ITEMS = "searchCatalogItems"
GET_ITEM_OFFERS_BATCH = "getItemOffersBatch"
GET_COMPETITIVE_SUMMARY = "getCompetitiveSummary"

MAX_BATCH = 20
"""Identifiers per ``searchCatalogItems``, requests per batch operation (§4.3-4.5)."""
MAX_PAGE_SIZE = 20
INCLUDED_DATA = "summaries,identifiers,attributes"
USER_AGENT = "pricewatch/0.1 (Language=Python)"


@dataclass(frozen=True)
class Endpoints:
    """Where LWA and each region's SP-API live, and the product pages' base (if not production)."""

    lwa: str
    sp_api: Mapping[str, str]
    """region (``na``, ``eu``, ``fe``) → SP-API base URL."""
    site_base: str | None = None

    @classmethod
    def from_bases(cls, api_base: str | None, site_base: str | None = None) -> Endpoints:
        """Production hosts, or everything below one ``api_base`` (the fixture layout:
        ``{api_base}/auth/o2/token``, ``{api_base}/na``, ``{api_base}/fe``)."""
        regions = ("na", "eu", "fe")
        if not api_base:
            return cls(PRODUCTION_LWA, {r: PRODUCTION_SP_API.format(region=r) for r in regions},
                       site_base)
        base = api_base.rstrip("/")
        return cls(f"{base}/auth/o2/token", {r: f"{base}/{r}" for r in regions}, site_base)

    def sp(self, market: Market) -> str:
        return self.sp_api[market.region]


def _headers(token: str, body: bool = False) -> dict[str, str]:
    headers = {"x-amz-access-token": token, "Accept": "application/json", "User-Agent": USER_AGENT}
    if body:
        headers["Content-Type"] = "application/json"
    return headers


def _chunk_checked(asins: Sequence[str]) -> tuple[str, ...]:
    if not 1 <= len(asins) <= MAX_BATCH:
        raise ValueError(f"SP-API batches take 1..{MAX_BATCH} ASINs, got {len(asins)}")
    return tuple(asins)


def catalog_lookup(
    ends: Endpoints, market: Market, asins: Sequence[str], token: str, context: Mapping[str, Any]
) -> ApiCall:
    """Catalog facts of 1-20 ASINs: ``getCatalogItem`` for one, ``searchCatalogItems`` else."""
    ids = _chunk_checked(asins)
    if len(ids) == 1:
        query = {"marketplaceIds": market.marketplace_id, "includedData": INCLUDED_DATA}
        url = f"{ends.sp(market)}{CATALOG_ITEMS}/{quote(ids[0])}?{urlencode(query)}"
        operation = GET_CATALOG_ITEM
    else:
        query = {
            "marketplaceIds": market.marketplace_id,
            "identifiers": ",".join(ids),
            "identifiersType": "ASIN",
            "includedData": INCLUDED_DATA,
            "pageSize": str(MAX_PAGE_SIZE),
        }
        url = f"{ends.sp(market)}{CATALOG_ITEMS}?{urlencode(query)}"
        operation = SEARCH_CATALOG_ITEMS
    return ApiCall(PLATFORM, operation, "GET", url, None, _headers(token), ids, "detail", context)


def keyword_search(
    ends: Endpoints,
    market: Market,
    keywords: str,
    token: str,
    context: Mapping[str, Any],
    page_token: str | None = None,
    page_size: int = MAX_PAGE_SIZE,
) -> ApiCall:
    """``searchCatalogItems`` by ``keywords`` (one page; ``pageToken`` continues a search)."""
    query = {
        "marketplaceIds": market.marketplace_id,
        "keywords": keywords,
        "includedData": INCLUDED_DATA,
        "pageSize": str(max(1, min(page_size, MAX_PAGE_SIZE))),
    }
    if page_token:
        query["pageToken"] = page_token
    url = f"{ends.sp(market)}{CATALOG_ITEMS}?{urlencode(query)}"
    return ApiCall(
        PLATFORM, SEARCH_CATALOG_ITEMS, "GET", url, None, _headers(token), (), "search", context
    )


def offers_batch(
    ends: Endpoints, market: Market, asins: Sequence[str], token: str, context: Mapping[str, Any]
) -> ApiCall:
    """``getItemOffersBatch``: the new-condition offers of 1-20 ASINs (PascalCase, v0)."""
    ids = _chunk_checked(asins)
    requests = [
        {
            "uri": ITEM_OFFERS.format(asin=quote(asin)),
            "method": "GET",
            "MarketplaceId": market.marketplace_id,
            "ItemCondition": "New",
            "CustomerType": "Consumer",
        }
        for asin in ids
    ]
    body = json.dumps({"requests": requests}, separators=(",", ":")).encode()
    url = ends.sp(market) + OFFERS_BATCH
    return ApiCall(
        PLATFORM, GET_ITEM_OFFERS_BATCH, "POST", url, body, _headers(token, True), ids, "detail",
        context,
    )


def competitive_summary(
    ends: Endpoints, market: Market, asins: Sequence[str], token: str, context: Mapping[str, Any]
) -> ApiCall:
    """``getCompetitiveSummary``: the featured offer (and its promotions) of 1-20 ASINs."""
    ids = _chunk_checked(asins)
    requests = [
        {
            "asin": asin,
            "marketplaceId": market.marketplace_id,
            "includedData": ["featuredBuyingOptions"],
            "method": "GET",
            "uri": SUMMARY_URI,
        }
        for asin in ids
    ]
    body = json.dumps({"requests": requests}, separators=(",", ":")).encode()
    url = ends.sp(market) + SUMMARY_BATCH
    return ApiCall(
        PLATFORM, GET_COMPETITIVE_SUMMARY, "POST", url, body, _headers(token, True), ids, "detail",
        context,
    )


def with_token(call: ApiCall, token: str, refreshed: bool = True) -> ApiCall:
    """The same call carrying another access token (``refreshed``: after an "expired" answer)."""
    headers = {**call.headers, "x-amz-access-token": token}
    return ApiCall(
        call.platform, call.operation, call.method, call.url, call.body, headers, call.item_ids,
        call.purpose, {**call.context, "refreshed": refreshed},
    )
