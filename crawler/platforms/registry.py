"""Platform name → its ``PlatformSpec``: how the framework and the CLI find a platform's parts.

Each platform package exports ``PLATFORM = PlatformSpec(...)`` from its ``__init__``; the registry
imports ``crawler.platforms.<module>`` on first use (``MODULES`` names the exceptions to that
convention), so nothing imports every platform by hand and a platform that is not written yet is
simply "unknown". See docs/spiders.md, "Adding a platform".
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from crawler.platforms.base import ApiClient, PageReader, PlatformSettings

logger = logging.getLogger(__name__)

#: Every platform pricewatch knows of, in display order (a spider of the same name crawls it).
KNOWN = ("taobao", "jd", "pdd", "amazon", "shopify", "woocommerce", "schema_org")

#: Platforms whose package is not ``crawler.platforms.<name>``.
MODULES: dict[str, str] = {}


@dataclass(frozen=True)
class FixtureSetup:
    """How ``--fixtures URL`` points a platform at the fixture marketplace."""

    config: Mapping[str, Any]
    """``[platforms.<name>]`` keys to override (``api_base``, ``site_base``, ``options``)."""
    env: Mapping[str, str]
    """Credential env variables to export (only those not already set)."""


@dataclass(frozen=True)
class PlatformSpec:
    """What a platform package gives the framework."""

    name: str
    make_page_reader: Callable[[PlatformSettings], PageReader]
    make_client: Callable[[PlatformSettings], ApiClient] | None = None
    """None when the platform has no official API (pages only). May raise
    ``MissingCredential``: the run then goes to the pages, with one clear error."""
    api_base: str | None = None
    """Production API base URL (``[platforms.<name>] api_base`` overrides it)."""
    site_base: str | None = None
    """Production site base URL (``site_base`` overrides it)."""
    credentials: Mapping[str, str] = field(default_factory=dict)
    """Credential name → default env variable (``credentials = {...}`` in the config overrides)."""
    fixtures: Callable[[str, Mapping[str, Any]], FixtureSetup] | None = None
    """``(marketplace base URL, fixtures/credentials.json) → FixtureSetup``."""
    sites: tuple[str, ...] = ()
    """The fixture truth's ``_site`` values of this platform (``amazon-us``, …); empty: one site."""


class UnknownPlatform(LookupError):
    """No platform package of that name (or it exports no ``PLATFORM``)."""


_loaded: dict[str, PlatformSpec] = {}


def get(name: str) -> PlatformSpec:
    """The spec of platform ``name``; ``UnknownPlatform`` when it has no package (yet)."""
    if name not in _loaded:
        module_name = MODULES.get(name, f"crawler.platforms.{name}")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name is not None and module_name.startswith(exc.name):
                raise UnknownPlatform(f"no platform package {module_name}") from exc
            raise
        spec = getattr(module, "PLATFORM", None)
        if not isinstance(spec, PlatformSpec):
            raise UnknownPlatform(f"{module_name} exports no PLATFORM = PlatformSpec(...)")
        _loaded[name] = spec
    return _loaded[name]


def available() -> list[str]:
    """The known platforms whose package exists, in ``KNOWN`` order."""
    names = []
    for name in KNOWN:
        try:
            get(name)
        except UnknownPlatform:
            continue
        except Exception as exc:  # a package being written must not stop the other platforms
            logger.warning("platform %(name)s cannot be loaded: %(err)r",
                           {"name": name, "err": exc})
            continue
        names.append(name)
    return names
