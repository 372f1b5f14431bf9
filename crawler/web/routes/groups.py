"""``GET /groups/{id}`` (comparison) and ``/groups/{id}/history``."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException

from crawler.search.compare import compare_group
from crawler.search.history import group_history
from crawler.search.models import GroupComparison, History
from crawler.web.deps import ClientDep, Days, NamesDep, NowDep, PricingDep

router = APIRouter(prefix="/groups", tags=["groups"])


@router.get("/{group_id}", response_model=GroupComparison,
            responses={404: {"description": "No listing has this product group"}})
def comparison(group_id: str, client: ClientDep, names: NamesDep, pricing: PricingDep,
               now: NowDep) -> GroupComparison:
    """The group across platforms and sellers: cheapest, spread, our price index, MAP."""
    found = compare_group(client, names, group_id, pricing, now)
    if found is None:
        raise HTTPException(404, f"no product group {group_id!r}")
    return found


@router.get("/{group_id}/history", response_model=History,
            responses={404: {"description": "Nothing known about this group"}})
def history(group_id: str, client: ClientDep, names: NamesDep, pricing: PricingDep,
            now: NowDep, days: Days = 90) -> History:
    """One series per listing of the group, and the lows over 30/90/365 days."""
    found = group_history(client, names, group_id, days, now, pricing.base_currency)
    if found is None:
        raise HTTPException(404, f"no product group {group_id!r}")
    return found
