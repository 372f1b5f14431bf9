"""Usage-plan buckets (crawler/platforms/amazon/quota.py) on an injected clock.

Rates and bursts are the documented defaults (platform-apis.md §4.3-4.5); the header behaviour is
§4.6 (``x-amzn-RateLimit-Limit`` on 200/400/404, none on 429).
"""

from __future__ import annotations

import pytest

from crawler.platforms.amazon.quota import DEFAULT_PLANS, QuotaBook


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_documented_defaults() -> None:
    assert DEFAULT_PLANS["getItemOffersBatch"] == (0.1, 1)
    assert DEFAULT_PLANS["getCompetitiveSummary"] == (0.033, 1)
    assert DEFAULT_PLANS["searchCatalogItems"] == (2.0, 2)


def test_burst_passes_then_calls_are_spaced_by_the_rate(clock: Clock) -> None:
    book = QuotaBook(clock=clock)
    waits = [book.reserve("searchCatalogItems") for _ in range(4)]
    assert waits == [0.0, 0.0, 0.5, 1.0]  # burst 2, then one token every 1/2 s


def test_offers_batch_allows_one_call_per_ten_seconds(clock: Clock) -> None:
    book = QuotaBook(clock=clock)
    assert book.reserve("getItemOffersBatch") == 0.0
    assert book.reserve("getItemOffersBatch") == pytest.approx(10.0)
    clock.now += 10.0
    assert book.reserve("getItemOffersBatch") == pytest.approx(10.0)  # the booked slot is taken


def test_buckets_refill_while_idle_up_to_the_burst(clock: Clock) -> None:
    book = QuotaBook(clock=clock)
    book.reserve("getCatalogItem")
    book.reserve("getCatalogItem")
    clock.now += 60.0
    assert [book.reserve("getCatalogItem") for _ in range(3)] == [0.0, 0.0, 0.5]


def test_operations_have_separate_buckets(clock: Clock) -> None:
    book = QuotaBook(clock=clock)
    assert book.reserve("getItemOffersBatch") == 0.0
    assert book.reserve("getCompetitiveSummary") == 0.0
    assert book.reserve("searchCatalogItems") == 0.0


def test_scale_multiplies_rate_and_burst(clock: Clock) -> None:
    book = QuotaBook(scale=50, clock=clock)
    assert book.rate("getItemOffersBatch") == pytest.approx(5.0)
    waits = [book.reserve("getItemOffersBatch") for _ in range(51)]
    assert waits[:50] == [0.0] * 50
    assert waits[50] == pytest.approx(0.2)


def test_rate_header_replaces_the_default(clock: Clock) -> None:
    book = QuotaBook(clock=clock)
    book.reserve("getItemOffersBatch")
    book.observe("getItemOffersBatch", "2.0")
    assert book.rate("getItemOffersBatch") == 2.0
    assert book.reserve("getItemOffersBatch") == pytest.approx(0.5)


@pytest.mark.parametrize("header", [None, "", "fast", "0", "-1", "nan", "inf"])
def test_unreadable_rate_headers_are_ignored(clock: Clock, header: str | None) -> None:
    book = QuotaBook(clock=clock)
    book.observe("getItemOffersBatch", header)
    assert book.rate("getItemOffersBatch") == pytest.approx(0.1)


def test_429_waits_one_refill_interval(clock: Clock) -> None:
    book = QuotaBook(clock=clock)
    assert book.retry_after("getCompetitiveSummary") == pytest.approx(1 / 0.033)
    assert book.retry_after("searchCatalogItems") == pytest.approx(0.5)


def test_429_drains_the_bucket_and_queues_the_retry_behind_booked_calls(clock: Clock) -> None:
    book = QuotaBook(clock=clock)
    # Our count said the burst was left, but the server was empty (another client shares it).
    assert book.retry_after("searchCatalogItems") == pytest.approx(0.5)
    assert book.reserve("searchCatalogItems") == pytest.approx(1.0)
    assert book.retry_after("searchCatalogItems") == pytest.approx(1.5)


def test_429_wait_follows_the_learned_rate(clock: Clock) -> None:
    book = QuotaBook(clock=clock)
    book.observe("getItemOffersBatch", "5")
    assert book.retry_after("getItemOffersBatch") == pytest.approx(0.2)


def test_unknown_operations_get_one_call_per_second(clock: Clock) -> None:
    book = QuotaBook(clock=clock)
    assert [book.reserve("getPricing") for _ in range(2)] == [0.0, 1.0]


def test_scale_must_be_positive() -> None:
    with pytest.raises(ValueError, match="scale"):
        QuotaBook(scale=0)
