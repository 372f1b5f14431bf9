"""Dependencies every route shares, as ``Annotated`` types: the client, names, settings, clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from elasticsearch import Elasticsearch
from fastapi import Depends, Query, Request

from crawler.config import Config
from crawler.index.names import IndexNames
from crawler.search.pricing import PricingSettings


@dataclass
class WebState:
    """Built once by ``create_app`` and kept on ``app.state.pricewatch``."""

    config: Config
    client: Elasticsearch
    names: IndexNames
    pricing: PricingSettings
    clock: Callable[[], datetime]


def get_state(request: Request) -> WebState:
    state: WebState = request.app.state.pricewatch
    return state


StateDep = Annotated[WebState, Depends(get_state)]


def get_client(state: StateDep) -> Elasticsearch:
    return state.client


def get_names(state: StateDep) -> IndexNames:
    return state.names


def get_pricing(state: StateDep) -> PricingSettings:
    return state.pricing


def get_now(state: StateDep) -> datetime:
    return state.clock()


ClientDep = Annotated[Elasticsearch, Depends(get_client)]
NamesDep = Annotated[IndexNames, Depends(get_names)]
PricingDep = Annotated[PricingSettings, Depends(get_pricing)]
NowDep = Annotated[datetime, Depends(get_now)]

Offset = Annotated[int, Query(ge=0, le=9_999, description="Items to skip (pagination).")]
Limit = Annotated[int, Query(ge=1, le=100, description="Items per page.")]
Days = Annotated[int, Query(ge=1, le=3650, description="Window of history, in days.")]
