"""``pricewatch demo``, the first Quick start command, end to end: run it, then run it again with
market time moved, as the README suggests (against the test node through ES_URL, private prefix)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from crawler.esnode.service import Connection
from crawler.index.names import IndexNames

pytestmark = [pytest.mark.es, pytest.mark.browser, pytest.mark.slow]


def demo(env: dict[str, str], cwd: Path, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "crawler.cli", "demo", "--size", "30", *args],
                          env=env, cwd=cwd, capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


def test_demo_indexes_compares_and_a_step_raises_alerts(
        es: Elasticsearch, es_names: IndexNames, es_connection: Connection,
        tmp_path: Path) -> None:
    env = {**os.environ, "ES_URL": es_connection.target.url, "COLUMNS": "200",
           "PRICEWATCH_INDEX_PREFIX": es_names.prefix, "PRICEWATCH_HOME": str(tmp_path)}
    env.pop("PRICEWATCH_CONFIG", None)  # the embedded defaults, as on a fresh machine
    first = demo(env, tmp_path)
    indexed = re.search(r"indexed: ([\d,]+) listings .* ([\d,]+) alerts", first)
    assert indexed, first[-2000:]
    listings = int(indexed.group(1).replace(",", ""))
    es.indices.refresh(index=es_names.everything)
    assert listings == es.count(index=es_names.alias("listings"))["count"] > 0
    assert indexed.group(2) == "0"  # a first sighting is not a change
    assert "cheapest:" in first and "Dashboard: http://127.0.0.1:" in first

    second = demo(env, tmp_path, "--step", "3")
    moved = re.search(r"price-history points \(\+(\d+)\), .* ([\d,]+) alerts", second)
    assert moved, second[-2000:]
    es.indices.refresh(index=es_names.everything)
    alerts = es.search(index=es_names.alias("alerts"), size=100)["hits"]["hits"]
    assert int(moved.group(1)) > 0 and len(alerts) == int(moved.group(2).replace(",", "")) > 0
    assert {a["_source"]["rule"] for a in alerts} <= {
        "price-drop", "price-rise", "out-of-stock", "back-in-stock", "delisted"}
