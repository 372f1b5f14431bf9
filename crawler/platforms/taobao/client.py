"""The Taobao platform client: a watch → TOP calls; a TOP answer → records, follow-ups, gaps.

The ladder per item: ``taobao.tbk.item.info.get`` (40 ids a call) → ``taobao.item.get`` (its
SKUs, with ``session``) → the product page for SKUs whose current price the API cannot tell
(``ApiResult.incomplete``). Without ``session`` the TBK record goes straight to the page, which
has every SKU. Keyword watches search with ``taobao.tbk.dg.material.optional`` page by page.
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
from crawler.platforms.taobao import reader
from crawler.platforms.taobao.api import (
    ITEM_GET,
    PLATFORM,
    SEARCH,
    TopRequests,
    TopSettings,
    item_id_from_url,
)


class TaobaoClient:
    """Builds TOP calls for watches and reads their answers (no I/O, no Scrapy)."""

    platform = PLATFORM

    def __init__(
        self, settings: TopSettings, now: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self.settings = settings
        self.requests = TopRequests(settings, now)
        self._asked: set[str] = set()
        """Items whose ``taobao.item.get`` is already under way in this run (one call each)."""

    # --- calls -----------------------------------------------------------------------------
    def calls_for(self, watch: Watch) -> list[ApiCall]:
        """Detail calls for the watch's ids (and ids in its URLs), a search per keyword."""
        ids = [*watch.item_ids, *filter(None, map(item_id_from_url, watch.urls))]
        calls = self.requests.detail_calls(ids)
        if self.settings.adzone_id:
            calls += [self.requests.search_call(k) for k in watch.keywords if k.strip()]
        return calls

    def page_url(self, item_id: str) -> str:
        return self.requests.page_url(item_id)

    def resign(self, call: ApiCall) -> ApiCall:
        return self.requests.resign(call)

    def page_target(
        self, item_id: str, known: Iterable[Record] = (), missing: Iterable[str] = ()
    ) -> PageTarget:
        return PageTarget(
            platform=PLATFORM,
            url=self.page_url(item_id),
            item_id=item_id,
            known=tuple(known),
            missing_fields=tuple(dict.fromkeys(missing)),
        )

    # --- answers ---------------------------------------------------------------------------
    def read_api(self, call: ApiCall, answer: Answer) -> ApiResult:
        """One TOP answer → records, not-found ids, pages to complete, further calls, or error."""
        envelope = reader.open_envelope(answer, call.operation)
        if isinstance(envelope, ApiError):
            return ApiResult(error=self._named(envelope))
        try:
            if call.operation == ITEM_GET:
                return self._read_item(call, envelope)
            found = reader.tbk_records(envelope, call.operation)
            result = self._read_tbk(call, found)
            if call.operation == SEARCH:
                result.follow_up += self._next_page(call, envelope, len(found))
            return result
        except (reader.Malformed, KeyError, TypeError, ValueError) as exc:
            return ApiResult(error=ApiError(ErrorKind.MALFORMED, "fields", str(exc)[:300]))

    def _named(self, error: ApiError) -> ApiError:
        """Credential names → the setting a person should check (env name, never the value)."""
        if error.setting is None:
            return error
        return replace(error, setting=self.settings.setting(error.setting))

    def _read_tbk(self, call: ApiCall, found: list[dict[str, Any]]) -> ApiResult:
        ids = [str(rec["num_iid"]) for rec in found]
        # §1.4: an id TBK leaves out is not found (delisted, or no longer promotable).
        result = ApiResult(not_found=[i for i in call.item_ids if i not in ids])
        for num_iid, rec in zip(ids, found, strict=True):
            if num_iid in self._asked:
                continue
            self._asked.add(num_iid)
            if self.settings.session is not None:
                result.follow_up.append(self.requests.item_call(num_iid, rec))
                continue
            # Without session the SKUs are unknown: the page gives every SKU with all its fields.
            # (The item-level record is not passed as ``known``: its price is the lowest SKU's.)
            record = reader.item_level_record(rec, self.page_url(num_iid))
            result.incomplete.append(self.page_target(num_iid, (), reader.missing_fields(record)))
        return result

    def _read_item(self, call: ApiCall, envelope: Mapping[str, Any]) -> ApiResult:
        item = envelope.get("item")
        if not isinstance(item, dict) or item.get("num_iid") in (None, ""):
            raise reader.Malformed("item_get_response without an item")
        num_iid = str(item["num_iid"])
        tbk = call.context.get("tbk") or {}
        records = reader.sku_records(tbk, item, self.page_url(num_iid))
        result = ApiResult()
        page_only = reader.PAGE_ONLY_FIELDS if self.settings.complete_from_page else ()
        gaps = {id(r): reader.missing_fields(r, page_only) for r in records}
        result.records = [r for r in records if not gaps[id(r)]]
        partial = [r for r in records if gaps[id(r)]]
        if partial:
            missing = [name for r in partial for name in gaps[id(r)]]
            result.incomplete.append(self.page_target(num_iid, partial, missing))
        return result

    def _next_page(self, call: ApiCall, envelope: Mapping[str, Any], count: int) -> list[ApiCall]:
        page_no, size = int(call.context["page_no"]), int(call.context["page_size"])
        total = envelope.get("total_results")
        total = int(total) if str(total or "").isdigit() else None
        more = count > 0 and (total is None or page_no * size < total)
        if not more or page_no >= self.settings.max_search_pages:
            return []
        return [self.requests.search_call(str(call.context["keyword"]), page_no + 1)]
