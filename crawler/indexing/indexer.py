"""Index one batch of listings: previous state in one ``mget``, all writes in one bulk.

For each listing of the batch the indexer
1. reads the stored document (one ``mget`` for the whole batch),
2. holds an implausible price jump as suspect instead of publishing it (``PlausibilityCheck``),
3. upserts the current document (``_id`` = listing id) with ``first_seen``/``last_changed``,
4. appends a price-history point when a tracked field changed (or once per ``daily_every``),
   with a deterministic id so a replay never adds a second point,
5. and hands a ``ListingChange`` per written listing to every listener.

An item-level delisted marker (no variant) is first written to every stored listing of its item
(``crawler.indexing.delisted``: one search per batch).

If Elasticsearch cannot be reached, the batch goes to the spool and is replayed, in order, before
anything newer is written. A document Elasticsearch refuses (mapping error) is reported back as a
failure with ES's reason: the caller stores it as a reject.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from elastic_transport import TransportError
from elasticsearch import Elasticsearch

from crawler.changes import ListingChange, tracked_changes
from crawler.index.bulk import BulkFailure, BulkWriter
from crawler.index.names import IndexNames
from crawler.indexing.delisted import expand_item_markers
from crawler.indexing.history import history_point, history_reasons, point_id
from crawler.indexing.spool import Spool

logger = logging.getLogger(__name__)

Listener = Callable[[list[ListingChange]], None]


class PlausibilityCheck(Protocol):
    """A warning (e.g. ``price:suspect_jump``) when ``current``'s price is implausible against
    ``previous``, else None."""

    def __call__(self, previous: dict[str, Any], current: dict[str, Any]) -> str | None: ...


@dataclass
class BatchResult:
    written: int = 0
    history_points: int = 0
    spooled: int = 0
    replayed: int = 0
    suspect: int = 0
    failures: list[BulkFailure] = field(default_factory=list)
    changes: list[ListingChange] = field(default_factory=list)

    def merge(self, other: BatchResult) -> None:
        self.written += other.written
        self.history_points += other.history_points
        self.spooled += other.spooled
        self.replayed += other.replayed
        self.suspect += other.suspect
        self.failures.extend(other.failures)
        self.changes.extend(other.changes)


class ListingIndexer:
    """Writes batches of listing documents (see ``crawler.indexing.documents``)."""

    def __init__(
        self,
        client: Elasticsearch,
        names: IndexNames,
        spool: Spool,
        *,
        listeners: Iterable[Listener] = (),
        plausibility: PlausibilityCheck | None = None,
        daily_every: timedelta | None = timedelta(days=1),
        batch_size: int = 500,
        refresh: bool | str = False,
    ) -> None:
        self.client = client
        self.names = names
        self.spool = spool
        self.listeners = list(listeners)
        self.plausibility = plausibility
        self.daily_every = daily_every
        self.batch_size = batch_size
        self.refresh = refresh
        self.writer = BulkWriter(client, chunk_size=batch_size * 2)

    # -- public ------------------------------------------------------------------------------------
    def index(self, documents: list[dict[str, Any]]) -> BatchResult:
        """Write ``documents`` after anything still spooled; spool them if ES is unreachable."""
        result = BatchResult()
        if len(self.spool):
            # Under the spool's lock: another spider's append cannot fall between the replay's
            # read and its clear (it would be lost), nor slip before this batch's own append.
            with self.spool.locked():
                if not self._replay(result):
                    self.spool.append(documents)
                    result.spooled += len(documents)
                    return result
        result.merge(self._write(documents))
        return result

    def replay_spool(self) -> BatchResult:
        """Write what an earlier run spooled (call at start, before new items)."""
        result = BatchResult()
        if len(self.spool):
            with self.spool.locked():
                self._replay(result)
        return result

    # -- internals ---------------------------------------------------------------------------------
    def _replay(self, result: BatchResult) -> bool:
        """True when the spool is empty afterwards. Replays are idempotent, so a partial replay
        that fails midway keeps the whole file and simply runs again later."""
        total = len(self.spool)
        if not total:
            return True
        logger.warning("replaying %(n)d spooled listings", {"n": total})
        for batch in self.spool.batches(self.batch_size):
            outcome = self._write(batch, spool_on_failure=False)
            if outcome.spooled:
                return False
            result.merge(outcome)
        result.replayed += total
        self.spool.clear()
        return True

    def _write(self, documents: list[dict[str, Any]], *,
               spool_on_failure: bool = True) -> BatchResult:
        """Write in rounds so that a listing observed twice in one batch keeps both observations,
        in order (each against the state the one before left)."""
        result = BatchResult()
        try:
            expanded = expand_item_markers(self.client, self.names, documents)
        except TransportError as exc:
            logger.error("Elasticsearch unreachable (%(err)s): spooling %(n)d listings",
                         {"err": exc, "n": len(documents)})
            return self._spool(documents, result, spool_on_failure)
        for round_docs in _rounds(expanded):
            outcome = self._write_round(round_docs)
            if outcome.spooled:
                # Nothing of this round or later was written; earlier rounds were (replays are
                # idempotent, so spooling the whole batch again is safe).
                return self._spool(documents, BatchResult(), spool_on_failure)
            result.merge(outcome)
        return result

    def _write_round(self, documents: list[dict[str, Any]]) -> BatchResult:
        result = BatchResult()
        latest = {doc["listing_id"]: doc for doc in documents}
        try:
            previous = self._previous(list(latest))
        except TransportError as exc:
            logger.error("Elasticsearch unreachable (%(err)s): spooling %(n)d listings",
                         {"err": exc, "n": len(documents)})
            result.spooled = len(documents)
            return result
        plans = [self._plan(doc, previous.get(listing_id)) for listing_id, doc in latest.items()]
        actions = [action for plan in plans for action in plan.actions(self.names)]
        report = self.writer.write(actions)
        if any(f.connection_failure for f in report.failures):
            result.spooled = len(documents)
            return result
        refused = {f.doc_id for f in report.failures
                   if f.status != 409 and f.index and "-listings-" in f.index}
        result.failures = [f for f in report.failures if f.status != 409]  # 409: point exists
        self._store_refusals(result.failures, latest)
        for plan in plans:
            if plan.listing_id in refused:
                continue
            result.written += 1
            result.history_points += int(plan.point is not None)
            result.suspect += int(plan.suspect_reason is not None)
            result.changes.append(plan.change())
        if self.refresh:
            self.client.indices.refresh(index=[self.names.alias("listings"),
                                               self.names.alias("prices")])
        self._notify(result.changes)
        return result

    def _store_refusals(self, failures: list[BulkFailure], docs: dict[str, dict[str, Any]]) -> None:
        """Documents ES refused are kept as rejects with ES's reason (best effort)."""
        if not failures:
            return
        now = datetime.now(UTC).isoformat()
        actions = [{
            "_op_type": "index", "_index": self.names.alias("rejects"),
            "_source": {
                "@timestamp": now, "reason": "index_refused", "detail": failure.error,
                "es_error": failure.error, "listing_id": failure.doc_id,
                "platform": docs.get(str(failure.doc_id), {}).get("platform"),
                "spider": docs.get(str(failure.doc_id), {}).get("spider"),
                "url": docs.get(str(failure.doc_id), {}).get("url"),
                "run_id": docs.get(str(failure.doc_id), {}).get("run_id"),
                "raw_excerpt": json.dumps(docs.get(str(failure.doc_id), {}),
                                          ensure_ascii=False)[:2000],
            },
        } for failure in failures]
        report = self.writer.write(actions)
        for failure in report.failures:
            logger.error("could not store reject for %(id)s: %(err)s",
                         {"id": failure.doc_id, "err": failure.error})

    def _spool(self, documents: list[dict[str, Any]], result: BatchResult,
               spool_on_failure: bool) -> BatchResult:
        if spool_on_failure:
            self.spool.append(documents)
        result.spooled = len(documents)
        return result

    def _previous(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        if not ids:
            return {}
        response = self.client.mget(index=self.names.alias("listings"), ids=ids)
        return {doc["_id"]: doc["_source"] for doc in response["docs"] if doc.get("found")}

    def _plan(self, doc: dict[str, Any], previous: dict[str, Any] | None) -> _Plan:
        observed = _observed_at(doc)
        current = dict(doc)
        suspect = self.plausibility(previous, current) if (self.plausibility and previous) else None
        if suspect is not None and previous is not None:
            current, held = _hold_price(previous, current, suspect)
            suspect = suspect if held else None
        elif previous and previous.get("held_price_minor") is not None:
            current["held_price_minor"] = None  # the jump did not repeat: nothing held any more
        reasons = history_reasons(previous, current, observed, self.daily_every)
        changed = tracked_changes(previous, current)
        current["first_seen"] = (previous or {}).get("first_seen", observed.isoformat())
        current["last_changed"] = observed.isoformat() if changed else (previous or {}).get(
            "last_changed", observed.isoformat())
        point = history_point(current, observed, reasons) if reasons else None
        if point is not None:
            current["last_history_at"] = observed.isoformat()
        return _Plan(current, previous, changed, point, observed, suspect)

    def _notify(self, changes: list[ListingChange]) -> None:
        if not changes:
            return
        for listener in self.listeners:
            try:
                listener(changes)
            except Exception:  # a broken listener must not lose the batch that was written
                logger.exception("listener %(l)r failed", {"l": listener})


@dataclass
class _Plan:
    current: dict[str, Any]
    previous: dict[str, Any] | None
    changed: list[str]
    point: dict[str, Any] | None
    observed: datetime
    suspect_reason: str | None

    @property
    def listing_id(self) -> str:
        return str(self.current["listing_id"])

    def actions(self, names: IndexNames) -> list[dict[str, Any]]:
        actions: list[dict[str, Any]] = [{
            "_op_type": "update", "_index": names.alias("listings"), "_id": self.listing_id,
            "doc": self.current, "doc_as_upsert": True,
        }]
        if self.point is not None:
            actions.append({
                "_op_type": "create", "_index": names.write_index("prices", self.observed),
                "_id": point_id(self.listing_id, self.observed), "_source": self.point,
            })
        return actions

    def change(self) -> ListingChange:
        return ListingChange(current=self.current, previous=self.previous,
                             changed_fields=self.changed, history_written=self.point is not None)


def _rounds(documents: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Round k holds the k-th observation of each listing, in batch order."""
    rounds: list[list[dict[str, Any]]] = []
    seen: dict[str, int] = {}
    for doc in documents:
        k = seen.get(doc["listing_id"], 0)
        seen[doc["listing_id"]] = k + 1
        if k == len(rounds):
            rounds.append([])
        rounds[k].append(doc)
    return rounds


def _observed_at(doc: dict[str, Any]) -> datetime:
    fetched = doc.get("fetched_at")
    if not fetched:
        return datetime.now(UTC)
    observed = datetime.fromisoformat(fetched)
    if observed.tzinfo is None:
        raise ValueError(f"{doc.get('listing_id')}: fetched_at {fetched!r} has no timezone")
    return observed.astimezone(UTC)


#: The money fields held back while a price is suspect.
HELD_FIELDS = ("price_minor", "list_price_minor", "promo_price_minor", "effective_price_minor",
               "price_base_minor", "effective_price_base_minor")


def _hold_price(previous: dict[str, Any], current: dict[str, Any],
                reason: str) -> tuple[dict[str, Any], bool]:
    """Keep the last published price and record the suspect one in ``held_price_minor``.

    Returns (document, held). The same suspect price seen again by the next crawl is taken as a
    real move and published (held=False): one odd observation is held, a repeated one is not.
    """
    held = dict(current)
    if previous.get("held_price_minor") == current.get("price_minor"):
        held["held_price_minor"] = None
        return held, False
    held["held_price_minor"] = current.get("price_minor")
    for name in HELD_FIELDS:
        if previous.get(name) is not None:
            held[name] = previous[name]
        else:
            held.pop(name, None)
    held["price_suspect"] = True
    held["warnings"] = sorted({*held.get("warnings", []), reason})
    return held, True
