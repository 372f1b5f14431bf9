# ruff: noqa: RUF001  (full-width forms are the data here)
"""TOP error answers → ErrorKind (crawler/platforms/taobao/errors.py).

Where the rows come from:
- ``DOCUMENTED``: the platform code table of ../shared/docs/platform-apis.md §1.6 and its sub
  codes (rate limiting, permissions, ``isp.*``, item not found), messages as TOP writes them;
- ``FIXTURE``: the exact error bodies the fixture marketplace sends (fixtures/README.md, "Errors
  and quotas"), so the table and the marketplace agree;
- ``HTTP``: answers without a TOP envelope (a proxy's 429/502, an HTML error page).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from crawler.platforms.base import Answer, ErrorKind
from crawler.platforms.taobao.errors import ban_seconds, classify, transport_error


@dataclass(frozen=True)
class Row:
    body: dict[str, Any]
    kind: ErrorKind
    retry_after: float | None = None
    setting: str | None = None
    code: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def top(code: int, msg: str, sub_code: str | None = None, sub_msg: str | None = None) -> dict:
    body: dict[str, Any] = {"code": code, "msg": msg, "request_id": "109wcmcgllsj1"}
    if sub_code:
        body["sub_code"] = sub_code
    if sub_msg:
        body["sub_msg"] = sub_msg
    return body


DOCUMENTED = [
    Row(top(25, "Invalid signature"), ErrorKind.AUTH, setting="app_secret", code="25"),
    Row(top(24, "Missing Signature"), ErrorKind.AUTH, setting="app_secret"),
    Row(top(26, "Missing Session"), ErrorKind.AUTH, setting="session"),
    Row(top(27, "Invalid Session", "isv.session-expired"), ErrorKind.AUTH, setting="session"),
    Row(top(28, "Missing App Key"), ErrorKind.AUTH, setting="app_key"),
    Row(top(29, "Invalid App Key"), ErrorKind.AUTH, setting="app_key"),
    Row(top(30, "Missing Timestamp"), ErrorKind.AUTH, setting="clock"),
    Row(top(31, "Invalid Timestamp"), ErrorKind.AUTH, setting="clock"),
    Row(
        top(11, "Insufficient ISV Permissions", "isv.permission-api-package-limit"),
        ErrorKind.PERMISSION,
        setting="app_key",
    ),
    Row(
        top(11, "Insufficient ISV Permissions", "isv.permission-ip-whitelist-limit"),
        ErrorKind.PERMISSION,
        setting="app_key",
    ),
    Row(top(12, "Insufficient User Permissions"), ErrorKind.PERMISSION, setting="session"),
    Row(top(13, "Insufficient Partner Permissions"), ErrorKind.PERMISSION, setting="app_key"),
    Row(
        top(
            7,
            "App Call Limited",
            "accesscontrol.limited-by-app-access-count",
            "This ban will last for 41 more seconds",
        ),
        ErrorKind.QUOTA,
        retry_after=41.0,
        code="7:accesscontrol.limited-by-app-access-count",
    ),
    Row(
        top(
            7,
            "App Call Limited",
            "accesscontrol.limited-by-app-api-access-count",
            "This ban will last for 3600 more seconds",
        ),
        ErrorKind.QUOTA,
        retry_after=3600.0,
    ),
    Row(top(7, "App Call Limited"), ErrorKind.QUOTA, retry_after=None),
    Row(top(4, "User Call Limited"), ErrorKind.QUOTA),
    Row(top(8, "App Call Exceeds Limited Frequency"), ErrorKind.QUOTA),
    Row(top(10, "Service Currently Unavailable"), ErrorKind.SERVER),
    Row(top(15, "Remote Service Error", "isp.top-remote-connection-timeout"), ErrorKind.SERVER),
    Row(
        top(15, "Remote Service Error", "isv.item-get-service-error:ITEM_NOT_FOUND"),
        ErrorKind.NOT_FOUND,
        code="15:isv.item-get-service-error:ITEM_NOT_FOUND",
    ),
    Row(top(15, "Remote Service Error", "isv.item-is-delete:invalid-numIid"), ErrorKind.NOT_FOUND),
    Row(top(15, "Remote Service Error", "isv.invalid-parameter"), ErrorKind.CLIENT),
    Row(top(40, "Missing Required Arguments", "isv.missing-parameter"), ErrorKind.CLIENT),
    Row(top(41, "Invalid Arguments", "isv.invalid-parameter"), ErrorKind.CLIENT),
    Row(top(9, "Http Action Not Allowed"), ErrorKind.CLIENT),
    Row(top(22, "Invalid Method"), ErrorKind.CLIENT),
    Row(top(34, "Unsupported Version"), ErrorKind.CLIENT),
    Row(top(99, "Something new"), ErrorKind.CLIENT),
]

FIXTURE = [
    Row(
        top(29, "Invalid App Key", "isv.appkey-not-exists", "app_key 不存在或已被禁用"),
        ErrorKind.AUTH,
        setting="app_key",
        code="29:isv.appkey-not-exists",
    ),
    Row(
        top(
            11,
            "Insufficient ISV Permissions",
            "isv.permission-api-package-empty",
            "应用没有 taobao.item.get 的权限",
        ),
        ErrorKind.PERMISSION,
        setting="app_key",
    ),
    Row(
        top(
            10,
            "Service Currently Unavailable",
            "isp.remote-service-unavailable",
            "服务暂时不可用，请稍后重试",
        ),
        ErrorKind.SERVER,
    ),
    Row(
        top(
            7,
            "App Call Limited",
            "accesscontrol.limited-by-api-access-count",
            "This ban will last for 2 more seconds",
        ),
        ErrorKind.QUOTA,
        retry_after=2.0,
    ),
    Row(
        top(
            15,
            "Remote Service Error",
            "isv.item-is-delete:invalid-numIid",
            "商品 560000000001 已删除",
        ),
        ErrorKind.NOT_FOUND,
    ),
]


def row_id(row: Row) -> str:
    return f"{row.body.get('code')}:{row.body.get('sub_code', '')}"


@pytest.mark.parametrize("row", DOCUMENTED + FIXTURE, ids=row_id)
def test_error_kind(row: Row) -> None:
    error = classify(row.body)
    assert error.kind is row.kind
    assert error.retry_after == row.retry_after
    assert error.setting == row.setting
    if row.code is not None:
        assert error.code == row.code
    assert row.body["msg"] in error.message


def test_error_without_code_is_malformed() -> None:
    assert classify({"msg": "?"}).kind is ErrorKind.MALFORMED
    assert classify({"code": "x"}).kind is ErrorKind.MALFORMED


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("This ban will last for 41 more seconds", 41.0),
        ("this ban will last for 1.5 more seconds", 1.5),
        ("App Call Limited", None),
        (None, None),
    ],
)
def test_ban_seconds(text: str | None, seconds: float | None) -> None:
    assert ban_seconds(text) == seconds


HTTP = [
    (200, {}, None),
    (429, {"Retry-After": "7"}, (ErrorKind.QUOTA, 7.0)),
    (429, {}, (ErrorKind.QUOTA, None)),
    (502, {}, (ErrorKind.SERVER, None)),
    (504, {}, (ErrorKind.SERVER, None)),
    (403, {}, (ErrorKind.AUTH, None)),
    (404, {}, (ErrorKind.CLIENT, None)),
]


@pytest.mark.parametrize(("status", "headers", "expected"), HTTP, ids=[str(h[0]) for h in HTTP])
def test_transport_error(status: int, headers: dict, expected: tuple | None) -> None:
    error = transport_error(Answer("http://x/router/rest", status, headers, b"<html>"))
    if expected is None:
        assert error is None
    else:
        assert error is not None and (error.kind, error.retry_after) == expected
