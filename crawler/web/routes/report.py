"""``GET /report.csv`` and ``/report.json``: the comparison of every watched group."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from crawler.search.report import build_report, to_csv, to_json
from crawler.web.deps import ClientDep, NamesDep, NowDep, PricingDep

router = APIRouter(tags=["report"])


@router.get("/report.csv", response_class=Response,
            responses={200: {"content": {"text/csv": {}}, "description": "One row per group"}})
def report_csv(client: ClientDep, names: NamesDep, pricing: PricingDep, now: NowDep) -> Response:
    """One summary row per product group; money as decimal strings next to the currency."""
    body = to_csv(build_report(client, names, pricing, now))
    return Response(body, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": 'attachment; filename="pricewatch-report.csv"'})


@router.get("/report.json", response_class=Response,
            responses={200: {"content": {"application/json": {}}}})
def report_json(client: ClientDep, names: NamesDep, pricing: PricingDep, now: NowDep
                ) -> Response:
    """Every group's full comparison (offers included), money in minor units."""
    return Response(to_json(build_report(client, names, pricing, now)),
                    media_type="application/json")
