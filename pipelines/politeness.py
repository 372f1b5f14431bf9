"""Downloader middlewares: wait before a request when asked (``DelayMiddleware``), and retry
throttled answers after the wait their ``Retry-After`` asks for (``RetryAfterMiddleware``).

Scrapy's RetryMiddleware retries a 429/503 at once (scrapy issue 3849). ``RetryAfterMiddleware``
replaces it: same ``RETRY_TIMES``/``RETRY_HTTP_CODES``/exceptions, but a ``Retry-After`` becomes the
retry's not-before time (``crawler.politeness.NOT_BEFORE``), and a wait above
``PRICEWATCH_MAX_RETRY_AFTER`` seconds gives the answer up instead. The fallback ladder's own
requests carry ``dont_retry`` and set their not-before themselves.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Self

from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request

from crawler.politeness import NOT_BEFORE, retry_after_seconds

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response


class DelayMiddleware:
    """Holds a request until ``request.meta[NOT_BEFORE]`` (a ``time.monotonic()`` value)."""

    async def process_request(self, request: Request) -> None:
        wait = request.meta.get(NOT_BEFORE, 0.0) - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)


class RetryAfterMiddleware(RetryMiddleware):
    max_wait: float = 60.0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = super().from_crawler(crawler)
        middleware.max_wait = crawler.settings.getfloat("PRICEWATCH_MAX_RETRY_AFTER", 60.0)
        return middleware

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        header = response.headers.get("Retry-After")
        wait = retry_after_seconds(header.decode("latin-1") if header else None)
        if wait is not None and wait > self.max_wait:
            return response
        retry = get_retry_request(request, spider=self.crawler.spider,
                                  reason=f"{response.status}", max_retry_times=self.max_retry_times,
                                  priority_adjust=self.priority_adjust)
        if retry is None:
            return response
        if wait:
            retry.meta[NOT_BEFORE] = time.monotonic() + wait
        return retry
