"""The page half of the ladder: static page → rendered page, blocked pages, completion, cross-check.

Mixed into ``PlatformRouter``; holds the run's page state (pages asked for, listings emitted,
the site's backoff). No I/O: answers in, actions out.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from crawler.items import Source
from crawler.ladder.actions import Action, Backoff, FetchPage, Reject
from crawler.ladder.listings import (
    Disagreement,
    complete,
    delisted_record,
    disagreements,
    listing_id_of,
    match_page_record,
    record_key,
)
from crawler.ladder.policy import LadderPolicy, SiteBackoff
from crawler.platforms.base import Answer, PageReader, PageResult, PageTarget, Record
from crawler.platforms.blocked import blocked_reason
from crawler.politeness import RETRY_STATUSES, retry_after_seconds

if TYPE_CHECKING:
    from crawler.ladder.router import Stats

logger = logging.getLogger(__name__)

#: Disagreements kept (with their values) in the stats, per platform and run.
MAX_RECORDED_DISAGREEMENTS = 200


class PageSide:
    def __init__(self, platform: str, reader: PageReader, policy: LadderPolicy,
                 stats: Stats) -> None:
        self.platform, self.reader, self.policy, self.stats = platform, reader, policy, stats
        self.emitted: set[str] = set()
        self.requested: set[str] = set()
        self.keywords_fallen_back: set[str] = set()
        self.site_backoff = SiteBackoff()
        self._logged: set[str] = set()

    @property
    def page_slot(self) -> str:
        return f"{self.platform}-page"

    # --- requests ---------------------------------------------------------------------------
    def page(self, target: PageTarget, purpose: str) -> Iterator[Action]:
        """Fetch ``target`` once per run (rendered from the start when configured so)."""
        if target.url in self.requested:
            return
        self.requested.add(target.url)
        render = target.render or self.policy.render == "always"
        yield FetchPage(target, render, 0, 0.0, purpose)

    def page_answer(self, fetch: FetchPage, answer: Answer) -> Iterator[Action]:
        if answer.status in RETRY_STATUSES and blocked_reason(answer) is None:
            wait = retry_after_seconds(answer.header("Retry-After"))
            yield from self._retry(fetch, f"http_{answer.status}", wait)
            return
        result = self.reader.read(fetch.target, answer)
        if result.blocked:
            yield from self._blocked(fetch, result.blocked)
        elif result.not_found:
            yield from self._gone(fetch.target)
        elif result.needs_browser and not fetch.render and self.policy.render != "never":
            self.count("fallback/needs_browser")
            yield FetchPage(fetch.target, True, 0, 0.0, fetch.purpose)
        elif result.needs_browser and fetch.render:
            # Its script failed this time (a throttled or failed data call): render it again.
            yield from self._retry(fetch, "not_ready", None)
        else:
            calmer = self.site_backoff.ok()
            if calmer is not None:
                yield Backoff(self.page_slot, calmer)
            for target in result.follow:
                yield from self.page(target, "follow")
            yield from self._records(fetch, result)

    def page_failed(self, fetch: FetchPage, reason: str, retryable: bool = True
                    ) -> Iterator[Action]:
        """No answer at all (connection refused, timeout, browser error; robots.txt: not
        retryable)."""
        if retryable:
            yield from self._retry(fetch, reason, None)
        else:
            yield from self._give_up(fetch, reason)

    # --- outcomes ---------------------------------------------------------------------------
    def _retry(self, fetch: FetchPage, reason: str, wait: float | None) -> Iterator[Action]:
        if fetch.attempt >= self.policy.retries or (wait or 0) > self.policy.max_quota_wait:
            yield from self._give_up(fetch, reason)
            return
        self.count(f"retry/{reason}")
        delay = wait if wait is not None else self.policy.backoff(fetch.attempt)
        yield FetchPage(fetch.target, fetch.render, fetch.attempt + 1, delay, fetch.purpose)

    def _blocked(self, fetch: FetchPage, reason: str) -> Iterator[Action]:
        self.count("blocked")
        self.log_once(f"blocked-{reason}", logging.WARNING,
                      "%(p)s: blocked page (%(why)s) at %(url)s: backing the site off",
                      {"p": self.platform, "why": reason, "url": fetch.target.url})
        delay = self.site_backoff.blocked()
        yield Backoff(self.page_slot, delay)
        if fetch.attempt < self.policy.retries:
            self.count("retry/blocked")
            yield FetchPage(fetch.target, fetch.render, fetch.attempt + 1, delay, fetch.purpose)
        else:
            yield from self._give_up(fetch, "blocked")

    def _give_up(self, fetch: FetchPage, reason: str) -> Iterator[Action]:
        """The page cannot be had: what the API knew is still a listing (marked), else nothing."""
        self.count(f"unfetched/{reason}")
        self.log_once(f"unfetched-{reason}", logging.WARNING,
                      "%(p)s: gave up on %(url)s after %(n)s attempts (%(why)s)",
                      {"p": self.platform, "url": fetch.target.url, "n": fetch.attempt + 1,
                       "why": reason})
        for record in fetch.target.known:
            warnings = [*record.get("warnings", []), f"page:{reason}"]
            yield from self.emit({**record, "warnings": warnings}, Source.API)
        if not fetch.target.known and reason == "not_ready":
            yield self._unreadable(fetch.target, Source.RENDERED,
                                   [f"no price after {fetch.attempt + 1} renderings"])

    def _gone(self, target: PageTarget) -> Iterator[Action]:
        if target.kind != "product":
            self.count("unfetched/not_found")
            return
        known = target.known or ({"item_id": target.item_id},)
        for record in known:
            item_id, variant_id = record_key(record)
            yield from self.emit(delisted_record(item_id, target.url, variant_id), Source.PAGE)

    def _records(self, fetch: FetchPage, result: PageResult) -> Iterator[Action]:
        target = fetch.target
        source = Source.RENDERED if fetch.render else Source.PAGE
        found: dict[tuple[str, str | None], Record] = {}
        if not result.needs_browser:
            for record in result.records:
                record = {"item_id": target.item_id, "url": target.url, **record}
                found[record_key(record)] = record
        for api in target.known:
            page = match_page_record(api, found)
            yield from self._completed(api, page)
        for record in found.values():
            yield from self.emit(record, source, result.confidence, target.url)
        if not found and not target.known and not result.follow and target.kind == "product":
            problems = result.problems or (["needs a browser"] if result.needs_browser else
                                           ["no product on the page"])
            yield self._unreadable(target, source, problems)

    def _completed(self, api: Record, page: Record | None) -> Iterator[Action]:
        if page is None:
            yield from self.emit(api, Source.API)
            return
        diffs = disagreements(self.platform, api, page)
        merged = complete(api, page)
        confidence = 1.0
        if diffs:
            confidence = self.policy.disagreement_confidence
            merged["warnings"] = [*merged.get("warnings", []),
                                  *(f"disagreement:{d.field}" for d in diffs)]
            self._record_disagreements(diffs)
        yield from self.emit(merged, Source.API, confidence)

    def _record_disagreements(self, diffs: list[Disagreement]) -> None:
        key = f"pricewatch/{self.platform}/disagreements"
        kept = list(self.stats.get_value(key) or [])  # type: ignore[call-overload]
        for diff in diffs:
            self.count(f"disagreement/{diff.field}")
            if len(kept) < MAX_RECORDED_DISAGREEMENTS:
                kept.append(diff.as_stat())
            logger.info("%(p)s: %(id)s %(f)s: API %(a)s, page %(pg)s (API value kept)",
                        {"p": self.platform, "id": diff.listing_id, "f": diff.field,
                         "a": diff.api, "pg": diff.page})
        self.stats.set_value(key, kept)

    def _unreadable(self, target: PageTarget, source: Source, problems: list[str]) -> Reject:
        self.count("rejected/page_unreadable")
        return Reject("page_unreadable", "; ".join(problems)[:1000], {
            "platform": self.platform, "url": target.url, "source": source.value,
            "listing_id": f"{self.platform}:{target.item_id}" if target.item_id else None})

    # --- shared -----------------------------------------------------------------------------
    def emit(self, record: Record, source: Source, confidence: float = 1.0,
             default_url: str | None = None) -> Iterator[Action]:
        raise NotImplementedError  # PlatformRouter.emit

    def listing_id(self, record: Record) -> str:
        return listing_id_of(self.platform, record)

    def count(self, what: str, n: int = 1) -> None:
        if n:
            self.stats.inc_value(f"pricewatch/{self.platform}/{what}", n)

    def log_once(self, key: str, level: int, message: str, args: dict[str, Any]) -> None:
        if key not in self._logged:
            self._logged.add(key)
            logger.log(level, message, args)
