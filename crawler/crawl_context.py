"""What every Scrapy component of one crawl shares: config, run id, Elasticsearch client.

Read once per crawler and cached on it, so pipelines and extensions never load the config twice
or open a client each.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from crawler.config import Config, load_config

if TYPE_CHECKING:
    from elasticsearch import Elasticsearch
    from scrapy.crawler import Crawler

_CONFIG = "_pricewatch_config"
_CLIENT = "_pricewatch_es"


def crawl_config(crawler: Crawler) -> Config:
    config = getattr(crawler, _CONFIG, None)
    if config is None:
        config = load_config(crawler.settings.get("PRICEWATCH_CONFIG_FILE") or None)
        setattr(crawler, _CONFIG, config)
    return config


def run_id(crawler: Crawler) -> str:
    """``PRICEWATCH_RUN_ID`` when the scheduler set it, else one made up once for this crawl."""
    assert crawler.stats is not None
    existing = crawler.stats.get_value("pricewatch/run_id")
    if existing:
        return str(existing)
    value = crawler.settings.get("PRICEWATCH_RUN_ID") or (
        f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}")
    crawler.stats.set_value("pricewatch/run_id", value)
    return str(value)


def es_client(crawler: Crawler) -> Elasticsearch:
    """One client per crawl; raises ElasticsearchUnavailable with the fix when none answers."""
    client = getattr(crawler, _CLIENT, None)
    if client is None:
        from crawler.index.client import make_client, resolve_target

        config = crawl_config(crawler)
        client = make_client(config.elasticsearch, resolve_target(config).url)
        setattr(crawler, _CLIENT, client)
    return client
