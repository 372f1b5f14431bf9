"""SP-API and LWA error answers → kinds (crawler/platforms/amazon/errors.py).

Rows come from platform-apis.md §4.2/§4.6 (documented codes, ``details`` strings and statuses,
with the sources it names: models issues #943/#713, docs issue #76, shipping.json's 429 sandbox
case) and from the fixture marketplace's answers (fixtures/README.md, "Errors and quotas").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from crawler.platforms.amazon.errors import (
    EXPIRED_CODE,
    entry_error,
    lwa_error,
    sp_answer_error,
)
from crawler.platforms.base import Answer, ErrorKind


@dataclass(frozen=True)
class Row:
    status: int
    body: Any
    kind: ErrorKind
    code: str
    setting: str | None = None

    def answer(self) -> Answer:
        raw = self.body if isinstance(self.body, bytes) else json.dumps(self.body).encode()
        return Answer("https://sellingpartnerapi-na.amazon.com/x", self.status, {}, raw)


def unauthorized(details: str) -> dict[str, Any]:
    return {"errors": [{"code": "Unauthorized", "message": "Access to requested resource is "
                        "denied.", "details": details}]}


SP_API_DOCUMENTED = [
    Row(403, unauthorized("The access token you provided has expired."), ErrorKind.AUTH,
        EXPIRED_CODE),
    Row(403, unauthorized("The access token you provided is revoked, malformed or invalid."),
        ErrorKind.AUTH, "Unauthorized:revoked", "refresh_token"),
    Row(403, unauthorized("Access token is missing in the request header."), ErrorKind.AUTH,
        "Unauthorized:missing", "refresh_token"),
    Row(403, {"errors": [{"code": "MissingAuthenticationToken", "message": "Missing token"}]},
        ErrorKind.AUTH, "MissingAuthenticationToken:missing", "refresh_token"),
    Row(403, unauthorized(""), ErrorKind.PERMISSION, "Unauthorized:denied", "client_id"),
    Row(401, {"errors": [{"code": "Unauthorized", "message": "Access denied"}]},
        ErrorKind.PERMISSION, "Unauthorized:denied", "client_id"),
    Row(404, {"errors": [{"code": "NOT_FOUND", "message": "Requested item, B076VX8RC5, not found "
                          "in marketplace(s) ATVPDKIKX0DER."}]}, ErrorKind.NOT_FOUND, "NOT_FOUND"),
    Row(429, {"errors": [{"code": "QuotaExceeded", "message": "You exceeded your quota for the "
                          "requested resource.", "details": ""}]}, ErrorKind.QUOTA,
        "QuotaExceeded"),
    Row(400, {"errors": [{"code": "InvalidInput", "message": "Invalid Input"}]},
        ErrorKind.CLIENT, "InvalidInput"),
    Row(400, {"errors": [{"code": "400", "message": "Request has missing or invalid parameters "
                          "and cannot be parsed."}]}, ErrorKind.CLIENT, "400"),
    Row(413, {"errors": [{"code": "RequestEntityTooLarge", "message": "too large"}]},
        ErrorKind.CLIENT, "RequestEntityTooLarge"),
    Row(500, {"errors": [{"code": "InternalFailure", "message": "We encountered an internal "
                          "error."}]}, ErrorKind.SERVER, "InternalFailure"),
    Row(503, {"errors": [{"code": "ServiceUnavailable", "message": "Service temporarily "
                          "unavailable. Please try again later."}]}, ErrorKind.SERVER,
        "ServiceUnavailable"),
]
SP_API_BROKEN = [
    Row(504, b"", ErrorKind.SERVER, "504"),  # the fixture's timeout answer, an empty gateway page
    Row(503, b"<html>Service Unavailable</html>", ErrorKind.SERVER, "503"),
    Row(429, b"Too Many Requests", ErrorKind.QUOTA, "429"),
    Row(418, b"\x00\xff", ErrorKind.MALFORMED, "malformed"),
]


@pytest.mark.parametrize("row", SP_API_DOCUMENTED + SP_API_BROKEN,
                         ids=lambda r: f"{r.status}-{r.code}")
def test_sp_api_errors(row: Row) -> None:
    error = sp_answer_error(row.answer())
    assert error is not None
    assert (error.kind, error.code, error.setting) == (row.kind, row.code, row.setting)


def test_a_2xx_answer_is_no_error() -> None:
    assert sp_answer_error(Answer("u", 200, {}, b"{}")) is None


def test_messages_keep_the_documented_details() -> None:
    row = SP_API_DOCUMENTED[1]
    error = sp_answer_error(row.answer())
    assert error is not None
    assert "revoked, malformed or invalid" in error.message


def test_the_setting_is_named_through_the_namer() -> None:
    error = sp_answer_error(SP_API_DOCUMENTED[1].answer(), lambda key: f"<{key}>")
    assert error is not None and error.setting == "<refresh_token>"


BATCH_ENTRIES = [
    ({"status": {"statusCode": 200, "reasonPhrase": "OK"}, "body": {}}, None, None),
    ({"status": {"statusCode": 404, "reasonPhrase": "Not Found"},
      "body": {"errors": [{"code": "NOT_FOUND", "message": "not found"}]}},
     ErrorKind.NOT_FOUND, "NOT_FOUND"),
    ({"status": {"statusCode": 400, "reasonPhrase": "Client Error"},
      "body": {"asin": "11_AABB_123", "errors": [{"code": "INVALID_ASIN",
                                                  "message": "11_AABB_123 is not a valid ASIN"}]}},
     ErrorKind.CLIENT, "INVALID_ASIN"),
    ({"status": {"statusCode": 429}, "body": {"errors": [{"code": "QuotaExceeded",
                                                          "message": "quota"}]}},
     ErrorKind.QUOTA, "QuotaExceeded"),
    ({"status": {"statusCode": 503}, "body": None}, ErrorKind.SERVER, "503"),
    ({"body": {}}, ErrorKind.MALFORMED, "malformed"),
    ({"status": {"statusCode": "200"}}, ErrorKind.MALFORMED, "malformed"),
    ("not an entry", ErrorKind.MALFORMED, "malformed"),
]


@pytest.mark.parametrize(("entry", "kind", "code"), BATCH_ENTRIES,
                         ids=[str(i) for i in range(len(BATCH_ENTRIES))])
def test_batch_entries_are_checked_one_by_one(
    entry: Any, kind: ErrorKind | None, code: str | None
) -> None:
    error = entry_error(entry)
    assert (error.kind if error else None, error.code if error else None) == (kind, code)


LWA = [
    (400, {"error_description": "The request has an invalid grant parameter : refresh_token",
           "error": "invalid_grant"}, ErrorKind.AUTH, "invalid_grant", "refresh_token"),
    (401, {"error_description": "Client authentication failed", "error": "invalid_client"},
     ErrorKind.AUTH, "invalid_client", "client_id/client_secret"),
    (400, {"error": "unauthorized_client", "error_description": "Not authorized for requested "
           "operation"}, ErrorKind.AUTH, "unauthorized_client", "client_id"),
    (400, {"error": "access_denied"}, ErrorKind.PERMISSION, "access_denied", "refresh_token"),
    (400, {"error": "invalid_request", "error_description": "The request is missing a required "
           "parameter : refresh_token"}, ErrorKind.AUTH, "invalid_request", "refresh_token"),
    (400, {"error": "invalid_scope"}, ErrorKind.CLIENT, "invalid_scope", None),
    (500, {"error": "server_error"}, ErrorKind.SERVER, "500", None),
    (400, {"error": "temporarily_unavailable"}, ErrorKind.SERVER, "temporarily_unavailable", None),
    (429, b"", ErrorKind.QUOTA, "429", None),
    (400, b"<html>", ErrorKind.MALFORMED, "malformed", None),
    (400, {"message": "no error code"}, ErrorKind.MALFORMED, "malformed", None),
]


@pytest.mark.parametrize(("status", "body", "kind", "code", "setting"), LWA,
                         ids=[f"{r[0]}-{r[3]}" for r in LWA])
def test_lwa_errors(
    status: int, body: Any, kind: ErrorKind, code: str, setting: str | None
) -> None:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    error = lwa_error(Answer("https://api.amazon.com/auth/o2/token", status, {}, raw))
    assert (error.kind, error.code, error.setting) == (kind, code, setting)
