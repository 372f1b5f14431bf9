"""End to end against the fixture marketplace (issue 6, "Done when"): `pricewatch schedule` crawls
a private marketplace with the real Shopify and JD spiders on a few-second interval, through the
real pipelines into the real node; after `/_control/step` every change of the truth that a rule
covers arrives exactly once at a local webhook receiver (signature verified) and once at a local
SMTP server (aiosmtpd), and nothing else does; a run that starts after them sends nothing.

The expected alerts come from the step's change records (`mp.step()["changes"]`): several ticks
between two crawls are folded into one net change per listing (the crawl sees only the end
state), and the rules' own definitions turn net changes into alerts. The first run is the
baseline: a listing seen for the first time raises nothing (no `new_listing` rule here).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from crawler.esnode.service import Connection
from crawler.index.names import IndexNames
from crawler.scheduler.runs import last_runs
from tests.support.marketplace import MarketplaceProcess
from tests.support.receivers import SmtpReceiver, WebhookReceiver

pytestmark = [pytest.mark.es, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
SECRET = "marketplace-e2e-secret"
SPIDERS = ("shopify", "jd")
SEED, SIZE = 5, 60
PERCENT = 3
#: Ticks stepped between the baseline and the next crawl: with seed 5 they drop and raise prices,
#: sell out, delist, and bring back a variant that was sold out at the baseline.
TICKS = 5
#: Rule name → rule type (one of each of the kinds the issue asks for, plus delisted).
RULES = {"drop": "price_drop", "rise": "price_rise", "oos": "out_of_stock",
         "back": "back_in_stock", "gone": "delisted"}
IN_STOCK = {"in_stock", "limited"}

Key = tuple[str, str]
"""(rule name, listing id)"""


def net_changes(changes: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Change records of consecutive ticks folded into one per listing: first old, last new."""
    net: dict[str, dict[str, Any]] = {}
    for change in changes:
        seen = net.setdefault(change["listing_id"], {"kind": change["kind"], "fields": {}})
        if seen["kind"] == "changed":  # new stays new (first seen), delisted stays delisted
            seen["kind"] = change["kind"]
        for name, (old, new) in change["fields"].items():
            seen["fields"].setdefault(name, [old, new])[1] = new
    for seen in net.values():
        seen["fields"] = {k: v for k, v in seen["fields"].items() if v[0] != v[1]}
    return net


def implied_alerts(net: dict[str, dict[str, Any]]) -> dict[Key, tuple[Any, Any]]:
    """What the rules of this test fire for the net changes: (rule, listing) → (old, new)."""
    out: dict[Key, tuple[Any, Any]] = {}
    for listing_id, change in net.items():
        if listing_id.split(":")[0] not in SPIDERS or change["kind"] == "new":
            continue  # a first sighting is the new listing's baseline
        if change["kind"] == "delisted":
            out[("gone", listing_id)] = ("listed", "delisted")
            continue
        fields = change["fields"]
        old, new = fields.get("price_minor", (None, None))
        if old and new is not None and abs(new - old) * 100 >= PERCENT * old:
            out[("drop" if new < old else "rise", listing_id)] = (old, new)
        was, now = fields.get("availability", (None, None))
        if now == "out_of_stock" and was != "out_of_stock":
            out[("oos", listing_id)] = (was, now)
        if was == "out_of_stock" and now in IN_STOCK:
            out[("back", listing_id)] = (was, now)
    return out


def write_config(tmp_path: Path, mp: MarketplaceProcess, hook: WebhookReceiver,
                 smtp: SmtpReceiver) -> Path:
    # Run id and stats file reach the crawl through the environment the job runner sets.
    command = ["{python}", "-m", "scrapy", "crawl", "{spider}", "-s",
               f"PRICEWATCH_FIXTURES={mp.url}"]
    rules = "".join(
        f'[[alerts.rules]]\nname = "{name}"\ntype = "{kind}"\nchannels = ["hook", "mail"]\n'
        + (f"percent = {PERCENT}\n" if kind.startswith("price_") else "") + "\n"
        for name, kind in RULES.items())
    text = f"""
home = "{tmp_path}"
[indexing]
flush_seconds = 0.2
[schedule]
stop_grace = 10
[[schedule.jobs]]
id = "market"
spiders = {json.dumps(list(SPIDERS))}
interval = 3
timeout = 120
command = {json.dumps(command)}
[alerts.channels.hook]
type = "webhook"
url = "{hook.url}"
secret_env = "PW_MARKET_E2E_SECRET"
backoff = 0.05
[alerts.channels.mail]
type = "email"
host = "127.0.0.1"
port = {smtp.port}
to = ["pricing@example.test"]
backoff = 0.05

{rules}"""
    path = tmp_path / "pricewatch.toml"
    path.write_text(text, encoding="utf-8")
    return path


class Runs:
    """The ``runs`` index of the test's prefix, read while the scheduler writes it."""

    def __init__(self, es: Elasticsearch, names: IndexNames) -> None:
        self.es, self.names = es, names

    def ok(self) -> list[dict[str, Any]]:
        alias = self.names.alias("runs")
        if not self.es.indices.exists_alias(name=alias):
            return []
        self.es.indices.refresh(index=alias)
        runs = [r for r in last_runs(self.es, self.names, size=100) if r["status"] == "ok"]
        return sorted(runs, key=lambda r: r["started_at"])

    def first_ok_after(self, since: datetime, timeout: float = 150) -> dict[str, Any]:
        """The first run that started after ``since`` and ended ok (waits for it)."""
        deadline = time.monotonic() + timeout
        while True:
            later = [r for r in self.ok() if datetime.fromisoformat(r["started_at"]) > since]
            if later:
                return later[0]
            assert time.monotonic() < deadline, f"no ok run started after {since} ({timeout} s)"
            time.sleep(0.3)


