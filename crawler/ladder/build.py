"""Assemble one spider's router from a Scrapy crawler: config, overrides, fixtures, client, reader.

Reads the settings documented in ``crawler/ladder/setup.py`` once, when the spider is built.
A missing credential turns the API off for the run with one clear error (the router logs it).
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

from crawler.crawl_context import crawl_config, run_id
from crawler.ladder.fixtures import export_env, fixture_crawl
from crawler.ladder.policy import LadderPolicy
from crawler.ladder.router import PlatformRouter
from crawler.ladder.setup import platform_config, platform_settings, watches_for
from crawler.platforms import registry
from crawler.platforms.base import ApiClient, MissingCredential, Watch

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


def build_router(crawler: Crawler, spider: str, platform: str,
                 watchlist: str | None = None) -> tuple[PlatformRouter, list[Watch]]:
    """The router of ``platform`` for this crawl and the watches it starts from."""
    settings = crawler.settings
    config = crawl_config(crawler)
    overrides = dict(settings.getdict("PRICEWATCH_PLATFORMS").get(platform, {}))
    raw = settings.get("PRICEWATCH_WATCHES")  # a list, or its JSON (``-s`` on the command line)
    replacement = (json.loads(raw) if isinstance(raw, str) else list(raw)) if raw else None
    watchlist = watchlist or settings.get("PRICEWATCH_WATCHLIST") or None
    fixtures_url = settings.get("PRICEWATCH_FIXTURES")
    if fixtures_url:
        plan = fixture_crawl(fixtures_url, [platform],
                             watches=replacement is None and watchlist is None)
        overrides = {**plan.platforms.get(platform, {}), **overrides}
        export_env(plan.env)
        if replacement is None and watchlist is None:
            replacement = plan.watches
    spec = registry.get(platform)
    cfg = platform_config(platform, config, overrides)
    ps = platform_settings(spec, cfg)
    client: ApiClient | None = None
    why_off: str | None = None
    if spec.make_client is not None and cfg.use_api:
        try:
            client = spec.make_client(ps)
        except MissingCredential as exc:
            why_off = f"the API is off: credential {exc.name!r} is not set ({exc.setting})"
    assert crawler.stats is not None
    router = PlatformRouter(platform, spider, spec.make_page_reader(ps), client,
                            LadderPolicy.from_config(cfg), crawler.stats, run_id(crawler),
                            api_off_reason=why_off)
    watches = watches_for(platform, config, watchlist, replacement)
    if not watches:
        logger.warning("%(p)s: nothing to crawl: no [[watch]] with platform = %(p)r%(wl)s",
                       {"p": platform, "wl": f" and name = {watchlist!r}" if watchlist else ""})
    return router, watches
