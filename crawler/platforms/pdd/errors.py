# ruff: noqa: RUF001  (full-width forms are the data here)
"""PDD error answers → ``ErrorKind`` (platform-apis.md §3.5, fixtures/README.md "Errors").

PDD answers ``{"error_response": {"error_code": int, "error_msg", "sub_code": str, "sub_msg"}}``,
HTTP 200 (503 for its own outages). Code 10000 covers every parameter error, including an unknown
``client_id`` and a bad timestamp, so the parameter named in ``error_msg`` (``参数错误:client_id``)
decides between "our credentials" and "our request".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from crawler.platforms.base import Answer, ApiError, ErrorKind

#: Documented codes → (kind, credential a person should check for AUTH/PERMISSION).
CODE_KINDS: dict[int, tuple[ErrorKind, str | None]] = {
    10000: (ErrorKind.CLIENT, None),  # 参数错误: refined by the parameter below
    10019: (ErrorKind.AUTH, "access_token"),  # access_token已过期
    20004: (ErrorKind.AUTH, "client_secret"),  # 签名验证失败
    50001: (ErrorKind.SERVER, None),  # 业务服务错误
}
#: ``参数错误:<name>`` of code 10000 → the credential behind it.
PARAMETER_CREDENTIALS = {
    "client_id": "client_id",
    "sign": "client_secret",
    "access_token": "access_token",
    "pid": "pid",
    "timestamp": "clock",
}
_PARAMETER = re.compile(r"参数错误\s*[:：]\s*([A-Za-z_]+)")
_WAIT = re.compile(r"(\d+(?:\.\d+)?)\s*(?:秒|s\b|seconds)")


def wait_seconds(text: str | None) -> float | None:
    """``请10秒后重试`` → 10.0 (None when the text names no wait)."""
    match = _WAIT.search(text or "")
    return float(match.group(1)) if match else None


def classify(body: dict[str, Any], rate_limit_codes: Iterable[int] = (52101,)) -> ApiError:
    """The ``error_response`` object of a PDD answer → ``ApiError``."""
    try:
        code = int(body.get("error_code"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ApiError(ErrorKind.MALFORMED, "error_code", f"error_response without code: {body}")
    message = " ".join(str(body[k]) for k in ("error_msg", "sub_msg") if body.get(k))
    if code in tuple(rate_limit_codes):
        retry = wait_seconds(body.get("sub_msg")) or wait_seconds(body.get("error_msg"))
        return ApiError(ErrorKind.QUOTA, str(code), message, retry_after=retry)
    kind, credential = CODE_KINDS.get(code, (ErrorKind.CLIENT, None))
    if code == 10000:
        match = _PARAMETER.search(str(body.get("error_msg") or ""))
        credential = PARAMETER_CREDENTIALS.get(match.group(1)) if match else None
        kind = ErrorKind.AUTH if credential else ErrorKind.CLIENT
    elif code >= 50000:  # PDD's 5xxxx are its own service faults
        kind, credential = ErrorKind.SERVER, None
    return ApiError(kind, str(code), message, setting=credential)


def transport_error(answer: Answer) -> ApiError | None:
    """A non-200 answer without a PDD error envelope: judged by its HTTP status."""
    status = answer.status
    if status == 200:
        return None
    if status == 429:
        after = answer.header("Retry-After")
        seconds = float(after) if after and after.strip().isdigit() else None
        return ApiError(ErrorKind.QUOTA, "http:429", "HTTP 429", retry_after=seconds)
    if status >= 500:
        return ApiError(ErrorKind.SERVER, f"http:{status}", f"HTTP {status}")
    return ApiError(ErrorKind.CLIENT, f"http:{status}", f"HTTP {status}")
