"""Saved cases of the stand-alone shops: tests/cases/{schema_org,shopify,woocommerce}/<case>/.

Layout (web-poet's names): ``<case>/inputs/request.json`` (what was asked: ``url``, ``item_id``,
``kind``, ``site``, ``known``; for API cases ``operation``, ``item_ids``, ``context``),
``inputs/HttpResponse-info.json`` (``url``, ``status``, ``headers``),
``inputs/HttpResponse-body.*``, ``output.json`` and ``meta.json`` (where the case came from: a
recording of the fixture marketplace with its seed/size/tick/faults, or a page made by hand).

``output.json`` says what a reader must find: ``records`` are rows in the *truth's* form
(normalized: minor units, ISO currency, five availability values, valid GTINs only) — for a
recording, the marketplace's truth rows of the item — plus flags (``needs_browser``,
``not_found``, ``blocked``, ``follow``, ``problems``, ``confidence_below``). A record is put
through the pipeline's own normalizer before it is compared, so a case checks the reader, not a
copy of the normalizer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from crawler.items import Listing
from crawler.ladder.listings import LISTING_FIELDS, PROVENANCE
from crawler.normalize.fx import RateTable
from crawler.normalize.listing import NormalizeContext, normalize_listing
from crawler.normalize.variants import normalize_variant_attributes
from crawler.platforms.base import Answer, ApiCall, PageTarget, Record

CASES = Path(__file__).resolve().parents[1] / "cases"
#: The fields a page case compares (every truth field a page can carry).
PAGE_FIELDS = (
    "item_id",
    "variant_id",
    "title",
    "brand",
    "model",
    "gtin",
    "seller_id",
    "seller_name",
    "currency",
    "price_minor",
    "list_price_minor",
    "promo_price_minor",
    "coupon_minor",
    "coupon_threshold_minor",
    "shipping_minor",
    "effective_price_minor",
    "availability",
    "stock_qty",
    "variant_attributes",
    "rating",
    "rating_scale",
    "review_count",
)
_CONTEXT = NormalizeContext("CNY", RateTable.load(None))


@dataclass(frozen=True)
class Case:
    platform: str
    name: str
    request: dict[str, Any]
    answer: Answer
    output: dict[str, Any]
    meta: dict[str, Any]

    def __str__(self) -> str:
        return self.name

    def target(self) -> PageTarget:
        r = self.request
        return PageTarget(
            platform=self.platform,
            url=r["url"],
            item_id=r.get("item_id", ""),
            known=tuple(r.get("known", ())),
            missing_fields=tuple(r.get("missing_fields", ())),
            kind=r.get("kind", "product"),
            site=r.get("site"),
        )

    def call(self) -> ApiCall:
        r = self.request
        return ApiCall(
            platform=self.platform,
            operation=r["operation"],
            method="GET",
            url=self.answer.url,
            item_ids=tuple(r.get("item_ids", ())),
            purpose=r.get("purpose", "detail"),
            context=r.get("context", {}),
        )


def load(platform: str, prefix: str = "") -> list[Case]:
    found = []
    for folder in sorted((CASES / platform).iterdir()):
        if not folder.is_dir() or not folder.name.startswith(prefix):
            continue
        inputs = folder / "inputs"
        info = _json(inputs / "HttpResponse-info.json")
        body = next(inputs.glob("HttpResponse-body.*")).read_bytes()
        found.append(
            Case(
                platform,
                folder.name,
                _json(inputs / "request.json"),
                Answer(info["url"], info["status"], info["headers"], body),
                _json(folder / "output.json"),
                _json(folder / "meta.json"),
            )
        )
    return found


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def normalized(record: Record, platform: str) -> dict[str, Any]:
    """The record as the pipeline stores it (the Listing after ``normalize_listing``)."""
    values = {k: v for k, v in record.items() if k in LISTING_FIELDS and k not in PROVENANCE}
    values.setdefault("item_id", "")
    values.setdefault("url", "")
    listing = Listing(listing_id="case", platform=platform, **values)
    normalize_listing(listing, _CONTEXT)
    out = {name: getattr(listing, name) for name in PAGE_FIELDS}
    out["availability"] = str(listing.availability)
    out["variant_attributes"] = normalize_variant_attributes(record.get("variant_attributes"))
    return out


def expected(row: dict[str, Any], field: str) -> Any:
    """The truth's value; variant attributes through the same normalizer (the truth writes
    ``1.7L`` where the normalizer writes ``1.7l``): the case checks what the reader found."""
    value = row.get(field)
    if field == "variant_attributes":
        return normalize_variant_attributes(value or {})
    if field == "availability" and value is None:
        return "unknown"
    return value


def key(row: dict[str, Any]) -> tuple[str, str | None]:
    variant = row.get("variant_id")
    return str(row.get("item_id")), None if variant in (None, "") else str(variant)


def as_json(value: Any) -> Any:
    """Records and results with Decimals as strings (for printing a case's current output)."""
    return json.loads(
        json.dumps(
            value,
            default=lambda v: (
                str(v)
                if isinstance(v, Decimal)
                else v.__dict__
                if hasattr(v, "__dict__")
                else str(v)
            ),
        )
    )
