"""One platform's crawl as decisions: API answers and page answers in, actions out.

The ladder: official API first; on AUTH/PERMISSION the API is off for the rest of the run (one
clear error naming the setting); QUOTA waits as the platform says (then falls back when the wait
would pass ``max_quota_wait``, or after ``retries`` retries); SERVER retries with backoff, then
falls back; MALFORMED is asked again once, then rejected with its reason and falls back;
NOT_FOUND marks the listing delisted. Pages are read statically, rendered when they need a
browser, retried after a backoff when blocked.

Stats (docs/spiders.md): ``pricewatch/<platform>/source/<api|page|rendered>``, ``.../blocked``,
``.../fallback/<reason>``, ``.../disagreement/<field>``, ``.../delisted``, ``.../retry/<reason>``,
``.../completed``, ``.../cross_checked``, ``.../unfetched/<reason>``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from typing import Protocol, TypeVar

from crawler.items import Source
from crawler.ladder.actions import Action, Emit, Reject, SendApi
from crawler.ladder.listings import Provenance, delisted_record, record_key, to_listing
from crawler.ladder.pages import PageSide
from crawler.ladder.policy import LadderPolicy
from crawler.platforms.base import (
    Answer,
    ApiCall,
    ApiClient,
    ApiError,
    ErrorKind,
    PageReader,
    Record,
    Watch,
    held_keys,
)

logger = logging.getLogger(__name__)

#: Kinds that turn the API off for the rest of the run.
API_OFF = (ErrorKind.AUTH, ErrorKind.PERMISSION)
#: ``ApiCall.context`` key of a call already asked again after a MALFORMED answer.
MALFORMED_RETRIED = "pricewatch_malformed_retried"

T = TypeVar("T")


class Stats(Protocol):
    """The part of Scrapy's StatsCollector the router uses."""

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None: ...
    def get_value(self, key: str, default: object = None) -> object: ...
    def set_value(self, key: str, value: object) -> None: ...


