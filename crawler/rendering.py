"""Rendering product pages in Chromium (scrapy-playwright): request meta, readiness, page and
context lifetime.

- A rendered request waits for the reader's ``ready_selector`` (the fixture's JS-only pages set
  ``body[data-price-ready="1"]``); a page that never gets ready is read as it is (the reader then
  says it still needs a browser, and the ladder rejects it with that reason).
- Images, fonts and media are aborted (``PLAYWRIGHT_ABORT_REQUEST = abort_request``).
- Pages are bounded by ``PLAYWRIGHT_MAX_CONTEXTS`` x ``PLAYWRIGHT_MAX_PAGES_PER_CONTEXT``;
  ``ContextPool`` gives each context at most ``pages_per_context`` pages, then retires it and
  closes it once its last page is closed, so the browser's memory stays flat on long crawls.
- The spider closes every page in its callback *and* its errback (``release``), because
  ``playwright_include_page`` hands the page to us on every path.
- A page's context is assigned when the request reaches the downloader, not when the spider
  creates it: scrapy-playwright creates a context while holding a lock, so a request of a newer
  context waiting for a free context must never stand before pages of the older one that is
  waiting for them (the pages of one slot are sent in order, so the older ones come first).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import MutableMapping
from typing import Any

from playwright.async_api import BrowserContext, Page
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Request as PlaywrightRequest
from scrapy_playwright.page import PageMethod

logger = logging.getLogger(__name__)

ABORTED_RESOURCES = frozenset({"image", "font", "media"})

#: What a rendering context is created with: no service workers (they outlive pages).
CONTEXT_KWARGS = {"service_workers": "block", "java_script_enabled": True}


def abort_request(request: PlaywrightRequest) -> bool:
    """``PLAYWRIGHT_ABORT_REQUEST``: images, fonts and media are never downloaded."""
    return request.resource_type in ABORTED_RESOURCES


async def wait_ready(page: Page, selector: str, timeout_ms: float) -> bool:
    """Wait until ``selector`` is in the DOM; False (not an error) when it never shows up."""
    try:
        await page.wait_for_selector(selector, state="attached", timeout=timeout_ms)
    except PlaywrightError:
        return False
    return True


class ContextPool:
    """Names rendering contexts so that each serves at most ``pages_per_context`` pages."""

    def __init__(self, prefix: str, pages_per_context: int = 100) -> None:
        self.prefix = prefix
        self.pages_per_context = pages_per_context
        self.generation = 0
        self.opened = 0
        self.open_pages: Counter[str] = Counter()
        self.contexts: dict[str, BrowserContext] = {}

    @property
    def current(self) -> str:
        return f"{self.prefix}-{self.generation}"

    def assign(self) -> str:
        """The context for the next page (a fresh one once the current has served its share)."""
        if self.opened >= self.pages_per_context:
            self.generation += 1
            self.opened = 0
        self.opened += 1
        self.open_pages[self.current] += 1
        return self.current

    def finished(self, name: str) -> bool:
        """A page of ``name`` is done; True when ``name`` is retired and has no page left."""
        self.open_pages[name] -= 1
        if self.open_pages[name] > 0 or name == self.current:
            return False
        del self.open_pages[name]
        return True

    def meta(self, selector: str, timeout: float) -> dict[str, Any]:
        """The request meta of one rendered page (its context is assigned when it is sent:
        ``pipelines.rendering.RenderContextMiddleware``)."""
        return {
            "playwright": True,
            "playwright_include_page": True,
            "playwright_context_kwargs": CONTEXT_KWARGS,
            "playwright_page_goto_kwargs": {"wait_until": "domcontentloaded"},
            "playwright_page_methods": [PageMethod(wait_ready, selector, timeout * 1000)],
        }

    async def release(self, meta: MutableMapping[str, Any]) -> None:
        """Close the request's page (if any) and its context when that was its last page."""
        name = meta.get("playwright_context")
        if not meta.pop("pricewatch_render_open", True) or name is None:
            return
        meta["pricewatch_render_open"] = False
        page: Page | None = meta.pop("playwright_page", None)
        if page is not None:
            self.contexts.setdefault(name, page.context)
            try:
                await page.close()
            except PlaywrightError as exc:  # already closed with its browser
                logger.debug("page close: %(err)s", {"err": exc})
        if self.finished(name):
            context = self.contexts.pop(name, None)
            if context is not None:
                try:
                    await context.close()
                except PlaywrightError as exc:
                    logger.debug("context close: %(err)s", {"err": exc})
