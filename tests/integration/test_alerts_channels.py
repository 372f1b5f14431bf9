"""Each channel type against a real local receiver: webhook (HMAC), Slack-style, SMTP, Apprise.

Also the failure paths a user meets: a receiver answering 500 (retried, then pending), a
secret_env that is not set (a clear error naming the variable).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from typing import Any

import pytest

from crawler.alerts.deliver import Deliverer
from crawler.alerts.notifiers import DeliveryError
from crawler.config import AlertChannelConfig, ConfigError
from tests.support.receivers import SmtpReceiver, WebhookReceiver

ALERT = {"alert_id": "a1", "rule": "drop", "rule_type": "price_drop", "listing_id": "jd:1",
         "title": "<b>Anker</b> & co", "message": "Price drop: <b>Anker</b> & co (jd): 1 → 2",
         "deliveries": {"ch": {"status": "pending", "attempts": 0}}, "status": "pending"}


@pytest.fixture
def hook() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver(secret=b"k").start()
    yield receiver
    receiver.stop()


def channel(**fields: Any) -> dict[str, AlertChannelConfig]:
    return {"ch": AlertChannelConfig.model_validate({"retries": 2, "backoff": 0.01, **fields})}


def test_webhook_signature_is_hmac_sha256_of_the_exact_body(
        hook: WebhookReceiver, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PW_K", "k")
    Deliverer(channel(type="webhook", url=hook.url, secret_env="PW_K")).send("ch", [ALERT])
    [got] = hook.received
    body = json.dumps(got.body, ensure_ascii=False, sort_keys=True).encode()
    expected = "sha256=" + hmac.new(b"k", body, hashlib.sha256).hexdigest()
    assert (got.verified, got.headers["X-Pricewatch-Signature"]) == (True, expected)
    assert got.body["alerts"][0]["title"] == "<b>Anker</b> & co"  # JSON keeps the text as is
    assert "deliveries" not in got.body["alerts"][0]  # internal state never leaves


def test_slack_text_escapes_scraped_markup(hook: WebhookReceiver) -> None:
    Deliverer(channel(type="slack", url=hook.url)).send("ch", [ALERT])
    text = hook.received[0].body["text"]
    assert "&lt;b&gt;Anker&lt;/b&gt; &amp; co" in text and "<b>" not in text


def test_email_over_smtp() -> None:
    smtp = SmtpReceiver().start()
    try:
        Deliverer(channel(type="email", host="127.0.0.1", port=smtp.port,
                          to=["a@example.test"])).send("ch", [ALERT])
        [message] = smtp.wait_for(1)
    finally:
        smtp.stop()
    assert message["To"] == "a@example.test"
    assert "Price drop: <b>Anker</b> & co" in message.get_content()


def test_apprise_json_url_reaches_the_receiver(hook: WebhookReceiver,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PW_APPRISE", f"json://127.0.0.1:{hook.port}/hook")
    Deliverer(channel(type="apprise", urls_env="PW_APPRISE")).send("ch", [ALERT])
    assert "Price drop" in hook.received[0].body["message"]


def test_a_failing_receiver_is_retried_then_the_alert_stays_pending(
        hook: WebhookReceiver) -> None:
    hook.status = 500
    doc = json.loads(json.dumps(ALERT))
    Deliverer(channel(type="webhook", url=hook.url)).deliver([doc])
    assert len(hook.received) == 2  # retries = 2
    assert (doc["status"], doc["deliveries"]["ch"]["last_error"][:8]) == ("pending", "HTTP 500")


def test_a_missing_secret_env_names_the_variable(hook: WebhookReceiver) -> None:
    deliverer = Deliverer(channel(type="webhook", url=hook.url, secret_env="PW_UNSET_SECRET"))
    with pytest.raises(ConfigError, match=r"\$PW_UNSET_SECRET, which is not set"):
        deliverer.send("ch", [ALERT])


def test_a_secret_in_the_file_is_refused() -> None:
    with pytest.raises(ValueError, match="'secret' is a secret"):
        AlertChannelConfig.model_validate({"type": "webhook", "url": "http://x", "secret": "s"})


def test_a_channel_without_url_says_so() -> None:
    with pytest.raises(DeliveryError, match="webhook needs url"):
        Deliverer(channel(type="webhook")).send("ch", [ALERT])
