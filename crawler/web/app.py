"""The FastAPI application: JSON API, dashboard pages, vendored API docs, the token rule.

``create_app(config, client=None)`` checks the bind rule (``[web] host`` beyond loopback needs a
token), connects to Elasticsearch unless a client is given, and mounts one router per resource.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from elasticsearch import Elasticsearch
from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from crawler.config import Config
from crawler.index.client import ElasticsearchUnavailable, connect, index_names
from crawler.search.money import BadAmount
from crawler.search.pricing import PricingSettings
from crawler.web import pages, routes  # noqa: F401  (packages of the routers below)
from crawler.web.deps import WebState
from crawler.web.pages import activity as activity_pages
from crawler.web.pages import groups as group_pages
from crawler.web.pages import listings as listing_pages
from crawler.web.pages import login as login_pages
from crawler.web.pages import search as search_pages
from crawler.web.routes import alerts, groups, listings, report, runs, search
from crawler.web.security import auth_middleware, check_bind

STATIC = Path(__file__).parent / "static"
API_ROUTERS = (search.router, groups.router, listings.router, alerts.router, runs.router,
               report.router)
PAGE_ROUTERS = (search_pages.router, group_pages.router, listing_pages.router,
                activity_pages.router, login_pages.router)


def create_app(config: Config, client: Elasticsearch | None = None, *,
               clock: Callable[[], datetime] | None = None) -> FastAPI:
    """The app for ``config``; ``client`` defaults to a checked connection to its cluster."""
    check_bind(config.web.host, config.web.token)
    app = FastAPI(
        title="pricewatch", version="0.1.0", docs_url=None, redoc_url=None,
        description="Search the market, compare a product across platforms and sellers, read "
                    "its price history and what fired. Money is integer minor units of the "
                    "`currency` next to it.")
    app.state.pricewatch = WebState(
        config=config, client=client or connect(config), names=index_names(config),
        pricing=PricingSettings.from_config(config), clock=clock or (lambda: datetime.now(UTC)))
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in (*API_ROUTERS, *PAGE_ROUTERS):
        app.include_router(router)
    app.add_api_route("/docs", _docs, include_in_schema=False, response_class=HTMLResponse)
    app.add_exception_handler(BadAmount, _bad_amount)
    app.add_exception_handler(ElasticsearchUnavailable, _unavailable)
    app.middleware("http")(auth_middleware(config.web.token))
    return app


def _docs() -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url="/openapi.json", title="pricewatch API",
        swagger_js_url="/static/swagger-ui/swagger-ui-bundle.js",
        swagger_css_url="/static/swagger-ui/swagger-ui.css", swagger_favicon_url="/static/none")


async def _bad_amount(_request: Request, exc: Exception) -> JSONResponse:
    # e.g. min_price=0.001 with currency=CNY: valid as a number, not as an amount of CNY.
    return JSONResponse({"detail": str(exc)}, status_code=422)


async def _unavailable(_request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=503)
