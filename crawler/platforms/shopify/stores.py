"""The Shopify stores a run watches: ``[platforms.shopify] options.stores`` (a list).

Each store is its own site (``site`` is the key watches use, e.g. ``shopify-us``) with its own
base URL, presentment currency and locale; ``name`` is the shop name pages show as
``og:site_name`` (the listing's ``seller_name``; records of a store without a ``name`` are
completed from their product page).

    [platforms.shopify]
    options = {stores = [
      {site = "shopify-us", base = "https://gadgets-us.example", currency = "USD",
       locale = "en_US", name = "Gadgets US"},
    ]}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from crawler.config import ConfigError

#: The stores watched when the config names none (the two of the fixture marketplace's world).
DEFAULT_STORES: tuple[dict[str, str], ...] = (
    {
        "site": "shopify-us",
        "base": "https://gadgets-us.example",
        "currency": "USD",
        "locale": "en_US",
        "name": "Gadgets US",
    },
    {
        "site": "shopify-jp",
        "base": "https://tokyo-gadgets.example",
        "currency": "JPY",
        "locale": "ja_JP",
        "name": "Tokyo Gadgets",
    },
)
STORE_KEYS = {"site", "base", "currency", "locale", "name"}


@dataclass(frozen=True)
class Store:
    site: str
    base: str
    """The storefront's root URL (``https://shop.example`` or ``{fixtures}/shopify/<store>``)."""
    currency: str
    locale: str | None = None
    name: str | None = None

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def product_url(self, handle: str) -> str:
        return self.url(f"/products/{handle}")

    def owns(self, url: str) -> bool:
        return url.startswith(self.base + "/")


def stores_from(options: Mapping[str, Any]) -> tuple[Store, ...]:
    """The ``stores`` option as ``Store``s; a ``ConfigError`` names what is wrong."""
    raw: Sequence[Any] = options.get("stores") or DEFAULT_STORES
    if not isinstance(raw, list | tuple) or not raw:
        raise ConfigError("platforms.shopify.options.stores must be a non-empty list of tables")
    stores = tuple(_store(entry, n) for n, entry in enumerate(raw))
    sites = [s.site for s in stores]
    if len(set(sites)) != len(sites):
        raise ConfigError(f"platforms.shopify.options.stores: duplicate site in {sites}")
    return stores


def _store(entry: Any, n: int) -> Store:
    where = f"platforms.shopify.options.stores[{n}]"
    if not isinstance(entry, Mapping):
        raise ConfigError(f"{where} must be a table with site, base and currency")
    unknown = sorted(set(entry) - STORE_KEYS)
    missing = sorted({"site", "base", "currency"} - set(entry))
    if unknown or missing:
        raise ConfigError(
            f"{where}: unknown key(s) {unknown} / missing key(s) {missing} "
            f"(known: {', '.join(sorted(STORE_KEYS))})"
        )
    base = str(entry["base"]).rstrip("/")
    if urlsplit(base).scheme not in ("http", "https"):
        raise ConfigError(f"{where}.base must be an http(s) URL, not {base!r}")
    return Store(
        site=str(entry["site"]),
        base=base,
        currency=str(entry["currency"]).upper(),
        locale=entry.get("locale"),
        name=entry.get("name"),
    )


def store_for(stores: Sequence[Store], site: str | None = None, url: str | None = None) -> Store:
    """The store a watch or URL belongs to (the first store when neither says)."""
    for store in stores:
        if (site is not None and store.site == site) or (url is not None and store.owns(url)):
            return store
    if site is not None:
        raise ConfigError(
            f"platforms.shopify: no store with site {site!r} "
            f"(stores: {', '.join(s.site for s in stores)})"
        )
    return stores[0]
