"""The Amazon client: a watch → SP-API calls, each answer → records, follow-up calls or an error.

The flow of one watch (every step an ``ApiCall`` the spider sends; nothing here does I/O):

1. ``lwaToken`` when no fresh access token is cached (one per market group of ASINs and per
   keyword, so a refused token falls back to the right pages); its answer stores the token and
   yields that group's SP-API calls. An answer "token expired" later triggers one refresh and a
   retry of that call.
2. ``getCatalogItem`` / ``searchCatalogItems`` (by ASIN, 20 a call; or by keyword, page by page):
   title, brand, model, EAN, variant attributes. ASINs the catalog lacks are not found (delisted).
3. ``getItemOffersBatch`` (20 a call): the Buy Box offer's price, shipping, seller, availability.
4. ``getCompetitiveSummary`` (20 a call, buyable items only, option ``coupons``): the coupon.

The facts found so far travel in each follow-up's ``context["known"]`` (``{asin: (record,)}``)
with its ``site``, so a call that fails for good still hands them to the page fallback. Seller
name, rating, review count and stock ("Only 3 left") exist only on the product page, so every
record is returned as *incomplete* too: the framework completes it from the page, API values win.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from crawler.items import Availability
from crawler.platforms.amazon import api
from crawler.platforms.amazon.auth import TokenCache, read_token, token_call
from crawler.platforms.amazon.errors import EXPIRED_CODE, entry_error, malformed, sp_answer_error
from crawler.platforms.amazon.markets import Market, of_site, page_url, parse_item, parse_url
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
    PlatformSettings,
    Record,
    Watch,
)

PLATFORM = "amazon"
PAGE_ONLY = ("seller_name", "rating", "rating_scale", "review_count", "stock_qty")
"""Listing fields SP-API never gives (fixtures/README.md, "Amazon"): the page completes them."""
RATE_HEADER = "x-amzn-RateLimit-Limit"
TOKEN_HEADER = "x-amz-access-token"


@dataclass(frozen=True)
class Unit:
    """One piece of a watch: a market's ASINs, or one keyword searched in one market."""

    market: Market
    asins: tuple[str, ...] = ()
    keyword: str | None = None


