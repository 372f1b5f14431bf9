"""Apprise URLs (optional dependency ``apprise``): one notify call to every URL of the channel."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from crawler.alerts.notifiers.base import DeliveryError, plain_text, subject
from crawler.config import AlertChannelConfig


class AppriseNotifier:
    def __init__(self, name: str, channel: AlertChannelConfig) -> None:
        try:
            import apprise
        except ImportError as exc:
            raise DeliveryError(f"channel {name!r}: the apprise package is not installed",
                                "pip install 'pricewatch[apprise]'", retryable=False) from exc
        urls = channel.env_secret("urls_env")
        if urls is None:
            raise DeliveryError(f"channel {name!r}: apprise needs urls_env", retryable=False)
        self.name = name
        self.apprise = apprise.Apprise()
        for url in urls.get_secret_value().split():
            if not self.apprise.add(url):
                raise DeliveryError(f"channel {name!r}: Apprise does not understand one of the "
                                    f"URLs in ${channel.urls_env}", retryable=False)

    def send(self, alerts: Sequence[dict[str, Any]], *, kind: str = "alert") -> None:
        if not self.apprise.notify(title=subject(alerts, kind), body=plain_text(alerts, kind)):
            raise DeliveryError("Apprise reported a failed notification")
