"""The thin base of every platform spider: it only turns the router's actions into Scrapy requests
and items. Decisions live in ``crawler/ladder/`` (the fallback ladder), extraction in
``crawler/platforms/<platform>/``. A platform spider is three lines (docs/spiders.md)::

    class JdSpider(PlatformSpider):
        name = "jd"

Arguments: ``scrapy crawl jd -a watchlist=phones`` crawls only the watches of that name.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar, Self

import scrapy
from scrapy import signals
from scrapy.exceptions import IgnoreRequest

from crawler.items import Listing
from crawler.ladder.actions import Action, Backoff, Emit, FetchPage, Reject, SendApi
from crawler.ladder.build import build_router
from crawler.ladder.router import PlatformRouter
from crawler.platforms.base import Answer, Watch
from crawler.politeness import NOT_BEFORE
from crawler.rendering import ContextPool

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.python.failure import Failure

CALL, FETCH, ATTEMPT = "pricewatch_call", "pricewatch_fetch", "pricewatch_attempt"
#: API calls go before pages (completion pages need their API answers), renders last.
PRIORITY = {"api": 10, "page": 0, "rendered": -5}


class AnswerRejected(Exception):
    """An answer refused as a whole (malformed API answer, unreadable page): the rejects index."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason, self.detail, self.field = reason, detail, None


class PlatformSpider(scrapy.Spider):
    platform_name: ClassVar[str | None] = None
    """The platform (``crawler/platforms/registry.py``); default: the spider's name."""

    router: PlatformRouter
    watches: list[Watch]
    contexts: ContextPool

    def __init__(self, *args: Any, watchlist: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.watchlist = watchlist

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        per_context = crawler.settings.getint("PRICEWATCH_PAGES_PER_CONTEXT", 100)
        spider.contexts = ContextPool(f"{spider.name}-render", per_context)
        return spider

    # --- callbacks: one line into the router each ------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        # Built here, not in from_crawler: the crawl's stats (and run id) exist from now on.
        self.router, self.watches = build_router(self.crawler, self.name,
                                                 self.platform_name or self.name, self.watchlist)
        for out in self._outputs(self.router.start(self.watches)):
            yield out

    async def parse_api(self, response: Response) -> AsyncIterator[Any]:
        meta = response.meta
        actions = self.router.api_answer(meta[CALL], answer_of(response), meta[ATTEMPT])
        for out in self._outputs(actions, response):
            yield out

    async def api_failed(self, failure: Failure) -> AsyncIterator[Any]:
        meta = failure.request.meta  # type: ignore[attr-defined]
        actions = self.router.api_failed(meta[CALL], failure.type.__name__, meta[ATTEMPT])
        for out in self._outputs(actions):
            yield out

    async def parse_page(self, response: Response) -> AsyncIterator[Any]:
        await self.contexts.release(response.meta)
        actions = self.router.page_answer(response.meta[FETCH], answer_of(response))
        for out in self._outputs(actions, response):
            yield out

    async def page_failed(self, failure: Failure) -> AsyncIterator[Any]:
        meta = failure.request.meta  # type: ignore[attr-defined]
        await self.contexts.release(meta)
        robots = failure.check(IgnoreRequest) is not None
        actions = self.router.page_failed(meta[FETCH], "ignored" if robots else
                                          failure.type.__name__, retryable=not robots)
        for out in self._outputs(actions):
            yield out

    # --- actions → Scrapy -------------------------------------------------------------------
    def _outputs(self, actions: Iterable[Action], response: Response | None = None
                 ) -> Iterator[scrapy.Request | Listing]:
        for action in actions:
            match action:
                case Emit():
                    yield action.listing
                case SendApi():
                    yield self._api_request(action)
                case FetchPage():
                    yield self._page_request(action)
                case Reject():
                    self._reject(action, response)
                case Backoff():
                    self._backoff(action)

    def _api_request(self, send: SendApi) -> scrapy.Request:
        call = send.call
        meta = {CALL: call, ATTEMPT: send.attempt, "download_slot": f"{call.platform}-api",
                "dont_obey_robotstxt": True, "dont_retry": True, "handle_httpstatus_all": True}
        if send.delay:
            meta[NOT_BEFORE] = time.monotonic() + send.delay
        return scrapy.Request(call.url, method=call.method, body=call.body,
                              headers=dict(call.headers), meta=meta, dont_filter=True,
                              priority=PRIORITY["api"], callback=self.parse_api,
                              errback=self.api_failed)

    def _page_request(self, fetch: FetchPage) -> scrapy.Request:
        meta: dict[str, Any] = {FETCH: fetch, "download_slot": self.router.page_slot,
                                "dont_retry": True, "handle_httpstatus_all": True}
        if fetch.delay:
            meta[NOT_BEFORE] = time.monotonic() + fetch.delay
        if fetch.render:
            meta.update(self.contexts.meta(self.router.reader.ready_selector,
                                           self.router.policy.render_timeout))
        return scrapy.Request(fetch.target.url, meta=meta, dont_filter=True,
                              priority=PRIORITY["rendered" if fetch.render else "page"],
                              callback=self.parse_page, errback=self.page_failed)

    def _reject(self, reject: Reject, response: Response | None) -> None:
        self.crawler.signals.send_catch_log(
            signal=signals.item_dropped, item=dict(reject.fields), response=response,
            exception=AnswerRejected(reject.reason, reject.detail), spider=self)

    def _backoff(self, backoff: Backoff) -> None:
        downloader = self.crawler.engine.downloader  # type: ignore[union-attr]
        slot = downloader.slots.get(backoff.slot)
        if slot is not None:
            slot.delay = backoff.delay
        settings = downloader.per_slot_settings.setdefault(backoff.slot, {})
        settings["delay"] = backoff.delay


def answer_of(response: Response) -> Answer:
    """A Scrapy response as the plain ``Answer`` the platform modules read."""
    headers = {k: v for k, v in response.headers.to_unicode_dict().items()}
    return Answer(url=response.url, status=response.status, headers=headers, body=response.body)
