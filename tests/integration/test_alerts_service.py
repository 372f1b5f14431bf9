"""AlertService against the real Elasticsearch node and real local receivers (HTTP and SMTP).

Each test feeds real ``ListingChange`` objects, as the index step hands them over, and checks
what a user would: what arrived at the receivers (signature verified), what the alerts index says.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from crawler.alerts.service import AlertService
from crawler.alerts.store import AlertStore
from crawler.alerts.watches import WatchStore
from crawler.config import Config
from crawler.index.names import IndexNames
from tests.support.alerts import alerts_config, change, listing, price
from tests.support.receivers import SmtpReceiver, WebhookReceiver

pytestmark = pytest.mark.es

SECRET = "test-shared-secret"


@pytest.fixture
def hook(monkeypatch: pytest.MonkeyPatch) -> Iterator[WebhookReceiver]:
    monkeypatch.setenv("PW_TEST_WEBHOOK_SECRET", SECRET)
    receiver = WebhookReceiver(secret=SECRET.encode()).start()
    yield receiver
    receiver.stop()


@pytest.fixture
def smtp() -> Iterator[SmtpReceiver]:
    receiver = SmtpReceiver().start()
    yield receiver
    receiver.stop()


def make_config(tmp_path: Path, hook: WebhookReceiver, smtp: SmtpReceiver | None = None,
                *, digest: bool = False, extra_rules: list[dict[str, Any]] = ()) -> Config:
    channels: dict[str, Any] = {
        "hook": {"type": "webhook", "url": hook.url, "secret_env": "PW_TEST_WEBHOOK_SECRET",
                 "retries": 2, "backoff": 0.01, "timeout": 2, "digest": digest}}
    names = ["hook"]
    if smtp is not None:
        channels["mail"] = {"type": "email", "host": "127.0.0.1", "port": smtp.port,
                            "to": ["pricing@example.test"]}
        names.append("mail")
    rules = [{"name": "drop", "type": "price_drop", "percent": "5", "channels": names},
             {"name": "oos", "type": "out_of_stock", "channels": names}, *extra_rules]
    return alerts_config(rules, channels, home=str(tmp_path))


def service(config: Config, es: Elasticsearch, names: IndexNames) -> AlertService:
    return AlertService(config, es, names)


def stored(es: Elasticsearch, names: IndexNames) -> list[dict[str, Any]]:
    es.indices.refresh(index=names.alias("alerts"))
    return AlertStore(es, names).search(size=100)


def test_each_change_alerts_once_on_every_channel(
        es: Elasticsearch, es_names: IndexNames, tmp_path: Path,
        hook: WebhookReceiver, smtp: SmtpReceiver) -> None:
    alerts = service(make_config(tmp_path, hook, smtp), es, es_names)
    batch = [change(listing("jd:1", **price(20000)), listing("jd:1", **price(17000))),
             change(listing("jd:2"), listing("jd:2", availability="out_of_stock")),
             change(listing("jd:3", **price(20000)), listing("jd:3", **price(19900)))]
    alerts.process(batch, run_id="run-1")
    alerts.process(batch, run_id="run-2")  # the same batch again (a replayed spool, a retry)

    assert sorted((a["rule"], a["listing_id"]) for a in hook.alerts()) == [
        ("drop", "jd:1"), ("oos", "jd:2")]
    assert all(r.verified for r in hook.received)
    assert sorted(m["Subject"] for m in smtp.wait_for(2)) == [
        "[pricewatch] Out of stock: Anker 737 充电宝 PowerCore",
        "[pricewatch] Price drop: Anker 737 充电宝 PowerCore"]
    docs = stored(es, es_names)
    assert [(d["rule"], d["status"], d["old_value"], d["new_value"]) for d in docs
            if d["rule"] == "drop"] == [("drop", "delivered", "200.00 CNY", "170.00 CNY")]
    assert {d["deliveries"]["hook"]["status"] for d in docs} == {"delivered"}


def test_elasticsearch_refuses_an_alert_the_local_state_forgot(
        es: Elasticsearch, es_names: IndexNames, tmp_path: Path, hook: WebhookReceiver) -> None:
    config = make_config(tmp_path, hook)
    batch = [change(listing("jd:1", **price(20000)), listing("jd:1", **price(17000)))]
    service(config, es, es_names).process(batch)
    (tmp_path / "alerts.sqlite").unlink()  # state folder lost: ES's op_type=create still guards
    outcome = service(config, es, es_names).process(batch)
    assert (len(outcome.fired), len(outcome.duplicates), len(hook.alerts())) == (0, 1, 1)


def test_a_receiver_down_during_a_run_gets_the_alert_next_run_once(
        es: Elasticsearch, es_names: IndexNames, tmp_path: Path, hook: WebhookReceiver) -> None:
    config = make_config(tmp_path, hook)
    hook.stop()
    first_run = service(config, es, es_names)
    first_run.process([change(listing("jd:1", **price(20000)), listing("jd:1", **price(17000)))])
    first_run.finish()
    assert [d["status"] for d in stored(es, es_names)] == ["pending"]

    hook.start()  # back, on the same port
    for _ in range(2):  # the next run, and the one after it
        next_run = service(config, es, es_names)
        next_run.start()
        next_run.finish()
    assert [a["listing_id"] for a in hook.alerts()] == ["jd:1"]
    [doc] = stored(es, es_names)
    assert (doc["status"], doc["deliveries"]["hook"]["status"]) == ("delivered", "delivered")
    assert doc["deliveries"]["hook"]["last_error"] is None


def test_digest_channel_gets_one_message_per_run(
        es: Elasticsearch, es_names: IndexNames, tmp_path: Path, hook: WebhookReceiver) -> None:
    alerts = service(make_config(tmp_path, hook, digest=True), es, es_names)
    alerts.start()
    for n in range(3):
        alerts([change(listing(f"jd:{n}", **price(20000)), listing(f"jd:{n}", **price(15000)))],
               run_id="run-d")
    alerts.finish()
    assert [(r.body["event"], r.body["count"]) for r in hook.received] == [("digest", 3)]
    assert {d["status"] for d in stored(es, es_names)} == {"delivered"}


def test_new_listing_for_a_saved_search_with_one_msearch(
        es: Elasticsearch, es_names: IndexNames, tmp_path: Path, hook: WebhookReceiver) -> None:
    WatchStore(es, es_names).add("anker-chargers", "anker 充电宝", {"platforms": ["jd"]})
    WatchStore(es, es_names).add("phones", "iPhone")
    new = [listing("jd:7"), listing("jd:8", title="Xiaomi 14 手机"),
           listing("taobao:9")]
    for doc in new:
        es.index(index=es_names.write_index("listings"), id=doc["listing_id"], document=doc)
    rule = {"name": "new", "type": "new_listing", "channels": ["hook"]}
    alerts = service(make_config(tmp_path, hook, extra_rules=[rule]), es, es_names)
    alerts.process([change(None, doc) for doc in new])
    assert [(a["listing_id"], a["watch"]) for a in hook.alerts()] == [("jd:7", "anker-chargers")]
