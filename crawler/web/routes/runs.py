"""``GET /runs`` (crawl runs) and ``/stale-listings`` (listings no run has refreshed)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from crawler.search.activity import recent_runs
from crawler.search.listings import stale_listings
from crawler.search.models import ListingHit, Page, RunItem
from crawler.web.deps import ClientDep, Limit, NamesDep, NowDep, Offset, StateDep

router = APIRouter(tags=["runs"])


@router.get("/runs", response_model=Page[RunItem])
def runs(client: ClientDep, names: NamesDep, offset: Offset = 0, limit: Limit = 50,
         status: Literal["ok", "failed", "running", "partial"] | None = None) -> Page[RunItem]:
    """Crawl runs, the latest first."""
    return recent_runs(client, names, offset=offset, limit=limit, status=status)


@router.get("/stale-listings", response_model=Page[ListingHit])
def stale(client: ClientDep, names: NamesDep, now: NowDep, state: StateDep, offset: Offset = 0,
          limit: Limit = 50,
          hours: Annotated[float | None, Query(gt=0, le=24 * 365)] = None) -> Page[ListingHit]:
    """Listings not fetched for ``hours`` (default ``[web] stale_after_hours``), stalest first."""
    older = timedelta(hours=hours or state.config.web.stale_after_hours)
    return stale_listings(client, names, now=now, older_than=older, offset=offset, limit=limit)
