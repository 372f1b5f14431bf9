"""Slack incoming webhook: ``{"text": ...}`` with Slack's three characters escaped."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from crawler.alerts.notifiers.base import DeliveryError, plain_text, subject
from crawler.alerts.notifiers.webhook import post_json
from crawler.config import AlertChannelConfig


def escape(text: str) -> str:
    """Slack's mrkdwn control characters (scraped titles must not become links or mentions)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class SlackNotifier:
    def __init__(self, name: str, channel: AlertChannelConfig) -> None:
        self.name = name
        self.channel = channel
        secret = channel.env_secret("url_env")
        url = channel.url or (secret.get_secret_value() if secret else None)
        if not url:
            raise DeliveryError(f"channel {name!r}: slack needs url_env (the incoming webhook URL)")
        self.url = url

    def send(self, alerts: Sequence[dict[str, Any]], *, kind: str = "alert") -> None:
        text = f"*{escape(subject(alerts, kind))}*\n{escape(plain_text(alerts, kind))}"
        body = json.dumps({"text": text}, ensure_ascii=False).encode()
        post_json(self.url, body, {}, self.channel.timeout)
