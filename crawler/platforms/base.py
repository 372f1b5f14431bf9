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

What a platform package exports is described in docs/spiders.md ("Adding a platform"): a
``PLATFORM = PlatformSpec(...)`` in its ``__init__`` (``crawler/platforms/registry.py``), whose
factories build an ``ApiClient`` and a ``PageReader`` (the protocols below) from
``PlatformSettings`` (the resolved ``[platforms.<name>]`` section, secrets read from env).

Compatible additions since the first version of this contract (nothing was renamed or removed):
``Watch.site``; ``PageResult.follow``; ``PageTarget.kind`` and ``PageTarget.site``;
``PlatformSettings``, ``MissingCredential``, ``ApiClient``, ``PageReader`` and ``held_keys``;
``Paced`` (an optional ``ApiClient.delay``).
Rules the framework follows: a record that also appears in an ``ApiResult.incomplete`` target's
``known`` is emitted once, after its page completed it (page values never overwrite API values);
a call is re-signed with ``ApiClient.resign`` before every retry (timestamps expire).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from pydantic import SecretStr


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
    """A fault on the platform's side (5xx, isp.* sub codes) [retry with backoff, then fall
    back]."""
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
    site: str | None = None
    """Which of the platform's sites/stores/marketplaces (``amazon-jp``, ``shopify-us``, …) the
    ids belong to; None = the platform's default (or: the platform can tell from the id/URL)."""


@dataclass(frozen=True)
class ApiCall:
    """One HTTP request to an official API, fully built and signed (the spider only sends it)."""

    platform: str
    operation: str
    """e.g. ``jd.union.open.goods.promotiongoodsinfo.query``, ``getItemOffersBatch``."""
    method: str
    url: str
    # Bodies and headers carry secrets (LWA client secret, access tokens): never in a repr/log.
    body: bytes | None = field(default=None, repr=False)
    headers: Mapping[str, str] = field(default_factory=dict, repr=False)
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
    body: bytes = field(repr=False)
    """May hold an access token (LWA answers): kept out of the repr."""

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
    kind: str = "product"
    """``product`` (a listing page), or a page that only leads to products: ``search``,
    ``sitemap``, ``category`` (its ``PageResult.follow`` lists the product pages found)."""
    site: str | None = None
    """The site/store of the page when the platform has several (see ``Watch.site``)."""


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
    follow: list[PageTarget] = field(default_factory=list)
    """Further pages found on this one (search results, sitemap entries, next result page)."""


@dataclass(frozen=True)
class PlatformSettings:
    """One platform's resolved settings: ``[platforms.<name>]`` with defaults and secrets from env.

    Built by the framework (``crawler/ladder/setup.py``); a platform's factories read only this.
    """

    name: str
    api_base: str | None
    """The API's base URL (the platform's production default unless configured)."""
    site_base: str | None
    """The product pages' base URL (production default unless configured)."""
    credentials: Mapping[str, SecretStr] = field(default_factory=dict)
    """Credential name → value, for every credential whose env variable is set (non-empty)."""
    credential_envs: Mapping[str, str] = field(default_factory=dict)
    """Credential name → the env variable it is read from (for error messages, never values)."""
    options: Mapping[str, Any] = field(default_factory=dict)
    render: str = "auto"
    """``auto`` | ``always`` | ``never`` (see ``PlatformConfig.render``)."""

    def secret(self, name: str) -> str:
        """The credential's value, or ``MissingCredential`` naming its env variable."""
        value = self.credentials.get(name)
        if value is None or not value.get_secret_value():
            raise MissingCredential(self.name, name, self.setting(name))
        return value.get_secret_value()

    def setting(self, name: str) -> str:
        """Where a person sets credential ``name``: ``env JD_APP_KEY ([platforms.jd] …)``."""
        env = self.credential_envs.get(name, "?")
        return f"env {env} ([platforms.{self.name}] credentials.{name})"


class MissingCredential(Exception):
    """A credential the API needs is not set: the run goes to the pages (one clear error)."""

    def __init__(self, platform: str, name: str, setting: str) -> None:
        super().__init__(f"{platform}: credential {name!r} is not set ({setting})")
        self.platform, self.name, self.setting = platform, name, setting


class ApiClient(Protocol):
    """Builds, signs and reads one platform's official API calls (no I/O, no Scrapy)."""

    def calls_for(self, watch: Watch) -> Sequence[ApiCall]:
        """The first calls for a watch: batched id lookups, page 1 of each keyword search."""
        ...

    def read_api(self, call: ApiCall, answer: Answer) -> ApiResult:
        """What the answer says: records, not found ids, pages to complete, an error, follow-ups."""
        ...

    def resign(self, call: ApiCall) -> ApiCall:
        """The same call with a fresh timestamp/signature/token, for a retry."""
        ...


class Paced(Protocol):
    """Optional on an ``ApiClient``: a client that books its calls against per-operation usage
    plans (Amazon's token buckets) says how long the framework holds each new call back."""

    def delay(self, call: ApiCall) -> float:
        """Seconds to wait before sending ``call`` (books its slot; 0 when it may go now)."""
        ...


class PageReader(Protocol):
    """Reads one platform's pages (no I/O, no Scrapy)."""

    ready_selector: str
    """CSS a rendered page waits for (e.g. ``body[data-price-ready="1"], .price:not(:empty)``)."""

    def targets_for(self, watch: Watch) -> Sequence[PageTarget]:
        """The pages to read for a watch without the API: product pages of its ids and URLs,
        search pages of its keywords (when the site has them)."""
        ...

    def target_for(self, item_id: str, known: tuple[Record, ...] = (),
                   site: str | None = None) -> PageTarget:
        """The product page of one item (the API's fallback and completion)."""
        ...

    def read(self, target: PageTarget, answer: Answer) -> PageResult:
        """What the page says; blocked/not found/needs a browser are results, not exceptions."""
        ...


def held_keys(result: ApiResult) -> set[tuple[str, str | None]]:
    """``(item_id, variant_id)`` of the records waiting for their page (see module docstring)."""
    keys = set()
    for target in result.incomplete:
        for record in target.known:
            variant = record.get("variant_id")
            keys.add((str(record.get("item_id")), None if variant in (None, "") else str(variant)))
    return keys


def money(value: Any) -> Decimal | None:
    """An API number/string in major units as Decimal (floats go through ``str``, never binary)."""
    if value is None or value == "":
        return None
    if isinstance(value, float):
        value = repr(value)
    return Decimal(str(value))
