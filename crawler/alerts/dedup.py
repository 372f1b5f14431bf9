"""Alert state that outlives a crawl process: dedup, cooldown, re-arm, hysteresis, baselines.

Each crawl run is its own process, so this state lives in a small SQLite file under the state
folder (``<state>/alerts.sqlite``), claimed in one ``BEGIN IMMEDIATE`` transaction per batch so two
concurrent runs never both admit the same alert. The ``alerts`` index is the second guard: an
alert's ``_id`` is derived from its dedup key, written with ``op_type=create`` (see ``store.py``).
The outbox keeps alert documents that could not be written to Elasticsearch yet. See docs/alerts.md.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crawler.alerts.detect import Candidate
from crawler.changes import ListingChange

SCHEMA = """
CREATE TABLE IF NOT EXISTS fired (
    rule TEXT NOT NULL, listing_id TEXT NOT NULL, value_key TEXT NOT NULL, fired_at REAL NOT NULL,
    PRIMARY KEY (rule, listing_id, value_key));
CREATE TABLE IF NOT EXISTS seen (
    listing_id TEXT NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL, seen_at REAL NOT NULL,
    PRIMARY KEY (listing_id, field, value));
CREATE TABLE IF NOT EXISTS baseline (
    listing_id TEXT PRIMARY KEY, doc TEXT NOT NULL, at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS outbox (
    alert_id TEXT PRIMARY KEY, doc TEXT NOT NULL, at REAL NOT NULL);
"""

#: Fields whose recent values hysteresis remembers, and the price fields a baseline keeps.
SEEN_FIELDS = ("price_minor", "effective_price_minor", "availability", "delisted")
BASELINE_FIELDS = ("listing_id", "currency", "base_currency", "price_minor",
                   "effective_price_minor", "price_base_minor", "effective_price_base_minor")
#: Rows older than this are pruned (longer than any sensible re-arm/hysteresis window).
KEEP_SECONDS = 90 * 86400


@dataclass
class Suppressed:
    candidate: Candidate
    reason: str
    """hysteresis | cooldown | duplicate"""


class AlertState:
    """The SQLite-backed memory of what fired, what was seen, and what was trusted."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, timeout=30, isolation_level=None,
                                   check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # --- detection inputs -------------------------------------------------------------------
    def baselines(self, listing_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The last trusted price fields of these listings (for a previous doc that was suspect)."""
        ids = list(listing_ids)
        with self._lock:
            rows = self._select_in("SELECT listing_id, doc FROM baseline WHERE listing_id IN", ids)
        return {listing_id: json.loads(doc) for listing_id, doc in rows}

    # --- the gate ---------------------------------------------------------------------------
    def admit(self, candidates: Sequence[Candidate], now: float
              ) -> tuple[list[Candidate], list[Suppressed]]:
        """Split candidates into admitted (now claimed as fired) and suppressed, atomically."""
        admitted: list[Candidate] = []
        suppressed: list[Suppressed] = []
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for candidate in candidates:
                    reason = self._reason_to_suppress(candidate, now)
                    if reason:
                        suppressed.append(Suppressed(candidate, reason))
                        continue
                    self._db.execute("INSERT OR REPLACE INTO fired VALUES (?, ?, ?, ?)",
                                     (candidate.rule.name, candidate.listing_id,
                                      candidate.value_key, now))
                    admitted.append(candidate)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return admitted, suppressed

    def _reason_to_suppress(self, candidate: Candidate, now: float) -> str | None:
        rule, listing_id = candidate.rule, candidate.listing_id
        field = candidate.hysteresis_field
        if field and rule.config.hysteresis > 0:
            value = _text(candidate.listing.get(field))
            row = self._db.execute(
                "SELECT seen_at FROM seen WHERE listing_id=? AND field=? AND value=?",
                (listing_id, field, value)).fetchone()
            if row and row[0] >= now - rule.config.hysteresis:
                return "hysteresis"
        if rule.config.cooldown > 0:
            row = self._db.execute("SELECT MAX(fired_at) FROM fired WHERE rule=? AND listing_id=?",
                                   (rule.name, listing_id)).fetchone()
            if row and row[0] is not None and row[0] >= now - rule.config.cooldown:
                return "cooldown"
        row = self._db.execute(
            "SELECT fired_at FROM fired WHERE rule=? AND listing_id=? AND value_key=?",
            (rule.name, listing_id, candidate.value_key)).fetchone()
        if row and row[0] >= now - rule.config.rearm:
            return "duplicate"
        return None

    # --- after each batch -------------------------------------------------------------------
    def observe(self, changes: Sequence[ListingChange], now: float, min_confidence: float) -> None:
        """Remember the values each changed listing had (hysteresis) and its trusted price."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for change in changes:
                    if change.previous is not None and not change.changed_fields:
                        continue
                    self._observe_one(change, now, min_confidence)
                self._db.execute("DELETE FROM seen WHERE seen_at < ?", (now - KEEP_SECONDS,))
                self._db.execute("DELETE FROM fired WHERE fired_at < ?", (now - KEEP_SECONDS,))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def _observe_one(self, change: ListingChange, now: float, min_confidence: float) -> None:
        listing_id = change.listing_id
        docs = [d for d in (change.previous, change.current) if d is not None]
        for doc in docs:
            price_ok = _price_trusted(doc, min_confidence)
            for field in SEEN_FIELDS:
                if field.endswith("_minor") and not price_ok:
                    continue  # a suspect price was never "had": it must not silence a real move
                if doc.get(field) is not None:
                    self._db.execute("INSERT OR REPLACE INTO seen VALUES (?, ?, ?, ?)",
                                     (listing_id, field, _text(doc[field]), now))
        trusted = next((d for d in reversed(docs) if _price_trusted(d, min_confidence)), None)
        if trusted is not None:
            kept = {k: trusted[k] for k in BASELINE_FIELDS if trusted.get(k) is not None}
            self._db.execute("INSERT OR REPLACE INTO baseline VALUES (?, ?, ?)",
                             (listing_id, json.dumps(kept), now))

    # --- outbox: alert documents Elasticsearch did not take yet -----------------------------
    def outbox_put(self, docs: Iterable[dict[str, Any]], now: float) -> None:
        with self._lock:
            self._db.executemany("INSERT OR REPLACE INTO outbox VALUES (?, ?, ?)",
                                 [(d["alert_id"], json.dumps(d), now) for d in docs])

    def outbox(self) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._db.execute("SELECT doc FROM outbox ORDER BY at").fetchall()
        return [json.loads(doc) for (doc,) in rows]

    def outbox_remove(self, alert_ids: Iterable[str]) -> None:
        with self._lock:
            self._db.executemany("DELETE FROM outbox WHERE alert_id=?", [(i,) for i in alert_ids])

    def _select_in(self, sql: str, ids: list[str]) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = []
        for start in range(0, len(ids), 500):  # SQLite caps the number of bound parameters
            chunk = ids[start:start + 500]
            rows += self._db.execute(f"{sql} ({','.join('?' * len(chunk))})", chunk).fetchall()
        return rows


def _price_trusted(doc: dict[str, Any], min_confidence: float) -> bool:
    """Price fields worth remembering: not suspect (or suspect but held back by the index step,
    which keeps the last published price in the price fields), and confident enough."""
    held_back = doc.get("held_price_minor") is not None
    return (not doc.get("price_suspect") or held_back) and float(
        doc.get("confidence", 1.0)) >= min_confidence


def _text(value: Any) -> str:
    return json.dumps(value) if isinstance(value, bool) else str(value)
