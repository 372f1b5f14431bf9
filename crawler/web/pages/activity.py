"""``/ui/alerts`` (what fired) and ``/ui/runs`` (crawl runs and stale listings)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from crawler.search.activity import recent_alerts, recent_runs
from crawler.search.listings import stale_listings
from crawler.web.deps import ClientDep, NamesDep, NowDep, StateDep
from crawler.web.views import page

router = APIRouter(prefix="/ui", include_in_schema=False)
Offset = Annotated[int, Query(ge=0, le=9_999)]


@router.get("/alerts", response_class=HTMLResponse)
def alerts_page(request: Request, client: ClientDep, names: NamesDep, offset: Offset = 0
                ) -> HTMLResponse:
    return page(request, "alerts.html", alerts=recent_alerts(client, names, offset=offset),
                offset=offset)


@router.get("/runs", response_class=HTMLResponse)
def runs_page(request: Request, client: ClientDep, names: NamesDep, now: NowDep,
              state: StateDep) -> HTMLResponse:
    hours = state.config.web.stale_after_hours
    stale = stale_listings(client, names, now=now, older_than=timedelta(hours=hours))
    return page(request, "runs.html", runs=recent_runs(client, names), stale=stale, hours=hours)
