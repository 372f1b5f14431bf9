"""Item pipeline (priority 200): fill the normalized fields of each Listing.

Thin: the work is ``crawler.normalize.listing.normalize_listing`` (money to minor units, effective
price, base-currency conversion, availability, GTIN, title, variants). A value it cannot read
raises the ``DropItem`` named for it; new warnings are counted as in the validate stage.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from crawler.crawl_context import crawl_config
from crawler.normalize.fx import RateTable
from crawler.normalize.listing import NormalizeContext, normalize_listing
from crawler.validate import Rejected
from pipelines.drops import drop_for
from pipelines.validate import count_warning

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

PRIORITY = 200


class NormalizePipeline:
    def __init__(self, context: NormalizeContext, stats: StatsCollector) -> None:
        self.context = context
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        config = crawl_config(crawler)
        assert crawler.stats is not None
        rates = RateTable.load(config.pipeline.fx_table)
        return cls(NormalizeContext(config.base_currency, rates), crawler.stats)

    def process_item(self, item: Any) -> Any:
        before = set(getattr(item, "warnings", None) or [])
        try:
            normalize_listing(item, self.context)
        except Rejected as exc:
            raise drop_for(exc) from exc
        for warning in item.warnings:
            if warning not in before:
                count_warning(warning, self.stats)
        self.stats.inc_value("pricewatch/normalized")
        return item
