"""Latency from a listing being indexed to the webhook receiving its alert (goal: < 2 s).

Runs on the real Elasticsearch node (a private index prefix, dropped at the end) with the index
step's own ``ListingIndexer`` and a local webhook receiver. Each round indexes one listing at
200.00, then at 180.00 (a 10 % drop): the timer starts when ``indexer.index()`` is called for the
second write and stops when the receiver has the alert. Measured side by side:

- ``sync``: the service works inside the listener call (the index step waits for delivery);
- ``thread``: the service was ``start()``-ed, as in a crawl (the listener only enqueues);
- ``thread+smtp``: the same, with an SMTP channel (aiosmtpd) on the same rule.

    .venv/bin/python benchmarks/alert_latency.py [--rounds 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crawler.alerts.service import AlertService
from crawler.config import Config, load_config
from crawler.index.client import connect
from crawler.index.templates import ensure_indices
from crawler.indexing.indexer import ListingIndexer
from crawler.indexing.spool import Spool
from tests.support.es import drop_prefix, fresh_names
from tests.support.receivers import SmtpReceiver, WebhookReceiver

SECRET = "bench-secret"


def listing(listing_id: str, minor: int) -> dict[str, Any]:
    return {"listing_id": listing_id, "platform": "bench", "item_id": listing_id.split(":")[1],
            "url": "http://127.0.0.1/x", "title": "Bench 充电宝", "seller_id": "s1",
            "currency": "CNY", "price_minor": minor, "effective_price_minor": minor,
            "availability": "in_stock", "source": "api", "confidence": 1.0}


def config(home: Path, hook: WebhookReceiver, smtp: SmtpReceiver | None) -> Config:
    channels: dict[str, Any] = {"hook": {"type": "webhook", "url": hook.url,
                                         "secret_env": "PW_BENCH_SECRET"}}
    if smtp is not None:
        channels["mail"] = {"type": "email", "host": "127.0.0.1", "port": smtp.port,
                            "to": ["bench@example.test"]}
    rule = {"name": "drop", "type": "price_drop", "percent": "5", "channels": list(channels)}
    return Config.model_validate({"home": str(home), "alerts": {"rules": [rule],
                                                                "channels": channels}})


def measure(mode: str, rounds: int, es: Any, names: Any, home: Path) -> list[float]:
    hook = WebhookReceiver(secret=SECRET.encode()).start()
    smtp = SmtpReceiver().start() if mode == "thread+smtp" else None
    service = AlertService(config(home / mode, hook, smtp), es, names)
    if mode != "sync":
        service.start()
    indexer = ListingIndexer(es, names, Spool(home / mode / "spool.jsonl"), listeners=[service])
    latencies = []
    for i in range(rounds):
        listing_id = f"bench:{mode}-{i}"
        indexer.index([listing(listing_id, 20000)])
        started = time.time()
        indexer.index([listing(listing_id, 18000)])
        while not any(a["listing_id"] == listing_id for a in hook.alerts()):
            if time.time() - started > 30:
                raise SystemExit(f"{mode}: no alert for {listing_id} after 30 s")
            time.sleep(0.002)
        arrived = next(r.at for r in hook.received
                       if any(a["listing_id"] == listing_id for a in r.body.get("alerts", [])))
        latencies.append(arrived - started)
    service.finish()
    assert all(r.verified for r in hook.received), "a webhook signature did not verify"
    hook.stop()
    if smtp is not None:
        smtp.stop()
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    os.environ["PW_BENCH_SECRET"] = SECRET
    es = connect(load_config())
    names = fresh_names()
    ensure_indices(es, names)
    results = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for mode in ("sync", "thread", "thread+smtp"):
                results[mode] = measure(mode, args.rounds, es, names, Path(tmp))
    finally:
        drop_prefix(es, names)
    print(f"alert latency, listing indexed -> webhook received ({args.rounds} rounds each)")
    print(f"{'mode':<12} {'median ms':>10} {'p95 ms':>10} {'max ms':>10} {'vs goal 2 s':>12}")
    for mode, values in results.items():
        ordered = sorted(values)
        p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
        print(f"{mode:<12} {statistics.median(values) * 1000:>10.1f} {p95 * 1000:>10.1f} "
              f"{max(values) * 1000:>10.1f} {max(values) / 2:>11.2%}")


if __name__ == "__main__":
    main()
