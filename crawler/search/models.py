"""Typed results of the search layer (also the HTTP API's response models).

Money fields are integer minor units of the ``currency`` next to them; ratios are ``Decimal``
(serialized as strings in JSON, never floats).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class ListingHit(BaseModel):
    """One listing as a search result or a row of a list."""

    listing_id: str
    product_group_id: str | None = None
    platform: str
    seller_id: str | None = None
    seller_name: str | None = None
    title: str | None = None
    brand: str | None = None
    url: str | None = None
    currency: str | None = None
    price_minor: int | None = None
    effective_price_minor: int | None = None
    list_price_minor: int | None = None
    base_currency: str | None = None
    price_base_minor: int | None = None
    availability: str = "unknown"
    delisted: bool = False
    fetched_at: datetime | None = None
    score: float | None = None


class ListingDoc(ListingHit):
    """A listing with every stored field (the fields beyond ``ListingHit`` pass through)."""

    model_config = ConfigDict(extra="allow")


class FacetBucket(BaseModel):
    key: str
    label: str
    count: int


class SearchPage(BaseModel):
    query: str
    total: int
    offset: int
    limit: int
    hits: list[ListingHit]
    facets: dict[str, list[FacetBucket]]


class Basis(BaseModel):
    """Which price the comparison compares (see docs/search.md, "Which price compares")."""

    field: str
    """The listing/history field, e.g. ``effective_price_base_minor``."""
    kind: Literal["effective", "price"]
    currency: str
    base: bool
    """True when the field is converted to the base currency."""


class OfferRow(BaseModel):
    """One platform/seller offer of a product group."""

    listing_id: str
    platform: str
    seller_id: str | None = None
    seller_name: str | None = None
    title: str | None = None
    url: str | None = None
    is_ours: bool = False
    counted: bool = True
    """Takes part in cheapest/spread/index (not delisted, not out of stock, not price-suspect)."""
    currency: str | None = None
    price_minor: int | None = None
    effective_price_minor: int | None = None
    list_price_minor: int | None = None
    discount_minor: int | None = None
    discount: Decimal | None = None
    """(list - price) ÷ list."""
    availability: str = "unknown"
    last_seen: datetime | None = None
    compare_minor: int | None = None
    """The price in the comparison basis (``Basis``)."""
    change_24h_minor: int | None = None
    change_7d_minor: int | None = None
    sales_volume: int | None = None
    sales_volume_7d_ago: int | None = None
    map_breach: bool = False


class GroupComparison(BaseModel):
    """A product group across platforms and sellers, as of ``as_of``."""

    group_id: str
    title: str | None = None
    brand: str | None = None
    as_of: datetime
    basis: Basis | None
    """None when the group has no offer with a usable price."""
    offers: list[OfferRow]
    counted_offers: int
    cheapest_minor: int | None = None
    cheapest_listing_id: str | None = None
    highest_minor: int | None = None
    spread_minor: int | None = None
    cheapest_competitor_minor: int | None = None
    cheapest_competitor_listing_id: str | None = None
    our_price_minor: int | None = None
    our_listing_id: str | None = None
    price_index: Decimal | None = None
    """Our price ÷ the cheapest competitor's (1.05 = we are 5 % dearer)."""
    our_rank: int | None = None
    """1 + the number of counted competitor offers strictly cheaper than ours."""
    cheapest_24h_ago_minor: int | None = None
    change_24h_minor: int | None = None
    """Cheapest now - cheapest 24 h ago (counted offers, comparison basis)."""
    cheapest_7d_ago_minor: int | None = None
    change_7d_minor: int | None = None
    map_minor: int | None = None
    map_currency: str | None = None
    map_breaches: list[str] = Field(default_factory=list)
    """Listing ids advertised below MAP."""
    sales_volume_total: int | None = None
    sales_volume_7d_ago_total: int | None = None


class HistoryPoint(BaseModel):
    """The lowest values observed in one interval of a series."""

    t: datetime
    price_minor: int | None = None
    effective_price_minor: int | None = None
    list_price_minor: int | None = None
    observations: int


class HistorySeries(BaseModel):
    """One listing's points (one platform/seller)."""

    listing_id: str
    platform: str | None = None
    seller_id: str | None = None
    seller_name: str | None = None
    currency: str | None = None
    points: list[HistoryPoint]


class Low(BaseModel):
    days: int
    minor: int | None = None
    currency: str | None = None
    at: datetime | None = None
    listing_id: str | None = None


class History(BaseModel):
    subject: Literal["listing", "group"]
    id: str
    days: int
    interval: str
    """The width of one point, e.g. ``1d``, ``3h``."""
    as_of: datetime
    basis: Basis | None
    series: list[HistorySeries]
    lows: list[Low]
    """Lowest comparison price in the last 30, 90 and 365 days."""


class Page(BaseModel, Generic[T]):
    """A page of items with the total count, for offset pagination."""

    total: int
    offset: int
    limit: int
    items: list[T]


class AlertItem(BaseModel):
    model_config = ConfigDict(extra="allow")

    alert_id: str | None = None
    rule: str | None = None
    rule_type: str | None = None
    listing_id: str | None = None
    product_group_id: str | None = None
    platform: str | None = None
    seller_id: str | None = None
    title: str | None = None
    fired_at: datetime | None = None
    currency: str | None = None
    old_value: str | None = None
    new_value: str | None = None
    old_minor: int | None = None
    new_minor: int | None = None
    message: str | None = None
    status: str | None = None


class RunItem(BaseModel):
    model_config = ConfigDict(extra="allow")

    run_id: str
    job: str | None = None
    spiders: list[str] | str | None = None
    status: str | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    duration_seconds: float | None = None
    counts: dict[str, Any] = Field(default_factory=dict)
    fallbacks: int | None = None
    disagreements: int | None = None
    errors: list[str] | str | None = None
