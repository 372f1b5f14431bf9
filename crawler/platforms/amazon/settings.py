"""``[platforms.amazon]`` (as ``PlatformSettings``) → the Amazon client's settings.

Credentials (env; names configurable with ``credentials = {...}``): ``client_id``
(``AMAZON_LWA_CLIENT_ID``), ``client_secret`` (``AMAZON_LWA_CLIENT_SECRET``), ``refresh_token``
(``AMAZON_LWA_REFRESH_TOKEN``). One that is unset raises ``MissingCredential``: the framework
reads the product pages instead, with one error naming the variable. Options
(``options = {...}``):

- ``marketplaces`` (``["US"]``): markets searched by keyword; ASINs of a watch without ``site``
  belong to the first (``JP:B0…`` or a product-page URL names another).
- ``quota_scale`` (1): multiplies the documented usage plans (a plan known to be higher, or the
  fixture marketplace's ``--quota-scale``); answers' ``x-amzn-RateLimit-Limit`` override it.
- ``coupons`` (true): ask ``getCompetitiveSummary`` for coupons (0.033 calls/s by default).
- ``token_margin`` (60): seconds before expiry at which the access token is renewed.
- ``search_page_size`` (20), ``max_search_pages`` (50): keyword discovery paging.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import SecretStr

from crawler.config import ConfigError
from crawler.platforms.amazon.api import MAX_PAGE_SIZE, Endpoints
from crawler.platforms.amazon.auth import CREDENTIAL_KEYS, LwaCredentials
from crawler.platforms.amazon.markets import Market, UnknownMarket, market
from crawler.platforms.base import PlatformSettings

CREDENTIAL_ENVS = {
    "client_id": "AMAZON_LWA_CLIENT_ID",
    "client_secret": "AMAZON_LWA_CLIENT_SECRET",
    "refresh_token": "AMAZON_LWA_REFRESH_TOKEN",
}
OPTIONS = {"marketplaces", "quota_scale", "coupons", "token_margin", "search_page_size",
           "max_search_pages"}


@dataclass(frozen=True)
class AmazonSettings:
    endpoints: Endpoints
    credentials: LwaCredentials
    markets: tuple[Market, ...]
    quota_scale: float = 1.0
    coupons: bool = True
    token_margin: float = 60.0
    search_page_size: int = MAX_PAGE_SIZE
    max_search_pages: int = 50

    @classmethod
    def from_platform(cls, ps: PlatformSettings) -> AmazonSettings:
        """Read the settings; ``MissingCredential`` for an unset secret, ``ConfigError`` for a
        bad option (naming the key)."""
        options = dict(ps.options)
        unknown = sorted(set(options) - OPTIONS)
        if unknown:
            raise ConfigError(
                f"platforms.amazon.options: unknown option(s) {', '.join(unknown)} "
                f"(known: {', '.join(sorted(OPTIONS))})"
            )
        return cls(
            endpoints=Endpoints.from_bases(ps.api_base, ps.site_base),
            credentials=credentials(ps),
            markets=markets(options.get("marketplaces", ["US"])),
            quota_scale=_positive(options, "quota_scale", 1.0),
            coupons=bool(options.get("coupons", True)),
            token_margin=_positive(options, "token_margin", 60.0),
            search_page_size=int(_positive(options, "search_page_size", MAX_PAGE_SIZE)),
            max_search_pages=int(_positive(options, "max_search_pages", 50)),
        )


def credentials(ps: PlatformSettings) -> LwaCredentials:
    """The LWA secrets (``MissingCredential`` names the first one unset)."""
    values = {key: SecretStr(ps.secret(key)) for key in CREDENTIAL_KEYS}
    return LwaCredentials(
        client_id=values["client_id"],
        client_secret=values["client_secret"],
        refresh_token=values["refresh_token"],
        where={key: ps.setting(key) for key in CREDENTIAL_KEYS},
    )


def markets(value: Any) -> tuple[Market, ...]:
    """``marketplaces`` → the markets, first = the default one."""
    codes = [value] if isinstance(value, str) else value
    if not isinstance(codes, list | tuple) or not codes:
        raise ConfigError('platforms.amazon.options.marketplaces: a list such as ["US", "JP"]')
    try:
        return tuple(dict.fromkeys(market(str(code)) for code in codes))
    except UnknownMarket as exc:
        raise ConfigError(f"platforms.amazon.options.marketplaces: {exc}") from exc


def _positive(options: Mapping[str, Any], key: str, default: float) -> float:
    value = options.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ConfigError(f"platforms.amazon.options.{key}: must be a number > 0, got {value!r}")
    return float(value)