class PlatformRouter(PageSide):
    """Routes one platform's answers down the ladder; keeps the run's state (API on/off, seen)."""

    def __init__(self, platform: str, spider: str, reader: PageReader,
                 client: ApiClient | None, policy: LadderPolicy, stats: Stats,
                 run_id: str | None, api_off_reason: str | None = None) -> None:
        super().__init__(platform, reader, policy, stats)
        self.spider, self.client, self.run_id = spider, client, run_id
        self.api_off_reason = api_off_reason if client is None and policy.use_api else None
        if self.api_off_reason:
            self.log_once("api-off", logging.ERROR, "%(p)s: %(why)s; reading product pages "
                          "instead for this run", {"p": platform, "why": self.api_off_reason})

    @property
    def api_on(self) -> bool:
        return self.client is not None and self.policy.use_api and self.api_off_reason is None

    # --- start ------------------------------------------------------------------------------
    def start(self, watches: Sequence[Watch]) -> Iterator[Action]:
        """API calls first (every watch), then the pages of whatever the API cannot serve.

        A watch entry the platform cannot use (a malformed id or URL) is reported with one clear
        error naming it; the rest of its watch and every other watch are crawled."""
        if self.api_on:
            assert self.client is not None
            for watch in watches:
                served = tuple(u for u in watch.urls if self._api_serves(watch, u))
                calls = self._per_watch(replace(watch, urls=served), self.client.calls_for)
                yield from (self._send(call) for call in calls)
                pages = tuple(u for u in watch.urls if u not in served)
                if pages:  # URLs the API cannot look up (no id in them): their pages
                    only = replace(watch, item_ids=(), urls=pages, keywords=())
                    for target in self._per_watch(only, self.reader.targets_for):
                        yield from self.page(target, "page")
            return
        purpose = "fallback" if self.api_off_reason else "page"
        for watch in watches:
            targets = self._per_watch(watch, self.reader.targets_for)
            if self.api_off_reason:
                self.count("fallback/api_off", len(targets))
            for target in targets:
                yield from self.page(target, purpose)

    # --- API answers ------------------------------------------------------------------------
    def api_answer(self, call: ApiCall, answer: Answer, attempt: int = 0) -> Iterator[Action]:
        assert self.client is not None
        result = self.client.read_api(call, answer)
        if result.error is not None:
            yield from self.api_error(call, result.error, attempt, answer)
            return
        held = held_keys(result)
        free = [r for r in result.records if record_key(r) not in held]
        yield from self._emit_or_check(call, free)
        for item_id in result.not_found:
            yield from self._delisted(item_id, call)
        for target in result.incomplete:
            self.count("completed")
            yield from self.page(target, "complete")
        for follow in result.follow_up:
            if self.api_on:
                yield self._send(follow)
            else:
                yield from self.fall_back(follow, "api_off")

    def api_failed(self, call: ApiCall, reason: str, attempt: int) -> Iterator[Action]:
        """The request itself failed (connection, timeout): a server fault without an answer."""
        error = ApiError(ErrorKind.SERVER, reason, f"no answer: {reason}")
        yield from self.api_error(call, error, attempt, None)

    def api_error(self, call: ApiCall, error: ApiError, attempt: int,
                  answer: Answer | None) -> Iterator[Action]:
        assert self.client is not None
        kind = error.kind
        if kind in API_OFF:
            self._turn_api_off(error)
            yield from self.fall_back(call, kind.value)
        elif kind is ErrorKind.QUOTA:
            wait = self.policy.quota_wait(error.retry_after, attempt)
            if attempt >= self.policy.retries:
                # The call failed on every attempt (any mix of faults): counted apart from a ban
                # longer than max_quota_wait, which asks for a different remedy.
                self.log_once("quota-retries", logging.WARNING,
                              "%(p)s: quota answer %(code)s after %(r)s retries of the call: "
                              "falling back to pages",
                              {"p": self.platform, "code": error.code, "r": self.policy.retries})
                yield from self.fall_back(call, "retries")
            elif wait is None:
                self.log_once(f"quota-{error.code}", logging.WARNING,
                              "%(p)s: quota answer %(code)s asks for %(wait)s s (bound "
                              "max_quota_wait = %(max)s s): falling back to pages",
                              {"p": self.platform, "code": error.code, "wait": error.retry_after,
                               "max": self.policy.max_quota_wait})
                yield from self.fall_back(call, "quota")
            else:
                self.count("retry/quota")
                yield SendApi(self.client.resign(call), attempt + 1, wait)
        elif kind is ErrorKind.SERVER and attempt < self.policy.retries:
            self.count("retry/server")
            yield SendApi(self.client.resign(call), attempt + 1, self.policy.backoff(attempt))
        elif kind is ErrorKind.MALFORMED and self._may_retry_malformed(call, attempt):
            # Most unreadable answers are cut-off transfers: asking once more is cheaper than
            # the pages of every id of the call.
            self.count("retry/malformed")
            again = self.client.resign(call)
            again = replace(again, context={**again.context, MALFORMED_RETRIED: True})
            yield SendApi(again, attempt + 1, self.policy.backoff(attempt))
        elif kind is ErrorKind.NOT_FOUND:
            for item_id in call.item_ids:
                yield from self._delisted(item_id, call)
        else:
            if kind is ErrorKind.MALFORMED:
                yield self._malformed(call, error, answer)
            elif kind is ErrorKind.CLIENT:
                self.log_once(f"client-{error.code}", logging.ERROR,
                              "%(p)s: %(op)s refused our request (%(code)s: %(msg)s): a bug in "
                              "the platform module; falling back to pages",
                              {"p": self.platform, "op": call.operation, "code": error.code,
                               "msg": error.message})
            yield from self.fall_back(call, kind.value)

    def fall_back(self, call: ApiCall, reason: str) -> Iterator[Action]:
        """The pages of everything ``call`` asked about (search calls: the site's search page)."""
        known: dict[str, tuple[Record, ...]] = dict(call.context.get("known", {}))
        site = call.context.get("site")
        if call.item_ids:
            self.count(f"fallback/{reason}", len(call.item_ids))
            for item_id in call.item_ids:
                target = self.reader.target_for(item_id, known.get(item_id, ()), site)
                yield from self.page(target, "fallback")
            return
        keyword = call.context.get("keyword")
        if keyword is None or keyword in self.keywords_fallen_back:
            return
        self.keywords_fallen_back.add(keyword)
        targets = self.reader.targets_for(Watch(self.platform, keywords=(keyword,), site=site))
        if not targets:
            self.log_once(f"search-{keyword}", logging.WARNING,
                          "%(p)s: the search for %(kw)r needs the API (the site has no search "
                          "page): not discovered in this run", {"p": self.platform, "kw": keyword})
        self.count(f"fallback/{reason}", len(targets))
        for target in targets:
            yield from self.page(target, "fallback")

    # --- helpers ----------------------------------------------------------------------------
    def _per_watch(self, watch: Watch, plan: Callable[[Watch], Sequence[T]]) -> list[T]:
        """``plan(watch)``; when it refuses the watch, its entries one by one: the bad ones are
        reported (``rejected/bad_watch_entry``) and the good ones planned together again."""
        try:
            return list(plan(watch))
        except (ValueError, LookupError):
            pass
        good: dict[str, list[str]] = {"item_ids": [], "urls": [], "keywords": []}
        for kind, values in good.items():
            for value in getattr(watch, kind):
                alone = replace(watch, **{k: (value,) if k == kind else () for k in good})
                try:
                    plan(alone)
                except (ValueError, LookupError) as exc:
                    self._bad_entry(watch, kind, value, exc)
                else:
                    values.append(value)
        rest = replace(watch, **{kind: tuple(values) for kind, values in good.items()})
        return list(plan(rest)) if any(good.values()) else []

    def _api_serves(self, watch: Watch, url: str) -> bool:
        """Whether the client builds a call for ``url`` alone (a refused URL counts as served:
        ``_per_watch`` reports it)."""
        assert self.client is not None
        alone = replace(watch, item_ids=(), urls=(url,), keywords=())
        try:
            return bool(self.client.calls_for(alone))
        except (ValueError, LookupError):
            return True

    def _bad_entry(self, watch: Watch, kind: str, value: str, exc: Exception) -> None:
        self.count("rejected/bad_watch_entry")
        logger.error("%(p)s: watch %(name)r: %(kind)s entry %(value)r cannot be crawled (%(why)s);"
                     " fix it in [[watch]] of pricewatch.toml. The other entries are crawled.",
                     {"p": self.platform, "name": watch.name, "kind": kind[:-1],
                      "value": value, "why": exc})

    def _send(self, call: ApiCall) -> SendApi:
        """A new call, held back as long as the client's usage plan says (``Paced.delay``);
        retries keep their own wait (backoff, or the platform's ``retry_after``)."""
        pace = getattr(self.client, "delay", None)
        return SendApi(call, 0, float(pace(call)) if callable(pace) else 0.0)

    def _emit_or_check(self, call: ApiCall, records: list[Record]) -> Iterator[Action]:
        by_item: dict[str, list[Record]] = {}
        for record in records:
            lid = self.listing_id(record)
            if self.policy.cross_checked(lid) and lid not in self.emitted:
                by_item.setdefault(str(record["item_id"]), []).append(record)
            else:
                yield from self.emit(record, Source.API)
        for item_id, known in by_item.items():
            self.count("cross_checked", len(known))
            target = self.reader.target_for(item_id, tuple(known), call.context.get("site"))
            yield from self.page(target, "cross_check")

    def _delisted(self, item_id: str, call: ApiCall) -> Iterator[Action]:
        try:
            url: str | None = self.reader.target_for(item_id, (), call.context.get("site")).url
        except LookupError:
            # No page for this id (a PDD goods_sign needs DDK's goods_id): the marker goes
            # without a URL and the index keeps the one it stored.
            url = None
        yield from self.emit(delisted_record(item_id, url), Source.API)

    def _may_retry_malformed(self, call: ApiCall, attempt: int) -> bool:
        """Once per call (whatever other retries it had), within ``retries``."""
        return self.policy.retries > 0 and attempt < self.policy.retries and not call.context.get(
            MALFORMED_RETRIED)

    def _turn_api_off(self, error: ApiError) -> None:
        if self.api_off_reason is None:
            self.api_off_reason = f"{error.kind.value} error {error.code}"
            where = error.setting or f"[platforms.{self.platform}] credentials"
            logger.error("%(p)s: the API refused this app (%(kind)s, code %(code)s: %(msg)s); "
                         "check %(where)s. Reading product pages for the rest of this run.",
                         {"p": self.platform, "kind": error.kind.value, "code": error.code,
                          "msg": error.message, "where": where})

    def _malformed(self, call: ApiCall, error: ApiError, answer: Answer | None) -> Reject:
        self.count("rejected/malformed_answer")
        excerpt = answer.text[:500] if answer is not None else ""
        return Reject("malformed_answer", f"{call.operation}: {error.message}", {
            "platform": self.platform, "url": call.url.split("?")[0], "source": "api",
            "operation": call.operation, "item_ids": list(call.item_ids[:20]),
            "excerpt": excerpt})

    def emit(self, record: Record, source: Source, confidence: float = 1.0,
             default_url: str | None = None) -> Iterator[Action]:
        lid = self.listing_id(record)
        if lid in self.emitted:
            return
        self.emitted.add(lid)
        if default_url and not record.get("url"):
            record = {**record, "url": default_url}
        listing, unknown = to_listing(record, Provenance(
            self.platform, self.spider, self.run_id, source, confidence))
        for key in unknown:
            self.count(f"unknown_field/{key}")
        self.count(f"source/{source.value}")
        if listing.delisted:
            self.count("delisted")
        yield Emit(listing)


def flatten(actions: Iterable[Iterable[Action]]) -> list[Action]:
    return [a for group in actions for a in group]
