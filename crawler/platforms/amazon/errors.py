"""SP-API and LWA error answers → ``ErrorKind`` (platform-apis.md §4.2, §4.6), written as tables.

SP-API errors are ``{"errors": [{"code", "message", "details"?}]}``; the HTTP status and, for 403,
the ``details`` string decide the kind. Batch operations answer 200 overall and carry a status per
entry: ``entry_error`` reads one entry the same way. LWA answers OAuth errors
(``{"error", "error_description"}``) whose code names the credential at fault.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from crawler.platforms.base import Answer, ApiError, ErrorKind

TOKEN_EXPIRED = "The access token you provided has expired."
TOKEN_INVALID = "The access token you provided is revoked, malformed or invalid."
TOKEN_MISSING = "Access token is missing in the request header."
EXPIRED_CODE = "Unauthorized:expired"
"""``ApiError.code`` of an expired access token: the client refreshes it once and retries."""

#: 403 ``Unauthorized`` ``details`` → (kind, code suffix, credential a person should check).
UNAUTHORIZED_DETAILS: dict[str, tuple[ErrorKind, str, str | None]] = {
    TOKEN_EXPIRED: (ErrorKind.AUTH, "expired", None),
    TOKEN_INVALID: (ErrorKind.AUTH, "revoked", "refresh_token"),
    TOKEN_MISSING: (ErrorKind.AUTH, "missing", "refresh_token"),
    # No details: the token is fine but the app lacks the role (Pricing, Product Listing).
    "": (ErrorKind.PERMISSION, "denied", "client_id"),
}

#: HTTP status → kind, for answers whose body does not decide it.
STATUS_KINDS: dict[int, ErrorKind] = {
    400: ErrorKind.CLIENT,  # InvalidInput: marketplace of another region, batch size ≠ 1..20
    401: ErrorKind.AUTH,  # Pricing v0 documents 401 Unauthorized
    403: ErrorKind.AUTH,
    404: ErrorKind.NOT_FOUND,
    413: ErrorKind.CLIENT,
    415: ErrorKind.CLIENT,
    429: ErrorKind.QUOTA,
}

#: LWA ``error`` → (kind, credential(s) a person should check). From the SDK's
#: ``LwaExceptionErrorCode`` list (platform-apis.md §4.2).
LWA_ERRORS: dict[str, tuple[ErrorKind, str | None]] = {
    "invalid_grant": (ErrorKind.AUTH, "refresh_token"),
    "invalid_client": (ErrorKind.AUTH, "client_id/client_secret"),
    "unauthorized_client": (ErrorKind.AUTH, "client_id"),
    "access_denied": (ErrorKind.PERMISSION, "refresh_token"),
    "invalid_request": (ErrorKind.AUTH, "refresh_token"),  # a missing credential, in practice
    "invalid_scope": (ErrorKind.CLIENT, None),
    "server_error": (ErrorKind.SERVER, None),
    "temporarily_unavailable": (ErrorKind.SERVER, None),
}

Namer = Callable[[str], str]
"""Turns a credential key (``client_secret``) into what a person should check (config + env)."""


def _same(key: str) -> str:
    return key


def json_body(answer: Answer) -> Any:
    """The answer's JSON, or ``ValueError`` with a short reason (broken JSON is MALFORMED)."""
    try:
        return json.loads(answer.body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"HTTP {answer.status}: body is not JSON ({exc.msg})") from exc


def malformed(reason: str, code: str = "malformed") -> ApiError:
    return ApiError(ErrorKind.MALFORMED, code, reason)


def sp_error(status: int, body: Any, namer: Namer = _same) -> ApiError:
    """An SP-API error of HTTP ``status`` with the decoded ``body`` → ``ApiError``."""
    first = _first_error(body)
    code = str(first.get("code") or status)
    message = str(first.get("message") or "")
    details = first.get("details")
    if status >= 500:
        return ApiError(ErrorKind.SERVER, code, message or f"HTTP {status}")
    if status in (401, 403) or code in ("Unauthorized", "MissingAuthenticationToken"):
        return _unauthorized(code, message, details, namer)
    if code == "QuotaExceeded":
        return ApiError(ErrorKind.QUOTA, code, message)
    if code == "NOT_FOUND":
        return ApiError(ErrorKind.NOT_FOUND, code, message)
    kind = STATUS_KINDS.get(status, ErrorKind.CLIENT)
    return ApiError(kind, code, message or f"HTTP {status}")


def _first_error(body: Any) -> dict[str, Any]:
    errors = body.get("errors") if isinstance(body, dict) else None
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        return errors[0]
    return {}


def _unauthorized(code: str, message: str, details: Any, namer: Namer) -> ApiError:
    if code == "MissingAuthenticationToken":
        details = TOKEN_MISSING
    text = str(details or "")
    kind, suffix, credential = UNAUTHORIZED_DETAILS.get(text, (ErrorKind.AUTH, "denied", None))
    shown = f"{message} {text}".strip()
    return ApiError(
        kind, f"{code}:{suffix}", shown, setting=namer(credential) if credential else None
    )


def sp_answer_error(answer: Answer, namer: Namer = _same) -> ApiError | None:
    """The error a whole SP-API answer carries (None for a 2xx answer)."""
    if 200 <= answer.status < 300:
        return None
    try:
        body = json_body(answer)
    except ValueError:
        body = None
    if body is None and answer.status < 500 and answer.status not in STATUS_KINDS:
        return malformed(f"HTTP {answer.status} with an unreadable body")
    return sp_error(answer.status, body, namer)


def entry_error(entry: Any, namer: Namer = _same) -> ApiError | None:
    """The error of one batch entry (``{"status": {"statusCode"}, "body"}``), None when 2xx."""
    if not isinstance(entry, dict) or not isinstance(entry.get("status"), dict):
        return malformed("batch entry without status")
    status = entry["status"].get("statusCode")
    if not isinstance(status, int):
        return malformed("batch entry without statusCode")
    if 200 <= status < 300:
        return None
    return sp_error(status, entry.get("body"), namer)


def lwa_error(answer: Answer, namer: Namer = _same) -> ApiError:
    """An LWA token answer that is not a token → ``ApiError`` naming the credential at fault."""
    if answer.status == 429:
        return ApiError(ErrorKind.QUOTA, "429", "LWA throttled the token request")
    if answer.status >= 500:
        return ApiError(ErrorKind.SERVER, str(answer.status), f"LWA answered HTTP {answer.status}")
    try:
        body = json_body(answer)
    except ValueError as exc:
        return malformed(f"LWA: {exc}")
    error = str(body.get("error") or "") if isinstance(body, dict) else ""
    if not error:
        return malformed(f"LWA HTTP {answer.status} without an error code")
    kind, credential = LWA_ERRORS.get(error, (ErrorKind.AUTH, None))
    description = str(body.get("error_description") or "")
    return ApiError(
        kind,
        error,
        f"Login with Amazon refused the token request: {error} {description}".strip(),
        setting=namer(credential) if credential else None,
    )
