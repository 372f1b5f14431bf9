"""Session-wide real services for the tests.

- Elasticsearch: ``ES_URL`` when set, else the embedded node of this checkout (started once per
  session, or reused if already running; stopped at the end only if this session started it).
- Every test that touches ES gets its own index prefix (``es_names``) and loses it afterwards.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from crawler.config import Config, load_config
from crawler.esnode.node import EmbeddedNode
from crawler.esnode.service import Connection, ensure_elasticsearch
from crawler.index.names import IndexNames
from crawler.index.templates import ensure_indices
from tests.support.es import drop_prefix, fresh_names
from tests.support.market_data import shared_market  # noqa: F401 (fixture)
from tests.support.marketplace import fresh_marketplace, marketplace  # noqa: F401 (fixtures)
from tests.support.web_server import market_web  # noqa: F401 (fixture)

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture(scope="session")
def base_config() -> Config:
    """The config tests run with: the checkout's state folder unless PRICEWATCH_HOME is set."""
    os.environ.setdefault("PRICEWATCH_HOME", str(REPO / ".pricewatch"))
    return load_config()


@pytest.fixture(scope="session")
def es_connection(base_config: Config) -> Iterator[Connection]:
    node = EmbeddedNode(base_config)
    was_running = base_config.elasticsearch.url is not None or node.running() is not None
    conn = ensure_elasticsearch(base_config, create_indices=False)
    yield conn
    conn.client.close()
    if not was_running and conn.started is not None:
        node.stop()


@pytest.fixture(scope="session")
def es(es_connection: Connection) -> Elasticsearch:
    """A client for the session's Elasticsearch."""
    return es_connection.client


@pytest.fixture
def es_names(es: Elasticsearch) -> Iterator[IndexNames]:
    """A private index prefix with every pricewatch index created; dropped after the test."""
    names = fresh_names()
    ensure_indices(es, names)
    yield names
    drop_prefix(es, names)


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """Where tests save what a person may want to look at (screenshots, reports)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
