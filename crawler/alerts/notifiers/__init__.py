"""One module per channel type; each turns alerts into one message and sends it, or raises.

``notifier_for(name, channel)`` builds the right one from ``[alerts.channels.<name>]``.
"""

from __future__ import annotations

from crawler.alerts.notifiers.base import DeliveryError, Notifier
from crawler.config import AlertChannelConfig


def notifier_for(name: str, channel: AlertChannelConfig) -> Notifier:
    if channel.type == "webhook":
        from crawler.alerts.notifiers.webhook import WebhookNotifier

        return WebhookNotifier(name, channel)
    if channel.type == "slack":
        from crawler.alerts.notifiers.slack import SlackNotifier

        return SlackNotifier(name, channel)
    if channel.type == "email":
        from crawler.alerts.notifiers.email import EmailNotifier

        return EmailNotifier(name, channel)
    from crawler.alerts.notifiers.apprise import AppriseNotifier

    return AppriseNotifier(name, channel)


__all__ = ["DeliveryError", "Notifier", "notifier_for"]
