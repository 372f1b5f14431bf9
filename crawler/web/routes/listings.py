"""``GET /listings/{id}`` and ``/listings/{id}/history``."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException

from crawler.search.history import listing_history
from crawler.search.listings import get_listing
from crawler.search.models import History, ListingDoc
from crawler.web.deps import ClientDep, Days, NamesDep, NowDep, PricingDep

router = APIRouter(prefix="/listings", tags=["listings"])


@router.get("/{listing_id}", response_model=ListingDoc,
            responses={404: {"description": "No such listing"}})
def listing(listing_id: str, client: ClientDep, names: NamesDep) -> ListingDoc:
    """The listing as stored (money in minor units of ``currency``)."""
    found = get_listing(client, names, listing_id)
    if found is None:
        raise HTTPException(404, f"no listing {listing_id!r}")
    return found


@router.get("/{listing_id}/history", response_model=History,
            responses={404: {"description": "Nothing known about this listing"}})
def history(listing_id: str, client: ClientDep, names: NamesDep, pricing: PricingDep,
            now: NowDep, days: Days = 90) -> History:
    """The listing's prices over ``days`` and its lows over 30/90/365 days."""
    found = listing_history(client, names, listing_id, days, now, pricing.base_currency)
    if found is None:
        raise HTTPException(404, f"no listing {listing_id!r}")
    return found
