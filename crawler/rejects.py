"""A refused item → the document stored in the ``rejects`` index (reason, field, who, raw excerpt).

Pure: the Scrapy extension (pipelines/rejects.py) only collects and writes these. The excerpt is
the item's fields as JSON, cut to ``EXCERPT_CHARS``: enough to see what the spider sent, never a
whole page. Items carry no secrets, and the excerpt is stored unindexed.
"""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

EXCERPT_CHARS = 2000


def reason_of(exception: BaseException) -> str:
    """The reject reason: the exception's ``reason``, else its class name in snake case."""
    reason = getattr(exception, "reason", None)
    if isinstance(reason, str) and reason:
        return reason
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(exception).__name__).lower()


def reject_document(item: Any, exception: BaseException, *, spider: str | None,
                    run_id: str | None, now: datetime | None = None) -> dict[str, Any]:
    """The ``rejects`` document for ``item`` dropped with ``exception``."""
    fields = item_fields(item)
    return {
        "@timestamp": (now or datetime.now(UTC)).isoformat(),
        "reason": reason_of(exception),
        "field": getattr(exception, "field", None),
        "detail": str(getattr(exception, "detail", None) or exception)[:1000],
        "spider": spider or _text(fields.get("spider")),
        "platform": _text(fields.get("platform")),
        "listing_id": _text(fields.get("listing_id")),
        "url": (_text(fields.get("url")) or "")[:2048] or None,
        "run_id": run_id or _text(fields.get("run_id")),
        "source": _text(fields.get("source")),
        "raw_excerpt": raw_excerpt(fields),
    }


def item_fields(item: Any) -> dict[str, Any]:
    """An item's fields as a dict, whatever it is (Listing, dict, anything else)."""
    if dataclasses.is_dataclass(item) and not isinstance(item, type):
        return {f.name: getattr(item, f.name, None) for f in dataclasses.fields(item)}
    if isinstance(item, dict):
        return {str(k): v for k, v in item.items()}
    return {"repr": repr(item)[:EXCERPT_CHARS]}


def raw_excerpt(fields: dict[str, Any]) -> str:
    """The non-empty fields as JSON, cut to ``EXCERPT_CHARS`` characters."""
    present = {k: v for k, v in fields.items() if v not in (None, "", [], {})}
    text = json.dumps(present, default=_jsonable, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal | datetime | date):
        return str(value) if isinstance(value, Decimal) else value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return repr(value)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, Enum):
        value = value.value
    return str(value)[:512]
