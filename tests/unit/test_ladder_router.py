"""The fallback ladder's decisions, one row per rung: answers in, actions and stats out.

The platform here is a tiny table-driven stand-in (its client and reader are pure functions of
what the test hands them, as every platform module is), so each test states one answer and the
action the ladder must take; the real platforms run the same ladder in
tests/integration/test_spider_jd.py.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC
from decimal import Decimal
from typing import Any

import pytest

from crawler.items import Availability, Source
from crawler.ladder.actions import Backoff, Emit, FetchPage, Reject, SendApi
from crawler.ladder.policy import LadderPolicy, SiteBackoff
from crawler.ladder.router import PlatformRouter
from crawler.platforms.base import (
    Answer,
    ApiCall,
    ApiError,
    ApiResult,
    ErrorKind,
    PageResult,
    PageTarget,
    Record,
    Watch,
)


class Stats(Counter[str]):
    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        self[key] += count

    def get_value(self, key: str, default: object = None) -> object:
        return self.values_.get(key, default)

    def set_value(self, key: str, value: object) -> None:
        self.values_[key] = value

    @property
    def values_(self) -> dict[str, object]:
        if not hasattr(self, "_values"):
            self._values: dict[str, object] = {}
        return self._values


@dataclass
class Client:
    """Answers are decided by the test: ``results[url]`` is what ``read_api`` returns."""

    results: dict[str, ApiResult] = field(default_factory=dict)
    resigned: int = 0

    def calls_for(self, watch: Watch) -> list[ApiCall]:
        return [call(*watch.item_ids)]

    def read_api(self, call: ApiCall, answer: Answer) -> ApiResult:
        return self.results[answer.text]

    def resign(self, call: ApiCall) -> ApiCall:
        self.resigned += 1
        return replace(call, headers={"n": str(self.resigned)})


@dataclass
class Reader:
    results: dict[str, PageResult] = field(default_factory=dict)
    ready_selector: str = "body"

    def targets_for(self, watch: Watch) -> list[PageTarget]:
        return [self.target_for(i) for i in watch.item_ids]

    def target_for(self, item_id: str, known: tuple[Record, ...] = (),
                   site: str | None = None) -> PageTarget:
        return PageTarget("shop", f"http://shop/{item_id}", item_id, known)

    def read(self, target: PageTarget, answer: Answer) -> PageResult:
        return self.results[answer.text]


def call(*ids: str) -> ApiCall:
    return ApiCall("shop", "lookup", "GET", "http://api/lookup", item_ids=ids)


def answer(key: str, status: int = 200, **headers: str) -> Answer:
    return Answer("http://x", status, headers, key.encode())


def record(item_id: str, **fields: Any) -> Record:
    return {"item_id": item_id, "url": f"http://shop/{item_id}", "title": f"T{item_id}",
            "currency": "CNY", "price": Decimal("10.00"), **fields}


def router(client: Client | None = None, reader: Reader | None = None, **policy: Any
           ) -> tuple[PlatformRouter, Stats]:
    stats = Stats()
    r = PlatformRouter("shop", "shop", reader or Reader(), client or Client(),
                       LadderPolicy(**policy), stats, run_id="run-1")
    return r, stats


def emitted(actions: list[Any]) -> list[Any]:
    return [a.listing for a in actions if isinstance(a, Emit)]


# --- API rungs --------------------------------------------------------------------------------
def test_records_become_listings_with_provenance() -> None:
    client = Client({"ok": ApiResult(records=[record("1"), record("2", variant_id=7)])})
    r, stats = router(client)
    (first, second) = emitted(list(r.api_answer(call("1", "2"), answer("ok"))))
    assert (first.listing_id, second.listing_id) == ("shop:1", "shop:2:7")
    assert (first.source, first.run_id, first.spider, first.confidence) == (
        Source.API, "run-1", "shop", 1.0)
    assert first.fetched_at is not None and first.fetched_at.tzinfo is UTC
    assert stats["pricewatch/shop/source/api"] == 2


def test_start_sends_api_calls_first() -> None:
    r, _ = router()
    assert list(r.start([Watch("shop", item_ids=("1", "2"))])) == [SendApi(call("1", "2"))]


def test_incomplete_record_is_emitted_once_after_its_page_completed_it() -> None:
    api = record("1", brand="ApiBrand", availability=None)
    target = PageTarget("shop", "http://shop/1", "1", (api,), ("availability",))
    page = record("1", brand="PageBrand", availability="in_stock", model="M1")
    client = Client({"ok": ApiResult(records=[api], incomplete=[target])})
    reader = Reader({"page": PageResult(records=[page])})
    r, stats = router(client, reader)
    actions = list(r.api_answer(call("1"), answer("ok")))
    assert emitted(actions) == []
    (fetch,) = actions
    assert isinstance(fetch, FetchPage) and fetch.purpose == "complete"
    (listing,) = emitted(list(r.page_answer(fetch, answer("page"))))
    assert (listing.brand, listing.model, listing.availability, listing.source) == (
        "ApiBrand", "M1", "in_stock", Source.API)
    assert stats["pricewatch/shop/completed"] == 1


@pytest.mark.parametrize("kind", [ErrorKind.AUTH, ErrorKind.PERMISSION])
def test_auth_error_turns_the_api_off_with_one_error_and_goes_to_pages(
        kind: ErrorKind, caplog: pytest.LogCaptureFixture) -> None:
    error = ApiError(kind, "12", "Invalid Signature", setting="env SHOP_SECRET")
    client = Client({"bad": ApiResult(error=error)})
    r, stats = router(client)
    with caplog.at_level(logging.ERROR):
        first = list(r.api_answer(call("1", "2"), answer("bad")))
        second = list(r.api_answer(call("3"), answer("bad")))
    assert [a.target.item_id for a in first + second] == ["1", "2", "3"]
    assert all(isinstance(a, FetchPage) and a.purpose == "fallback" for a in first + second)
    errors = [rec for rec in caplog.records if rec.levelno == logging.ERROR]
    assert len(errors) == 1
    assert "shop" in errors[0].getMessage() and "env SHOP_SECRET" in errors[0].getMessage()
    assert stats[f"pricewatch/shop/fallback/{kind.value}"] == 3
    assert not r.api_on


def test_follow_up_calls_after_the_api_went_off_go_to_pages() -> None:
    client = Client({"bad": ApiResult(error=ApiError(ErrorKind.AUTH, "17", "x")),
                     "ok": ApiResult(follow_up=[call("9")])})
    r, _ = router(client)
    list(r.api_answer(call("1"), answer("bad")))
    (page,) = list(r.api_answer(call("2"), answer("ok")))
    assert isinstance(page, FetchPage) and page.target.item_id == "9"


@pytest.mark.parametrize(("retry_after", "attempt", "delay"), [
    (2.0, 0, 2.0), (None, 0, 0.5), (None, 2, 2.0), (30.0, 1, 30.0)])
def test_quota_waits_as_asked_and_resigns(retry_after: float | None, attempt: int,
                                          delay: float) -> None:
    error = ApiError(ErrorKind.QUOTA, "7", "ban", retry_after=retry_after)
    r, stats = router(Client({"q": ApiResult(error=error)}))
    (send,) = list(r.api_answer(call("1"), answer("q"), attempt))
    assert isinstance(send, SendApi)
    assert (send.delay, send.attempt, send.call.headers) == (delay, attempt + 1, {"n": "1"})
    assert stats["pricewatch/shop/retry/quota"] == 1


@pytest.mark.parametrize(("retry_after", "attempt", "reason"),
                         [(31.0, 0, "quota"), (1.0, 3, "retries"), (31.0, 3, "retries")])
def test_quota_beyond_the_bound_falls_back(retry_after: float, attempt: int, reason: str) -> None:
    error = ApiError(ErrorKind.QUOTA, "QuotaExceeded", "x", retry_after=retry_after)
    r, stats = router(Client({"q": ApiResult(error=error)}))
    (page,) = list(r.api_answer(call("1"), answer("q"), attempt))
    assert isinstance(page, FetchPage) and stats[f"pricewatch/shop/fallback/{reason}"] == 1
    assert [k for k in stats if "/fallback/" in k] == [f"pricewatch/shop/fallback/{reason}"]


def test_server_fault_retries_with_backoff_then_falls_back() -> None:
    r, stats = router(Client({"5xx": ApiResult(error=ApiError(ErrorKind.SERVER, "502", "x"))}))
    delays = []
    for attempt in range(3):
        (send,) = list(r.api_answer(call("1"), answer("5xx"), attempt))
        delays.append(send.delay)
    (page,) = list(r.api_answer(call("1"), answer("5xx"), 3))
    assert delays == [0.5, 1.0, 2.0] and isinstance(page, FetchPage)
    assert stats["pricewatch/shop/fallback/server"] == 1


def test_no_answer_at_all_is_a_server_fault() -> None:
    r, _ = router()
    (send,) = list(r.api_failed(call("1"), "TimeoutError", 0))
    assert isinstance(send, SendApi) and send.attempt == 1


def test_malformed_answer_is_asked_again_once_then_rejected_with_its_reason_and_falls_back(
        ) -> None:
    error = ApiError(ErrorKind.MALFORMED, "malformed", "JSONDecodeError: Unterminated string")
    r, stats = router(Client({"cut": ApiResult(error=error)}))
    (again,) = list(r.api_answer(call("1"), answer("cut")))
    assert isinstance(again, SendApi) and (again.attempt, again.delay) == (1, 0.5)
    assert again.call.headers == {"n": "1"}  # re-signed
    assert stats["pricewatch/shop/retry/malformed"] == 1
    reject, page = list(r.api_answer(again.call, answer("cut"), again.attempt))
    assert isinstance(reject, Reject) and reject.reason == "malformed_answer"
    assert "Unterminated" in reject.detail and reject.fields["excerpt"] == "cut"
    assert isinstance(page, FetchPage)
    assert stats["pricewatch/shop/fallback/malformed"] == 1
    assert stats["pricewatch/shop/rejected/malformed_answer"] == 1


def test_malformed_answer_after_server_retries_is_still_asked_again_once() -> None:
    error = ApiError(ErrorKind.MALFORMED, "malformed", "cut")
    r, _ = router(Client({"cut": ApiResult(error=error)}))
    (again,) = list(r.api_answer(call("1"), answer("cut"), 2))
    assert isinstance(again, SendApi) and again.attempt == 3


def test_malformed_answer_without_retries_falls_back_at_once() -> None:
    error = ApiError(ErrorKind.MALFORMED, "malformed", "cut")
    r, _ = router(Client({"cut": ApiResult(error=error)}), retries=0)
    reject, page = list(r.api_answer(call("1"), answer("cut")))
    assert isinstance(reject, Reject) and isinstance(page, FetchPage)


def test_not_found_marks_delisted() -> None:
    r, stats = router(Client({"gone": ApiResult(not_found=["1"])}))
    (listing,) = emitted(list(r.api_answer(call("1"), answer("gone"))))
    assert listing.delisted and listing.availability is Availability.OUT_OF_STOCK
    assert listing.title is None and stats["pricewatch/shop/delisted"] == 1


def test_missing_credentials_start_with_pages_and_say_so(caplog: pytest.LogCaptureFixture
                                                          ) -> None:
    with caplog.at_level(logging.ERROR):
        r = PlatformRouter("shop", "shop", Reader(), None, LadderPolicy(), Stats(), "run",
                           api_off_reason="the API is off: credential 'secret' is not set "
                                          "(env SHOP_SECRET)")
    actions = list(r.start([Watch("shop", item_ids=("1",))]))
    assert [type(a) for a in actions] == [FetchPage]
    assert "SHOP_SECRET" in caplog.text


# --- page rungs -------------------------------------------------------------------------------
def fetch(item_id: str = "1", known: tuple[Record, ...] = (), **kw: Any) -> FetchPage:
    return FetchPage(PageTarget("shop", f"http://shop/{item_id}", item_id, known), **kw)


def test_blocked_page_is_counted_backs_off_and_retries() -> None:
    r, stats = router(reader=Reader({"wall": PageResult(blocked="captcha:jd-verify")}))
    backoff, retry = list(r.page_answer(fetch(), answer("wall")))
    assert backoff == Backoff("shop-page", 1.0)
    assert isinstance(retry, FetchPage) and (retry.attempt, retry.delay) == (1, 1.0)
    assert stats["pricewatch/shop/blocked"] == 1


def test_blocked_page_never_becomes_a_listing_but_the_api_record_survives() -> None:
    api = record("1")
    r, stats = router(reader=Reader({"wall": PageResult(blocked="forbidden:akamai")}))
    actions = list(r.page_answer(fetch(known=(api,), attempt=3), answer("wall")))
    (listing,) = emitted(actions)
    assert listing.source is Source.API and "page:blocked" in listing.warnings
    assert stats["pricewatch/shop/unfetched/blocked"] == 1


def test_throttled_page_waits_for_retry_after() -> None:
    r, stats = router()
    (retry,) = list(r.page_answer(fetch(), answer("", 429, **{"Retry-After": "3"})))
    assert isinstance(retry, FetchPage) and retry.delay == 3.0
    assert stats["pricewatch/shop/retry/http_429"] == 1


def test_page_without_price_is_rendered_again_then_rejected_if_still_empty() -> None:
    r, stats = router(reader=Reader({"js": PageResult(needs_browser=True,
                                                      problems=["price empty"])}), retries=1)
    (render,) = list(r.page_answer(fetch(), answer("js")))
    assert isinstance(render, FetchPage) and render.render
    (again,) = list(r.page_answer(render, answer("js")))
    assert isinstance(again, FetchPage) and again.render and again.attempt == 1
    (reject,) = list(r.page_answer(again, answer("js")))
    assert isinstance(reject, Reject) and reject.reason == "page_unreadable"
    assert stats["pricewatch/shop/fallback/needs_browser"] == 1
    assert stats["pricewatch/shop/retry/not_ready"] == 1


def test_render_never_keeps_the_static_page() -> None:
    r, _ = router(reader=Reader({"js": PageResult(needs_browser=True)}), render="never")
    (reject,) = list(r.page_answer(fetch(), answer("js")))
    assert isinstance(reject, Reject)


def test_render_always_renders_from_the_start() -> None:
    r, _ = router(render="always", use_api=False)
    (first,) = list(r.page(PageTarget("shop", "http://shop/1", "1"), "page"))
    assert first.render


def test_rendered_page_listing_says_rendered() -> None:
    r, stats = router(reader=Reader({"ok": PageResult(records=[record("1")])}))
    (listing,) = emitted(list(r.page_answer(fetch(render=True), answer("ok"))))
    assert listing.source is Source.RENDERED and stats["pricewatch/shop/source/rendered"] == 1


def test_gone_page_marks_delisted() -> None:
    r, _ = router(reader=Reader({"404": PageResult(not_found=True)}))
    (listing,) = emitted(list(r.page_answer(fetch(), answer("404", 404))))
    assert listing.delisted and listing.source is Source.PAGE


def test_disagreement_keeps_the_api_value_with_lower_confidence_and_records_it() -> None:
    api = record("1", price=Decimal("100.00"))
    page = record("1", price=Decimal("107.00"), availability="in_stock")
    r, stats = router(reader=Reader({"p": PageResult(records=[page])}))
    (listing,) = emitted(list(r.page_answer(fetch(known=(api,)), answer("p"))))
    assert listing.price == Decimal("100.00") and listing.confidence == 0.5
    assert "disagreement:price" in listing.warnings
    assert stats["pricewatch/shop/disagreement/price"] == 1
    assert stats.get_value("pricewatch/shop/disagreements") == [
        {"listing_id": "shop:1", "field": "price", "api": "100.00", "page": "107.00"}]


def test_cross_checked_share_waits_for_its_page() -> None:
    client = Client({"ok": ApiResult(records=[record("1")])})
    r, stats = router(client, cross_check_share=1.0)
    (page,) = list(r.api_answer(call("1"), answer("ok")))
    assert isinstance(page, FetchPage) and page.purpose == "cross_check"
    assert page.target.known == (record("1"),) and stats["pricewatch/shop/cross_checked"] == 1


def test_a_listing_is_emitted_once_and_a_page_fetched_once_per_run() -> None:
    client = Client({"ok": ApiResult(records=[record("1")])})
    r, _ = router(client)
    assert len(emitted(list(r.api_answer(call("1"), answer("ok"))))) == 1
    assert emitted(list(r.api_answer(call("1"), answer("ok")))) == []
    target = PageTarget("shop", "http://shop/2", "2")
    assert len(list(r.page(target, "page"))) == 1 and list(r.page(target, "page")) == []


def test_follow_targets_of_a_search_page_are_fetched() -> None:
    found = PageTarget("shop", "http://shop/5", "5")
    r, _ = router(reader=Reader({"s": PageResult(follow=[found])}))
    search = FetchPage(PageTarget("shop", "http://shop/search?q=x", "", kind="search"))
    (next_page,) = list(r.page_answer(search, answer("s")))
    assert isinstance(next_page, FetchPage) and next_page.target == found


def test_unknown_record_keys_are_counted_not_fatal() -> None:
    r, stats = router(Client({"ok": ApiResult(records=[record("1", colour="red", _note=1)])}))
    assert len(emitted(list(r.api_answer(call("1"), answer("ok"))))) == 1
    assert stats["pricewatch/shop/unknown_field/colour"] == 1


def test_site_backoff_doubles_to_its_cap_and_calms_down() -> None:
    site = SiteBackoff(first=1.0, cap=4.0, calm_after=2)
    assert [site.blocked() for _ in range(4)] == [1.0, 2.0, 4.0, 4.0]
    assert [site.ok(), site.ok(), site.ok(), site.ok()] == [None, 2.0, None, 1.0]


class PagelessReader(Reader):
    """A reader whose ids have no page without the API (PDD's goods_signs)."""

    def target_for(self, item_id: str, known: tuple[Record, ...] = (),
                   site: str | None = None) -> PageTarget:
        raise LookupError(f"no page URL for {item_id}")


@pytest.mark.parametrize("result", [ApiResult(not_found=["sign-1"]),
                                    ApiResult(error=ApiError(ErrorKind.NOT_FOUND, "15", "gone"))])
def test_an_id_without_a_page_is_still_marked_delisted(result: ApiResult) -> None:
    r, stats = router(Client({"gone": result}), PagelessReader())
    (listing,) = emitted(list(r.api_answer(call("sign-1"), answer("gone"))))
    assert (listing.listing_id, listing.delisted, listing.url) == ("shop:sign-1", True, None)
    assert stats["pricewatch/shop/delisted"] == 1


@dataclass
class PacedClient(Client):
    """A client with usage plans (Amazon): every new call books the next slot, 2 s apart."""

    booked: list[str] = field(default_factory=list)

    def delay(self, call: ApiCall) -> float:
        self.booked.append(call.item_ids[0])
        return 2.0 * (len(self.booked) - 1)


def test_new_calls_are_paced_as_the_client_books_them_and_retries_keep_their_wait() -> None:
    client = PacedClient({"ok": ApiResult(follow_up=[call("3")]),
                          "5xx": ApiResult(error=ApiError(ErrorKind.SERVER, "503", "x"))})
    r, _ = router(client)
    starts = list(r.start([Watch("shop", item_ids=("1",)), Watch("shop", item_ids=("2",))]))
    assert [(s.call.item_ids, s.delay) for s in starts] == [(("1",), 0.0), (("2",), 2.0)]
    (follow,) = list(r.api_answer(call("1"), answer("ok")))
    assert (follow.call.item_ids, follow.delay) == (("3",), 4.0)
    (retry,) = list(r.api_answer(call("2"), answer("5xx")))
    assert retry.delay == 0.5 and client.booked == ["1", "2", "3"]


@dataclass
class StrictClient(Client):
    """A platform that refuses malformed ids when building calls (Amazon's ASINs, JD's SKUs)."""

    def calls_for(self, watch: Watch) -> list[ApiCall]:
        bad = [i for i in (*watch.item_ids, *watch.urls) if i.startswith("bad")]
        if bad:
            raise ValueError(f"{bad[0]!r} is not an id")
        return [call(*watch.item_ids)] if watch.item_ids else []


def test_a_bad_watch_entry_is_reported_and_the_rest_is_crawled(
        caplog: pytest.LogCaptureFixture) -> None:
    r, stats = router(StrictClient())
    watches = [Watch("shop", "phones", item_ids=("1", "bad-x", "2")),
               Watch("shop", "cases", item_ids=("3",)), Watch("shop", "junk", urls=("bad-url",))]
    with caplog.at_level(logging.ERROR):
        sent = list(r.start(watches))
    assert [s.call.item_ids for s in sent] == [("1", "2"), ("3",)]  # still one batch per watch
    errors = [rec.getMessage() for rec in caplog.records if rec.levelno == logging.ERROR]
    assert len(errors) == 2
    assert "watch 'phones'" in errors[0] and "'bad-x'" in errors[0] and "not an id" in errors[0]
    assert "url entry 'bad-url'" in errors[1]
    assert stats["pricewatch/shop/rejected/bad_watch_entry"] == 2


def test_a_bad_watch_entry_without_the_api_is_reported_too() -> None:
    class StrictReader(Reader):
        def targets_for(self, watch: Watch) -> list[PageTarget]:
            if any(i.startswith("bad") for i in watch.item_ids):
                raise LookupError("no page for it")
            return super().targets_for(watch)

    r, stats = router(reader=StrictReader(), use_api=False)
    fetched = list(r.start([Watch("shop", item_ids=("1", "bad-x"))]))
    assert [f.target.item_id for f in fetched] == ["1"]
    assert stats["pricewatch/shop/rejected/bad_watch_entry"] == 1


@dataclass
class IdUrlClient(Client):
    """A platform whose API takes ids read from URLs (``…/item/<id>``); other URLs it cannot use."""

    def calls_for(self, watch: Watch) -> list[ApiCall]:
        ids = [*watch.item_ids, *(u.rsplit("/item/", 1)[1] for u in watch.urls if "/item/" in u)]
        return [call(*ids)] if ids else []


@dataclass
class UrlReader(Reader):
    def targets_for(self, watch: Watch) -> list[PageTarget]:
        return [*super().targets_for(watch), *(PageTarget("shop", u, "") for u in watch.urls)]


def test_urls_the_api_cannot_look_up_are_crawled_from_their_pages_while_the_api_is_on() -> None:
    r, _ = router(IdUrlClient(), UrlReader())
    watch = Watch("shop", item_ids=("1",), urls=("http://shop/item/2", "http://shop/p/red-case"))
    first, page = list(r.start([watch]))
    assert isinstance(first, SendApi) and first.call.item_ids == ("1", "2")
    assert isinstance(page, FetchPage) and page.target.url == "http://shop/p/red-case"
    assert page.purpose == "page"
