"""WooCommerce Store API answers → ``ApiError`` kinds (platform-apis.md §6.4, §6.5).

Errors are WordPress ``WP_Error`` envelopes: ``{"code", "message", "data": {"status"}}``.

| code (status) | meaning | kind |
|---|---|---|
| ``woocommerce_rest_product_invalid_id`` (404) | the product/variation does not exist | NOT_FOUND |
| ``rest_no_route`` (404) | the Store API is not there (plugin off, route blocked) | AUTH |
| ``woocommerce_rest_*nonce*``, ``rest_forbidden`` (401/403) | refused | AUTH |
| ``rest_invalid_param``, ``rest_missing_callback_param`` (400) | our parameters | CLIENT |
| any (429, ``Retry-After``/``RateLimit-Retry-After``) | rate limited | QUOTA |
| any (5xx) | the shop's side | SERVER |
| 200 that is not the JSON the route documents | cut off, an HTML wall | MALFORMED |
"""

from __future__ import annotations

import json
from typing import Any

from crawler.platforms.base import Answer, ApiError, ErrorKind

SETTING = "[platforms.woocommerce] api_base (the shop's Store API is switched off or blocked)"
CODES: dict[str, ErrorKind] = {
    "woocommerce_rest_product_invalid_id": ErrorKind.NOT_FOUND,
    "woocommerce_rest_invalid_product_id": ErrorKind.NOT_FOUND,
    "rest_no_route": ErrorKind.AUTH,
    "rest_forbidden": ErrorKind.AUTH,
    "woocommerce_rest_missing_nonce": ErrorKind.AUTH,
    "woocommerce_rest_invalid_nonce": ErrorKind.AUTH,
    "rest_invalid_param": ErrorKind.CLIENT,
    "rest_missing_callback_param": ErrorKind.CLIENT,
}


def retry_after(answer: Answer) -> float | None:
    raw = answer.header("Retry-After") or answer.header("RateLimit-Retry-After")
    try:
        return max(0.0, float(raw)) if raw is not None else None
    except ValueError:
        return None


def envelope(answer: Answer) -> dict[str, Any]:
    try:
        data = json.loads(answer.body)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def status_error(answer: Answer) -> ApiError | None:
    """The error of a non-2xx answer (its WP_Error code decides), None for 2xx."""
    if 200 <= answer.status < 300:
        return None
    body = envelope(answer)
    code = str(body.get("code") or answer.status)
    message = str(body.get("message") or answer.text[:200])
    if answer.status == 429:
        return ApiError(ErrorKind.QUOTA, code, message, retry_after=retry_after(answer))
    if answer.status >= 500:
        return ApiError(ErrorKind.SERVER, code, message)
    kind = CODES.get(code)
    if kind is None:
        kind = {401: ErrorKind.AUTH, 403: ErrorKind.AUTH, 404: ErrorKind.NOT_FOUND}.get(
            answer.status, ErrorKind.CLIENT
        )
    setting = SETTING if kind is ErrorKind.AUTH else None
    return ApiError(kind, code, message, setting=setting)


def malformed(reason: str) -> ApiError:
    return ApiError(ErrorKind.MALFORMED, "malformed", reason)
