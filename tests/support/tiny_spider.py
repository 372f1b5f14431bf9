"""A tiny real spider for end-to-end alert tests: ``scrapy runspider tests/support/tiny_spider.py
-a prices=FILE``. It yields one normalized listing per line of FILE (``listing_id price_minor
availability``) straight from ``start()``, through the real index pipeline and alerts extension.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import scrapy


class TinySpider(scrapy.Spider):
    name = "tiny"
    custom_settings: ClassVar[dict[str, Any]] = {
        "ITEM_PIPELINES": {"pipelines.index.IndexPipeline": 400},
        "EXTENSIONS": {"pipelines.alerts.AlertsExtension": 500,
                       "pipelines.runstats.RunStatsExtension": 510},
        "LOG_LEVEL": "INFO",
    }

    def __init__(self, prices: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.prices = Path(prices)

    async def start(self) -> AsyncIterator[dict[str, Any]]:
        for line in self.prices.read_text().splitlines():
            if not line.strip():
                continue
            listing_id, minor, availability = line.split()
            platform, item_id = listing_id.split(":")
            yield {"listing_id": listing_id, "platform": platform, "item_id": item_id,
                   "url": f"http://127.0.0.1/{platform}/{item_id}", "title": f"Tiny {item_id}",
                   "seller_id": "s1", "currency": "CNY", "price_minor": int(minor),
                   "effective_price_minor": int(minor), "availability": availability,
                   "source": "api", "confidence": 1.0, "spider": self.name,
                   "fetched_at": datetime.now(UTC).isoformat()}
