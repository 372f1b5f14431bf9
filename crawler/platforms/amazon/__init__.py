"""Amazon: LWA + SP-API (Catalog Items 2022-04-01, Pricing v0 / 2022-05-01), then product pages.

``client.py`` turns watches into calls and answers into records (``api.py`` builds the requests,
``auth.py`` the LWA token, ``quota.py`` paces, ``errors.py`` classifies, ``reader.py`` reads);
``pages.py`` reads ``/dp/{asin}`` pages. Credentials and options: ``settings.py``;
docs/platforms/amazon.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crawler.platforms.amazon.client import AmazonClient
from crawler.platforms.amazon.pages import AmazonPageReader, AmazonProductPage
from crawler.platforms.amazon.settings import CREDENTIAL_ENVS, markets
from crawler.platforms.base import PlatformSettings
from crawler.platforms.registry import FixtureSetup, PlatformSpec

__all__ = ["PLATFORM", "AmazonClient", "AmazonPageReader", "AmazonProductPage"]


def _reader(settings: PlatformSettings) -> AmazonPageReader:
    return AmazonPageReader(settings.site_base,
                            markets(settings.options.get("marketplaces", ["US"])))


def _fixtures(base: str, credentials: Mapping[str, Any]) -> FixtureSetup:
    """The marketplace serves LWA, both SP-API regions and both stores below ``{base}/amazon``."""
    app = credentials["amazon"]
    return FixtureSetup(
        config={"api_base": f"{base}/amazon", "site_base": f"{base}/amazon",
                "options": {"marketplaces": ["US", "JP"]}},
        env={CREDENTIAL_ENVS[key]: str(app[key]) for key in CREDENTIAL_ENVS},
    )


PLATFORM = PlatformSpec(
    name="amazon",
    make_client=AmazonClient,
    make_page_reader=_reader,
    api_base=None,  # several hosts (LWA + one SP-API host per region): see api.Endpoints
    site_base=None,  # one storefront per marketplace: see markets.MARKETS
    credentials=CREDENTIAL_ENVS,
    fixtures=_fixtures,
    sites=("amazon-us", "amazon-jp"),
)
