"""TOP signing and request building (crawler/platforms/taobao/api.py).

Where the cases come from:
- ``DOC_VECTORS``: the test vectors printed in ../shared/docs/platform-apis.md §1.3 (secret
  ``helloworld``, the §1.3 example parameters);
- ``independent_sign``: the algorithm text of §1.3 written again here with hashlib/hmac, so the
  requests the client builds are checked against the documented algorithm, not against itself;
- request layout from §1.1 (system params in the query, business params in the form body) and
  §1.4 (at most 40 ``num_iids`` per call).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlsplit

import pytest
from pydantic import SecretStr

from crawler.platforms.taobao.api import (
    ITEM_GET,
    SEARCH,
    TBK_DETAIL,
    TopRequests,
    TopSettings,
    base_string,
    beijing_timestamp,
    item_id_from_url,
    sign,
)

DOC_PARAMS = {
    "app_key": "12345678",
    "format": "json",
    "method": "taobao.tbk.item.info.get",
    "num_iids": "123,456",
    "sign_method": "md5",
    "timestamp": "2024-01-01 12:00:00",
    "v": "2.0",
}
DOC_BASE = (
    "app_key12345678formatjsonmethodtaobao.tbk.item.info.getnum_iids123,456"
    "sign_methodmd5timestamp2024-01-01 12:00:00v2.0"
)


@dataclass(frozen=True)
class Vector:
    method: str
    expected: str


DOC_VECTORS = [
    Vector("md5", "6373F16B5F71E531091B3767746D8EAD"),
    Vector("hmac", "72F93DFB9EF7F00E47DFDCBA1F9D904B"),
    Vector("hmac-sha256", "00A1195D78E3259E179A2CEB6314AF37B94E5FCEFAB9FB528A4201F258CA56DB"),
]


def independent_sign(params: dict[str, str], secret: str, method: str) -> str:
    """§1.3 as written: drop sign and empty values, ASCII sort, k1v1…, digest, upper hex."""
    text = "".join(k + v for k, v in sorted(params.items()) if k != "sign" and v)
    key, data = secret.encode(), text.encode()
    if method == "md5":
        return hashlib.md5(key + data + key).hexdigest().upper()
    digest = {"hmac": hashlib.md5, "hmac-sha256": hashlib.sha256}[method]
    return hmac.new(key, data, digest).hexdigest().upper()


@pytest.mark.parametrize("vector", DOC_VECTORS, ids=lambda v: v.method)
def test_doc_vectors(vector: Vector) -> None:
    params = {**DOC_PARAMS, "sign_method": vector.method}
    assert sign(params, "helloworld", vector.method) == vector.expected


def test_doc_base_string() -> None:
    assert base_string(DOC_PARAMS) == DOC_BASE


def test_empty_values_and_sign_are_left_out() -> None:
    params = {"b": "2", "a": "1", "empty": "", "sign": "OLD"}
    assert base_string(params) == "a1b2"
    assert sign(params, "s") == independent_sign({"a": "1", "b": "2"}, "s", "md5")


def test_names_sort_in_ascii_order() -> None:
    params = {"foobar": "4", "foo_bar": "3", "foo": "2", "bar": "1", "Zed": "0"}
    assert base_string(params) == "Zed0bar1foo2foo_bar3foobar4"


def test_unknown_sign_method_is_refused() -> None:
    with pytest.raises(ValueError, match="sign_method"):
        sign(DOC_PARAMS, "s", "sha1")
    with pytest.raises(ValueError, match=r"platforms\.taobao: sign_method"):
        settings(sign_method="sha1")


def test_timestamps_are_beijing_time() -> None:
    assert beijing_timestamp(datetime(2024, 1, 1, 16, 30, 5, tzinfo=UTC)) == "2024-01-02 00:30:05"
    with pytest.raises(ValueError, match="aware"):
        beijing_timestamp(datetime(2024, 1, 1))


def settings(**kw: object) -> TopSettings:
    values: dict[str, object] = {
        "app_key": "24680135",
        "app_secret": SecretStr("topsecret"),
        "session": SecretStr("sessiontoken"),
        "adzone_id": "109876543210",
        "api_base": "http://127.0.0.1:9/taobao",
        "site_base": "http://127.0.0.1:9/taobao",
        **kw,
    }
    return TopSettings(**values)  # type: ignore[arg-type]


NOW = datetime(2024, 1, 1, 4, 0, 0, tzinfo=UTC)


def requests(**kw: object) -> TopRequests:
    return TopRequests(settings(**kw), now=lambda: NOW)


def sent(call: object) -> tuple[dict[str, str], dict[str, str]]:
    """(query params, form params) of a built call."""
    query = dict(parse_qsl(urlsplit(call.url).query))  # type: ignore[attr-defined]
    form = dict(parse_qsl(call.body.decode()))  # type: ignore[attr-defined]
    return query, form


@pytest.mark.parametrize("method", ["md5", "hmac", "hmac-sha256"])
def test_call_is_signed_over_query_and_body(method: str) -> None:
    call = requests(sign_method=method).detail_calls(["560000000001"])[0]
    query, form = sent(call)
    assert call.method == "POST"
    assert urlsplit(call.url).path == "/taobao/router/rest"
    assert call.headers["Content-Type"].startswith("application/x-www-form-urlencoded")
    assert query["sign"] == independent_sign({**query, **form}, "topsecret", method)
    assert query["sign_method"] == method


def test_system_params_in_query_business_params_in_body() -> None:
    call = requests().detail_calls(["560000000001", "560000000002"])[0]
    query, form = sent(call)
    assert set(query) == {"method", "app_key", "timestamp", "format", "v", "sign_method", "sign"}
    assert form == {"num_iids": "560000000001,560000000002"}
    assert query["timestamp"] == "2024-01-01 12:00:00"  # 04:00 UTC is noon in Beijing
    assert (query["method"], query["format"], query["v"]) == (TBK_DETAIL, "json", "2.0")


def test_secret_is_never_sent() -> None:
    call = requests().item_call("560000000001", {})
    assert "topsecret" not in call.url and b"topsecret" not in (call.body or b"")


def test_session_only_on_item_get() -> None:
    detail_query, _ = sent(requests().detail_calls(["1"])[0])
    item_query, item_form = sent(requests().item_call("560000000001", {"num_iid": 1}))
    assert "session" not in detail_query
    assert item_query["session"] == "sessiontoken" and item_query["method"] == ITEM_GET
    assert item_form["num_iid"] == "560000000001" and "sku" in item_form["fields"].split(",")


@pytest.mark.parametrize(
    ("count", "sizes"), [(1, [1]), (40, [40]), (41, [40, 1]), (85, [40, 40, 5])]
)
def test_detail_calls_take_at_most_40_ids(count: int, sizes: list[int]) -> None:
    ids = [str(560000000000 + n) for n in range(count)]
    calls = requests().detail_calls(ids)
    assert [len(c.item_ids) for c in calls] == sizes
    assert [i for c in calls for i in c.item_ids] == ids
    assert all(sent(c)[1]["num_iids"] == ",".join(c.item_ids) for c in calls)


def test_detail_calls_ask_each_id_once() -> None:
    calls = requests().detail_calls(["560000000001", " 560000000001", "", "560000000002"])
    assert calls[0].item_ids == ("560000000001", "560000000002")


def test_search_call() -> None:
    call = requests(search_page_size=20).search_call("手机", 3)
    _, form = sent(call)
    assert form == {"q": "手机", "adzone_id": "109876543210", "page_no": "3", "page_size": "20"}
    assert call.operation == SEARCH and call.purpose == "search"
    assert call.context == {"keyword": "手机", "page_no": 3, "page_size": 20}


def test_search_page_size_is_bounded() -> None:
    with pytest.raises(ValueError, match=r"search_page_size must be 1\.\.100"):
        settings(search_page_size=101)


def test_resign_gives_a_fresh_timestamp_and_signature() -> None:
    moments = iter([NOW, datetime(2024, 1, 1, 4, 5, 0, tzinfo=UTC)])
    top = TopRequests(settings(), now=lambda: next(moments))
    call = top.item_call("560000000001", {"num_iid": 1})
    again = top.resign(call)
    query, form = sent(again)
    assert query["timestamp"] == "2024-01-01 12:05:00"
    assert query["sign"] == independent_sign({**query, **form}, "topsecret", "md5")
    assert (again.item_ids, again.context, form) == (call.item_ids, call.context, sent(call)[1])
    assert query["session"] == "sessiontoken"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://item.taobao.com/item.htm?id=560000000001", "560000000001"),
        ("https://detail.tmall.com/item.htm?spm=a1z10&id=612345678901&skuId=1", "612345678901"),
        ("http://127.0.0.1:8080/taobao/item.htm?id=560000000001", "560000000001"),
        ("https://item.taobao.com/item.htm?id=abc", None),
        ("https://item.taobao.com/item.htm", None),
    ],
)
def test_item_id_from_url(url: str, expected: str | None) -> None:
    assert item_id_from_url(url) == expected
