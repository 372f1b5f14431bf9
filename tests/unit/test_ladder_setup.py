"""The watchlist a spider starts from: entries it cannot use are reported, the others kept."""

from __future__ import annotations

import logging

import pytest

from crawler.config import Config
from crawler.ladder import setup
from crawler.ladder.setup import watches_for


@pytest.fixture(autouse=True)
def fresh_reports(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(setup, "_reported", set())


def test_unknown_platform_and_non_watch_entries_are_reported_once_and_skipped(
        caplog: pytest.LogCaptureFixture) -> None:
    replacement = [{"platform": "jd", "name": "phones", "item_ids": ["1"]},
                   {"platform": "tmall", "name": "rivals", "item_ids": ["2"]},
                   {"platform": "jd", "item_ids": "not-a-list-of-ids"},
                   {"platform": "jd", "name": "cases", "keywords": ["手机壳"]}]
    with caplog.at_level(logging.ERROR):
        jd = watches_for("jd", Config(), replacement=replacement)
        watches_for("pdd", Config(), replacement=replacement)  # the next spider of the crawl
    assert [w.name for w in jd] == ["phones", "cases"]
    errors = [rec.getMessage() for rec in caplog.records if rec.levelno == logging.ERROR]
    assert len(errors) == 2, errors
    assert "#2" in errors[1] and "'tmall'" in errors[1] and "known: taobao, jd" in errors[1]
    assert "#3" in errors[0] and "item_ids" in errors[0]
