# ruff: noqa: RUF001  (full-width forms are the data here)
"""PDD error answers → ErrorKind (crawler/platforms/pdd/errors.py).

Where the rows come from: ``DOCUMENTED`` — ../shared/docs/platform-apis.md §3.5 (10000, 10019,
20004, the error shape); ``FIXTURE`` — the bodies the fixture marketplace sends (fixtures/README.md,
"Errors and quotas": unknown ``client_id`` and bad timestamp are 10000 with the parameter named,
52101 throttling [U], 50001 on 503).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from crawler.platforms.base import Answer, ErrorKind
from crawler.platforms.pdd.errors import classify, transport_error, wait_seconds


@dataclass(frozen=True)
class Row:
    body: dict[str, Any]
    kind: ErrorKind
    setting: str | None = None
    retry_after: float | None = None


def pdd(code: int, msg: str, sub_msg: str = "") -> dict[str, Any]:
    return {
        "error_code": code,
        "error_msg": msg,
        "sub_code": str(code),
        "sub_msg": sub_msg or msg,
        "request_id": "16278930378660952",
    }


DOCUMENTED = [
    Row(pdd(10000, "参数错误:p_id_name_list"), ErrorKind.CLIENT),
    Row(pdd(10019, "access_token已过期"), ErrorKind.AUTH, setting="access_token"),
    Row(pdd(20004, "签名验证失败"), ErrorKind.AUTH, setting="client_secret"),
]
FIXTURE = [
    Row(
        pdd(10000, "参数错误:client_id", "client_id 不存在或已停用"),
        ErrorKind.AUTH,
        setting="client_id",
    ),
    Row(
        pdd(10000, "参数错误:timestamp", "timestamp 须为秒级时间戳"),
        ErrorKind.AUTH,
        setting="clock",
    ),
    Row(pdd(10000, "参数错误:goods_sign", "goods_sign 不能为空"), ErrorKind.CLIENT),
    Row(pdd(10000, "参数错误:page_size", "page_size 须为 1-100 的整数"), ErrorKind.CLIENT),
    Row(
        pdd(52101, "当前接口您已被限流，请稍后重试", "请2秒后重试"),
        ErrorKind.QUOTA,
        retry_after=2.0,
    ),
    Row(pdd(52101, "当前接口您已被限流，请稍后重试"), ErrorKind.QUOTA),
    Row(pdd(50001, "业务服务错误", "服务暂时不可用"), ErrorKind.SERVER),
    Row(pdd(50002, "业务服务错误"), ErrorKind.SERVER),
    Row(pdd(60001, "unknown"), ErrorKind.SERVER),
    Row(pdd(20031, "用户没有授权"), ErrorKind.CLIENT),
]


@pytest.mark.parametrize(
    "row", DOCUMENTED + FIXTURE, ids=lambda r: f"{r.body['error_code']}:{r.body['error_msg']}"
)
def test_error_kind(row: Row) -> None:
    error = classify(row.body)
    assert (error.kind, error.setting, error.retry_after) == (
        row.kind,
        row.setting,
        row.retry_after,
    )
    assert error.code == str(row.body["error_code"])
    assert row.body["error_msg"] in error.message


def test_rate_limit_code_is_configurable() -> None:
    body = pdd(52103, "接口限流")
    assert classify(body).kind is ErrorKind.SERVER  # an unknown 5xxxx: PDD's side, retried
    assert classify(body, rate_limit_codes=(52101, 52103)).kind is ErrorKind.QUOTA


def test_error_without_code_is_malformed() -> None:
    assert classify({"error_msg": "?"}).kind is ErrorKind.MALFORMED


@pytest.mark.parametrize(
    ("text", "seconds"), [("请2秒后重试", 2.0), ("retry in 30 seconds", 30.0), ("稍后重试", None)]
)
def test_wait_seconds(text: str, seconds: float | None) -> None:
    assert wait_seconds(text) == seconds


@pytest.mark.parametrize(
    ("status", "kind"),
    [(429, ErrorKind.QUOTA), (503, ErrorKind.SERVER), (400, ErrorKind.CLIENT), (200, None)],
)
def test_transport_error(status: int, kind: ErrorKind | None) -> None:
    error = transport_error(Answer("http://x/api/router", status, {}, b"<html>"))
    assert (error.kind if error else None) is kind
