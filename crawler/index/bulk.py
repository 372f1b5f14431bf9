"""Bulk writes that report every document's fate: nothing fails silently.

``BulkWriter.write(actions)`` runs ``streaming_bulk`` with ``raise_on_error=False`` and
``raise_on_exception=False`` (so per-document 429s are retried with backoff and every other failure
comes back as a result, not an exception) and returns a ``BulkReport`` listing each failed action
with Elasticsearch's status and error. Callers decide: retry, spool, or store as a reject.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from elastic_transport import TransportError
from elasticsearch import Elasticsearch
from elasticsearch.helpers import streaming_bulk

#: The parts of ES's bulk answer the writer reads (``filter_path``).
ANSWER_FIELDS = "items.*._id,items.*._index,items.*.status,items.*.error"

#: Per-document statuses worth retrying inside one write (ES is busy, not the document wrong).
RETRYABLE_STATUSES = (429, 503)


@dataclass
class BulkFailure:
    """One action Elasticsearch did not apply."""

    action: Mapping[str, Any] | None
    """The action as given (None if it could not be matched back)."""
    index: str | None
    doc_id: str | None
    status: int | None
    """HTTP status for this document; None when the request itself failed (connection)."""
    error: str
    """Elasticsearch's error type and reason, or the exception."""

    @property
    def connection_failure(self) -> bool:
        """True when ES was not reached at all: the document itself may be fine (spool it)."""
        return self.status is None


@dataclass
class BulkReport:
    succeeded: int = 0
    failures: list[BulkFailure] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return len(self.failures)

    def merge(self, other: BulkReport) -> None:
        self.succeeded += other.succeeded
        self.failures.extend(other.failures)


class BulkWriter:
    """Writes batches of bulk actions (dicts with ``_op_type``/``_index``/``_id``)."""

    def __init__(
        self,
        client: Elasticsearch,
        *,
        chunk_size: int = 500,
        max_retries: int = 3,
        initial_backoff: float = 0.5,
        max_backoff: float = 10.0,
        refresh: bool | str = False,
    ) -> None:
        self.client = client
        self.chunk_size = chunk_size
        self.max_retries = max_retries
        self.initial_backoff = initial_backoff
        self.max_backoff = max_backoff
        self.refresh = refresh

    def write(self, actions: Iterable[Mapping[str, Any]]) -> BulkReport:
        pending = list(actions)
        # ES answers with the concrete index (not the alias we wrote to): match failures by _id.
        by_key = {_key(action): action for action in pending}
        report = BulkReport()
        if not pending:
            return report
        results = streaming_bulk(
            self.client,
            (dict(action) for action in pending),
            chunk_size=self.chunk_size,
            max_retries=self.max_retries,
            initial_backoff=self.initial_backoff,
            max_backoff=self.max_backoff,
            retry_on_status=RETRYABLE_STATUSES,
            raise_on_error=False,
            raise_on_exception=False,
            yield_ok=True,
            # Only what is read below: the full answer (version, shards, seq_no per document)
            # is several times longer, and decoding it was a sixth of the index step's CPU.
            filter_path=ANSWER_FIELDS,
        )
        answered: set[str | None] = set()
        try:
            for ok, info in results:
                (op_result,) = info.values()
                answered.add(None if op_result.get("_id") is None else str(op_result["_id"]))
                if ok:
                    report.succeeded += 1
                else:
                    report.failures.append(_failure(info, by_key))
        except TransportError as exc:
            # The helper only turns API errors into results; a lost connection raises. Every
            # action ES did not answer for is reported, so the caller can spool it.
            report.failures.extend(
                BulkFailure(action=action, index=action.get("_index"), doc_id=_key(action),
                            status=None, error=f"{type(exc).__name__}: {exc}")
                for action in pending if _key(action) not in answered or _key(action) is None
            )
            return report
        if self.refresh and pending:
            self.client.indices.refresh(index=sorted({str(a.get("_index")) for a in pending}))
        return report


def _key(action: Mapping[str, Any]) -> str | None:
    return None if action.get("_id") is None else str(action["_id"])


def _failure(info: Mapping[str, Any], by_key: Mapping[str | None, Any]) -> BulkFailure:
    # info looks like {"update": {"_index": ..., "_id": ..., "status": 400, "error": {...}}}
    (op_result,) = info.values()
    index = op_result.get("_index")
    doc_id = op_result.get("_id")
    status = op_result.get("status")
    error = op_result.get("error") or op_result.get("exception") or "unknown error"
    if isinstance(error, Mapping):
        reason = error.get("reason", "")
        caused = error.get("caused_by", {})
        if isinstance(caused, Mapping) and caused.get("reason"):
            reason = f"{reason} (caused by: {caused.get('reason')})"
        error = f"{error.get('type', 'error')}: {reason}"
    elif not isinstance(error, str):
        error = f"{type(error).__name__}: {error}"
    action = by_key.get(None if doc_id is None else str(doc_id)) if doc_id is not None else None
    # A connection failure reports status "N/A" and the original data instead of a status.
    if not isinstance(status, int):
        status = None
        if action is None and isinstance(op_result.get("data"), Mapping):
            action = op_result["data"]
    return BulkFailure(action=action, index=index, doc_id=doc_id, status=status, error=str(error))
