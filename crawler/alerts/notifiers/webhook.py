"""Webhook: a JSON POST signed with HMAC-SHA256 over the exact body bytes.

Headers: ``X-Pricewatch-Signature: sha256=<hex>`` (when ``secret_env`` is set),
``X-Pricewatch-Event: alert|digest|test`` and ``X-Pricewatch-Delivery`` (alert ids, so a receiver
can drop a repeat after a crash between sending and recording). Verify with ``verify_signature``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Sequence
from typing import Any

import httpx

from crawler.alerts.notifiers.base import DeliveryError
from crawler.alerts.records import public
from crawler.config import AlertChannelConfig

SIGNATURE_HEADER = "X-Pricewatch-Signature"


def sign(secret: bytes, body: bytes) -> str:
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def verify_signature(secret: bytes, body: bytes, header: str | None) -> bool:
    """What a receiver runs: constant-time comparison of the header with our own signature."""
    return header is not None and hmac.compare_digest(sign(secret, body), header)


def payload(alerts: Sequence[dict[str, Any]], kind: str) -> dict[str, Any]:
    if kind == "test":
        return {"event": "test", "message": "pricewatch test message"}
    items = [public(alert) for alert in alerts]
    return {"event": kind, "alerts": items, "count": len(items)}


def post_json(url: str, body: bytes, headers: dict[str, str], timeout: float) -> None:
    """POST and turn every failure into a DeliveryError (4xx but 408/429: not retryable)."""
    try:
        response = httpx.post(url, content=body, timeout=timeout,
                              headers={"Content-Type": "application/json", **headers})
    except httpx.HTTPError as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc
    if response.status_code >= 300:
        retryable = response.status_code >= 500 or response.status_code in (408, 429)
        raise DeliveryError(f"HTTP {response.status_code}: {response.text[:200]}",
                            retryable=retryable)


class WebhookNotifier:
    def __init__(self, name: str, channel: AlertChannelConfig) -> None:
        self.name = name
        self.channel = channel
        secret = channel.env_secret("url_env")
        url = channel.url or (secret.get_secret_value() if secret else None)
        if not url:
            raise DeliveryError(f"channel {name!r}: webhook needs url (or url_env)")
        self.url = url

    def send(self, alerts: Sequence[dict[str, Any]], *, kind: str = "alert") -> None:
        body = json.dumps(payload(alerts, kind), ensure_ascii=False, sort_keys=True).encode()
        headers = {"X-Pricewatch-Event": kind,
                   "X-Pricewatch-Delivery": ",".join(a["alert_id"] for a in alerts)[:4000]}
        secret = self.channel.env_secret("secret_env")
        if secret is not None:
            headers[SIGNATURE_HEADER] = sign(secret.get_secret_value().encode(), body)
        post_json(self.url, body, headers, self.channel.timeout)
