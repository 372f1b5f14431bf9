"""Amazon marketplaces pricewatch crawls: ids, SP-API regions, currencies, locales, page URLs.

platform-apis.md §4.1: each region's SP-API host serves only its own marketplaces (US on NA, JP on
FE). A watch names an ASIN bare (the first configured marketplace), prefixed (``JP:B0…``) or by its
product-page URL; the page URL and the marketplace always travel together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Market:
    """One Amazon marketplace."""

    code: str
    """``US``, ``JP``: the name used in options, watch prefixes and page paths."""
    marketplace_id: str
    region: str
    """SP-API region: ``na``, ``eu``, ``fe``."""
    currency: str
    locale: str
    page_host: str
    """Production storefront, e.g. ``https://www.amazon.com``."""

    @property
    def path(self) -> str:
        """The market's segment below a configured ``site_base`` (``/amazon/us`` in the fixture)."""
        return self.code.lower()

    @property
    def site(self) -> str:
        """The market as a site name (``Watch.site``, ``PageTarget.site``): ``amazon-us``."""
        return f"amazon-{self.code.lower()}"


MARKETS: dict[str, Market] = {
    "US": Market("US", "ATVPDKIKX0DER", "na", "USD", "en_US", "https://www.amazon.com"),
    "JP": Market("JP", "A1VC38T7YXB528", "fe", "JPY", "ja_JP", "https://www.amazon.co.jp"),
}
BY_MARKETPLACE_ID = {m.marketplace_id: m for m in MARKETS.values()}
BY_HOST = {urlsplit(m.page_host).hostname: m for m in MARKETS.values()}

ASIN = re.compile(r"^[A-Z0-9]{10}$")
_PAGE_PATH = re.compile(
    r"(?:^|/)(?:(?P<market>[a-z]{2})/)?(?:dp|gp/product)/(?P<asin>[A-Z0-9]{10})"
)


class UnknownMarket(ValueError):
    """A marketplace code, watch entry or URL pricewatch cannot place in a supported market."""


def market(code: str) -> Market:
    """The market called ``code`` (case-insensitive); a clear error naming the supported ones."""
    found = MARKETS.get(str(code).strip().upper())
    if found is None:
        raise UnknownMarket(
            f"amazon: marketplace {code!r} is not supported (supported: {', '.join(MARKETS)})"
        )
    return found


def of_site(site: str | None, default: Market) -> Market:
    """The market a site name means: ``amazon-jp``, ``jp``, ``JP`` (None → ``default``)."""
    if not site:
        return default
    return market(str(site).strip().lower().removeprefix("amazon-"))


def parse_item(entry: str, default: Market) -> tuple[Market, str]:
    """A watch item id (``B0…`` or ``JP:B0…``) → (market, ASIN)."""
    text = entry.strip()
    prefix, sep, rest = text.partition(":")
    place, asin = (market(prefix), rest.strip()) if sep else (default, text)
    if not ASIN.match(asin):
        raise UnknownMarket(f"amazon: {entry!r} is not an ASIN (10 capital letters/digits)")
    return place, asin


def parse_url(url: str) -> tuple[Market, str]:
    """A product-page URL (``…/amazon/jp/dp/B0…`` or ``https://www.amazon.co.jp/dp/B0…``)."""
    parts = urlsplit(url)
    found = _PAGE_PATH.search(parts.path)
    if found is None:
        raise UnknownMarket(f"amazon: {url!r} is not a product page (/dp/<ASIN>)")
    if found.group("market"):
        return market(found.group("market")), found.group("asin")
    host = (parts.hostname or "").removeprefix("smile.")
    if host in BY_HOST:
        return BY_HOST[host], found.group("asin")
    raise UnknownMarket(f"amazon: cannot tell the marketplace of {url!r}")


def page_url(place: Market, asin: str, site_base: str | None = None) -> str:
    """The product page of ``asin`` in ``place`` (below ``site_base`` when one is configured)."""
    if site_base:
        return f"{site_base.rstrip('/')}/{place.path}/dp/{asin}"
    return f"{place.page_host}/dp/{asin}"
