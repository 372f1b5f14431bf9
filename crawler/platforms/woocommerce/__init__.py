"""WooCommerce shops through the public Store API, completed and backed up by product pages.

``api.py`` builds the calls, ``reader.py`` reads products and variations, ``errors.py`` maps
WP_Error codes to kinds, ``client.py`` ties them together, ``pages.py`` reads product pages and
the WordPress sitemap. No credentials. ``api_base``/``site_base``: the shop's root URL. Options:
``locale`` (``de_DE``: the shop's locale, for ``1.299,00 €``), ``per_page`` (≤ 100: products a
call asks for, list pages and ``include=`` batches).
See docs/platforms/woocommerce.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crawler.config import ConfigError
from crawler.platforms.base import PlatformSettings
from crawler.platforms.registry import FixtureSetup, PlatformSpec
from crawler.platforms.woocommerce.api import MAX_PER_PAGE
from crawler.platforms.woocommerce.client import WooClient
from crawler.platforms.woocommerce.pages import WooPageReader

BASE = "https://technik-haus.example"
OPTIONS = {"locale", "per_page"}


def _options(settings: PlatformSettings) -> Mapping[str, Any]:
    unknown = sorted(set(settings.options) - OPTIONS)
    if unknown:
        raise ConfigError(
            f"platforms.woocommerce.options: unknown option(s) "
            f"{', '.join(unknown)} (known: {', '.join(sorted(OPTIONS))})"
        )
    return settings.options


def _client(settings: PlatformSettings) -> WooClient:
    options = _options(settings)
    per_page = int(options.get("per_page", MAX_PER_PAGE))
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise ConfigError(f"platforms.woocommerce.options.per_page must be 1..{MAX_PER_PAGE}")
    return WooClient(
        settings.api_base or BASE, locale=options.get("locale", "de_DE"), per_page=per_page
    )


def _reader(settings: PlatformSettings) -> WooPageReader:
    _options(settings)
    return WooPageReader(settings.site_base or settings.api_base or BASE)


def _fixtures(base: str, credentials: Mapping[str, Any]) -> FixtureSetup:
    return FixtureSetup(
        config={"api_base": f"{base}/woocommerce", "site_base": f"{base}/woocommerce"}, env={}
    )


PLATFORM = PlatformSpec(
    name="woocommerce",
    make_client=_client,
    make_page_reader=_reader,
    api_base=BASE,
    site_base=BASE,
    fixtures=_fixtures,
)
