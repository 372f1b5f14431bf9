"""Taobao Open Platform (TOP): signing and request building (../shared/docs/platform-apis.md §1).

Three operations, all through one gateway (``POST {api_base}/router/rest``):

- ``taobao.tbk.item.info.get``: item-level facts (title, seller, lowest current price, coupon,
  free shipping, sales) for at most 40 ids per call;
- ``taobao.item.get`` (needs ``session``): one item's SKUs with their regular price, stock,
  barcode and properties, and the item's brand/model (``props_name``);
- ``taobao.tbk.dg.material.optional``: keyword search (``q``, ``page_no``, ``page_size`` ≤ 100).

System parameters travel in the query string and business parameters in the form body, as the
official SDK sends them; the signature covers both (§1.3).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlencode, urlparse

from pydantic import SecretStr

from crawler.platforms.base import ApiCall

PLATFORM = "taobao"
PRODUCTION_API = "https://eco.taobao.com"
PRODUCTION_SITE = "https://item.taobao.com"
ROUTER = "/router/rest"
ITEM_PAGE = "/item.htm?id="

TBK_DETAIL = "taobao.tbk.item.info.get"
ITEM_GET = "taobao.item.get"
SEARCH = "taobao.tbk.dg.material.optional"

TBK_MAX_IDS = 40
"""§1.4: ``num_iids`` takes at most 40 ids (more answer code 41)."""
SEARCH_MAX_PAGE_SIZE = 100
ITEM_FIELDS = (
    "num_iid,title,nick,price,num,sku,props_name,barcode,outer_id,"
    "express_fee,post_fee,approve_status,pic_url,detail_url"
)
"""What ``taobao.item.get`` must return: ``sku`` brings ``skus.sku[]`` (price, quantity, barcode,
``properties_name``); ``props_name`` brings brand and model."""

SIGN_METHODS = ("md5", "hmac", "hmac-sha256")
BEIJING = timezone(timedelta(hours=8))
FORM_TYPE = "application/x-www-form-urlencoded;charset=utf-8"


_NUM_IID = re.compile(r"^\d{5,20}$")


def item_id_from_url(url: str) -> str | None:
    """``…/item.htm?id=560000000000`` (also Tmall's ``detail.htm``) → ``560000000000``."""
    values = parse_qs(urlparse(url).query).get("id", [])
    return values[0] if values and _NUM_IID.match(values[0]) else None


def base_string(params: Mapping[str, str]) -> str:
    """§1.3 steps 1-4: drop ``sign`` and empty names/values, ASCII-sort, ``k1v1k2v2…``."""
    pairs = sorted((k, v) for k, v in params.items() if k and k != "sign" and v not in (None, ""))
    return "".join(f"{k}{v}" for k, v in pairs)


def sign(params: Mapping[str, str], secret: str, method: str = "md5") -> str:
    """§1.3 steps 5-6: md5(secret+text+secret), HMAC-MD5 or HMAC-SHA256; upper-case hex."""
    text, key = base_string(params).encode("utf-8"), secret.encode("utf-8")
    if method == "md5":
        return hashlib.md5(key + text + key).hexdigest().upper()
    if method == "hmac":
        return hmac.new(key, text, hashlib.md5).hexdigest().upper()
    if method == "hmac-sha256":
        return hmac.new(key, text, hashlib.sha256).hexdigest().upper()
    raise ValueError(f"unknown TOP sign_method {method!r}; use one of {', '.join(SIGN_METHODS)}")


def beijing_timestamp(moment: datetime) -> str:
    """A moment as TOP wants it: ``yyyy-MM-dd HH:mm:ss`` in GMT+8."""
    if moment.tzinfo is None:
        raise ValueError("TOP timestamps need an aware datetime (UTC)")
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")


@dataclass(frozen=True)
class TopSettings:
    """What the client needs from ``[platforms.taobao]`` and the environment."""

    app_key: str
    app_secret: SecretStr
    session: SecretStr | None = None
    """The seller's access token: without it ``taobao.item.get`` is skipped (SKUs from pages)."""
    adzone_id: str | None = None
    """The affiliate slot material.optional requires; without it keyword watches use no API."""
    api_base: str = PRODUCTION_API
    site_base: str = PRODUCTION_SITE
    sign_method: str = "md5"
    search_page_size: int = SEARCH_MAX_PAGE_SIZE
    max_search_pages: int = 50
    """Stop a keyword search after this many pages (a runaway query costs quota)."""
    complete_from_page: bool = True
    """Read every item's page for what TOP never says (the review count), not only for the SKU
    prices TOP cannot tell; False saves one page per item whose SKU prices TOP settles."""
    setting_names: Mapping[str, str] = field(default_factory=dict)
    """Credential name → what a person should check (env variable name) in error messages."""

    def __post_init__(self) -> None:
        if self.sign_method not in SIGN_METHODS:
            raise ValueError(
                f"platforms.taobao: sign_method {self.sign_method!r} is not one of "
                f"{', '.join(SIGN_METHODS)}"
            )
        if not 1 <= self.search_page_size <= SEARCH_MAX_PAGE_SIZE:
            raise ValueError(
                f"platforms.taobao: search_page_size must be 1..{SEARCH_MAX_PAGE_SIZE}"
            )

    def setting(self, credential: str) -> str:
        """The name a person should check for ``credential`` (never its value)."""
        if credential == "clock":
            return "the host clock (TOP timestamps must be within 10 minutes of Beijing time)"
        return self.setting_names.get(credential, f"platforms.taobao.credentials.{credential}")


class TopRequests:
    """Builds signed TOP calls; ``now`` is injectable so tests can pin the timestamp."""

    def __init__(
        self, settings: TopSettings, now: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self.settings = settings
        self.now = now

    def page_url(self, item_id: str) -> str:
        return f"{self.settings.site_base.rstrip('/')}{ITEM_PAGE}{item_id}"

    def system_params(self, method: str, *, session: bool = False) -> dict[str, str]:
        s = self.settings
        params = {
            "method": method,
            "app_key": s.app_key,
            "timestamp": beijing_timestamp(self.now()),
            "format": "json",
            "v": "2.0",
            "sign_method": s.sign_method,
        }
        if session and s.session is not None:
            params["session"] = s.session.get_secret_value()
        return params

    def call(
        self,
        method: str,
        business: Mapping[str, str],
        *,
        item_ids: Iterable[str] = (),
        purpose: str = "detail",
        session: bool = False,
        context: Mapping[str, Any] | None = None,
    ) -> ApiCall:
        """One signed POST: system params in the query, business params in the form body."""
        system = self.system_params(method, session=session)
        business = {k: v for k, v in business.items() if v not in (None, "")}
        system["sign"] = sign(
            {**system, **business},
            self.settings.app_secret.get_secret_value(),
            system["sign_method"],
        )
        url = f"{self.settings.api_base.rstrip('/')}{ROUTER}?{urlencode(system)}"
        return ApiCall(
            platform=PLATFORM,
            operation=method,
            method="POST",
            url=url,
            body=urlencode(business).encode("utf-8"),
            headers={"Content-Type": FORM_TYPE},
            item_ids=tuple(item_ids),
            purpose=purpose,
            context=dict(context or {}),
        )

    def resign(self, call: ApiCall) -> ApiCall:
        """The same call with a fresh timestamp and signature (TOP allows ±10 minutes of skew)."""
        query = dict(parse_qsl(urlparse(call.url).query))
        business = dict(parse_qsl((call.body or b"").decode("utf-8")))
        return self.call(
            call.operation,
            business,
            item_ids=call.item_ids,
            purpose=call.purpose,
            session="session" in query,
            context=call.context,
        )

    def detail_calls(self, item_ids: Iterable[str]) -> list[ApiCall]:
        """``taobao.tbk.item.info.get`` in batches of 40 ids (duplicates asked once)."""
        unique = list(dict.fromkeys(i.strip() for i in item_ids if i.strip()))
        batches = [unique[n : n + TBK_MAX_IDS] for n in range(0, len(unique), TBK_MAX_IDS)]
        return [
            self.call(TBK_DETAIL, {"num_iids": ",".join(batch)}, item_ids=batch)
            for batch in batches
        ]

    def item_call(self, num_iid: str, tbk_record: Mapping[str, Any]) -> ApiCall:
        """``taobao.item.get`` for one item; the TBK record rides along to be merged with it."""
        return self.call(
            ITEM_GET,
            {"num_iid": num_iid, "fields": ITEM_FIELDS},
            item_ids=(num_iid,),
            session=True,
            context={"tbk": dict(tbk_record)},
        )

    def search_call(self, keyword: str, page_no: int = 1) -> ApiCall:
        """One page of ``taobao.tbk.dg.material.optional`` for ``keyword``."""
        size = self.settings.search_page_size
        business = {
            "q": keyword,
            "adzone_id": self.settings.adzone_id or "",
            "page_no": str(page_no),
            "page_size": str(size),
        }
        return self.call(
            SEARCH,
            business,
            purpose="search",
            context={"keyword": keyword, "page_no": page_no, "page_size": size},
        )
