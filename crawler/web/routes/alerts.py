"""``GET /alerts``: what fired, newest first."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter

from crawler.search.activity import recent_alerts
from crawler.search.models import AlertItem, Page
from crawler.web.deps import ClientDep, Limit, NamesDep, Offset

router = APIRouter(tags=["alerts"])


@router.get("/alerts", response_model=Page[AlertItem])
def alerts(client: ClientDep, names: NamesDep, offset: Offset = 0, limit: Limit = 50,
           group: str | None = None, listing: str | None = None,
           since: datetime | None = None) -> Page[AlertItem]:
    """Fired alerts, optionally for one product group or listing, or since a moment (ISO 8601)."""
    return recent_alerts(client, names, offset=offset, limit=limit, group_id=group,
                         listing_id=listing, since=since)
