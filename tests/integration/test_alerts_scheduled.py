"""End to end without the fixture marketplace: `pricewatch schedule` runs a tiny real spider on a
few-second interval through the real index pipeline; after a price change exactly one alert
reaches the webhook receiver (signature verified), and later runs with no change send nothing.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from crawler.esnode.service import Connection
from crawler.index.names import IndexNames
from crawler.scheduler.runs import last_runs
from tests.support.receivers import WebhookReceiver

pytestmark = [pytest.mark.es, pytest.mark.slow]

TINY = str(Path(__file__).resolve().parents[1] / "support" / "tiny_spider.py")
SECRET = "e2e-secret"


def write_config(tmp_path: Path, names: IndexNames, hook: WebhookReceiver, prices: Path) -> Path:
    command = ["{python}", "-m", "scrapy", "runspider", TINY, "-a", f"prices={prices}",
               "-s", "PRICEWATCH_RUN_ID={run_id}", "-s", "PRICEWATCH_RUN_STATS_FILE={stats_file}"]
    text = f"""
home = "{tmp_path}"
[elasticsearch]
index_prefix = "{names.prefix}"
[indexing]
flush_seconds = 0.2
[schedule]
stop_grace = 10
[[schedule.jobs]]
id = "tiny"
spiders = ["tiny"]
interval = 3
timeout = 60
command = {json.dumps(command)}
[alerts.channels.hook]
type = "webhook"
url = "{hook.url}"
secret_env = "PW_E2E_SECRET"
backoff = 0.05
[[alerts.rules]]
name = "drop"
type = "price_drop"
percent = 5
channels = ["hook"]
[[alerts.rules]]
name = "oos"
type = "out_of_stock"
channels = ["hook"]
"""
    path = tmp_path / "pricewatch.toml"
    path.write_text(text)
    return path


def ok_runs(es: Elasticsearch, names: IndexNames) -> list[dict[str, Any]]:
    if not es.indices.exists_alias(name=names.alias("runs")):
        return []
    es.indices.refresh(index=names.alias("runs"))
    return [r for r in last_runs(es, names, size=50) if r["status"] == "ok"]


def wait_for_runs(es: Elasticsearch, names: IndexNames, count: int, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while len(ok_runs(es, names)) < count:
        assert time.monotonic() < deadline, f"fewer than {count} ok runs"
        time.sleep(0.3)


def test_scheduled_crawls_alert_once_per_change(
        es: Elasticsearch, es_names: IndexNames, es_connection: Connection,
        tmp_path: Path) -> None:
    hook = WebhookReceiver(secret=SECRET.encode()).start()
    prices = tmp_path / "prices.txt"
    prices.write_text("tiny:1 20000 in_stock\ntiny:2 5000 in_stock\n")
    config_file = write_config(tmp_path, es_names, hook, prices)
    env = {**os.environ, "PRICEWATCH_CONFIG": str(config_file), "PW_E2E_SECRET": SECRET,
           "ES_URL": es_connection.target.url}
    env.pop("PRICEWATCH_HOME", None)
    # cwd: away from the checkout's scrapy.cfg, whose crawler.settings the spiders part brings
    scheduler = subprocess.Popen([sys.executable, "-m", "crawler.cli", "schedule"], env=env,
                                 cwd=tmp_path,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_runs(es, es_names, 1)
        prices.write_text("tiny:1 17000 in_stock\ntiny:2 5000 out_of_stock\n")  # the "step"
        seen = len(ok_runs(es, es_names))
        wait_for_runs(es, es_names, seen + 3)  # the run that sees it, and two with no change
    finally:
        scheduler.send_signal(signal.SIGTERM)
        scheduler.wait(60)
        hook.stop()
    assert sorted((a["rule"], a["listing_id"]) for a in hook.alerts()) == [
        ("drop", "tiny:1"), ("oos", "tiny:2")]
    assert all(r.verified for r in hook.received)
    assert all(r["counts"]["items"] == 2 for r in ok_runs(es, es_names))


def test_flapping_prices_and_a_suspect_jump_raise_no_storm(
        es: Elasticsearch, es_names: IndexNames, es_connection: Connection,
        tmp_path: Path) -> None:
    """Five real crawls in a row: tiny:1 flaps 200.00 → 170.00 → 200.00 → 170.00 → 200.00 (one
    drop alert, then hysteresis keeps quiet; the rise rule stays quiet too), tiny:2 shows a 100×
    price once and goes back (held as suspect by the index step: no alert at all)."""
    hook = WebhookReceiver(secret=SECRET.encode()).start()
    prices = tmp_path / "prices.txt"
    config_file = write_config(tmp_path, es_names, hook, prices)
    config_file.write_text(config_file.read_text() + """
[[alerts.rules]]
name = "rise"
type = "price_rise"
percent = 5
channels = ["hook"]
""")
    env = {**os.environ, "PRICEWATCH_CONFIG": str(config_file), "PW_E2E_SECRET": SECRET,
           "ES_URL": es_connection.target.url}
    env.pop("PRICEWATCH_HOME", None)
    runs = [(20000, 5000), (17000, 500000), (20000, 5000), (17000, 5000), (20000, 5000)]
    try:
        for flapping, jumping in runs:
            prices.write_text(f"tiny:1 {flapping} in_stock\ntiny:2 {jumping} in_stock\n")
            done = subprocess.run([sys.executable, "-m", "scrapy", "runspider", TINY, "-a",
                                   f"prices={prices}"], env=env, cwd=tmp_path,
                                  capture_output=True, text=True, timeout=120, check=False)
            assert done.returncode == 0, done.stderr[-2000:]
        time.sleep(1.0)  # deliveries end before the crawl closes; a late one would show here
    finally:
        hook.stop()
    assert [(a["rule"], a["listing_id"]) for a in hook.alerts()] == [("drop", "tiny:1")]
    assert all(r.verified for r in hook.received)
    es.indices.refresh(index=es_names.alias("listings"))
    stored = es.get(index=es_names.alias("listings"), id="tiny:2")["_source"]
    assert stored["price_minor"] == 5000  # the 100x price was never published
