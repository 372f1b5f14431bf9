"""Shopify stores through their public storefront JSON, then their product pages.

``api.py`` builds the calls (``products.json`` walk, ``products/<handle>.js``, searches),
``reader.py`` reads answers, ``errors.py`` maps statuses to kinds, ``pages.py`` reads product,
search and sitemap pages, ``client.py`` ties the calls together, ``stores.py`` reads the
``stores`` option. No credentials. Options: ``stores`` (a list, see stores.py), ``page_size``
(``products.json`` limit, ≤ 250), ``complete_from_page`` (default true: read each product's page
for the model and rating the JSON lacks). See docs/platforms/shopify.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crawler.config import ConfigError
from crawler.platforms.base import PlatformSettings
from crawler.platforms.registry import FixtureSetup, PlatformSpec
from crawler.platforms.shopify.api import MAX_LIMIT
from crawler.platforms.shopify.client import ShopifyClient
from crawler.platforms.shopify.pages import ShopifyPageReader
from crawler.platforms.shopify.stores import DEFAULT_STORES, stores_from

OPTIONS = {"stores", "page_size", "complete_from_page"}
#: Where each default store lives under the fixture marketplace.
FIXTURE_PATHS = {"shopify-us": "/shopify/gadgets-us", "shopify-jp": "/shopify/tokyo-gadgets"}


def _options(settings: PlatformSettings) -> Mapping[str, Any]:
    unknown = sorted(set(settings.options) - OPTIONS)
    if unknown:
        raise ConfigError(
            f"platforms.shopify.options: unknown option(s) {', '.join(unknown)} "
            f"(known: {', '.join(sorted(OPTIONS))})"
        )
    return settings.options


def _client(settings: PlatformSettings) -> ShopifyClient:
    options = _options(settings)
    size = int(options.get("page_size", MAX_LIMIT))
    if not 1 <= size <= MAX_LIMIT:
        raise ConfigError(f"platforms.shopify.options.page_size must be 1..{MAX_LIMIT}")
    return ShopifyClient(
        stores_from(options),
        page_size=size,
        complete_from_page=bool(options.get("complete_from_page", True)),
    )


def _reader(settings: PlatformSettings) -> ShopifyPageReader:
    return ShopifyPageReader(stores_from(_options(settings)))


def _fixtures(base: str, credentials: Mapping[str, Any]) -> FixtureSetup:
    stores = [
        {**store, "base": f"{base}{FIXTURE_PATHS[store['site']]}"} for store in DEFAULT_STORES
    ]
    return FixtureSetup(config={"options": {"stores": stores}}, env={})


PLATFORM = PlatformSpec(
    name="shopify",
    make_client=_client,
    make_page_reader=_reader,
    fixtures=_fixtures,
    sites=tuple(FIXTURE_PATHS),
)