class AmazonClient:
    """Builds and reads SP-API calls for watches; keeps the access token and the quota buckets."""

    platform = PLATFORM

    def __init__(self, ps: PlatformSettings, clock: Callable[[], float] = time.monotonic):
        self.settings = AmazonSettings.from_platform(ps)
        self.tokens = TokenCache(clock, self.settings.token_margin)
        self.quota = QuotaBook(scale=self.settings.quota_scale, clock=clock)
        self._claimed: set[tuple[str, str]] = set()
        """(market, ASIN) asked for by id in this run: discovery does not ask for them again."""

    # --- what to send --------------------------------------------------------------------------

    def calls_for(self, watch: Watch) -> list[ApiCall]:
        """The first calls of a watch: token requests, or (token cached) the lookups at once."""
        units = self.units(watch)
        token = self.tokens.current()
        if token is not None:
            return [call for unit in units for call in self._unit_calls(unit, token)]
        return [self._token_call(unit) for unit in units]

    def units(self, watch: Watch) -> list[Unit]:
        """A watch's ASINs grouped by market (ids, ``JP:`` ids, URLs) and its keyword searches."""
        default = of_site(watch.site, self.settings.markets[0])
        pairs = [parse_item(entry, default) for entry in watch.item_ids]
        pairs += [parse_url(url) for url in watch.urls]
        by_market: dict[Market, list[str]] = {}
        for place, asin in dict.fromkeys(pairs):
            self._claimed.add((place.code, asin))
            by_market.setdefault(place, []).append(asin)
        units = [Unit(place, tuple(asins)) for place, asins in by_market.items()]
        places = (default,) if watch.site else self.settings.markets
        units += [Unit(place, keyword=k) for k in watch.keywords for place in places]
        return units

    def delay(self, call: ApiCall) -> float:
        """Seconds to hold ``call`` back so it fits its operation's usage plan (books the slot)."""
        return 0.0 if call.purpose == "token" else self.quota.reserve(call.operation)

    def resign(self, call: ApiCall) -> ApiCall:
        """The call for a retry, with the freshest access token (the old one may have expired)."""
        token = self.tokens.current()
        if call.purpose == "token" or token is None or token == call.headers.get(TOKEN_HEADER):
            return call
        return api.with_token(call, token, refreshed=bool(call.context.get("refreshed")))

    def _token_call(self, unit: Unit, retry: ApiCall | None = None) -> ApiCall:
        context: dict[str, Any] = {"stage": "token", "site": unit.market.site, "unit": unit,
                                   "item_ids": list(unit.asins)}
        if unit.keyword is not None:
            context["keyword"] = unit.keyword
        if retry is not None:
            context.update(retry=retry, item_ids=list(retry.item_ids),
                           known=retry.context.get("known", {}))
        return token_call(self.settings.endpoints.lwa, self.settings.credentials, context)

    def _unit_calls(self, unit: Unit, token: str) -> list[ApiCall]:
        ends, place = self.settings.endpoints, unit.market
        context: dict[str, Any] = {"stage": "catalog", "site": place.site}
        calls = [api.catalog_lookup(ends, place, chunk, token, context)
                 for chunk in chunks(unit.asins)]
        if unit.keyword is not None:
            search = {"stage": "search", "site": place.site, "keyword": unit.keyword, "page": 1}
            calls.append(self._search(place, unit.keyword, token, search))
        return calls

    def _search(self, place: Market, keyword: str, token: str, context: Mapping[str, Any],
                page_token: str | None = None) -> ApiCall:
        return api.keyword_search(self.settings.endpoints, place, keyword, token, context,
                                  page_token, self.settings.search_page_size)

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
        return ApiResult(follow_up=self._unit_calls(call.context["unit"], value))

    def _failed(self, call: ApiCall, error: ApiError) -> ApiResult:
        if error.code == EXPIRED_CODE and not call.context.get("refreshed"):
            self.tokens.forget(call.headers.get(TOKEN_HEADER))
            return ApiResult(follow_up=[self._token_call(Unit(self._market(call)), call)])
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
            follow.append(self._search(place, str(call.context["keyword"]), self._token(call),
                                       context, page_token))
        return ApiResult(follow_up=follow)

    def _offers_calls(self, call: ApiCall, place: Market, known: Mapping[str, Record]
                      ) -> list[ApiCall]:
        calls = []
        for chunk in chunks(tuple(known)):
            context = {"stage": "offers", "site": place.site,
                       "known": {a: (known[a],) for a in chunk}}
            calls.append(api.offers_batch(self.settings.endpoints, place, chunk,
                                          self._token(call), context))
        return calls

    def _read_offers(self, call: ApiCall, body: Any) -> ApiResult:
        place, known = self._market(call), _known(call)
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
            context = {"stage": "summary", "site": place.site,
                       "known": {a: (r,) for a, r in buyable.items()}}
            result.follow_up.append(api.competitive_summary(
                self.settings.endpoints, place, list(buyable), self._token(call), context))
        final = [r for a, r in merged.items() if a not in buyable or not self.settings.coupons]
        return self._emit(result, place, final, coupons_read=set())

    def _read_summary(self, call: ApiCall, body: Any) -> ApiResult:
        place, known = self._market(call), _known(call)
        records, read = [], set()
        for asin, entry in self._entries(call, body):
            record = dict(known[asin])
            if entry_error(entry) is None:
                amount = coupon(entry.get("body"), record.get("price"), record["currency"])
                if amount is not None:
                    record["coupon_amount"] = amount
                read.add(asin)
            records.append(record)
        return self._emit(ApiResult(), place, records, coupons_read=read)

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

    def _emit(self, result: ApiResult, place: Market, records: list[Record],
              coupons_read: set[str]) -> ApiResult:
        """Records go out held for their page (which completes the page-only fields)."""
        for record in records:
            result.records.append(record)
            missing = list(PAGE_ONLY)
            sold_out = record.get("availability") == Availability.OUT_OF_STOCK
            if record.get("price") is None and not sold_out:
                missing.append("price")
            if record["item_id"] not in coupons_read and not sold_out:
                missing.append("coupon_amount")
            result.incomplete.append(self._target(place, record["item_id"], record,
                                                  tuple(missing)))
        return result

    def _target(self, place: Market, asin: str, known: Record | None,
                missing: tuple[str, ...] = (*PAGE_ONLY, "price", "coupon_amount")
                ) -> PageTarget:
        url = page_url(place, asin, self.settings.endpoints.site_base)
        return PageTarget(PLATFORM, url, asin, (known,) if known else (), missing,
                          site=place.site)

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
        return of_site(str(call.context["site"]), self.settings.markets[0])

    def _token(self, call: ApiCall) -> str:
        """The token for a follow-up: the cached one, else the one the answered call carried."""
        return self.tokens.current() or str(call.headers.get(TOKEN_HEADER, ""))


def chunks(asins: tuple[str, ...]) -> list[tuple[str, ...]]:
    return [asins[i : i + api.MAX_BATCH] for i in range(0, len(asins), api.MAX_BATCH)]


def _known(call: ApiCall) -> dict[str, Record]:
    """``context["known"]`` (``{asin: (record,)}``) as one record per ASIN."""
    return {a: records[0] for a, records in call.context.get("known", {}).items() if records}


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
