"""PDD DDK signing and request building (crawler/platforms/pdd/api.py).

Where the cases come from:
- ``DOC_BASE``/``DOC_SIGN``: the example of ../shared/docs/platform-apis.md §3.1 (secret
  ``helloworld``);
- ``independent_sign``: the §3.1 algorithm text written again with hashlib, so built requests
  are checked against the documented algorithm, not against the code under test;
- parameter layout from §3.1-§3.3 (Unix-seconds timestamp, ``data_type=JSON``, ``version=V1``,
  arrays as JSON strings, ``list_id`` on later pages).
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from urllib.parse import parse_qsl

import pytest
from pydantic import SecretStr

from crawler.platforms.pdd.api import (
    DETAIL,
    SEARCH,
    PddRequests,
    PddSettings,
    base_string,
    goods_id_from_url,
    sign,
)

DOC_PARAMS = {
    "client_id": "cid",
    "data_type": "JSON",
    "goods_sign": "c9L2jNyxKEdGV49RwfDYkFgHAcOx_JgDQryG2X",
    "timestamp": "1704081600",
    "type": "pdd.ddk.goods.detail",
    "version": "V1",
}
DOC_BASE = (
    "client_idciddata_typeJSONgoods_signc9L2jNyxKEdGV49RwfDYkFgHAcOx_JgDQryG2X"
    "timestamp1704081600typepdd.ddk.goods.detailversionV1"
)
DOC_SIGN = "7B28FC353C935A66833D13256D0C29B7"
NOW = datetime(2024, 1, 1, 4, 0, 0, tzinfo=UTC)  # 1704081600


def independent_sign(params: dict[str, str], secret: str) -> str:
    """§3.1: every param but sign (empties dropped), ASCII sort, k1v1…, md5 wrapped, upper hex."""
    text = "".join(k + v for k, v in sorted(params.items()) if k != "sign" and v)
    return hashlib.md5((secret + text + secret).encode()).hexdigest().upper()


def test_doc_example() -> None:
    assert base_string(DOC_PARAMS) == DOC_BASE
    assert sign(DOC_PARAMS, "helloworld") == DOC_SIGN


def test_sign_and_empty_values_are_left_out() -> None:
    params = {**DOC_PARAMS, "sign": "OLD", "pid": ""}
    assert sign(params, "helloworld") == DOC_SIGN


def requests(**kw: object) -> PddRequests:
    values: dict[str, object] = {
        "client_id": "pwclient",
        "client_secret": SecretStr("pddsecret"),
        "pid": "1_2",
        "api_base": "http://127.0.0.1:9/pdd",
        "site_base": "http://127.0.0.1:9/pdd",
        **kw,
    }
    return PddRequests(PddSettings(**values), now=lambda: NOW)  # type: ignore[arg-type]


def form(call: object) -> dict[str, str]:
    return dict(parse_qsl(call.body.decode()))  # type: ignore[attr-defined]


def test_detail_call() -> None:
    call = requests().detail_calls(["Y9abc_J0"])[0]
    params = form(call)
    assert call.url == "http://127.0.0.1:9/pdd/api/router" and call.method == "POST"
    assert call.operation == DETAIL and call.item_ids == ("Y9abc_J0",)
    assert {k: params[k] for k in ("type", "client_id", "timestamp", "data_type", "version")} == {
        "type": DETAIL,
        "client_id": "pwclient",
        "timestamp": "1704081600",
        "data_type": "JSON",
        "version": "V1",
    }
    assert params["goods_sign"] == "Y9abc_J0" and params["pid"] == "1_2"
    assert params["sign"] == independent_sign(params, "pddsecret")
    assert "pddsecret" not in call.body.decode()  # type: ignore[union-attr]


def test_batches_go_through_search_with_a_json_list() -> None:
    signs = [f"Y9{n:07d}_J0" for n in range(250)]
    calls = requests(batch_size=100).detail_calls(signs)
    assert [len(c.item_ids) for c in calls] == [100, 100, 50]
    params = form(calls[2])
    assert calls[2].operation == SEARCH
    assert json.loads(params["goods_sign_list"]) == signs[200:]
    assert params["page_size"] == "50" and params["page"] == "1"
    assert params["sign"] == independent_sign(params, "pddsecret")


def test_keyword_search_and_list_id() -> None:
    first = requests(search_page_size=20).search_call("手机")
    second = requests(search_page_size=20).search_call("手机", 2, "LIST1")
    assert form(first)["keyword"] == "手机" and "list_id" not in form(first)
    assert (form(second)["page"], form(second)["list_id"]) == ("2", "LIST1")
    assert second.purpose == "search" and second.context["list_id"] == "LIST1"


def test_resign_keeps_business_params() -> None:
    moments = iter([NOW, datetime(2024, 1, 1, 4, 1, 0, tzinfo=UTC)])
    req = PddRequests(requests().settings, now=lambda: next(moments))
    call = req.batch_call(["a", "b"])
    again = req.resign(call)
    params = form(again)
    assert params["timestamp"] == "1704081660"
    assert params["goods_sign_list"] == '["a","b"]'
    assert params["sign"] == independent_sign(params, "pddsecret")
    assert again.item_ids == call.item_ids and again.context == call.context


@pytest.mark.parametrize("name", ["batch_size", "search_page_size"])
def test_page_sizes_are_bounded(name: str) -> None:
    with pytest.raises(ValueError, match=rf"platforms\.pdd: {name} must be 1\.\.100"):
        requests(**{name: 0})


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://mobile.yangkeduo.com/goods.html?goods_id=3000000011", "3000000011"),
        ("http://127.0.0.1:1/pdd/goods.html?goods_id=3000000011&x=1", "3000000011"),
        ("https://mobile.yangkeduo.com/goods.html?goods_id=Y9", None),
    ],
)
def test_goods_id_from_url(url: str, expected: str | None) -> None:
    assert goods_id_from_url(url) == expected
