"""The generic schema.org shop platform: product pages only (no API), by URL or sitemap.

The page parsing itself is the shared parser ``crawler/platforms/schemaorg/`` (JSON-LD,
microdata, OpenGraph, embedded state, visible HTML); this package only finds the pages
(``pages.py``). ``site_base``: the shop's root (its robots.txt names the sitemaps). Options:
``sitemaps`` (sitemap or robots.txt URLs, instead of ``site_base``'s robots.txt), ``currency``,
``locale``, ``site_name`` (hints for pages that do not say). See docs/platforms/schema_org.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crawler.config import ConfigError
from crawler.platforms.base import PlatformSettings
from crawler.platforms.registry import FixtureSetup, PlatformSpec
from crawler.platforms.schema_org.pages import SchemaOrgShopReader
from crawler.platforms.schemaorg import PageHints

OPTIONS = {"sitemaps", "currency", "locale", "site_name"}


def _reader(settings: PlatformSettings) -> SchemaOrgShopReader:
    options = dict(settings.options)
    unknown = sorted(set(options) - OPTIONS)
    if unknown:
        raise ConfigError(
            f"platforms.schema_org.options: unknown option(s) {', '.join(unknown)}"
            f" (known: {', '.join(sorted(OPTIONS))})"
        )
    sitemaps = options.get("sitemaps", [])
    if not isinstance(sitemaps, list) or not all(isinstance(u, str) for u in sitemaps):
        raise ConfigError("platforms.schema_org.options.sitemaps must be a list of URLs")
    hints = PageHints(
        currency=options.get("currency"),
        locale=options.get("locale"),
        site_name=options.get("site_name"),
    )
    return SchemaOrgShopReader(settings.site_base, tuple(sitemaps), hints)


def _fixtures(base: str, credentials: Mapping[str, Any]) -> FixtureSetup:
    return FixtureSetup(config={"site_base": f"{base}/schema_org"}, env={})


PLATFORM = PlatformSpec(name="schema_org", make_page_reader=_reader, fixtures=_fixtures)
