"""Scrapy extension: every dropped item goes to the ``rejects`` index with its reason.

A dropped item never reaches a later pipeline, so this listens to ``signals.item_dropped`` (as
Scrapy's corestats does), builds the document with ``crawler.rejects.reject_document``, counts
``pricewatch/rejected/<reason>``, and writes in batches of ``[pipeline] rejects_batch_size``
through ``BulkWriter``; the rest is written when the spider closes. What Elasticsearch does not
take is appended to ``<state>/spool/rejects.jsonl`` and written first at the next start: nothing is
lost. Off with the setting ``PRICEWATCH_REJECTS_ENABLED = False``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.crawl_context import crawl_config, es_client, run_id
from crawler.index.bulk import BulkWriter
from crawler.index.client import index_names
from crawler.indexing.spool import Spool
from crawler.rejects import reason_of, reject_document

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

    from crawler.index.names import IndexNames

logger = logging.getLogger(__name__)


class RejectsExtension:
    def __init__(self, crawler: Crawler, writer: BulkWriter, names: IndexNames,
                 batch_size: int, spool: Path) -> None:
        self.crawler = crawler
        self.writer = writer
        self.index = names.write_index("rejects")
        self.batch_size = batch_size
        self.spool = Spool(spool)  # shared with the other spiders of the crawl: appends are locked
        self.buffer: list[dict[str, Any]] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("PRICEWATCH_REJECTS_ENABLED", True):
            raise NotConfigured("PRICEWATCH_REJECTS_ENABLED is off")
        config = crawl_config(crawler)
        extension = cls(crawler, BulkWriter(es_client(crawler)), index_names(config),
                        config.pipeline.rejects_batch_size,
                        config.state_dir / "spool" / "rejects.jsonl")
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    @property
    def stats(self) -> StatsCollector:
        assert self.crawler.stats is not None
        return self.crawler.stats

    def spider_opened(self, spider: Spider) -> None:
        if len(self.spool):
            with self.spool.locked():  # one spider takes the file; the others find it gone
                for batch in self.spool.batches(self.batch_size):
                    self.buffer.extend(batch)
                self.spool.clear()
            self.stats.inc_value("pricewatch/rejects/replayed", len(self.buffer))
            self.flush()

    def item_dropped(self, item: Any, response: Any, exception: BaseException,
                     spider: Spider) -> None:
        doc = reject_document(item, exception, spider=spider.name, run_id=run_id(self.crawler))
        self.stats.inc_value(f"pricewatch/rejected/{reason_of(exception)}")
        self.buffer.append(doc)
        if len(self.buffer) >= self.batch_size:
            self.flush()

    def spider_closed(self, spider: Spider, reason: str) -> None:
        self.flush()

    def flush(self) -> None:
        """Write the buffered rejects; spool what Elasticsearch did not take."""
        batch, self.buffer = self.buffer, []
        if not batch:
            return
        actions = [{"_op_type": "index", "_index": self.index, **doc} for doc in batch]
        try:
            report = self.writer.write(actions)
        except Exception as exc:  # the client itself failed: keep every document
            logger.error("rejects not written (%(err)s): spooled", {"err": exc})
            self._spool(batch)
            return
        self.stats.inc_value("pricewatch/rejects/written", report.succeeded)
        if report.failures:
            lost = [dict(f.action) for f in report.failures if f.action is not None]
            for failure in report.failures:
                logger.error("rejects index refused a document: %(err)s", {"err": failure.error})
            self._spool([{k: v for k, v in doc.items() if k not in ("_op_type", "_index")}
                         for doc in lost])

    def _spool(self, docs: list[dict[str, Any]]) -> None:
        self.spool.append(docs)
        self.stats.inc_value("pricewatch/rejects/spooled", len(docs))
