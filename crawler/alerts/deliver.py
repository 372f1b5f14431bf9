"""Deliver alerts to their channels: retries with backoff now, pending for the next run after.

An alert's ``deliveries`` holds one entry per channel (``pending`` → ``delivered``); the alert is
``delivered`` when every entry is. A channel that fails one alert after all its retries is not
tried again for the rest of the pass (the receiver is down: the alerts stay pending and the next
run retries them), so a dead receiver costs one retry sequence, not one per alert.
Digest channels get one message for many alerts.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from crawler.alerts.notifiers import DeliveryError, Notifier, notifier_for
from crawler.config import AlertChannelConfig

logger = logging.getLogger(__name__)


class Deliverer:
    """Sends alert documents and records the outcome in each one's ``deliveries``."""

    def __init__(self, channels: Mapping[str, AlertChannelConfig],
                 notifiers: Mapping[str, Notifier] | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.channels = dict(channels)
        self._notifiers: dict[str, Notifier] = dict(notifiers or {})
        self.sleep = sleep

    def notifier(self, name: str) -> Notifier:
        if name not in self._notifiers:
            self._notifiers[name] = notifier_for(name, self.channels[name])
        return self._notifiers[name]

    def send(self, channel: str, alerts: Sequence[dict[str, Any]], kind: str = "alert") -> None:
        """One message, tried ``retries`` times with doubling backoff; raises the last error."""
        config = self.channels[channel]
        delay = config.backoff
        for attempt in range(1, max(1, config.retries) + 1):
            try:
                self.notifier(channel).send(alerts, kind=kind)
                return
            except DeliveryError as exc:
                if attempt >= config.retries or not exc.retryable:
                    raise
                logger.warning("channel %(ch)s: attempt %(n)d failed (%(err)s); retrying",
                               {"ch": channel, "n": attempt, "err": exc.message})
                self.sleep(delay)
                delay *= 2

    def deliver(self, docs: Sequence[dict[str, Any]], *, digests: bool = False) -> None:
        """Send every pending (alert, channel) of ``docs``; digest channels only if ``digests``."""
        down: set[str] = set()
        for channel in self._channels_of(docs):
            digest = self.channels[channel].digest if channel in self.channels else False
            waiting = [d for d in docs if _pending(d, channel)]
            if not waiting or (digest and not digests):
                continue
            batches = [waiting] if digest else [[d] for d in waiting]
            for batch in batches:
                if channel in down:
                    break
                if not self._send_batch(channel, batch, "digest" if digest else "alert"):
                    down.add(channel)
        for doc in docs:
            _settle(doc)

    def _send_batch(self, channel: str, batch: list[dict[str, Any]], kind: str) -> bool:
        if channel not in self.channels:  # the rule names a channel removed from the config
            _mark(batch, channel, ok=False, error="channel no longer configured")
            return False
        try:
            self.send(channel, batch, kind)
        except DeliveryError as exc:
            logger.error("channel %(ch)s: %(n)d alert(s) stay pending: %(err)s",
                         {"ch": channel, "n": len(batch), "err": exc.message})
            _mark(batch, channel, ok=False, error=exc.message)
            return False
        except Exception as exc:  # a notifier bug must leave the alert pending, not lost
            logger.exception("channel %(ch)s: notifier failed", {"ch": channel})
            _mark(batch, channel, ok=False, error=f"{type(exc).__name__}: {exc}")
            return False
        _mark(batch, channel, ok=True)
        return True

    @staticmethod
    def _channels_of(docs: Sequence[dict[str, Any]]) -> list[str]:
        seen: dict[str, None] = {}
        for doc in docs:
            seen.update(dict.fromkeys(doc.get("deliveries", {})))
        return list(seen)


def _pending(doc: dict[str, Any], channel: str) -> bool:
    entry = doc.get("deliveries", {}).get(channel)
    return entry is not None and entry.get("status") != "delivered"


def _mark(batch: Sequence[dict[str, Any]], channel: str, *, ok: bool, error: str = "") -> None:
    now = datetime.now(UTC).isoformat()
    for doc in batch:
        entry = doc["deliveries"][channel]
        entry["attempts"] = int(entry.get("attempts", 0)) + 1
        entry["last_attempt_at"] = now
        if ok:
            entry.update(status="delivered", delivered_at=now)
            entry["last_error"] = None  # a partial update merges: null clears the old error
        else:
            entry.update(status="pending", last_error=error[:500])


def _settle(doc: dict[str, Any]) -> None:
    entries = doc.get("deliveries", {}).values()
    if not entries:
        doc["status"] = "recorded"
    else:
        done = all(e["status"] == "delivered" for e in entries)
        doc["status"] = "delivered" if done else "pending"
