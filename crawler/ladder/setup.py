"""Build one platform's crawl from the typed config: settings (secrets from env) and watches.

Scrapy settings that change what ``pricewatch.toml`` says, for one crawl (the CLI sets them):

- ``PRICEWATCH_PLATFORMS``: ``{platform: {PlatformConfig keys}}`` merged over ``[platforms.*]``;
- ``PRICEWATCH_WATCHES``: a list of ``[[watch]]`` tables replacing the config's watches;
- ``PRICEWATCH_WATCHLIST``: only the watches of that name;
- ``PRICEWATCH_FIXTURES``: a fixture marketplace URL (``crawler/ladder/fixtures.py``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import SecretStr

from crawler.config import Config, ConfigError, PlatformConfig, WatchConfig
from crawler.platforms import registry
from crawler.platforms.base import PlatformSettings, Watch
from crawler.platforms.registry import PlatformSpec

logger = logging.getLogger(__name__)


def platform_config(name: str, config: Config,
                    overrides: Mapping[str, Any] | None = None) -> PlatformConfig:
    """``[platforms.<name>]`` (defaults when absent) with ``overrides`` merged over it."""
    base = config.platforms.get(name, PlatformConfig()).model_dump(exclude_unset=True)
    extra = dict(overrides or {})
    if "options" in extra:
        extra["options"] = {**base.get("options", {}), **extra["options"]}
    try:
        return PlatformConfig.model_validate({**base, **extra})
    except ValueError as exc:
        raise ConfigError(f"platforms.{name}: {exc}") from exc


def platform_settings(spec: PlatformSpec, cfg: PlatformConfig,
                      env: Mapping[str, str] | None = None) -> PlatformSettings:
    """The settings a platform's factories read: bases, options, credentials read from env now."""
    env = os.environ if env is None else env
    envs = {**spec.credentials, **cfg.credentials}
    values = {name: SecretStr(env[var]) for name, var in envs.items() if env.get(var)}
    return PlatformSettings(
        name=spec.name,
        api_base=(cfg.api_base or spec.api_base or "").rstrip("/") or None,
        site_base=(cfg.site_base or spec.site_base or "").rstrip("/") or None,
        credentials=values,
        credential_envs=envs,
        options=dict(cfg.options),
        render=cfg.render,
    )


def watches_for(platform: str, config: Config, watchlist: str | None = None,
                replacement: Sequence[Mapping[str, Any]] | None = None) -> list[Watch]:
    """The watches of ``platform``: the config's (or ``replacement``), narrowed to ``watchlist``.

    An entry that is not a watch, or names a platform pricewatch does not know, is reported (one
    error per process, naming the entry) and left out; the other watches are crawled."""
    if replacement is not None:
        entries = [w for n, raw in enumerate(replacement, 1) if (w := _valid_watch(n, raw))]
    else:
        entries = list(config.watch)
    for n, entry in enumerate(entries, 1):
        if entry.platform not in registry.KNOWN:
            _report(f"[[watch]] #{n} (name {entry.name!r}): unknown platform {entry.platform!r} "
                    f"(known: {', '.join(registry.KNOWN)}); this watch is not crawled")
    return [
        Watch(platform=w.platform, name=w.name, item_ids=tuple(w.item_ids), urls=tuple(w.urls),
              keywords=tuple(w.keywords), tags=tuple(w.tags), site=w.site)
        for w in entries
        if w.platform == platform and (watchlist is None or w.name == watchlist)
    ]


def _valid_watch(n: int, raw: Mapping[str, Any]) -> WatchConfig | None:
    try:
        return WatchConfig.model_validate(dict(raw))
    except (ValueError, TypeError) as exc:
        _report(f"[[watch]] #{n}: not a watch ({' '.join(str(exc).split())[:300]}); this watch "
                "is not crawled")
        return None


#: Problems already reported in this process (every spider of a crawl reads the same watchlist).
_reported: set[str] = set()


def _report(problem: str) -> None:
    if problem not in _reported:
        _reported.add(problem)
        logger.error("%(problem)s", {"problem": problem})


def watchlist_names(config: Config) -> list[str]:
    return sorted({w.name for w in config.watch if w.name})
