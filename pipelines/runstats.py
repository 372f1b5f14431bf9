"""Scrapy extension: at close, write the crawl's stats as JSON for the scheduler's run record.

The file is ``PRICEWATCH_RUN_STATS_FILE`` (setting or environment; the scheduler's job runner sets
it), else ``<state>/runs/<run id>.json`` when a ``PRICEWATCH_RUN_ID`` is set; without either the
extension is off. Written atomically (temporary file, then rename), so a reader never sees half.
"""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.crawl_context import crawl_config

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

STATS_FILE = "PRICEWATCH_RUN_STATS_FILE"


class RunStatsExtension:
    def __init__(self, crawler: Crawler, path: Path) -> None:
        self.crawler = crawler
        self.path = path

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        explicit = crawler.settings.get(STATS_FILE) or os.environ.get(STATS_FILE)
        run_id = crawler.settings.get("PRICEWATCH_RUN_ID") or os.environ.get("PRICEWATCH_RUN_ID")
        if explicit:
            path = Path(explicit)
        elif run_id:
            path = crawl_config(crawler).state_dir / "runs" / f"{run_id}.json"
        else:
            raise NotConfigured("no PRICEWATCH_RUN_STATS_FILE or PRICEWATCH_RUN_ID")
        extension = cls(crawler, path)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_closed(self, spider: Spider, reason: str) -> None:
        assert self.crawler.stats is not None
        record = {"spider": spider.name, "reason": reason,
                  "stats": json_safe(self.crawler.stats.get_stats())}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".part")
        partial.write_text(json.dumps(record, sort_keys=True), encoding="utf-8")
        partial.replace(self.path)


def json_safe(value: Any) -> Any:
    """Stats values as JSON: dates as ISO text, Decimals as strings, unknown types as repr."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [json_safe(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return repr(value)
