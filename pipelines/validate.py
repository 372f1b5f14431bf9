"""Item pipeline (priority 100): refuse what cannot be published, with a reason.

Thin: the work is ``crawler.validate.validate_listing``. A refusal raises the ``DropItem`` subclass
named for it (pipelines/drops.py); warnings are added to the listing and counted as
``pricewatch/validation/<problem>/<field>``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from crawler.crawl_context import crawl_config
from crawler.normalize.fx import RateTable
from crawler.validate import Limits, Rejected, validate_listing
from pipelines.drops import drop_for

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

PRIORITY = 100


class ValidatePipeline:
    def __init__(self, limits: Limits, stats: StatsCollector) -> None:
        self.limits = limits
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        config = crawl_config(crawler)
        assert crawler.stats is not None
        limits = Limits(base_currency=config.base_currency,
                        max_price_base=config.pipeline.max_price_base,
                        rates=RateTable.load(config.pipeline.fx_table),
                        suspect_jump_factor=config.pipeline.suspect_jump_factor)
        return cls(limits, crawler.stats)

    def process_item(self, item: Any) -> Any:
        try:
            warnings = validate_listing(item, self.limits)
        except Rejected as exc:
            raise drop_for(exc) from exc
        add_warnings(item, warnings, self.stats)
        return item


def add_warnings(item: Any, warnings: list[str], stats: StatsCollector) -> None:
    """Append new ``field:problem`` warnings to the listing and count each once."""
    for warning in warnings:
        if warning in item.warnings:
            continue
        item.warnings.append(warning)
        count_warning(warning, stats)


def count_warning(warning: str, stats: StatsCollector) -> None:
    field, _, problem = warning.partition(":")
    stats.inc_value(f"pricewatch/validation/{problem or field}/{field}")
