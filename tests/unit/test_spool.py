"""The spool keeps every listing while Elasticsearch is away, whichever spider wrote it."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from crawler.indexing.spool import Spool, SpoolError


def test_lines_come_back_in_order_in_batches(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool" / "listings.jsonl")
    spool.append([{"n": 0}, {"n": 1}])
    spool.append([{"n": 2}])
    assert len(spool) == 3
    assert list(spool.batches(2)) == [[{"n": 0}, {"n": 1}], [{"n": 2}]]
    spool.clear()
    assert len(spool) == 0 and list(spool.batches(2)) == []


def test_an_append_during_a_replay_waits_and_is_not_cleared_away(tmp_path: Path) -> None:
    path = tmp_path / "listings.jsonl"
    replaying, other_spider = Spool(path), Spool(path)  # two spiders of one crawl, one file
    replaying.append([{"n": 0}])
    ready = threading.Event()

    def append_meanwhile() -> None:
        ready.set()
        other_spider.append([{"n": 1}])

    writer = threading.Thread(target=append_meanwhile)
    with replaying.locked():
        writer.start()
        ready.wait(5)
        time.sleep(0.3)  # the other spider's append is now waiting for the lock
        replayed = [doc for batch in replaying.batches(10) for doc in batch]
        replaying.clear()
    writer.join(5)
    assert replayed == [{"n": 0}]
    assert list(replaying.batches(10)) == [[{"n": 1}]]


def test_an_unwritable_state_folder_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the spool folder should be")
    with pytest.raises(SpoolError, match="cannot be"):
        Spool(blocker / "listings.jsonl").append([{"n": 0}])


def test_a_line_torn_by_a_crash_is_skipped_with_an_error(tmp_path: Path,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "listings.jsonl"
    Spool(path).append([{"n": 0}])
    with path.open("a", encoding="utf-8") as handle:
        handle.write('{"n": 1, "tit')  # the process died here
    assert list(Spool(path).batches(10)) == [[{"n": 0}]]
    assert "unreadable line 2" in caplog.text
