"""The PDD platform client: a watch → DDK calls; a DDK answer → records, gaps, next pages.

DDK never gives stock, shipping, model or the variant's attributes, so every goods it returns
goes on to its page (``ApiResult.incomplete``, ``missing_fields`` saying why) unless the answer
lacks the ``goods_id`` the page URL needs: then the record is all there is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from crawler.platforms.base import (
    Answer,
    ApiCall,
    ApiError,
    ApiResult,
    ErrorKind,
    PageTarget,
    Record,
    Watch,
)
from crawler.platforms.pdd import reader
from crawler.platforms.pdd.api import DETAIL, PLATFORM, SEARCH, PddRequests, PddSettings

MALFORMED_RETRIES = 2


class PddClient:
    """Builds DDK calls for watches and reads their answers (no I/O, no Scrapy)."""

    platform = PLATFORM

    def __init__(
        self, settings: PddSettings, now: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self.settings = settings
        self.requests = PddRequests(settings, now)
        self._seen: set[str] = set()
        """Goods already sent to their page in this run (a search may find a watched id)."""

    # --- calls -----------------------------------------------------------------------------
    def calls_for(self, watch: Watch) -> list[ApiCall]:
        """Detail/batch calls for the watch's goods_signs, a search per keyword, and a search by
        link per URL (§3.3: ``keyword`` takes a goods link; DDK no longer takes a goods_id)."""
        signs = [i for i in watch.item_ids if not i.strip().isdigit()]
        calls = self.requests.detail_calls(signs) if signs else []
        links = [
            *watch.urls,
            *(self.page_url(i.strip()) for i in watch.item_ids if i.strip().isdigit()),
        ]
        calls += [c for url in dict.fromkeys(links) if (c := self.requests.link_call(url))]
        return calls + [self.requests.search_call(k) for k in watch.keywords if k.strip()]

    def page_url(self, goods_id: str) -> str:
        return self.requests.page_url(goods_id)

    def resign(self, call: ApiCall) -> ApiCall:
        return self.requests.resign(call)

    # --- answers ---------------------------------------------------------------------------
    def read_api(self, call: ApiCall, answer: Answer) -> ApiResult:
        """One DDK answer → incomplete records (pages to complete), not-found ids, next page."""
        envelope = reader.open_envelope(answer, call.operation, self.settings.rate_limit_codes)
        if isinstance(envelope, ApiError):
            retry = self._malformed_retry(call, envelope)
            return ApiResult(follow_up=[retry]) if retry else ApiResult(error=self._named(envelope))
        try:
            goods = reader.goods_list(envelope, call.operation)
            if call.context.get("link"):
                return self._read_link(call, goods)
            result = self._read_goods(call, goods)
            if call.purpose == "search" and call.operation == SEARCH:
                result.follow_up += self._next_page(call, envelope, len(goods))
            return result
        except (reader.Malformed, KeyError, TypeError, ValueError) as exc:
            return ApiResult(error=ApiError(ErrorKind.MALFORMED, "fields", str(exc)[:300]))

    def _malformed_retry(self, call: ApiCall, error: ApiError) -> ApiCall | None:
        """Ask again after an unreadable answer to a goods_sign lookup (a cut-off transfer, most
        likely): a goods_sign has no page to fall back to, the page URL needs DDK's goods_id."""
        tries = int(call.context.get("malformed_retries", 0))
        if error.kind is not ErrorKind.MALFORMED or not call.item_ids or tries >= MALFORMED_RETRIES:
            return None
        again = self.requests.resign(call)
        return replace(again, context={**again.context, "malformed_retries": tries + 1})

    def _named(self, error: ApiError) -> ApiError:
        if error.setting is None:
            return error
        return replace(error, setting=self.settings.setting(error.setting))

    def _read_link(self, call: ApiCall, goods: list[dict[str, Any]]) -> ApiResult:
        """A search by link: the goods with that goods_id, else its page alone (never "not
        found": a search that does not understand the link says nothing about the goods)."""
        goods_id, url = str(call.context["goods_id"]), str(call.context["link"])
        same = [g for g in goods if reader.goods_id(g) == goods_id]
        if same:
            return self._read_goods(replace(call, item_ids=()), same[:1])
        missing = ("price", "list_price", *reader.PAGE_ONLY_FIELDS)
        target = PageTarget(platform=PLATFORM, url=url, item_id=goods_id, missing_fields=missing)
        return ApiResult(incomplete=[target])

    def _read_goods(self, call: ApiCall, goods: list[dict[str, Any]]) -> ApiResult:
        signs = [str(g["goods_sign"]) for g in goods]
        absent = [s for s in call.item_ids if s not in signs]
        result = ApiResult()
        if call.context.get("batch"):
            # A batch that leaves a goods out is asked again with goods.detail, which decides
            # alone: a "not found" then concerns one goods, never the rest of a batch.
            result.follow_up = [
                self.requests.call(DETAIL, {"goods_sign": s}, item_ids=[s]) for s in absent
            ]
        else:  # fixture and [U]: an unknown goods_sign gets an empty goods_details
            result.not_found = absent
        for sign, g in zip(signs, goods, strict=True):
            if sign in self._seen:
                continue
            self._seen.add(sign)
            page_id = reader.goods_id(g)
            record = reader.goods_record(g, self.page_url(page_id) if page_id else None)
            if page_id is None:
                result.records.append(record)
                continue
            result.incomplete.append(self._target(record, reader.missing_fields(record)))
        return result

    def _target(self, record: Record, missing: Iterable[str]) -> PageTarget:
        return PageTarget(
            platform=PLATFORM,
            url=str(record["url"]),
            item_id=str(record["item_id"]),
            known=(record,),
            missing_fields=tuple(missing),
        )

    def _next_page(self, call: ApiCall, envelope: Mapping[str, Any], count: int) -> list[ApiCall]:
        """§3.3: next ``page`` with the first page's ``list_id`` until the total is reached."""
        page, size = int(call.context["page"]), int(call.context["page_size"])
        total = envelope.get("total_count")
        total = int(total) if str(total or "").isdigit() else None
        full = count >= size and (total is None or page * size < total)
        if not full or page >= self.settings.max_search_pages:
            return []
        list_id = call.context.get("list_id") or envelope.get("list_id")
        return [self.requests.search_call(str(call.context["keyword"]), page + 1, list_id)]
