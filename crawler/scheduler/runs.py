"""The ``runs`` index: one document per run (written at start, rewritten at the end), counts read
from the crawl's stats file, and the stale report. A write Elasticsearch refuses is kept in a
JSONL spool and written with the next one, so no run record is lost.

Stats keys read (the spiders' and pipelines' convention; see docs/scheduling.md):
``pricewatch[/<platform>]/source/<api|page|rendered>`` items by source,
``pricewatch/<platform>/blocked`` blocked responses, ``item_dropped_count`` rejected items,
``pricewatch/<platform>/fallback/<rung>`` fallbacks, ``pricewatch/<platform>/disagreement/<field>``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch

from crawler.index.names import IndexNames

logger = logging.getLogger(__name__)

SOURCES = ("api", "page", "rendered")
STATUSES = ("running", "ok", "failed", "timed_out", "skipped", "stopped")


def counts_from_stats(stats: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Items by source, blocked, rejected, fallbacks and disagreements summed over the stats."""
    counts = dict.fromkeys((*SOURCES, "blocked", "rejected", "items"), 0)
    fallbacks = disagreements = 0
    for one in stats:
        counts["items"] += int(one.get("item_scraped_count", 0) or 0)
        counts["rejected"] += int(one.get("item_dropped_count", 0) or 0)
        for key, value in one.items():
            parts = key.split("/")
            if parts[0] != "pricewatch" or not isinstance(value, int):
                continue
            if len(parts) >= 3 and parts[-2] == "source" and parts[-1] in SOURCES:
                counts[parts[-1]] += value
            elif len(parts) == 3 and parts[-1] == "blocked":
                counts["blocked"] += value
            elif len(parts) >= 3 and parts[-2] == "fallback":
                fallbacks += value
            elif len(parts) >= 3 and parts[-2] == "disagreement":
                disagreements += value
    return {"counts": counts, "fallbacks": fallbacks, "disagreements": disagreements}


def read_stats(path: Path) -> dict[str, Any] | None:
    """The stats a crawl wrote at close (``pipelines/runstats.py``), or None if it wrote none."""
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")).get("stats", {}))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        logger.error("unreadable stats file %(p)s: %(e)s", {"p": path, "e": exc})
        return None


class RunRecorder:
    """Writes run documents; spools them when Elasticsearch does not answer."""

    def __init__(self, client: Callable[[], Elasticsearch], names: IndexNames, spool: Path) -> None:
        self._client = client
        self.names = names
        self.spool = spool

    def write(self, doc: dict[str, Any]) -> None:
        pending = [*self._spooled(), doc]
        try:
            client = self._client()
            for one in pending:
                client.index(index=self.names.write_index("runs"), id=one["run_id"], document=one)
        except Exception as exc:  # ES down: keep the records, write them next time
            logger.error("runs index unreachable (%(e)s): run %(id)s spooled",
                         {"e": exc, "id": doc["run_id"]})
            self._respool(pending)
            return
        if self.spool.exists():
            self.spool.unlink()

    def _spooled(self) -> list[dict[str, Any]]:
        if not self.spool.exists():
            return []
        lines = self.spool.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    def _respool(self, docs: list[dict[str, Any]]) -> None:
        self.spool.parent.mkdir(parents=True, exist_ok=True)
        latest = {d["run_id"]: d for d in docs}  # the end record replaces the start record
        self.spool.write_text("".join(json.dumps(d) + "\n" for d in latest.values()),
                              encoding="utf-8")


def run_doc(*, run_id: str, job: str, spiders: list[str], status: str, started_at: datetime,
            ended_at: datetime | None = None, errors: list[str] | None = None,
            stats: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {"run_id": run_id, "job": job, "spiders": spiders, "status": status,
                           "started_at": started_at.isoformat(), "errors": errors or [], **extra}
    if ended_at is not None:
        doc["ended_at"] = ended_at.isoformat()
        doc["duration_seconds"] = round((ended_at - started_at).total_seconds(), 3)
    if stats is not None:
        doc.update(counts_from_stats(stats))
        doc["stats"] = stats
    return doc


def last_runs(client: Elasticsearch, names: IndexNames, size: int = 20,
              job: str | None = None) -> list[dict[str, Any]]:
    query = {"bool": {"filter": [{"term": {"job": job}}] if job else []}}
    result = client.search(index=names.alias("runs"), size=size, query=query,
                           sort=[{"started_at": "desc"}])
    return [hit["_source"] for hit in result["hits"]["hits"]]


def now() -> datetime:
    return datetime.now(UTC)
