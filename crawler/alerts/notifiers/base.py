"""What every notifier shares: the interface, the error, and the plain-text rendering."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from crawler.errors import PricewatchError


class DeliveryError(PricewatchError):
    """A channel did not take the message."""

    def __init__(self, message: str, hint: str = "", *, retryable: bool = True) -> None:
        super().__init__(message, hint)
        self.retryable = retryable
        """False when trying again in this run cannot help (a 4xx refusal, bad credentials)."""


class Notifier(Protocol):
    name: str

    def send(self, alerts: Sequence[dict[str, Any]], *, kind: str = "alert") -> None:
        """Send one message: one alert (kind ``alert``), several (``digest``) or ``test``."""
        ...


def subject(alerts: Sequence[dict[str, Any]], kind: str) -> str:
    if kind == "test":
        return "pricewatch test message"
    if kind == "digest":
        return f"pricewatch: {len(alerts)} alert{'s' if len(alerts) != 1 else ''}"
    return str(alerts[0]["message"]).split(":", 1)[0] + f": {alerts[0].get('title', '')}".rstrip()


def plain_text(alerts: Sequence[dict[str, Any]], kind: str) -> str:
    """The message body as plain text (scraped titles stay text: each format escapes it)."""
    if kind == "test":
        return "This is a test message from pricewatch: the channel works."
    lines = []
    for alert in alerts:
        lines.append(str(alert["message"]))
        if alert.get("url"):
            lines.append(f"  {alert['url']}")
    return "\n".join(lines)
