"""The Amazon client: a watch → SP-API calls, each answer → records, follow-up calls or an error.

The flow of one watch (every step an ``ApiCall`` the spider sends; nothing here does I/O):

1. ``lwaToken`` when no fresh access token is cached; its answer stores the token and yields the
   watch's SP-API calls as follow-ups (an answer "token expired" later triggers one refresh and a
   retry of that call).
2. ``getCatalogItem`` / ``searchCatalogItems`` (by ASIN, 20 a call; or by keyword, page by page):
   title, brand, model, EAN, variant attributes. ASINs the catalog lacks are not found (delisted).
3. ``getItemOffersBatch`` (20 a call): the Buy Box offer's price, shipping, seller, availability.
4. ``getCompetitiveSummary`` (20 a call, buyable items only, option ``coupons``): the coupon.

The facts found so far travel in each follow-up's ``context["known"]``, so a call that fails for
good still hands them to the page fallback (``page_targets``). Seller name, rating, review count
and stock ("Only 3 left") exist only on the product page, so every record is also returned as
*incomplete*: the framework completes it from the page.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from crawler.items import Availability
from crawler.platforms.amazon import api
from crawler.platforms.amazon.auth import TokenCache, read_token, token_call
from crawler.platforms.amazon.errors import (
    EXPIRED_CODE,
    entry_error,
    malformed,
    sp_answer_error,
)
from crawler.platforms.amazon.markets import Market, market, page_url, parse_item, parse_url
from crawler.platforms.amazon.quota import QuotaBook
from crawler.platforms.amazon.reader import (
    ReadError,
    catalog_items,
    coupon,
    decode,
    next_page_token,
    offers_payload,
    offers_record,
)
from crawler.platforms.amazon.settings import AmazonSettings
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

PLATFORM = "amazon"
PAGE_ONLY = ("seller_name", "rating", "rating_scale", "review_count", "stock_qty")
"""Listing fields SP-API never gives (fixtures/README.md, "Amazon"): the page completes them."""
RATE_HEADER = "x-amzn-RateLimit-Limit"


class AmazonClient:
    """Builds and reads SP-API calls for watches; keeps the access token and the quota buckets."""

    platform = PLATFORM

    def __init__(self, settings: AmazonSettings, clock: Callable[[], float] = time.monotonic):
        self.settings = settings
        self.tokens = TokenCache(clock, settings.token_margin)
        self.quota = QuotaBook(scale=settings.quota_scale, clock=clock)
        self._claimed: set[tuple[str, str]] = set()
        """(market, ASIN) already asked for in this run: discovery does not ask twice."""

    # --- what to send --------------------------------------------------------------------------

    def unavailable(self) -> ApiError | None:
        """Why the API cannot be used at all (credentials unset), naming the settings."""
        missing = self.settings.credentials.missing()
        if not missing:
            return None
        return ApiError(
            ErrorKind.AUTH,
            "missing_credentials",
            f"amazon: no value for {', '.join(missing)}",
            setting=self.settings.credentials.name("/".join(missing)),
        )

    def calls_for(self, watch: Watch) -> list[ApiCall]:
        """The first calls of a watch: a token request, or (token cached) the lookups at once."""
        if self.unavailable() is not None:
            return []
        token = self.tokens.current()
        if token is None:
            targets = self.targets(watch)
            context = {"stage": "token", "watch": watch, "item_ids": [a for _, a in targets]}
            return [token_call(self.settings.endpoints.lwa, self.settings.credentials, context)]
        return self._watch_calls(watch, token)

    def targets(self, watch: Watch) -> list[tuple[Market, str]]:
        """The (market, ASIN) pairs a watch names by item id or product-page URL, in order."""
        default = self.settings.markets[0]
        found = [parse_item(entry, default) for entry in watch.item_ids]
        found += [parse_url(url) for url in watch.urls]
        return list(dict.fromkeys(found))

    def pages_for(self, watch: Watch) -> list[PageTarget]:
        """The product pages of a watch's items (the API is off or refused us)."""
        return [self._target(place, asin, None) for place, asin in self.targets(watch)]

    def delay(self, call: ApiCall) -> float:
        """Seconds to hold ``call`` back so it fits its operation's usage plan (books the slot)."""
        if call.purpose == "token":
            return 0.0
        return self.quota.reserve(call.operation)

    def _watch_calls(self, watch: Watch, token: str) -> list[ApiCall]:
        ends, calls = self.settings.endpoints, []
        by_market: dict[Market, list[str]] = {}
        for place, asin in self.targets(watch):
            self._claimed.add((place.code, asin))
            by_market.setdefault(place, []).append(asin)
        for place, asins in by_market.items():
            for start in range(0, len(asins), api.MAX_BATCH):
                chunk = asins[start : start + api.MAX_BATCH]
                context = {"stage": "catalog", "market": place.code}
                calls.append(api.catalog_lookup(ends, place, chunk, token, context))
        for keywords in watch.keywords:
            for place in self.settings.markets:
                context = {"stage": "search", "market": place.code, "keywords": keywords, "page": 1}
                calls.append(self._search(place, keywords, token, context))
        return calls

    def _search(
        self, place: Market, keywords: str, token: str, context: Mapping[str, Any],
        page_token: str | None = None,
    ) -> ApiCall:
        return api.keyword_search(
            self.settings.endpoints, place, keywords, token, context, page_token,
            self.settings.search_page_size,
        )

    # --- what an answer says -------------------------------------------------------------------

    def read_api(self, call: ApiCall, answer: Answer) -> ApiResult:
        """Read one answer of a call this client built."""
        stage = call.context.get("stage")
        if stage == "token":
            return self._read_token(call, answer)
        self.quota.observe(call.operation, answer.header(RATE_HEADER))
        error = sp_answer_error(answer, self.settings.credentials.name)
        if error is not None:
            return self._failed(call, error)
        try:
            body = decode(answer.body)
            match stage:
                case "catalog":
                    return self._read_catalog(call, body)
                case "search":
                    return self._read_search(call, body)
                case "offers":
                    return self._read_offers(call, body)
                case "summary":
                    return self._read_summary(call, body)
            raise ValueError(f"amazon: a call of unknown stage {stage!r}")  # a bug, not an answer
        except ReadError as exc:
            return ApiResult(error=malformed(f"{call.operation}: {exc}"))

    def _read_token(self, call: ApiCall, answer: Answer) -> ApiResult:
        token = read_token(answer, self.settings.credentials.name)
        if isinstance(token, ApiError):
            return ApiResult(error=token)
        self.tokens.store(token)
        value = token.value.get_secret_value()
        retry = call.context.get("retry")
        if isinstance(retry, ApiCall):
            return ApiResult(follow_up=[api.with_token(retry, value)])
        return ApiResult(follow_up=self._watch_calls(call.context["watch"], value))

    def _failed(self, call: ApiCall, error: ApiError) -> ApiResult:
        if error.code == EXPIRED_CODE and not call.context.get("refreshed"):
            self.tokens.forget(call.headers.get("x-amz-access-token"))
            context = {"stage": "token", "retry": call, "item_ids": list(call.item_ids)}
            return ApiResult(
                follow_up=[token_call(self.settings.endpoints.lwa, self.settings.credentials,
                                      context)]
            )
        if error.code == EXPIRED_CODE:
            error = dataclasses.replace(
                error, message=f"{error.message} (again, right after a refresh)",
                setting=self.settings.credentials.name("refresh_token"))
        if error.kind is ErrorKind.QUOTA:
            error = dataclasses.replace(error, retry_after=self.quota.retry_after(call.operation))
        if error.kind is ErrorKind.NOT_FOUND and call.item_ids:
            return ApiResult(not_found=list(call.item_ids))
        return ApiResult(error=error)

    def _read_catalog(self, call: ApiCall, body: Any) -> ApiResult:
        place = self._market(call)
        found = catalog_items(body, place)
        known = {a: {**self._base(place, a), **found[a]} for a in call.item_ids if a in found}
        missing = [a for a in call.item_ids if a not in found]
        return ApiResult(not_found=missing, follow_up=self._offers_calls(call, place, known))

    def _read_search(self, call: ApiCall, body: Any) -> ApiResult:
        place = self._market(call)
        found = catalog_items(body, place)
        fresh = {a: r for a, r in found.items() if (place.code, a) not in self._claimed}
        self._claimed.update((place.code, a) for a in fresh)
        known = {a: {**self._base(place, a), **r} for a, r in fresh.items()}
        follow = self._offers_calls(call, place, known)
        page_token, page = next_page_token(body), int(call.context.get("page", 1))
        if page_token and page < self.settings.max_search_pages:
            context = {**call.context, "page": page + 1, "refreshed": False}
            follow.append(self._search(place, str(call.context["keywords"]), self._token(call),
                                       context, page_token))
        return ApiResult(follow_up=follow)

    def _offers_calls(
        self, call: ApiCall, place: Market, known: Mapping[str, Record]
    ) -> list[ApiCall]:
        asins, calls = list(known), []
        for start in range(0, len(asins), api.MAX_BATCH):
            chunk = asins[start : start + api.MAX_BATCH]
            context = {
                "stage": "offers", "market": place.code, "known": {a: known[a] for a in chunk}
            }
            calls.append(
                api.offers_batch(self.settings.endpoints, place, chunk, self._token(call), context)
            )
        return calls

    def _read_offers(self, call: ApiCall, body: Any) -> ApiResult:
        place, known = self._market(call), dict(call.context.get("known", {}))
        result, merged = ApiResult(), {}
        for asin, entry in self._entries(call, body):
            error = entry_error(entry, self.settings.credentials.name)
            if error is not None and error.kind is ErrorKind.NOT_FOUND:
                result.not_found.append(asin)
            elif error is not None:
                # One entry failed (throttled, 5xx): the page gives what the catalog could not.
                result.incomplete.append(self._target(place, asin, known.get(asin)))
            else:
                offers = offers_record(offers_payload(entry.get("body")), place)
                merged[asin] = {**known.get(asin, self._base(place, asin)), **offers}
        buyable = {a: r for a, r in merged.items() if r.get("price") is not None}
        if self.settings.coupons and buyable:
            context = {"stage": "summary", "market": place.code, "known": buyable}
            result.follow_up.append(api.competitive_summary(
                self.settings.endpoints, place, list(buyable), self._token(call), context))
        final = [r for a, r in merged.items() if a not in buyable or not self.settings.coupons]
        return self._emit(result, place, final, summary_done=False)

    def _read_summary(self, call: ApiCall, body: Any) -> ApiResult:
        place, known = self._market(call), dict(call.context.get("known", {}))
        records = []
        for asin, entry in self._entries(call, body):
            record = dict(known[asin])
            if entry_error(entry) is None:
                amount = coupon(entry.get("body"), record.get("price"), record["currency"])
                if amount is not None:
                    record["coupon_amount"] = amount
                record["_coupon_checked"] = True
            records.append(record)
        return self._emit(ApiResult(), place, records, summary_done=True)

    def _entries(self, call: ApiCall, body: Any) -> Iterable[tuple[str, dict[str, Any]]]:
        """The batch entries by ASIN (from the entry, else its position); absent ones are errors."""
        responses = body.get("responses") if isinstance(body, dict) else None
        if not isinstance(responses, list):
            raise ReadError("batch answer without responses[]")
        by_asin: dict[str, dict[str, Any]] = {}
        for position, entry in enumerate(responses):
            if not isinstance(entry, dict):
                continue
            asin = _entry_asin(entry) or (
                call.item_ids[position] if position < len(call.item_ids) else None)
            if asin in call.item_ids:
                by_asin[asin] = entry
        for asin in call.item_ids:
            yield asin, by_asin.get(asin, {"status": None})

    # --- records and page targets ---------------------------------------------------------------

    def _emit(
        self, result: ApiResult, place: Market, records: list[Record], summary_done: bool
    ) -> ApiResult:
        for record in records:
            checked = record.pop("_coupon_checked", False)
            result.records.append(record)
            missing = list(PAGE_ONLY)
            sold_out = record.get("availability") == Availability.OUT_OF_STOCK
            if record.get("price") is None and not sold_out:
                missing.append("price")
            if not (summary_done and checked) and record.get("price") is not None:
                missing.append("coupon_amount")
            result.incomplete.append(
                self._target(place, record["item_id"], record, tuple(missing))
            )
        return result

    def page_targets(self, call: ApiCall) -> list[PageTarget]:
        """The pages that replace a call that failed for good, with what was known before it."""
        retry = call.context.get("retry")
        if isinstance(retry, ApiCall):
            return self.page_targets(retry)
        if call.context.get("stage") == "token":
            return self.pages_for(call.context["watch"])
        if "market" not in call.context:
            return []
        place, known = self._market(call), call.context.get("known", {})
        return [self._target(place, asin, known.get(asin)) for asin in call.item_ids]

    def _target(
        self, place: Market, asin: str, known: Record | None,
        missing: tuple[str, ...] = (*PAGE_ONLY, "price", "coupon_amount"),
    ) -> PageTarget:
        url = page_url(place, asin, self.settings.endpoints.site_base)
        return PageTarget(PLATFORM, url, asin, (known,) if known else (), missing)

    def _base(self, place: Market, asin: str) -> Record:
        return {
            "platform": PLATFORM,
            "item_id": asin,
            "variant_id": None,
            "url": page_url(place, asin, self.settings.endpoints.site_base),
            "currency": place.currency,
            "locale": place.locale,
        }

    def _market(self, call: ApiCall) -> Market:
        return market(str(call.context["market"]))

    def _token(self, call: ApiCall) -> str:
        """The token for a follow-up: the cached one, else the one the answered call carried."""
        return self.tokens.current() or str(call.headers.get("x-amz-access-token", ""))


def _entry_asin(entry: Mapping[str, Any]) -> str | None:
    request, body = entry.get("request"), entry.get("body")
    if isinstance(request, dict) and request.get("Asin"):
        return str(request["Asin"])
    if isinstance(body, dict):
        payload = body.get("payload")
        if isinstance(payload, dict) and payload.get("ASIN"):
            return str(payload["ASIN"])
        if body.get("asin"):
            return str(body["asin"])
    return None
