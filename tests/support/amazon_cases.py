"""Saved Amazon cases (``tests/cases/amazon/<case>/``): loading them, and recording them again.

Each case is a folder in web-poet's layout: ``inputs/`` (``answer.json`` = url, status, headers;
``body.html`` or ``body.json`` = the bytes as served; ``call.json`` for API answers = the call's
operation, stage, market, item ids and the records known before it), ``output.json`` (what the
reader must return) and ``meta.json`` (where the case came from). Pages are cases named
``page-*``, API answers ``api-*``.

Re-record (a fresh marketplace, seed 7, 400 items, on 127.0.0.1)::

    .venv/bin/python -m tests.support.amazon_cases

The expected outputs of recorded cases come from the marketplace's truth and the reference page
reader (tests/fixtures/marketplace_pages.py), never from the code under test; the base URL is
replaced by ``http://marketplace.test`` so the files do not change between recordings.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from crawler.platforms.base import Answer

CASES = Path(__file__).resolve().parents[1] / "cases" / "amazon"
BASE = "http://marketplace.test"
MONEY = ("price", "list_price", "coupon_amount", "shipping", "coupon_threshold")


@dataclass(frozen=True)
class Case:
    name: str
    answer: Answer
    call: dict[str, Any]
    output: dict[str, Any]
    meta: dict[str, Any]


def with_decimals(record: dict[str, Any]) -> dict[str, Any]:
    """Money fields of a saved record as Decimal (they are saved as strings)."""
    return {k: Decimal(v) if k in MONEY and v is not None else v for k, v in record.items()}


def load(name: str) -> Case:
    folder = CASES / name
    inputs = folder / "inputs"
    head = json.loads((inputs / "answer.json").read_text(encoding="utf-8"))
    body_file = next(inputs.glob("body.*"))
    call_file = inputs / "call.json"
    return Case(
        name=name,
        answer=Answer(head["url"], head["status"], head["headers"], body_file.read_bytes()),
        call=json.loads(call_file.read_text(encoding="utf-8")) if call_file.exists() else {},
        output=json.loads((folder / "output.json").read_text(encoding="utf-8")),
        meta=json.loads((folder / "meta.json").read_text(encoding="utf-8")),
    )


def names(prefix: str) -> list[str]:
    return sorted(p.name for p in CASES.iterdir() if p.is_dir() and p.name.startswith(prefix))


if __name__ == "__main__":  # pragma: no cover - a maintenance tool
    from tests.support.amazon_recorder import record_all

    record_all()
