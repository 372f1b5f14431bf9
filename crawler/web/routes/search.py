"""``GET /search``: listings by words and filters, with facets."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from crawler.search.listings import search_listings
from crawler.search.models import SearchPage
from crawler.search.params import SearchParams
from crawler.web.deps import ClientDep, NamesDep, StateDep

router = APIRouter(tags=["search"])


@router.get("/search", response_model=SearchPage)
def search(params: Annotated[SearchParams, Query()], client: ClientDep, names: NamesDep,
           state: StateDep) -> SearchPage:
    """Search listings in Chinese or English; facets by platform, brand, seller, availability.

    ``limit``/``offset`` page through the results (``offset + limit`` ≤ 10000).
    """
    return search_listings(client, names, params, state.config.base_currency)
