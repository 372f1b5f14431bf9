"""Item pipeline: batch listings into Elasticsearch (current state + history), spool while it is
down.

Thin: the work is ``crawler.indexing.ListingIndexer``. Batches are written off the reactor thread,
one at a time and in order; a partly filled batch is flushed every ``[indexing] flush_seconds``.
After each batch the ``crawler.signals.listings_indexed`` signal carries the changes to alerting.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Self

from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import task, threads
from twisted.internet.defer import DeferredLock

from crawler.crawl_context import crawl_config, es_client, run_id
from crawler.index.client import ElasticsearchUnavailable, index_names
from crawler.index.templates import ensure_indices
from crawler.indexing.documents import listing_document
from crawler.indexing.indexer import BatchResult, ListingIndexer
from crawler.indexing.spool import Spool
from crawler.signals import listings_indexed

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class IndexPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        config = crawl_config(crawler)
        self.settings = config.indexing
        default_spool = config.state_dir / "spool" / "listings.jsonl"
        self.spool_path = config.indexing.spool_file or default_spool
        self.buffer: list[dict[str, Any]] = []
        self.lock = DeferredLock()
        self.indexer: ListingIndexer | None = None
        self.flusher: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def open_spider(self) -> None:
        config = crawl_config(self.crawler)
        names = index_names(config)
        client = es_client(self.crawler)
        try:
            ensure_indices(client, names)
        except ElasticsearchUnavailable:
            raise
        except Exception as exc:  # unreachable at start: items will be spooled, not lost
            logger.error("Elasticsearch not ready at start (%(err)s): items will be spooled",
                         {"err": exc})
        self.indexer = ListingIndexer(
            client, names, Spool(self.spool_path),
            plausibility=_plausibility_check(config.pipeline.suspect_jump_factor),
            daily_every=timedelta(days=1) if self.settings.daily_history else None,
            batch_size=self.settings.batch_size,
        )
        self._record(self.indexer.replay_spool())
        self.flusher = task.LoopingCall(self._flush_in_background)
        self.flusher.start(self.settings.flush_seconds, now=False)

    async def process_item(self, item: Any) -> Any:
        doc = listing_document(item)
        doc.setdefault("run_id", run_id(self.crawler))
        self.buffer.append(doc)
        if len(self.buffer) >= self.settings.batch_size:
            await maybe_deferred_to_future(self._flush())
        return item

    async def close_spider(self) -> None:
        if self.flusher is not None and self.flusher.running:
            self.flusher.stop()
        await maybe_deferred_to_future(self._flush())

    def _flush_in_background(self) -> None:
        if self.buffer and not self.lock.locked:
            self._flush()

    def _flush(self):  # -> Deferred[None]
        batch, self.buffer = self.buffer, []
        return self.lock.run(self._write, batch)

    def _write(self, batch: list[dict[str, Any]]):  # -> Deferred[None]
        if not batch:
            return None
        assert self.indexer is not None
        deferred = threads.deferToThread(self.indexer.index, batch)
        deferred.addCallback(self._record)
        return deferred

    def _record(self, result: BatchResult) -> None:
        stats = self.crawler.stats
        assert stats is not None
        for key, value in (("written", result.written), ("history_points", result.history_points),
                           ("spooled", result.spooled), ("replayed", result.replayed),
                           ("suspect", result.suspect), ("refused", len(result.failures))):
            if value:
                stats.inc_value(f"pricewatch/index/{key}", value)
        for failure in result.failures:
            logger.error("Elasticsearch refused %(id)s: %(err)s",
                         {"id": failure.doc_id, "err": failure.error})
        if result.changes:
            self.crawler.signals.send_catch_log(signal=listings_indexed, changes=result.changes,
                                                run_id=run_id(self.crawler))


def _plausibility_check(factor: object):  # -> PlausibilityCheck
    """The validate stage's history check, fed with the previous state the indexer read."""
    from crawler.validate import check_plausibility

    def check(previous: dict[str, Any], current: dict[str, Any]) -> str | None:
        return check_plausibility(current, previous, factor)  # type: ignore[arg-type]

    return check
