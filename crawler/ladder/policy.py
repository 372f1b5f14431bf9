"""How patient the ladder is: retries, backoff, quota waits, cross-check share, site backoff.

Pure numbers from ``[platforms.<name>]`` (``PlatformConfig``); no I/O.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from crawler.config import PlatformConfig


@dataclass(frozen=True)
class LadderPolicy:
    use_api: bool = True
    render: str = "auto"
    retries: int = 3
    """Retries of a call or page (server faults, quota answers, blocked pages)."""
    backoff_base: float = 0.5
    """Seconds before the first retry; doubled for each further one."""
    backoff_cap: float = 30.0
    max_quota_wait: float = 30.0
    cross_check_share: float = 0.0
    disagreement_confidence: float = 0.5
    """The confidence of a listing whose page disagrees with its API (alerts need 0.8)."""
    render_timeout: float = 15.0

    @classmethod
    def from_config(cls, config: PlatformConfig) -> LadderPolicy:
        return cls(use_api=config.use_api, render=config.render, retries=config.retries,
                   max_quota_wait=config.max_quota_wait,
                   cross_check_share=config.cross_check_share,
                   render_timeout=config.render_timeout)

    def backoff(self, attempt: int) -> float:
        """Seconds to wait before retry number ``attempt + 1``."""
        return min(self.backoff_cap, self.backoff_base * 2**attempt)

    def quota_wait(self, retry_after: float | None, attempt: int) -> float | None:
        """How long to wait on a quota answer before retrying; None = fall back instead."""
        if attempt >= self.retries:
            return None
        wait = retry_after if retry_after is not None else self.backoff(attempt)
        return wait if wait <= self.max_quota_wait else None

    def cross_checked(self, listing_id: str) -> bool:
        """Whether this listing is in the cross-checked share (stable across runs)."""
        if self.cross_check_share <= 0:
            return False
        return zlib.crc32(listing_id.encode("utf-8")) / 2**32 < self.cross_check_share


class SiteBackoff:
    """The page delay of one site: doubled on each blocked page, halved after calm pages."""

    def __init__(self, base: float = 0.0, first: float = 1.0, cap: float = 30.0,
                 calm_after: int = 20) -> None:
        self.base, self.first, self.cap, self.calm_after = base, first, cap, calm_after
        self.delay = base
        self._calm = 0

    def blocked(self) -> float:
        """The new delay after a blocked page."""
        self._calm = 0
        self.delay = min(self.cap, max(self.first, self.delay * 2))
        return self.delay

    def ok(self) -> float | None:
        """The new delay after a good page, or None when it did not change."""
        if self.delay <= self.base:
            return None
        self._calm += 1
        if self._calm < self.calm_after:
            return None
        self._calm = 0
        self.delay = max(self.base, self.delay / 2 if self.delay / 2 >= self.first else self.base)
        return self.delay
