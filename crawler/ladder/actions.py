"""What the router asks the spider to do next: send a call, fetch a page, emit, reject, back off."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crawler.items import Listing
from crawler.platforms.base import ApiCall, PageTarget


@dataclass(frozen=True)
class SendApi:
    """Send ``call`` (already signed) after ``delay`` seconds; ``attempt`` 0 is the first try."""

    call: ApiCall
    attempt: int = 0
    delay: float = 0.0


@dataclass(frozen=True)
class FetchPage:
    """Fetch ``target`` (in Chromium when ``render``) after ``delay`` seconds."""

    target: PageTarget
    render: bool = False
    attempt: int = 0
    delay: float = 0.0
    purpose: str = "page"
    """``page`` (no API), ``fallback`` (the API failed), ``complete`` (the API lacks fields),
    ``cross_check`` (compare with the API), ``follow`` (found on another page)."""


@dataclass(frozen=True)
class Emit:
    """Yield this listing to the item pipelines."""

    listing: Listing


@dataclass(frozen=True)
class Reject:
    """Store a refused answer in the rejects index (the pipelines never see it)."""

    reason: str
    detail: str
    fields: dict[str, Any] = field(default_factory=dict)
    """platform, url, listing_id, source, excerpt — what the rejects document shows."""


@dataclass(frozen=True)
class Backoff:
    """Set the delay of download slot ``slot`` to ``delay`` seconds (a blocked site)."""

    slot: str
    delay: float


Action = SendApi | FetchPage | Emit | Reject | Backoff
