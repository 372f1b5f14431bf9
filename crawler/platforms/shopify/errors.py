"""Shopify storefront answers → ``ApiError`` kinds (platform-apis.md §5.1, §5.2).

The storefront JSON has no error envelope of its own: the HTTP status is the code.

| status | meaning | kind |
|---|---|---|
| 429 (+ ``Retry-After`` seconds, ``{"errors": "Exceeded 2 calls per second …"}``) | leaky bucket | QUOTA |
| 404 on a product (``/products/<handle>.js``) | unknown/removed handle | NOT_FOUND |
| 404 / 401 / 403 on a store endpoint (``products.json``, ``search/suggest.json``) | storefront JSON switched off or closed by the shop | AUTH |
| 400 / 422 | our parameters (``limit``, ``resources[limit]``) | CLIENT |
| 5xx | Shopify's side | SERVER |
| 200 whose body is not the expected JSON | cut off, an HTML wall | MALFORMED |
"""  # noqa: E501 (a table)

from __future__ import annotations

from crawler.platforms.base import Answer, ApiError, ErrorKind

SETTING = "[platforms.shopify] options.stores (the storefront JSON of this store is closed)"


def retry_after(answer: Answer) -> float | None:
    """``Retry-After`` in seconds (Shopify writes ``2.0``); None when absent or unreadable."""
    raw = answer.header("Retry-After")
    try:
        return max(0.0, float(raw)) if raw is not None else None
    except ValueError:
        return None


def status_error(answer: Answer, *, product: bool) -> ApiError | None:
    """The error an HTTP status means (None for 2xx); ``product`` for per-handle endpoints."""
    status = answer.status
    if 200 <= status < 300:
        return None
    message = answer.text[:200]
    if status == 429:
        return ApiError(ErrorKind.QUOTA, "429", message, retry_after=retry_after(answer))
    if status == 404 and product:
        return ApiError(ErrorKind.NOT_FOUND, "404", message)
    if status in (401, 403, 404):
        return ApiError(ErrorKind.AUTH, str(status), message, setting=SETTING)
    if status in (400, 422):
        return ApiError(ErrorKind.CLIENT, str(status), message)
    if status >= 500:
        return ApiError(ErrorKind.SERVER, str(status), message)
    return ApiError(ErrorKind.MALFORMED, str(status), f"unexpected HTTP {status}: {message}")


def malformed(reason: str) -> ApiError:
    return ApiError(ErrorKind.MALFORMED, "malformed", reason)
