"""``/``: search with facets, the dashboard's front page."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from crawler.search.listings import search_listings
from crawler.search.params import SearchParams, Sort
from crawler.web.deps import ClientDep, NamesDep, StateDep
from crawler.web.views import page

router = APIRouter(include_in_schema=False)
LIST_PARAMS = ("platform", "brand", "seller", "availability")


def _raw(request: Request) -> dict[str, object]:
    """The query string as SearchParams input (lists for the facets, empty values dropped)."""
    query = request.query_params
    raw: dict[str, object] = {k: query.getlist(k) for k in LIST_PARAMS if query.getlist(k)}
    for key in ("q", "min_price", "max_price", "currency", "sort", "limit", "offset"):
        if query.get(key):
            raw[key] = query[key]
    if query.get("in_stock"):
        raw["in_stock"] = True
    return raw


def toggle_url(request: Request, name: str, value: str) -> str:
    """The URL with one facet value switched on or off (back to the first page)."""
    items = [(k, v) for k, v in request.query_params.multi_items() if k != "offset"]
    if (name, value) in items:
        items.remove((name, value))
    else:
        items.append((name, value))
    return "/?" + urlencode(items)


def offset_url(request: Request, offset: int) -> str:
    items = [(k, v) for k, v in request.query_params.multi_items() if k != "offset"]
    return "/?" + urlencode([*items, ("offset", str(offset))])


@router.get("/", response_class=HTMLResponse)
def search_page(request: Request, client: ClientDep, names: NamesDep, state: StateDep
                ) -> HTMLResponse:
    raw = _raw(request)
    try:
        params = SearchParams.model_validate(raw)
    except ValidationError as exc:
        errors = [f"{'.'.join(map(str, e['loc'])) or 'search'}: {e['msg']}" for e in exc.errors()]
        return page(request, "search.html", status_code=422, errors=errors, results=None,
                    params=None, raw=raw, sorts=list(Sort), toggle_url=toggle_url,
                    offset_url=offset_url, chosen={})
    results = search_listings(client, names, params, state.config.base_currency)
    chosen = {k: set(request.query_params.getlist(k)) for k in LIST_PARAMS}
    return page(request, "search.html", errors=[], results=results, params=params, raw=raw,
                sorts=list(Sort), toggle_url=toggle_url, offset_url=offset_url, chosen=chosen)
