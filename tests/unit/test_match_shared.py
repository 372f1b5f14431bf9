"""The spiders of one process share one Matcher per key, and the next run starts afresh."""

from __future__ import annotations

from crawler.matching.matcher import Matcher
from pipelines.match import SharedMatchers


def test_spiders_open_at_once_share_one_matcher_loaded_by_the_first() -> None:
    shared, made = SharedMatchers(), []

    def make() -> Matcher:
        made.append(Matcher())
        return made[-1]

    first, load_first = shared.acquire(("pw-a",), make)
    second, load_second = shared.acquire(("pw-a",), make)
    other, load_other = shared.acquire(("pw-b",), make)
    assert second is first and (load_first, load_second) == (True, False)
    assert other is not first and load_other is True


def test_a_key_released_by_every_spider_gives_a_new_matcher_next_time() -> None:
    shared = SharedMatchers()
    first, _ = shared.acquire(("pw-a",), Matcher)
    shared.acquire(("pw-a",), Matcher)
    shared.release(("pw-a",))
    still, load = shared.acquire(("pw-a",), Matcher)
    assert still is first and load is False
    for _ in range(2):
        shared.release(("pw-a",))
    fresh, load = shared.acquire(("pw-a",), Matcher)
    assert fresh is not first and load is True
