"""Item pipeline (priority 300): give each Listing its ``product_group_id``.

Thin: the work is ``crawler.matching.matcher.Matcher``. At open it loads ``matches.toml`` and the
groups of earlier runs from the listings index (one scan), so ids stay stable across runs; if
Elasticsearch cannot be read it goes on with this run's groups only and says so in the stats
(``pricewatch/match/history_unavailable``). Counts ``pricewatch/match/<method>`` and
``pricewatch/match/low_confidence``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Self

from crawler.crawl_context import crawl_config, es_client
from crawler.index.client import index_names
from crawler.index.match_reads import matching_documents
from crawler.matching.matcher import Matcher, MatchSettings
from crawler.matching.overrides import load_overrides, matches_path

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

    from crawler.config import Config

logger = logging.getLogger(__name__)

PRIORITY = 300


class MatchPipeline:
    def __init__(self, crawler: Crawler, matcher: Matcher, review_below: float) -> None:
        self.crawler = crawler
        self.matcher = matcher
        self.review_below = review_below

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        config = crawl_config(crawler)
        return cls(crawler, matcher_from_config(config), config.matching.review_below)

    @property
    def stats(self) -> StatsCollector:
        assert self.crawler.stats is not None
        return self.crawler.stats

    def open_spider(self) -> None:
        if not self.crawler.settings.getbool("PRICEWATCH_MATCH_LOAD_GROUPS", True):
            return
        config = crawl_config(self.crawler)
        try:
            loaded = self.matcher.load(matching_documents(es_client(self.crawler),
                                                          index_names(config)))
        except Exception as exc:  # no index yet, or ES down: this run's groups only
            logger.warning("matching starts without earlier groups: %(err)s", {"err": exc})
            self.stats.set_value("pricewatch/match/history_unavailable", 1)
            return
        self.stats.set_value("pricewatch/match/groups_loaded", loaded)

    def process_item(self, item: Any) -> Any:
        if item.delisted and not item.title:  # a "gone" marker: the stored group stays
            return item
        assignment = self.matcher.match(item)
        item.product_group_id = assignment.group_id
        item.match_method = assignment.method
        item.match_confidence = assignment.confidence
        self.stats.inc_value(f"pricewatch/match/{assignment.method}")
        if assignment.confidence < self.review_below:
            self.stats.inc_value("pricewatch/match/low_confidence")
        return item


def matcher_from_config(config: Config) -> Matcher:
    """A Matcher with the config's overrides file and thresholds."""
    settings = MatchSettings(
        title_threshold=config.matching.title_threshold,
        title_threshold_no_brand=config.matching.title_threshold_no_brand,
        max_representatives=config.matching.max_representatives)
    return Matcher(load_overrides(matches_path(config)), settings)
