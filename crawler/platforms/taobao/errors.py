"""TOP error answers → ``ErrorKind`` (platform-apis.md §1.6, fixtures/README.md "Errors").

TOP answers HTTP 200 with ``{"error_response": {"code": int, "msg", "sub_code", "sub_msg"}}``
(503 for its own outages). The platform code decides the kind; the sub code refines code 15
("Remote Service Error": ``isv.*`` caller faults, ``isp.*`` server faults, item not found).
"""

from __future__ import annotations

import re
from typing import Any

from crawler.platforms.base import Answer, ApiError, ErrorKind

#: Platform code → (kind, credential a person should check for AUTH/PERMISSION).
CODE_KINDS: dict[int, tuple[ErrorKind, str | None]] = {
    4: (ErrorKind.QUOTA, None),  # User Call Limited
    5: (ErrorKind.QUOTA, None),  # Session Call Limited
    6: (ErrorKind.QUOTA, None),  # Partner Call Limited
    7: (ErrorKind.QUOTA, None),  # App Call Limited (frequency too)
    8: (ErrorKind.QUOTA, None),  # App Call Exceeds Limited Frequency
    9: (ErrorKind.CLIENT, None),  # Http Action Not Allowed
    10: (ErrorKind.SERVER, None),  # Service Currently Unavailable
    11: (ErrorKind.PERMISSION, "app_key"),  # Insufficient ISV Permissions (API package)
    12: (ErrorKind.PERMISSION, "session"),  # Insufficient User Permissions
    13: (ErrorKind.PERMISSION, "app_key"),  # Insufficient Partner Permissions
    15: (ErrorKind.CLIENT, None),  # Remote Service Error: refined by sub_code below
    21: (ErrorKind.CLIENT, None),  # Missing Method
    22: (ErrorKind.CLIENT, None),  # Invalid Method
    23: (ErrorKind.CLIENT, None),  # Invalid Format
    24: (ErrorKind.AUTH, "app_secret"),  # Missing Signature
    25: (ErrorKind.AUTH, "app_secret"),  # Invalid Signature
    26: (ErrorKind.AUTH, "session"),  # Missing Session
    27: (ErrorKind.AUTH, "session"),  # Invalid Session (expired)
    28: (ErrorKind.AUTH, "app_key"),  # Missing App Key
    29: (ErrorKind.AUTH, "app_key"),  # Invalid App Key (or the app is switched off)
    30: (ErrorKind.AUTH, "clock"),  # Missing Timestamp
    31: (ErrorKind.AUTH, "clock"),  # Invalid Timestamp: the host clock is > 10 min off
    32: (ErrorKind.CLIENT, None),  # Missing Version
    33: (ErrorKind.CLIENT, None),  # Invalid Version
    34: (ErrorKind.CLIENT, None),  # Unsupported Version
    40: (ErrorKind.CLIENT, None),  # Missing Required Arguments
    41: (ErrorKind.CLIENT, None),  # Invalid Arguments
    42: (ErrorKind.CLIENT, None),  # Forbidden Request
    43: (ErrorKind.CLIENT, None),  # Parameter Error
}

#: ``sub_code`` prefixes meaning the item is gone (``taobao.item.get``, §1.4).
NOT_FOUND_SUB_CODES = (
    "isv.item-get-service-error:ITEM_NOT_FOUND",
    "isv.item-is-delete:invalid-numIid",
)
_BAN = re.compile(r"ban will last for (\d+(?:\.\d+)?) more seconds", re.IGNORECASE)


def ban_seconds(text: str | None) -> float | None:
    """``This ban will last for 41 more seconds`` → 41.0 (None when the text has no number)."""
    match = _BAN.search(text or "")
    return float(match.group(1)) if match else None


def classify(body: dict[str, Any]) -> ApiError:
    """The ``error_response`` object of a TOP answer → ``ApiError``."""
    code_raw, sub_code = body.get("code"), str(body.get("sub_code") or "")
    message = " ".join(str(body.get(k)) for k in ("msg", "sub_code", "sub_msg") if body.get(k))
    try:
        code = int(code_raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ApiError(ErrorKind.MALFORMED, str(code_raw), f"error_response without code: {body}")
    kind, credential = CODE_KINDS.get(code, (ErrorKind.CLIENT, None))
    if sub_code.startswith(NOT_FOUND_SUB_CODES):
        kind, credential = ErrorKind.NOT_FOUND, None
    elif sub_code.startswith("isp."):
        kind, credential = ErrorKind.SERVER, None
    retry_after = ban_seconds(body.get("sub_msg")) if kind is ErrorKind.QUOTA else None
    return ApiError(
        kind=kind,
        code=f"{code}:{sub_code}" if sub_code else str(code),
        message=message,
        retry_after=retry_after,
        setting=credential,
    )


def transport_error(answer: Answer) -> ApiError | None:
    """A non-200 answer that carries no TOP error envelope: judged by its HTTP status."""
    status = answer.status
    if status == 200:
        return None
    if status == 429:
        after = answer.header("Retry-After")
        seconds = float(after) if after and after.strip().isdigit() else None
        return ApiError(ErrorKind.QUOTA, "http:429", "HTTP 429", retry_after=seconds)
    if status >= 500:
        return ApiError(ErrorKind.SERVER, f"http:{status}", f"HTTP {status}")
    if status in (401, 403):
        return ApiError(ErrorKind.AUTH, f"http:{status}", f"HTTP {status}", setting="app_key")
    return ApiError(ErrorKind.CLIENT, f"http:{status}", f"HTTP {status}")
