"""The contract between platform modules and the spider framework.

A platform package (``crawler/platforms/<platform>/``) knows one platform: how to build and sign
its API calls, how to read their answers, how to read its product pages. It never imports Scrapy
and never does I/O: it turns *data* into *data*, so every decision is testable on saved answers.

    api calls  = client.calls_for(watch)                  # batched ids, keyword searches
    result     = client.read_api(call, answer)            # → ApiResult
    result     = page_reader.read(target, answer)         # → PageResult

The spider framework (``spiders/_base.py``) sends the calls, routes the results (records become
Listings; errors go down the fallback ladder: API → page → rendered page), and records provenance
and stats. Money in records is ``Decimal`` in major units (never float) with ``currency`` (ISO) when
the source says it, else ``currency_raw`` + ``locale`` (the normalize stage resolves ``¥``).

Error handling is a table per platform (``errors.py``): every documented code maps to one
``ErrorKind``, and the framework acts on the kind (see ``ErrorKind``).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


class ErrorKind(enum.StrEnum):
    """What an API error means for the crawl; the framework's action in brackets."""

    AUTH = "auth"
    """Bad/missing credentials, signature, app key, expired token, API switched off
    [fall back to pages for the rest of the run; log ONE clear error naming platform + setting]."""
    PERMISSION = "permission"
    """The app lacks the API permission [as AUTH]."""
    QUOTA = "quota"
    """Rate limited [wait ``retry_after`` (Retry-After, x-amzn-RateLimit-Limit, TOP "ban will last
    N seconds"), then retry; fall back when the wait exceeds the configured bound]."""
    NOT_FOUND = "not_found"
    """The item does not exist any more [emit it as delisted]."""
    SERVER = "server"
    """A fault on the platform's side (5xx, isp.* sub codes) [retry with backoff, then fall back]."""
    MALFORMED = "malformed"
    """The answer cannot be read (broken JSON, missing envelope/fields) [reject with the reason,
    then fall back to the page]."""
    CLIENT = "client"
    """Our request is wrong (missing/invalid argument): a bug [log, fall back]."""


@dataclass(frozen=True)
class Watch:
    """One entry of the watchlist (``[[watch]]`` in pricewatch.toml)."""

    platform: str
    name: str = ""
    item_ids: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class ApiCall:
    """One HTTP request to an official API, fully built and signed (the spider only sends it)."""

    platform: str
    operation: str
    """e.g. ``jd.union.open.goods.promotiongoodsinfo.query``, ``getItemOffersBatch``."""
    method: str
    url: str
    body: bytes | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    item_ids: tuple[str, ...] = ()
    """The items this call asks about (so a missing one can be reported not found)."""
    purpose: str = "detail"
    """``detail`` (item lookup), ``search`` (keyword discovery), ``token`` (auth exchange), …"""
    context: Mapping[str, Any] = field(default_factory=dict)
    """Whatever the platform needs to read the answer or continue (page number, keyword, ...)."""


@dataclass(frozen=True)
class Answer:
    """An HTTP response as plain data (what a saved test case holds)."""

    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == lowered), None)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


@dataclass(frozen=True)
class ApiError:
    kind: ErrorKind
    code: str
    """The platform's own code, e.g. ``25``, ``isv.item-get-service-error:ITEM_NOT_FOUND``,
    ``QuotaExceeded``."""
    message: str
    retry_after: float | None = None
    """Seconds the platform asks us to wait (quota), when it says."""
    setting: str | None = None
    """For AUTH/PERMISSION: the config/env name a person should check (never its value)."""


Record = dict[str, Any]
"""Listing fields as extracted (names of ``crawler.items.Listing``), for one listing."""


@dataclass(frozen=True)
class PageTarget:
    """A product page to read, and what the API already knew about its listings."""

    platform: str
    url: str
    item_id: str
    known: tuple[Record, ...] = ()
    """Records the API produced for this item (possibly incomplete): the page completes them."""
    missing_fields: tuple[str, ...] = ()
    """Fields the API lacks for this platform (e.g. JD availability): why the page is needed."""
    render: bool = False
    """Known in advance to need a browser (configured per site)."""


@dataclass
class ApiResult:
    """What one API answer says."""

    records: list[Record] = field(default_factory=list)
    """One per listing found (``item_id``, ``variant_id`` and every field the API gives)."""
    not_found: list[str] = field(default_factory=list)
    """Item ids asked for that do not exist (delisted)."""
    incomplete: list[PageTarget] = field(default_factory=list)
    """Items whose records lack fields only the page has: fetch these pages to complete them."""
    error: ApiError | None = None
    """Set when the whole call failed (the records are then empty)."""
    follow_up: list[ApiCall] = field(default_factory=list)
    """Further calls: next search page, a second operation for missing fields, a token refresh."""


@dataclass
class PageResult:
    """What one product page says."""

    records: list[Record] = field(default_factory=list)
    blocked: str | None = None
    """Why the page is an anti-bot/CAPTCHA interstitial (never a listing without a price)."""
    needs_browser: bool = False
    """The static HTML carries no price but the page is a product page: render it."""
    not_found: bool = False
    """The page says the product is gone (404 / removed)."""
    problems: list[str] = field(default_factory=list)
    """What could not be read (e.g. ``price:unparseable 'call us'``): reasons for a reject."""
    confidence: float = 1.0
    """How sure the extraction is (lower when a field was guessed, e.g. price from visible text)."""


def money(value: Any) -> Decimal | None:
    """An API number/string in major units as Decimal (floats go through ``str``, never binary)."""
    if value is None or value == "":
        return None
    if isinstance(value, float):
        value = repr(value)
    return Decimal(str(value))
