"""Scrapy settings of every pricewatch crawl (``scrapy.cfg``: ``default = crawler.settings``).

Built from the typed config where it matters: one download slot per platform and surface
(``<platform>-api``, ``<platform>-page``) with that platform's ``concurrency`` and ``delay``
from ``[platforms.<name>]``. A config that does not load leaves the slots at their defaults; the
crawl then stops at start with the config's own error (``crawler.crawl_context.crawl_config``).
``PRICEWATCH_RUN_ID`` / ``PRICEWATCH_RUN_STATS_FILE`` come from the environment when the
scheduler sets them there (docs/scheduling.md). See docs/spiders.md for every setting.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from pipelines.order import EXTENSIONS as PIPELINE_EXTENSIONS
from pipelines.order import ITEM_PIPELINES as PIPELINE_ORDER

if TYPE_CHECKING:
    from crawler.config import Config

BOT_NAME = "pricewatch"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"
SPIDER_LOADER_WARN_ONLY = True  # a spider module being written must not stop the others
USER_AGENT = "pricewatch/0.1 (+price monitoring; contact: see robots policy)"

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
ROBOTSTXT_OBEY = True  # product pages; API calls carry dont_obey_robotstxt
LOG_LEVEL = os.environ.get("PRICEWATCH_LOG_LEVEL", "INFO")
TELNETCONSOLE_ENABLED = False

CONCURRENT_REQUESTS = 32
# Outputs of one callback processed in parallel; each response starts this many asyncio workers
# (Scrapy 2.13+), and a page yields one or two outputs: 100 (the default) is pure overhead.
CONCURRENT_ITEMS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 8
DOWNLOAD_DELAY = 0.0
DOWNLOAD_TIMEOUT = 30
AUTOTHROTTLE_ENABLED = False
COOKIES_ENABLED = False

ITEM_PIPELINES = dict(PIPELINE_ORDER)
EXTENSIONS = {
    **PIPELINE_EXTENSIONS,
    "pipelines.alerts.AlertsExtension": 500,
    "pipelines.runstats.RunStatsExtension": 510,
}

# Retries: the fallback ladder retries the answers it reads itself (it sets dont_retry); for every
# other request, RetryAfterMiddleware replaces Scrapy's RetryMiddleware and waits as
# ``Retry-After`` asks (scrapy issue 3849). DelayMiddleware holds a request until its not-before.
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "pipelines.politeness.RetryAfterMiddleware": 550,
    "pipelines.politeness.DelayMiddleware": 560,
    "pipelines.rendering.RenderContextMiddleware": 570,
}
RETRY_TIMES = 2
PRICEWATCH_MAX_RETRY_AFTER = 60.0

# Rendering (scrapy-playwright over Debian's Chromium).
DOWNLOAD_HANDLERS = {
    "http": "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler",
    "https": "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler",
}
PLAYWRIGHT_BROWSER_TYPE = "chromium"
PLAYWRIGHT_LAUNCH_OPTIONS = {
    "executable_path": os.environ.get("PRICEWATCH_CHROMIUM", "/usr/bin/chromium"),
    "headless": True,
    "args": [
        "--no-sandbox",
        "--disable-background-networking",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-extensions",
        "--disable-component-update",
        "--disable-default-apps",
        "--mute-audio",
        "--no-first-run",
        "--blink-settings=imagesEnabled=false",
    ],
}
PLAYWRIGHT_MAX_CONTEXTS = 2
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 4
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 30_000
PLAYWRIGHT_ABORT_REQUEST = "crawler.rendering.abort_request"
PRICEWATCH_PAGES_PER_CONTEXT = 100
"""Pages a rendering context serves before it is closed and replaced (memory stays flat)."""

FEED_EXPORT_ENCODING = "utf-8"

for _name in ("PRICEWATCH_RUN_ID", "PRICEWATCH_RUN_STATS_FILE"):
    if os.environ.get(_name):
        globals()[_name] = os.environ[_name]


def download_slots(config: Config | None = None) -> dict[str, dict[str, Any]]:
    """``DOWNLOAD_SLOTS`` from ``[platforms.*]``: ``<name>-api`` and ``<name>-page`` per platform
    (the config file's, or ``config``'s)."""
    from crawler.config import ConfigError, PlatformConfig, load_config
    from crawler.platforms.registry import KNOWN

    if config is None:
        try:
            config = load_config()
        except ConfigError:
            return {}
    slots: dict[str, dict[str, Any]] = {}
    for name in sorted({*KNOWN, *config.platforms}):
        cfg = config.platforms.get(name, PlatformConfig())
        for surface in ("api", "page"):
            slots[f"{name}-{surface}"] = {"concurrency": cfg.concurrency, "delay": cfg.delay,
                                          "jitter": 0.5 if cfg.delay else 0.0}
    return slots


DOWNLOAD_SLOTS = download_slots()
