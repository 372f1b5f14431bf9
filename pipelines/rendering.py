"""Downloader middleware: give each rendered request its browser context when it is sent.

Thin: the rotation is ``crawler.rendering.ContextPool`` (the spider's ``contexts``); why the
context is chosen here and not when the request is made: see ``crawler/rendering.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler


class RenderContextMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        if not request.meta.get("playwright") or "playwright_context" in request.meta:
            return
        pool = getattr(self.crawler.spider, "contexts", None)
        if pool is not None:
            request.meta["playwright_context"] = pool.assign()
