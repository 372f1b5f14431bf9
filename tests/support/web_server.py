"""A real uvicorn serving a pricewatch app on 127.0.0.1:<free port>, in a thread, per test scope."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import uvicorn
from elasticsearch import Elasticsearch

from crawler.web.app import create_app
from tests.support.market_data import Market, market_config


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """Serve ``app`` until the block ends; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="session")
def market_web(es: Elasticsearch, shared_market: Market) -> Iterator[str]:
    """The dashboard and API over the shared market, clock fixed at the market's ``now``."""
    app = create_app(market_config(shared_market), es, clock=lambda: shared_market.now)
    with serving(app) as url:
        yield url
