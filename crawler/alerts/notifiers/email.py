"""E-mail over SMTP: plain text, STARTTLS and login when configured."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from email.message import EmailMessage
from typing import Any

from crawler.alerts.notifiers.base import DeliveryError, plain_text, subject
from crawler.config import AlertChannelConfig


class EmailNotifier:
    def __init__(self, name: str, channel: AlertChannelConfig) -> None:
        if not channel.host or not channel.to:
            raise DeliveryError(f"channel {name!r}: email needs host and to = [...]")
        self.name = name
        self.channel = channel

    def message(self, alerts: Sequence[dict[str, Any]], kind: str) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = self.channel.sender
        msg["To"] = ", ".join(self.channel.to)
        msg["Subject"] = "[pricewatch] " + subject(alerts, kind).replace("\n", " ")[:200]
        if alerts:
            msg["X-Pricewatch-Delivery"] = ",".join(a["alert_id"] for a in alerts)[:900]
        msg.set_content(plain_text(alerts, kind))
        return msg

    def send(self, alerts: Sequence[dict[str, Any]], *, kind: str = "alert") -> None:
        channel = self.channel
        assert channel.host is not None
        try:
            with smtplib.SMTP(channel.host, channel.port, timeout=channel.timeout) as smtp:
                if channel.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if channel.username:
                    password = channel.env_secret("password_env")
                    smtp.login(channel.username, password.get_secret_value() if password else "")
                smtp.send_message(self.message(alerts, kind))
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryError(f"SMTP login refused ({exc.smtp_code})", retryable=False) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc
