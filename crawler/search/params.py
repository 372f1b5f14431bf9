"""What a person may ask the search for, validated once for the CLI and the HTTP API alike."""

from __future__ import annotations

import enum
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from crawler.items import Availability

#: Elasticsearch's default ``index.max_result_window``: from + size may not pass it.
MAX_WINDOW = 10_000

#: Availabilities a buyer can order now (``--in-stock``).
ORDERABLE = (Availability.IN_STOCK.value, Availability.LIMITED.value)


class Sort(enum.StrEnum):
    RELEVANCE = "relevance"
    PRICE = "price"
    PRICE_DESC = "-price"
    UPDATED = "updated"


class SearchParams(BaseModel):
    """A search: text, filters, sort and the page wanted."""

    model_config = ConfigDict(extra="forbid")

    q: str = Field(default="", max_length=200)
    """Words in Chinese or English; empty lists everything."""
    platform: list[str] = Field(default_factory=list)
    brand: list[str] = Field(default_factory=list)
    seller: list[str] = Field(default_factory=list)
    """Seller ids."""
    availability: list[Availability] = Field(default_factory=list)
    in_stock: bool = False
    """Only offers a buyer can order now (in_stock or limited)."""
    min_price: Decimal | None = Field(default=None, ge=0)
    max_price: Decimal | None = Field(default=None, ge=0)
    """Major units of ``currency``, or of the base currency when no currency is given."""
    currency: str | None = Field(default=None, pattern=r"^[A-Za-z]{3}$")
    sort: Sort = Sort.RELEVANCE
    limit: int = Field(default=20, ge=1, le=100)
    offset: int = Field(default=0, ge=0, le=MAX_WINDOW - 1)

    @field_validator("q")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()

    @field_validator("currency")
    @classmethod
    def _upper(cls, value: str | None) -> str | None:
        return value.upper() if value else None

    @model_validator(mode="after")
    def _consistent(self) -> SearchParams:
        if self.min_price is not None and self.max_price is not None \
                and self.min_price > self.max_price:
            raise ValueError(f"min_price {self.min_price} is above max_price {self.max_price}")
        if self.offset + self.limit > MAX_WINDOW:
            raise ValueError(f"offset + limit may not pass {MAX_WINDOW}; narrow the search instead")
        return self
