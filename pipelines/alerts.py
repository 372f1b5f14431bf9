"""Scrapy extension: hands each indexed batch (``listings_indexed``) to ``AlertService``.

Thin: detection, state and delivery live in ``crawler.alerts``. Alerts are worked off on the
service's own thread, so the reactor never waits on a receiver; at ``spider_closed`` this run's
digests go out and pending alerts are retried (off the reactor thread as well). Turned off
(``NotConfigured``) when ``pricewatch.toml`` has no ``[[alerts.rules]]``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import threads

from crawler.alerts.service import AlertService
from crawler.crawl_context import crawl_config, es_client
from crawler.index.client import index_names
from crawler.signals import listings_indexed

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from twisted.internet.defer import Deferred


class AlertsExtension:
    def __init__(self, crawler: Crawler, service: AlertService) -> None:
        self.crawler = crawler
        self.service = service

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        config = crawl_config(crawler)
        if not config.alerts.rules:
            raise NotConfigured("no [[alerts.rules]] in the configuration")
        extension = cls(crawler, AlertService(config, es_client(crawler), index_names(config)))
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.listings_indexed, signal=listings_indexed)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self) -> None:
        self.service.start()

    def listings_indexed(self, changes: list[Any], run_id: str | None = None) -> None:
        self.service(changes, run_id)

    def spider_closed(self) -> Deferred[None]:
        deferred = threads.deferToThread(self.service.finish)
        deferred.addCallback(self._record_stats)
        return deferred

    def _record_stats(self, _: object) -> None:
        assert self.crawler.stats is not None
        for key, value in self.service.counts.items():
            self.crawler.stats.set_value(f"pricewatch/alerts/{key}", value)
