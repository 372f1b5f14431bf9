"""Batches Elasticsearch could not take, kept on disk in order until it can.

One JSON line per listing document in ``<state>/spool/listings.jsonl``, flushed and fsynced before
the batch counts as handled: a crash or a full disk never silently loses an item. Replay reads the
file in order; the file is removed only after every line was written to Elasticsearch.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from crawler.errors import PricewatchError


class SpoolError(PricewatchError):
    """The spool file cannot be written (full disk, permissions): the crawl must stop."""


class Spool:
    def __init__(self, path: Path) -> None:
        self.path = path

    def __len__(self) -> int:
        if not self.path.exists():
            return 0
        with self.path.open("rb") as handle:
            return sum(1 for _ in handle)

    def append(self, documents: list[dict[str, Any]]) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as handle:
                for doc in documents:
                    handle.write(json.dumps(doc, ensure_ascii=False, sort_keys=True) + "\n")
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            raise SpoolError(
                f"Elasticsearch is unreachable and the spool {self.path} cannot be written "
                f"({exc.strerror})",
                "free disk space or fix permissions on the state folder, then rerun the crawl; "
                "items not yet spooled were not stored",
            ) from exc

    def batches(self, size: int) -> Iterator[list[dict[str, Any]]]:
        """The spooled documents in order, in batches."""
        if not self.path.exists():
            return
        batch: list[dict[str, Any]] = []
        with self.path.open(encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    batch.append(json.loads(line))
                if len(batch) >= size:
                    yield batch
                    batch = []
        if batch:
            yield batch

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)
