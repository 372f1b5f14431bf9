"""JD Union API calls: signing (platform-apis.md §2.2-2.3) and request building (§2.5).

- Gateway ``{api_base}/routerjson``, POST form: ``method``, ``app_key``, ``timestamp``
  (``yyyy-MM-dd HH:mm:ss`` in GMT+8), ``format=json``, ``v=1.0``, ``sign_method=md5``,
  ``360buy_param_json`` (the business request as one JSON string, signed as sent),
  ``access_token`` only when set (an empty one breaks the signature), ``sign``.
- Ids: ``promotiongoodsinfo`` with at most 100 SKUs per call, then (option ``goods_query``,
  default on) ``goods.query`` for the same SKUs, ``query_page_size`` (≤ 30) per call, for the
  flash-sale price, coupon, brand, shop name and reviews; the first call's records ride along in
  the second's ``context["known"]``.
- Keywords: ``goods.query`` ``{"goodsReqDTO": {"keyword", "pageIndex", "pageSize"}}``; page 1's
  ``totalCount`` tells how many further pages to ask for, all at once.
- Every record is completed from the product page (availability, model and variant attributes
  are only there) unless option ``complete_from_page`` is false.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta, timezone
from math import ceil
from typing import Any
from urllib.parse import urlencode

from crawler.config import ConfigError
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
from crawler.platforms.jd import reader
from crawler.platforms.signing import md5_wrapped

BEIJING = timezone(timedelta(hours=8))
PROMOTION = "jd.union.open.goods.promotiongoodsinfo.query"
QUERY = "jd.union.open.goods.query"
MAX_PROMOTION_SKUS = 100
MAX_QUERY_PAGE_SIZE = 30
OPTIONS = {"goods_query", "query_page_size", "complete_from_page"}
#: Fields only the product page has: every JD record waits for its page.
PAGE_ONLY = ("availability", "model", "variant_attributes")


def beijing_timestamp(now: datetime | None = None) -> str:
    """``yyyy-MM-dd HH:mm:ss`` in GMT+8, as the gateway wants it (±6 minutes tolerated)."""
    return (now or datetime.now(UTC)).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")


def param_json(business: dict[str, Any]) -> str:
    """The ``360buy_param_json`` text: compact, UTF-8, key order kept (signed as sent)."""
    return json.dumps(business, ensure_ascii=False, separators=(",", ":"))


def signed_params(method: str, business: dict[str, Any], app_key: str, secret: str,
                  timestamp: str, access_token: str | None = None) -> dict[str, str]:
    """Every form field of one gateway call, ``sign`` included."""
    params = {"method": method, "app_key": app_key, "timestamp": timestamp, "format": "json",
              "v": "1.0", "sign_method": "md5", "360buy_param_json": param_json(business)}
    if access_token:
        params["access_token"] = access_token
    params["sign"] = md5_wrapped(params, secret)
    return params


def chunks(ids: Sequence[str], size: int) -> list[tuple[str, ...]]:
    return [tuple(ids[i:i + size]) for i in range(0, len(ids), size)]


class JdClient:
    """Builds, signs and reads JD Union calls for one app (``PlatformSettings``)."""

    def __init__(self, settings: PlatformSettings,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.settings = settings
        self.app_key = settings.secret("app_key")
        self.secret = settings.secret("app_secret")
        token = settings.credentials.get("access_token")
        self.access_token = token.get_secret_value() if token is not None else None
        self.gateway = f"{settings.api_base}/routerjson"
        self.site_base = settings.site_base
        options = settings.options
        unknown = sorted(set(options) - OPTIONS)
        if unknown:
            raise ConfigError(f"platforms.jd.options: unknown option(s) {', '.join(unknown)} "
                              f"(known: {', '.join(sorted(OPTIONS))})")
        self.goods_query = bool(options.get("goods_query", True))
        self.complete_from_page = bool(options.get("complete_from_page", True))
        self.page_size = int(options.get("query_page_size", MAX_QUERY_PAGE_SIZE))
        if not 1 <= self.page_size <= MAX_QUERY_PAGE_SIZE:
            raise ConfigError("platforms.jd.options.query_page_size must be "
                              f"1..{MAX_QUERY_PAGE_SIZE}")
        self.clock = clock or (lambda: datetime.now(UTC))

    # --- building ---------------------------------------------------------------------------
    def calls_for(self, watch: Watch) -> list[ApiCall]:
        """Promotion batches of the watch's SKUs (a non-numeric id is refused: ``ValueError``,
        which the router reports as a bad watch entry), a goods.query search per keyword."""
        bad = [i for i in watch.item_ids if not i.strip().isdigit()]
        if bad:
            raise ValueError(f"jd: {bad[0]!r} is not a JD SKU id (digits only)")
        ids = list(dict.fromkeys([*(i.strip() for i in watch.item_ids),
                                  *(sku_of(u) for u in watch.urls)]))
        calls = [self.promotion_call(batch) for batch in chunks([i for i in ids if i],
                                                                 MAX_PROMOTION_SKUS)]
        if self.goods_query:
            calls.extend(self.search_call(keyword, 1) for keyword in watch.keywords)
        return calls

    def promotion_call(self, skus: tuple[str, ...]) -> ApiCall:
        return self.call(PROMOTION, {"skuIds": ",".join(skus)}, skus, "detail", {})

    def detail_query_call(self, skus: tuple[str, ...], known: dict[str, tuple[Record, ...]]
                          ) -> ApiCall:
        body = {"goodsReqDTO": {"skuIds": [int(s) for s in skus], "pageIndex": 1,
                                "pageSize": self.page_size}}
        return self.call(QUERY, body, skus, "detail", {"known": known})

    def search_call(self, keyword: str, page: int) -> ApiCall:
        body = {"goodsReqDTO": {"keyword": keyword, "pageIndex": page,
                                "pageSize": self.page_size}}
        return self.call(QUERY, body, (), "search", {"keyword": keyword, "page": page})

    def call(self, method: str, business: dict[str, Any], skus: tuple[str, ...], purpose: str,
             context: dict[str, Any]) -> ApiCall:
        params = signed_params(method, business, self.app_key, self.secret,
                               beijing_timestamp(self.clock()), self.access_token)
        return ApiCall(
            platform="jd", operation=method, method="POST", url=self.gateway,
            body=urlencode(params).encode("utf-8"),
            headers={"Content-Type": "application/x-www-form-urlencoded;charset=UTF-8"},
            item_ids=skus, purpose=purpose, context={**context, "business": business})

    def resign(self, call: ApiCall) -> ApiCall:
        """The same call with a fresh timestamp and signature."""
        context = dict(call.context)
        business = context.pop("business")
        return self.call(call.operation, business, call.item_ids, call.purpose, context)

    def page_url(self, sku: str) -> str:
        return f"{self.site_base}/{sku}.html"

    # --- reading ----------------------------------------------------------------------------
    def read_api(self, call: ApiCall, answer: Answer) -> ApiResult:
        result = reader.query_result(call.operation, answer)
        if isinstance(result, ApiError):
            return ApiResult(error=self._with_setting(call, result))
        data = result.get("data") or []
        if not isinstance(data, list):
            return ApiResult(error=ApiError(ErrorKind.MALFORMED, "malformed", "data is not a list"))
        if call.operation == PROMOTION:
            return self._promotion(call, data)
        if call.purpose == "search":
            return self._search(call, data, int(result.get("totalCount") or 0))
        return self._detail(call, data)

    def _promotion(self, call: ApiCall, data: list[dict[str, Any]]) -> ApiResult:
        records = {str(g["skuId"]): reader.promotion_record(g, self.page_url(str(g["skuId"])))
                   for g in data}
        known = {sku: (rec,) for sku, rec in records.items()}
        if self.goods_query:
            follow = [self.detail_query_call(batch, {s: known[s] for s in batch if s in known})
                      for batch in chunks(list(call.item_ids), self.page_size)]
            return ApiResult(follow_up=follow)
        return self._complete(call.item_ids, known)

    def _detail(self, call: ApiCall, data: list[dict[str, Any]]) -> ApiResult:
        known: dict[str, tuple[Record, ...]] = dict(call.context.get("known", {}))
        for goods in data:
            sku = str(goods["skuId"])
            record = reader.goods_record(goods, self.page_url(sku))
            earlier = known.get(sku, ({},))[0]
            known[sku] = ({**earlier, **{k: v for k, v in record.items() if v not in (None, [])}},)
        return self._complete(call.item_ids, known)

    def _search(self, call: ApiCall, data: list[dict[str, Any]], total: int) -> ApiResult:
        known = {str(g["skuId"]): (reader.goods_record(g, self.page_url(str(g["skuId"]))),)
                 for g in data}
        result = self._complete(tuple(known), known)
        if call.context.get("page") == 1:
            pages = ceil(total / self.page_size)
            result.follow_up = [self.search_call(call.context["keyword"], n)
                                for n in range(2, pages + 1)]
        return result

    def _complete(self, asked: Sequence[str], known: dict[str, tuple[Record, ...]]) -> ApiResult:
        """Records waiting for their pages; ids the API did not return go to their page alone
        (promotiongoodsinfo omits items that are not promoted, and delisted ones)."""
        result = ApiResult()
        for sku in asked:
            records = known.get(sku, ())
            if records and not self.complete_from_page:
                result.records.extend(records)
                continue
            result.records.extend(records)
            missing = PAGE_ONLY if records else ("everything",)
            if records and records[0].get("price") is None:
                missing = ("price", *missing)
            result.incomplete.append(PageTarget("jd", self.page_url(sku), sku, records, missing))
        return result

    def _with_setting(self, call: ApiCall, error: ApiError) -> ApiError:
        """The credential name of the error table → where a person sets it."""
        if error.setting is None:
            return error
        where = self.settings.setting(error.setting)
        if error.kind is ErrorKind.PERMISSION and call.operation == QUERY:
            where = (f"the app's approval for {QUERY} (or set [platforms.jd] options.goods_query "
                     f"= false); app key in {where}")
        return ApiError(error.kind, error.code, error.message, error.retry_after, where)


def sku_of(url: str) -> str:
    """``https://item.jd.com/100012043978.html`` → ``100012043978`` ("" when not a JD item URL)."""
    name = url.rstrip("/").rsplit("/", 1)[-1]
    return name.removesuffix(".html") if name.endswith(".html") and name[:-5].isdigit() else ""
