"""``/ui/groups/{id}``: the comparison table and the price-history chart of one product group."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from crawler.search.activity import recent_alerts
from crawler.search.compare import compare_group
from crawler.search.history import group_history
from crawler.web.chart import build_chart
from crawler.web.deps import ClientDep, NamesDep, NowDep, PricingDep
from crawler.web.views import page

router = APIRouter(prefix="/ui/groups", include_in_schema=False)
DAY_CHOICES = (7, 30, 90, 365)


@router.get("/{group_id}", response_class=HTMLResponse)
def group_page(request: Request, group_id: str, client: ClientDep, names: NamesDep,
               pricing: PricingDep, now: NowDep,
               days: Annotated[int, Query(ge=1, le=3650)] = 90) -> HTMLResponse:
    comparison = compare_group(client, names, group_id, pricing, now)
    if comparison is None:
        return page(request, "missing.html", status_code=404, what="product group", key=group_id)
    history = group_history(client, names, group_id, days, now, pricing.base_currency)
    alerts = recent_alerts(client, names, group_id=group_id, limit=10)
    return page(request, "group.html", c=comparison, history=history, days=days,
                day_choices=DAY_CHOICES, alerts=alerts,
                chart=build_chart(history) if history else None)
