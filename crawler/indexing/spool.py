"""Batches Elasticsearch could not take, kept on disk in order until it can.

One JSON line per listing document in ``<state>/spool/listings.jsonl``, flushed and fsynced before
the batch counts as handled: a crash or a full disk never silently loses an item. Replay reads the
file in order; the file is removed only after every line was written to Elasticsearch.

All spiders of one crawl (threads) and concurrent crawls (processes) share the file, so appends and
a replay hold one lock (a per-path ``RLock`` for threads plus ``flock`` on ``<file>.lock`` for
processes): a replay that clears the file can never drop lines another writer appended meanwhile.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from crawler.errors import PricewatchError

logger = logging.getLogger(__name__)


class SpoolError(PricewatchError):
    """The spool file cannot be written (full disk, permissions): the crawl must stop."""


class _PathLock:
    """Exclusive, re-entrant for the thread that holds it, across threads and processes."""

    def __init__(self, lock_file: Path) -> None:
        self.lock_file = lock_file
        self.rlock = threading.RLock()
        self.depth = 0
        self.handle: Any = None

    @contextmanager
    def hold(self) -> Iterator[None]:
        with self.rlock:
            if self.depth == 0:
                self._acquire()
            self.depth += 1
            try:
                yield
            finally:
                self.depth -= 1
                if self.depth == 0:
                    fcntl.flock(self.handle, fcntl.LOCK_UN)
                    self.handle.close()
                    self.handle = None

    def _acquire(self) -> None:
        try:
            self.lock_file.parent.mkdir(parents=True, exist_ok=True)
            self.handle = self.lock_file.open("a+b")
            fcntl.flock(self.handle, fcntl.LOCK_EX)
        except OSError as exc:
            raise SpoolError(f"the spool lock {self.lock_file} cannot be taken ({exc.strerror})",
                             "fix permissions or free disk space on the state folder, then rerun "
                             "the crawl") from exc


_PATH_LOCKS: dict[Path, _PathLock] = {}
_PATH_LOCKS_GUARD = threading.Lock()


class Spool:
    def __init__(self, path: Path) -> None:
        self.path = path
        key = path.absolute()
        with _PATH_LOCKS_GUARD:
            self._lock = _PATH_LOCKS.setdefault(key, _PathLock(key.with_name(key.name + ".lock")))

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the spool against other writers (a replay: read, write to ES, clear)."""
        with self._lock.hold():
            yield

    def __len__(self) -> int:
        if not self.path.exists():
            return 0
        with self.path.open("rb") as handle:
            return sum(1 for _ in handle)

    def append(self, documents: list[dict[str, Any]]) -> None:
        try:
            with self.locked(), self.path.open("a", encoding="utf-8") as handle:
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
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    batch.append(json.loads(line))
                except json.JSONDecodeError:  # a line torn by a crash mid-write: say so, go on
                    logger.error("unreadable line %(n)d in %(path)s skipped",
                                 {"n": number, "path": self.path})
                if len(batch) >= size:
                    yield batch
                    batch = []
        if batch:
            yield batch

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)
