"""Load saved cases (tests/cases/<platform>/<case>/) back as platform inputs, and compare records
with the truth rows a case expects.

A record holds extracted values (``Decimal`` major units, the site's colour names, a GTIN as
shown); the truth holds normalized ones (minor units, English colours, valid GTINs only).
``truth_value`` turns a record's field into the truth's form with the pipeline's own normalizers,
so a case checks the reader, not a copy of it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from crawler.normalize.gtin import normalize_gtin
from crawler.normalize.money import to_minor
from crawler.normalize.variants import normalize_variant_attributes
from crawler.platforms.base import Answer, ApiCall, PageTarget, Record

CASES = Path(__file__).resolve().parents[2] / "cases"

#: Record field → truth field, for money (the truth's currency is CNY for Taobao and PDD).
MONEY = {
    "price": "price_minor",
    "list_price": "list_price_minor",
    "coupon_amount": "coupon_minor",
    "coupon_threshold": "coupon_threshold_minor",
    "shipping": "shipping_minor",
}
TRUTH_TO_RECORD = {v: k for k, v in MONEY.items()}


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
            item_id=r["item_id"],
            known=tuple(r.get("known", ())),
            missing_fields=tuple(r.get("missing_fields", ())),
        )

    def call(self) -> ApiCall:
        r = self.request
        return ApiCall(
            platform=self.platform,
            operation=r["operation"],
            method="POST",
            url=self.answer.url,
            item_ids=tuple(r["item_ids"]),
            purpose=r["purpose"],
            context=r["context"],
        )


def load(platform: str, prefix: str = "") -> list[Case]:
    cases = []
    for folder in sorted((CASES / platform).iterdir()):
        if not folder.name.startswith(prefix):
            continue
        inputs = folder / "inputs"
        info = json.loads((inputs / "HttpResponse-info.json").read_text(encoding="utf-8"))
        body = next(inputs.glob("HttpResponse-body.*")).read_bytes()
        cases.append(
            Case(
                platform=platform,
                name=folder.name,
                request=json.loads((inputs / "request.json").read_text(encoding="utf-8")),
                answer=Answer(info["url"], info["status"], info["headers"], body),
                output=json.loads((folder / "output.json").read_text(encoding="utf-8")),
                meta=json.loads((folder / "meta.json").read_text(encoding="utf-8")),
            )
        )
    return cases


def truth_value(record: Record, truth_field: str) -> Any:
    """The record's value of ``truth_field`` in the truth's (normalized) form."""
    if truth_field in TRUTH_TO_RECORD:
        amount = record.get(TRUTH_TO_RECORD[truth_field])
        return None if amount is None else to_minor(Decimal(amount), "CNY")
    value = record.get(truth_field)
    if truth_field == "gtin":
        return normalize_gtin(value)[0]
    if truth_field == "variant_attributes":
        return normalize_variant_attributes(value)
    if truth_field == "availability":
        return None if value is None else str(value)
    return value


def expected_value(row: dict[str, Any], truth_field: str) -> Any:
    """The truth's value, put through the same normalizer where the truth and the pipeline write
    a value differently (the truth says ``1.5L``, the normalizer ``1.5l``): the case checks what
    the reader extracted, not how the normalizer spells it."""
    value = row[truth_field]
    if truth_field == "variant_attributes":
        return normalize_variant_attributes(value)
    return value


def by_key(records: list[Record]) -> dict[tuple[str, str | None], Record]:
    return {(str(r["item_id"]), r.get("variant_id")): r for r in records}