def listings_of(mp: MarketplaceProcess) -> list[dict[str, Any]]:
    return [r for p in SPIDERS for r in mp.listings(platform=p, limit=100_000)]


def start_scheduler(config_file: Path, es_url: str, names: IndexNames,
                    tmp_path: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PRICEWATCH_CONFIG": str(config_file), "ES_URL": es_url,
           "PRICEWATCH_INDEX_PREFIX": names.prefix, "PRICEWATCH_HOME": str(tmp_path),
           "PW_MARKET_E2E_SECRET": SECRET}
    for name in ("PRICEWATCH_RUN_ID", "PRICEWATCH_RUN_STATS_FILE"):
        env.pop(name, None)
    # cwd: the checkout, whose scrapy.cfg names crawler.settings for `scrapy crawl`
    with (tmp_path / "scheduler.out").open("wb") as log:  # the child keeps its own descriptor
        return subprocess.Popen([sys.executable, "-m", "crawler.cli", "schedule"], env=env,
                                cwd=REPO, stdout=log, stderr=subprocess.STDOUT)


def alerts_arrived(hook: WebhookReceiver, count: int, timeout: float) -> datetime:
    """When the webhook had ``count`` alerts (waits for them; on timeout: now)."""
    deadline = time.monotonic() + timeout
    while len(hook.alerts()) < count and time.monotonic() < deadline:
        time.sleep(0.2)
    if len(hook.alerts()) < count:
        return datetime.now(UTC)
    return datetime.fromtimestamp(max((r.at for r in hook.received), default=time.time()), UTC)


def by_key(alerts: Iterable[dict[str, Any]]) -> Counter[Key]:
    return Counter((a["rule"], a["listing_id"]) for a in alerts)


def test_each_rule_matching_truth_change_alerts_once_by_webhook_and_mail(
        fresh_marketplace: Callable[..., MarketplaceProcess], es: Elasticsearch,
        es_names: IndexNames, es_connection: Connection, tmp_path: Path) -> None:
    mp = fresh_marketplace(seed=SEED, size=SIZE)
    baseline_truth = listings_of(mp)
    hook = WebhookReceiver(secret=SECRET.encode()).start()
    smtp = SmtpReceiver().start()
    runs = Runs(es, es_names)
    scheduler = start_scheduler(write_config(tmp_path, mp, hook, smtp),
                                es_connection.target.url, es_names, tmp_path)
    try:
        baseline = runs.first_ok_after(datetime.fromtimestamp(0, UTC))
        at_baseline = (list(hook.received), list(smtp.messages))
        changes = [c for _ in range(TICKS) for c in mp.step()["changes"]]
        stepped = datetime.now(UTC)
        expected = implied_alerts(net_changes(changes))
        # A run already going at the step may see part of it, the next one the rest. A run
        # that starts after the step and after every expected alert arrived has nothing new.
        arrived = alerts_arrived(hook, len(expected), timeout=240)
        quiet = runs.first_ok_after(max(stepped, arrived))
        smtp.wait_for(len(expected))
    finally:
        scheduler.send_signal(signal.SIGTERM)
        scheduler.wait(60)
        hook.stop()
        smtp.stop()
    assert scheduler.returncode == 0

    # The baseline run: every listing by the API, nothing fired.
    assert at_baseline == ([], [])
    assert baseline["spiders"] == list(SPIDERS)
    counts = baseline["counts"]
    assert counts["items"] == counts["api"] == len(baseline_truth), counts

    # The step covers every rule kind (seed 5, TICKS); the webhook got exactly those alerts.
    assert {key[0] for key in expected} == set(RULES), expected
    alerts = hook.alerts()
    assert by_key(alerts) == Counter(expected.keys())
    assert hook.received and all(r.verified for r in hook.received)
    for alert in alerts:
        old, new = expected[(alert["rule"], alert["listing_id"])]
        if alert["rule"] in ("drop", "rise"):
            assert (alert["old_minor"], alert["new_minor"]) == (old, new), alert
        else:
            assert (alert["old_value"], alert["new_value"]) == (old, new), alert

    # Mail: one message per alert, the same alert ids.
    mailed = Counter(m["X-Pricewatch-Delivery"] for m in smtp.messages)
    assert mailed == Counter(a["alert_id"] for a in alerts)
    text = {a["alert_id"]: a["message"] for a in alerts}
    for mail in smtp.messages:
        assert text[mail["X-Pricewatch-Delivery"]] in mail.get_content(), mail.get_content()

    # Only the runs that saw a step fired; the index has them all, delivered on both channels.
    quiet_ids = {baseline["run_id"], quiet["run_id"]}
    stepped_ids = {r["run_id"] for r in runs.ok()} - quiet_ids
    assert {a.get("run_id") for a in alerts} <= stepped_ids, (stepped_ids, quiet_ids)
    es.indices.refresh(index=es_names.alias("alerts"))
    docs = [h["_source"] for h in es.search(index=es_names.alias("alerts"), size=1000,
                                            query={"match_all": {}})["hits"]["hits"]]
    assert by_key(docs) == Counter(expected.keys())
    assert {d["status"] for d in docs} == {"delivered"}
