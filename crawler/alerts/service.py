"""The index step's alert listener: detect, gate, record and deliver each indexed batch.

``AlertService`` is called with a batch's ``ListingChange`` list, as a Scrapy signal receiver
(``changes=..., run_id=...``) or as a plain ``crawler.indexing`` listener (``listener(changes)``).
After ``start()`` it works on its own thread, so neither the reactor nor the index step waits on a
slow receiver; ``finish()`` sends this run's digests, retries what is pending, and stops the
thread. Without ``start()`` each call is processed synchronously (handy in tests and scripts).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from elasticsearch import Elasticsearch

from crawler.alerts.dedup import AlertState, Suppressed
from crawler.alerts.deliver import Deliverer
from crawler.alerts.detect import detect, new_listing_candidates
from crawler.alerts.records import alert_doc
from crawler.alerts.rules import Doc, Facts, Rule, compile_rules, facts_from_config
from crawler.alerts.store import CLAIM_FIELD, AlertStore
from crawler.alerts.watches import MsearchWatchMatcher, WatchMatcher
from crawler.changes import ListingChange
from crawler.config import Config
from crawler.index.bulk import BulkWriter
from crawler.index.names import IndexNames

logger = logging.getLogger(__name__)

#: How long alerts waiting for this run's digest stay claimed by it (a crash frees them after).
DIGEST_HOLD_MS = 6 * 3600 * 1000


@dataclass
class BatchOutcome:
    fired: list[dict[str, Any]] = field(default_factory=list)
    suppressed: list[Suppressed] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    """Refused by the alerts index: the same alert exists already."""


class AlertService:
    def __init__(self, config: Config, client: Elasticsearch, names: IndexNames, *,
                 state: AlertState | None = None, matcher: WatchMatcher | None = None,
                 deliverer: Deliverer | None = None) -> None:
        self.rules: list[Rule] = compile_rules(config)
        self.facts: Facts = facts_from_config(config)
        self.state = state or AlertState(config.alerts.state_file
                                         or config.state_dir / "alerts.sqlite")
        self.client = client
        self.names = names
        self.store = AlertStore(client, names)
        self.matcher = matcher or MsearchWatchMatcher(client, names)
        self.deliverer = deliverer or Deliverer(config.alerts.channels)
        self.min_confidence = min((r.config.min_confidence for r in self.rules), default=0.8)
        self.counts: Counter[str] = Counter()
        self._run_docs: list[dict[str, Any]] = []
        self._queue: queue.Queue[Callable[[], None] | None] = queue.Queue()
        self._thread: threading.Thread | None = None

    # --- the listener -----------------------------------------------------------------------
    def __call__(self, changes: Sequence[ListingChange], run_id: str | None = None,
                 **_signal_kwargs: Any) -> None:
        if not self.rules or not changes:
            return
        batch = list(changes)
        if self._thread is None:
            self.process(batch, run_id)
        else:
            self._queue.put(lambda: self._guarded(self.process, batch, run_id))

    def process(self, changes: Sequence[ListingChange], run_id: str | None = None) -> BatchOutcome:
        """One batch, synchronously: candidates → gate → alerts index → non-digest deliveries."""
        now, fired_at = time.time(), datetime.now(UTC)
        run_id = run_id or next((c.current.get("run_id") for c in changes
                                 if c.current.get("run_id")), None)
        baselines = self.state.baselines(c.listing_id for c in changes
                                         if c.previous and c.previous.get("price_suspect"))
        candidates = detect(changes, self.rules, self.facts,
                            own_prices=self._own_prices(changes), baselines=baselines)
        candidates += self._new_listing_candidates(changes)
        admitted, suppressed = self.state.admit(candidates, now)
        self.state.observe(changes, now, self.min_confidence)
        outcome = BatchOutcome(suppressed=suppressed)
        docs = [alert_doc(c, run_id=run_id, fired_at=fired_at) for c in admitted]
        created = self._record(docs, outcome)
        self.deliverer.deliver(created)
        self._save(created)
        self._count(outcome)
        return outcome

    # --- run lifecycle ----------------------------------------------------------------------
    def start(self) -> None:
        """Work on a background thread from now on, beginning with what earlier runs left."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._work, name="pricewatch-alerts", daemon=True)
        self._thread.start()
        self._queue.put(lambda: self._guarded(self.retry_pending))

    def finish(self, timeout: float | None = 120.0) -> None:
        """Digest this run, retry pending, stop the thread (waits at most ``timeout`` seconds)."""
        if self._thread is None:
            self._guarded(self.finish_run)
            return
        self._queue.put(lambda: self._guarded(self.finish_run))
        self._queue.put(None)
        self._thread.join(timeout)
        if self._thread.is_alive():
            logger.error("alerts: still delivering after %(t)ss; undelivered ones stay pending",
                         {"t": timeout})
        self._thread = None

    def finish_run(self) -> None:
        """This run's digests, then every pending alert (the receiver may be back)."""
        docs, self._run_docs = self._run_docs, []
        if docs:
            self.deliverer.deliver(docs, digests=True)
            self._save(docs)
        self.retry_pending(skip={d["alert_id"] for d in docs})

    def retry_pending(self, skip: set[str] | frozenset[str] = frozenset()) -> int:
        """Write the outbox, then deliver every unclaimed pending alert; returns how many."""
        self._flush_outbox()
        docs = [d for d in self.store.claim_pending() if d["alert_id"] not in skip]
        if docs:
            self.deliverer.deliver(docs, digests=True)
            self._save(docs, hold_digests=False)
            self.counts["retried"] += len(docs)
        return len(docs)

    # --- internals --------------------------------------------------------------------------
    def _work(self) -> None:
        while (task := self._queue.get()) is not None:
            task()

    def _guarded(self, func: Callable[..., Any], *args: Any) -> None:
        try:
            func(*args)
        except Exception:  # alerting must never break the crawl; pending alerts are retried
            logger.exception("alerts: %(f)s failed", {"f": getattr(func, "__name__", func)})
            self.counts["errors"] += 1

    def _new_listing_candidates(self, changes: Sequence[ListingChange]) -> list[Any]:
        if not any(rule.type == "new_listing" for rule in self.rules):
            return []
        new_ids = [c.listing_id for c in changes if c.is_new]
        if not new_ids:
            return []
        matches = self.matcher.match(new_ids)
        return new_listing_candidates(changes, self.rules, self.facts, matches)

    def _record(self, docs: list[dict[str, Any]], outcome: BatchOutcome) -> list[dict[str, Any]]:
        result = self.store.create(docs)
        if result.failed:  # kept in the outbox: written and delivered by a later call
            self.state.outbox_put(result.failed, time.time())
            logger.error("alerts: %(n)d alert(s) not indexed yet, kept in the outbox",
                         {"n": len(result.failed)})
        outcome.fired = result.created
        outcome.duplicates = result.duplicates
        return result.created

    def _flush_outbox(self) -> None:
        docs = self.state.outbox()
        if not docs:
            return
        result = self.store.create(docs)
        self.state.outbox_remove(d["alert_id"] for d in result.created + result.duplicates)
        self.deliverer.deliver(result.created)
        self._save(result.created)

    def _save(self, docs: Sequence[dict[str, Any]], *, hold_digests: bool = True) -> None:
        """Store delivery outcomes; alerts still waiting for this run's digest stay claimed."""
        actions = []
        for doc in docs:
            waiting = hold_digests and self._waits_for_digest(doc)
            if waiting and doc["alert_id"] not in {d["alert_id"] for d in self._run_docs}:
                self._run_docs.append(doc)
            claim = int(time.time() * 1000) + DIGEST_HOLD_MS if waiting else 0
            update = {"status": doc["status"], "deliveries": doc["deliveries"], CLAIM_FIELD: claim}
            actions.append({"_op_type": "update", "_index": self.store.index,
                            "_id": doc["alert_id"], "doc": update})
        report = BulkWriter(self.client).write(actions)
        for failure in report.failures:
            logger.error("alerts: delivery status of %(id)s not saved: %(err)s",
                         {"id": failure.doc_id, "err": failure.error})

    def _waits_for_digest(self, doc: dict[str, Any]) -> bool:
        channels = self.deliverer.channels
        return any(entry["status"] != "delivered" and name in channels and channels[name].digest
                   for name, entry in doc.get("deliveries", {}).items())

    def _own_prices(self, changes: Sequence[ListingChange]) -> Mapping[str, Doc]:
        """Our price per product group: config, our listings in the batch, else one search."""
        own: dict[str, Doc] = dict(self.facts.own_prices)
        if not any(rule.type == "undercut" for rule in self.rules):
            return own
        for change in changes:
            group = change.current.get("product_group_id")
            if group and self.facts.is_ours(change.current):
                own[group] = _lower(own.get(group), change.current)
        missing = {c.current.get("product_group_id") for c in changes} - set(own) - {None}
        if missing and self.facts.our_sellers:
            for doc in self._our_listings(sorted(missing)):
                own[doc["product_group_id"]] = _lower(own.get(doc["product_group_id"]), doc)
        return own

    def _our_listings(self, groups: list[str]) -> list[dict[str, Any]]:
        sellers = [s for s in self.facts.our_sellers if ":" not in s]
        should: list[dict[str, Any]] = [{"terms": {"seller_id": sellers}}] if sellers else []
        for platform, _, seller in (s.partition(":") for s in self.facts.our_sellers if ":" in s):
            should.append({"bool": {"filter": [{"term": {"platform": platform}},
                                               {"term": {"seller_id": seller}}]}})
        result = self.client.search(
            index=self.names.alias("listings"), size=1000,
            query={"bool": {"filter": [{"terms": {"product_group_id": groups}}],
                            "should": should, "minimum_should_match": 1}})
        return [hit["_source"] for hit in result["hits"]["hits"]]

    def _count(self, outcome: BatchOutcome) -> None:
        self.counts["fired"] += len(outcome.fired)
        self.counts["duplicates"] += len(outcome.duplicates)
        for item in outcome.suppressed:
            self.counts[f"suppressed/{item.reason}"] += 1


def _lower(a: Doc | None, b: Doc) -> Doc:
    """The cheaper of two of our offers (by base-currency price when both have one)."""
    if a is None:
        return b
    key = "price_base_minor" if a.get("price_base_minor") is not None and b.get(
        "price_base_minor") is not None else "price_minor"
    return b if (b.get(key) or 0) < (a.get(key) or 0) else a
