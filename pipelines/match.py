"""Item pipeline (priority 300): give each Listing its ``product_group_id``.

Thin: the work is ``crawler.matching.matcher.Matcher``. At open it loads ``matches.toml`` and the
groups of earlier runs from the listings index (one scan), so ids stay stable across runs; if
Elasticsearch cannot be read it goes on with this run's groups only and says so in the stats
(``pricewatch/match/history_unavailable``). Counts ``pricewatch/match/<method>`` and
``pricewatch/match/low_confidence``.

The spiders of one ``pricewatch crawl`` run side by side in one process: they share one Matcher
(``SharedMatchers``, keyed by index prefix, overrides file and thresholds), loaded once when the
first of them opens and dropped when the last closes. With a Matcher each, a JD listing (no GTIN)
and the Amazon listing of the same product crawled in the same run could not see each other's
groups, and one product ended up in several groups.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
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


class SharedMatchers:
    """One Matcher per (index prefix, overrides file, thresholds) for the open spiders of a
    process; reference-counted so the next run in the same process starts from the index again."""

    def __init__(self) -> None:
        self._open: dict[tuple[Any, ...], tuple[Matcher, int]] = {}

    def acquire(self, key: tuple[Any, ...], make: Callable[[], Matcher]) -> tuple[Matcher, bool]:
        """The shared Matcher of ``key`` and whether it is new (then the caller loads it)."""
        matcher, users = self._open.get(key, (None, 0))
        if matcher is None:
            matcher = make()
        self._open[key] = (matcher, users + 1)
        return matcher, users == 0

    def release(self, key: tuple[Any, ...]) -> None:
        matcher, users = self._open.get(key, (None, 0))
        if matcher is None:
            return
        if users <= 1:
            del self._open[key]
        else:
            self._open[key] = (matcher, users - 1)


#: The spiders of one process (``AsyncCrawlerProcess``) all run in the reactor thread.
SHARED = SharedMatchers()


class MatchPipeline:
    def __init__(self, crawler: Crawler, key: tuple[Any, ...], make: Callable[[], Matcher],
                 review_below: float) -> None:
        self.crawler = crawler
        self.key = key
        self.make = make
        self.review_below = review_below
        self.matcher: Matcher | None = None
        self.acquired = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        config = crawl_config(crawler)
        m = config.matching
        key = (index_names(config).prefix, str(matches_path(config)), m.title_threshold,
               m.title_threshold_no_brand, m.max_representatives)
        return cls(crawler, key, lambda: matcher_from_config(config), m.review_below)

    @property
    def stats(self) -> StatsCollector:
        assert self.crawler.stats is not None
        return self.crawler.stats

    def open_spider(self) -> None:
        self.matcher, first = SHARED.acquire(self.key, self.make)
        self.acquired = True
        if not first or not self.crawler.settings.getbool("PRICEWATCH_MATCH_LOAD_GROUPS", True):
            return  # another spider of this process loaded the groups already
        config = crawl_config(self.crawler)
        try:
            loaded = self.matcher.load(matching_documents(es_client(self.crawler),
                                                          index_names(config)))
        except Exception as exc:  # no index yet, or ES down: this run's groups only
            logger.warning("matching starts without earlier groups: %(err)s", {"err": exc})
            self.stats.set_value("pricewatch/match/history_unavailable", 1)
            return
        self.stats.set_value("pricewatch/match/groups_loaded", loaded)

    def close_spider(self) -> None:
        if self.acquired:
            SHARED.release(self.key)
            self.acquired, self.matcher = False, None

    def process_item(self, item: Any) -> Any:
        if item.delisted and not item.title:  # a "gone" marker: the stored group stays
            return item
        if self.matcher is None:  # used without open_spider (a test, a one-off call)
            self.matcher = self.make()
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
