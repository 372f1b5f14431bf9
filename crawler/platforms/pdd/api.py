"""Pinduoduo DDK: signing and request building (../shared/docs/platform-apis.md §3).

One gateway, ``POST {api_base}/api/router`` with every parameter in the form body:

- ``pdd.ddk.goods.detail``: one goods by ``goods_sign``;
- ``pdd.ddk.goods.search``: a batch by ``goods_sign_list`` (a JSON array), or keyword discovery
  (``keyword``, ``page``, ``page_size`` ≤ 100, ``list_id`` of the first page on later pages).

System parameters (§3.1): ``type``, ``client_id``, ``timestamp`` (Unix seconds),
``data_type=JSON``, ``version=V1``; ``sign`` = upper-hex md5(secret + ``k1v1k2v2…`` + secret).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlencode, urlparse

from pydantic import SecretStr

from crawler.platforms.base import ApiCall

PLATFORM = "pdd"
PRODUCTION_API = "https://gw-api.pinduoduo.com"
PRODUCTION_SITE = "https://mobile.yangkeduo.com"
ROUTER = "/api/router"
GOODS_PAGE = "/goods.html?goods_id="

DETAIL = "pdd.ddk.goods.detail"
SEARCH = "pdd.ddk.goods.search"
MAX_PAGE_SIZE = 100
"""§3.3: ``page_size`` 1-100 (also the most ``goods_sign_list`` ids asked in one call)."""
FORM_TYPE = "application/x-www-form-urlencoded;charset=utf-8"
SYSTEM_PARAMS = frozenset(
    ("type", "client_id", "timestamp", "data_type", "version", "sign", "pid", "access_token")
)


def goods_id_from_url(url: str) -> str | None:
    """``…/goods.html?goods_id=3000000012`` → ``3000000012``."""
    values = parse_qs(urlparse(url).query).get("goods_id", [])
    return values[0] if values and values[0].isdigit() else None


def base_string(params: Mapping[str, str]) -> str:
    """§3.1: every parameter but ``sign`` (empty ones dropped), ASCII-sorted, ``k1v1k2v2…``."""
    pairs = sorted((k, v) for k, v in params.items() if k and k != "sign" and v not in (None, ""))
    return "".join(f"{k}{v}" for k, v in pairs)


def sign(params: Mapping[str, str], client_secret: str) -> str:
    """§3.1: md5(client_secret + base string + client_secret), upper-case hex."""
    key = client_secret.encode("utf-8")
    return hashlib.md5(key + base_string(params).encode("utf-8") + key).hexdigest().upper()


@dataclass(frozen=True)
class PddSettings:
    """What the client needs from ``[platforms.pdd]`` and the environment."""

    client_id: str
    client_secret: SecretStr
    pid: str | None = None
    """The promotion slot (``pid``); sent when configured."""
    access_token: SecretStr | None = None
    api_base: str = PRODUCTION_API
    site_base: str = PRODUCTION_SITE
    batch_size: int = MAX_PAGE_SIZE
    """Ids per ``goods_sign_list`` call."""
    search_page_size: int = MAX_PAGE_SIZE
    max_search_pages: int = 50
    rate_limit_codes: tuple[int, ...] = (52101,)
    """§3.5: the throttling code is unconfirmed [U]; every code listed here means "quota"."""
    setting_names: Mapping[str, str] = field(default_factory=dict)
    """Credential name → what a person should check (env variable name) in error messages."""

    def __post_init__(self) -> None:
        for name in ("batch_size", "search_page_size"):
            if not 1 <= getattr(self, name) <= MAX_PAGE_SIZE:
                raise ValueError(f"platforms.pdd: {name} must be 1..{MAX_PAGE_SIZE}")

    def setting(self, credential: str) -> str:
        """The name a person should check for ``credential`` (never its value)."""
        if credential == "clock":
            return "the host clock (PDD timestamps are Unix seconds, within 10 minutes)"
        return self.setting_names.get(credential, f"platforms.pdd.credentials.{credential}")


class PddRequests:
    """Builds signed DDK calls; ``now`` is injectable so tests can pin the timestamp."""

    def __init__(
        self, settings: PddSettings, now: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self.settings = settings
        self.now = now

    def page_url(self, goods_id: str | int) -> str:
        return f"{self.settings.site_base.rstrip('/')}{GOODS_PAGE}{goods_id}"

    def call(
        self,
        operation: str,
        business: Mapping[str, str],
        *,
        item_ids: Iterable[str] = (),
        purpose: str = "detail",
        context: Mapping[str, Any] | None = None,
    ) -> ApiCall:
        s = self.settings
        params = {
            "type": operation,
            "client_id": s.client_id,
            "timestamp": str(int(self.now().timestamp())),
            "data_type": "JSON",
            "version": "V1",
            **({"pid": s.pid} if s.pid else {}),
            **({"access_token": s.access_token.get_secret_value()} if s.access_token else {}),
            **{k: v for k, v in business.items() if v not in (None, "")},
        }
        params["sign"] = sign(params, s.client_secret.get_secret_value())
        return ApiCall(
            platform=PLATFORM,
            operation=operation,
            method="POST",
            url=f"{s.api_base.rstrip('/')}{ROUTER}",
            body=urlencode(params).encode("utf-8"),
            headers={"Content-Type": FORM_TYPE},
            item_ids=tuple(item_ids),
            purpose=purpose,
            context=dict(context or {}),
        )

    def resign(self, call: ApiCall) -> ApiCall:
        """The same call with a fresh timestamp and signature."""
        sent = dict(parse_qsl((call.body or b"").decode("utf-8")))
        business = {k: v for k, v in sent.items() if k not in SYSTEM_PARAMS}
        return self.call(
            call.operation,
            business,
            item_ids=call.item_ids,
            purpose=call.purpose,
            context=call.context,
        )

    def detail_calls(self, goods_signs: Iterable[str]) -> list[ApiCall]:
        """One id: ``goods.detail``; more: ``goods.search`` by ``goods_sign_list`` in batches."""
        unique = list(dict.fromkeys(s.strip() for s in goods_signs if s.strip()))
        if len(unique) == 1:
            return [self.call(DETAIL, {"goods_sign": unique[0]}, item_ids=unique)]
        size = self.settings.batch_size
        return [self.batch_call(unique[n : n + size]) for n in range(0, len(unique), size)]

    def batch_call(self, signs: list[str]) -> ApiCall:
        business = {
            "goods_sign_list": json.dumps(signs, separators=(",", ":")),
            "page": "1",
            "page_size": str(len(signs)),
        }
        return self.call(SEARCH, business, item_ids=signs, context={"batch": True})

    def link_call(self, url: str) -> ApiCall | None:
        """A search by the goods link (§3.3 ``keyword``): how DDK finds a goods a URL names.
        ``item_ids`` holds the URL's goods_id, so a fallback can reach its page."""
        goods_id = goods_id_from_url(url)
        if goods_id is None:
            return None
        business = {"keyword": url, "page": "1", "page_size": "10"}
        context = {"link": url, "goods_id": goods_id}
        return self.call(SEARCH, business, item_ids=[goods_id], context=context)

    def search_call(self, keyword: str, page: int = 1, list_id: str | None = None) -> ApiCall:
        """One page of ``pdd.ddk.goods.search`` for ``keyword`` (``list_id`` from page 1)."""
        size = self.settings.search_page_size
        business = {
            "keyword": keyword,
            "page": str(page),
            "page_size": str(size),
            "list_id": list_id or "",
        }
        context = {"keyword": keyword, "page": page, "page_size": size, "list_id": list_id}
        return self.call(SEARCH, business, purpose="search", context=context)
