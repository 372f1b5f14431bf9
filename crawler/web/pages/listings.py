"""``/ui/listings/{id}``: one listing, its history chart and its lows."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from crawler.search.history import listing_history
from crawler.search.listings import get_listing
from crawler.web.chart import build_chart
from crawler.web.deps import ClientDep, NamesDep, NowDep, PricingDep
from crawler.web.views import page

router = APIRouter(prefix="/ui/listings", include_in_schema=False)


@router.get("/{listing_id}", response_class=HTMLResponse)
def listing_page(request: Request, listing_id: str, client: ClientDep, names: NamesDep,
                 pricing: PricingDep, now: NowDep,
                 days: Annotated[int, Query(ge=1, le=3650)] = 90) -> HTMLResponse:
    listing = get_listing(client, names, listing_id)
    if listing is None:
        return page(request, "missing.html", status_code=404, what="listing", key=listing_id)
    history = listing_history(client, names, listing_id, days, now, pricing.base_currency)
    return page(request, "listing.html", listing=listing, history=history, days=days,
                day_choices=(7, 30, 90, 365), chart=build_chart(history) if history else None)
