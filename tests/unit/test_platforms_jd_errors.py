"""JD error codes → ``ErrorKind``: the documented table (platform-apis.md §2.6, fixtures/README.md
"Errors and quotas"), then the recorded error answers of the fixture marketplace
(tests/cases/jd/api-error-*) read end to end, and envelope variants made by hand."""

from __future__ import annotations

import json

import pytest
from pydantic import SecretStr

from crawler.platforms.base import Answer, ApiCall, ErrorKind, PlatformSettings
from crawler.platforms.jd.api import PROMOTION, QUERY, JdClient
from crawler.platforms.jd.errors import BUSINESS, GATEWAY, business_error, gateway_error
from crawler.platforms.jd.reader import query_result
from tests.support.page_cases import Case, load

#: (code, kind) from the documented gateway table.
GATEWAY_DOCUMENTED = [
    ("2", ErrorKind.QUOTA), ("4", ErrorKind.CLIENT), ("5", ErrorKind.CLIENT),
    ("7", ErrorKind.CLIENT), ("8", ErrorKind.CLIENT), ("11", ErrorKind.AUTH),
    ("12", ErrorKind.AUTH), ("14", ErrorKind.CLIENT), ("15", ErrorKind.CLIENT),
    ("19", ErrorKind.AUTH),
]
#: Codes the fixture marketplace uses where the doc is unconfirmed [U].
GATEWAY_FIXTURE = [("1", ErrorKind.SERVER), ("16", ErrorKind.AUTH), ("17", ErrorKind.AUTH)]
BUSINESS_CODES = [(400, ErrorKind.CLIENT), (403, ErrorKind.PERMISSION), (411, ErrorKind.CLIENT),
                  (500, ErrorKind.SERVER), (503, ErrorKind.SERVER), (499, ErrorKind.CLIENT)]
ERROR_CASES = load("jd", "api-error-")
SETTINGS = PlatformSettings("jd", "http://a/jd", "http://a/jd",
                            {"app_key": SecretStr("key-7f3a"),
                             "app_secret": SecretStr("secret-9c2e")},
                            {"app_key": "JD_APP_KEY", "app_secret": "JD_APP_SECRET"})


@pytest.mark.parametrize(("code", "kind"), GATEWAY_DOCUMENTED + GATEWAY_FIXTURE)
def test_gateway_code(code: str, kind: ErrorKind) -> None:
    assert gateway_error(code, "x").kind is kind


def test_every_gateway_code_in_the_table_is_tested() -> None:
    assert set(GATEWAY) == {c for c, _ in GATEWAY_DOCUMENTED + GATEWAY_FIXTURE}
    assert set(BUSINESS) <= {c for c, _ in BUSINESS_CODES}


def test_unknown_gateway_code_is_our_mistake() -> None:
    assert gateway_error("9999", "?").kind is ErrorKind.CLIENT


@pytest.mark.parametrize(("code", "kind"), BUSINESS_CODES)
def test_business_code(code: int, kind: ErrorKind) -> None:
    assert business_error(code, "x").kind is kind


@pytest.mark.parametrize("case", ERROR_CASES, ids=str)
def test_recorded_error_answer(case: Case) -> None:
    error = JdClient(SETTINGS).read_api(case.call(), case.answer).error
    assert error is not None
    assert error.kind.value == case.output["error"]["kind"]
    if "code" in case.output["error"]:
        assert error.code == case.output["error"]["code"]


@pytest.mark.parametrize(("case", "env"), [("api-error-signature", "JD_APP_SECRET"),
                                           ("api-error-app-key", "JD_APP_KEY"),
                                           ("api-error-no-permission", "goods_query")])
def test_auth_errors_name_the_setting_to_check(case: str, env: str) -> None:
    found = next(c for c in ERROR_CASES if c.name == case)
    error = JdClient(SETTINGS).read_api(found.call(), found.answer).error
    assert error is not None and error.setting is not None and env in error.setting
    assert "secret-9c2e" not in repr(error) and "key-7f3a" not in repr(error)


def envelope(method: str, inner: object, spelling: str = "_responce") -> bytes:
    key = method.replace(".", "_") + spelling
    return json.dumps({key: {"code": "0", "queryResult": json.dumps(inner)}}).encode()


@pytest.mark.parametrize(("body", "status", "kind"), [
    (envelope(PROMOTION, {"code": 200, "data": []}, "_response"), 200, None),
    (envelope(PROMOTION, {"code": 403, "message": "无访问权限"}), 200, ErrorKind.PERMISSION),
    (b'{"jd_union_open_goods_promotiongoodsinfo_query_responce": {"code": "0"}}', 200,
     ErrorKind.MALFORMED),
    (json.dumps({"jd_union_open_goods_promotiongoodsinfo_query_responce":
                 {"code": "0", "queryResult": "{not json"}}).encode(), 200, ErrorKind.MALFORMED),
    (b"<html>502 Bad Gateway</html>", 502, ErrorKind.SERVER),
    (b"Too Many Requests", 429, ErrorKind.QUOTA),
    (b"[]", 200, ErrorKind.MALFORMED),
])
def test_envelope_variants(body: bytes, status: int, kind: ErrorKind | None) -> None:
    result = query_result(PROMOTION, Answer("http://a/jd/routerjson", status, {}, body))
    assert (result.kind if hasattr(result, "kind") else None) is kind


def test_data_that_is_not_a_list_is_malformed() -> None:
    call = ApiCall("jd", QUERY, "POST", "http://a/jd/routerjson", purpose="search",
                   context={"keyword": "x", "page": 1})
    answer = Answer(call.url, 200, {}, envelope(QUERY, {"code": 200, "data": {"a": 1}}))
    error = JdClient(SETTINGS).read_api(call, answer).error
    assert error is not None and error.kind is ErrorKind.MALFORMED
