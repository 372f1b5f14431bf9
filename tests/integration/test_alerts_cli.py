"""`pricewatch alerts`, `alerts test CHANNEL` and `alerts watch` through click's CliRunner."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from elasticsearch import Elasticsearch

from crawler.alerts.service import AlertService
from crawler.cli import cli
from crawler.cli.context import console
from crawler.config import load_config
from crawler.esnode.service import Connection
from crawler.index.names import IndexNames
from tests.support.alerts import change, listing, price
from tests.support.receivers import SmtpReceiver, WebhookReceiver

pytestmark = pytest.mark.es


@pytest.fixture
def setup(tmp_path: Path, es_names: IndexNames, es_connection: Connection,
          monkeypatch: pytest.MonkeyPatch):  # -> Iterator[tuple[CliRunner, Webhook, Smtp]]
    hook, smtp = WebhookReceiver(secret=b"cli-secret").start(), SmtpReceiver().start()
    (tmp_path / "pricewatch.toml").write_text(f"""
home = "{tmp_path}"
[elasticsearch]
index_prefix = "{es_names.prefix}"
[alerts.channels.hook]
type = "webhook"
url = "{hook.url}"
secret_env = "PW_CLI_SECRET"
[alerts.channels.mail]
type = "email"
host = "127.0.0.1"
port = {smtp.port}
to = ["team@example.test"]
[[alerts.rules]]
name = "drop"
type = "price_drop"
percent = 5
channels = ["hook"]
""")
    monkeypatch.setenv("PRICEWATCH_CONFIG", str(tmp_path / "pricewatch.toml"))
    monkeypatch.setenv("PW_CLI_SECRET", "cli-secret")
    monkeypatch.setenv("ES_URL", es_connection.target.url)
    monkeypatch.delenv("PRICEWATCH_HOME", raising=False)
    monkeypatch.setattr(console, "_width", 250)  # rich would wrap tables at 80 columns
    yield CliRunner(), hook, smtp
    hook.stop()
    smtp.stop()


def test_alerts_test_channel_reaches_webhook_and_smtp(setup) -> None:
    runner, hook, smtp = setup
    assert runner.invoke(cli, ["alerts", "test", "hook"]).exit_code == 0
    assert runner.invoke(cli, ["alerts", "test", "mail"]).exit_code == 0
    assert [(r.body["event"], r.verified) for r in hook.received] == [("test", True)]
    assert [m["Subject"] for m in smtp.wait_for(1)] == ["[pricewatch] pricewatch test message"]
    unknown = runner.invoke(cli, ["alerts", "test", "pager"])
    assert unknown.exit_code != 0 and "no alerts channel 'pager'" in str(unknown.exception)


def test_alerts_lists_what_fired(setup, es: Elasticsearch, es_names: IndexNames) -> None:
    runner, _hook, _smtp = setup
    service = AlertService(load_config(), es, es_names)
    service.process([change(listing(**price(20000)), listing(**price(15000)))])
    es.indices.refresh(index=es_names.alias("alerts"))
    shown = runner.invoke(cli, ["alerts", "--since", "1h", "--rule", "drop"], terminal_width=300)
    assert shown.exit_code == 0, shown.output
    assert "jd:100" in shown.output and "150.00 CNY" in shown.output
    pending = runner.invoke(cli, ["alerts", "--pending"], terminal_width=300)
    assert "jd:100" not in pending.output  # delivered, so not pending


def test_watch_add_list_remove(setup) -> None:
    runner, _hook, _smtp = setup
    added = runner.invoke(cli, ["alerts", "watch", "add", "anker", "anker 充电宝",
                                "--platform", "jd"])
    assert added.exit_code == 0, added.output
    assert "anker 充电宝" in runner.invoke(cli, ["alerts", "watch", "list"],
                                           terminal_width=200).output
    assert runner.invoke(cli, ["alerts", "watch", "remove", "anker"]).exit_code == 0
    gone = runner.invoke(cli, ["alerts", "watch", "remove", "anker"])
    assert gone.exit_code != 0 and "no saved search named 'anker'" in str(gone.exception)
