"""The Taobao client's decisions (crawler/platforms/taobao/client.py, setup.py): which calls a watch
makes, what follows an answer, and the settings it is built from.

Answers here are small hand-written TOP envelopes in the documented shapes (platform-apis.md §1.4,
§1.5); the recorded ones are in test_platforms_taobao_reader.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from crawler.platforms.base import Answer, ApiCall, MissingCredential, PlatformSettings, Watch
from crawler.platforms.taobao import PLATFORM
from crawler.platforms.taobao.api import ITEM_GET, SEARCH, TBK_DETAIL, TopSettings
from crawler.platforms.taobao.client import TaobaoClient
from crawler.platforms.taobao.setup import fixture_setup, top_settings

BASE = "http://127.0.0.1:1/taobao"
CREDENTIALS = Path(__file__).resolve().parents[2] / "fixtures" / "credentials.json"


def client(**kw: Any) -> TaobaoClient:
    values: dict[str, Any] = {
        "app_key": "k",
        "app_secret": SecretStr("s"),
        "session": SecretStr("t"),
        "adzone_id": "1",
        "api_base": BASE,
        "site_base": BASE,
        **kw,
    }
    return TaobaoClient(TopSettings(**values))


def answer(body: dict[str, Any]) -> Answer:
    return Answer(BASE + "/router/rest", 200, {}, json.dumps(body).encode())


def tbk(*ids: int) -> dict[str, Any]:
    items = [{"num_iid": i, "title": f"t{i}", "zk_final_price": "9.00"} for i in ids]
    return {"tbk_item_info_get_response": {"results": {"n_tbk_item": items}, "request_id": "r"}}


def search(ids: list[int], total: int) -> dict[str, Any]:
    items = [{"num_iid": i, "title": f"t{i}"} for i in ids]
    body = {"total_results": total, "result_list": {"map_data": items}, "request_id": "r"}
    return {"tbk_dg_material_optional_response": body}


def test_calls_for_ids_urls_and_keywords() -> None:
    watch = Watch(
        "taobao",
        item_ids=("560000000001",),
        urls=("https://item.taobao.com/item.htm?id=560000000002", "https://example.com/x"),
        keywords=("手机", " "),
    )
    calls = client().calls_for(watch)
    assert [c.operation for c in calls] == [TBK_DETAIL, SEARCH]
    assert calls[0].item_ids == ("560000000001", "560000000002")
    assert calls[1].context["keyword"] == "手机"


def test_no_adzone_no_search() -> None:
    calls = client(adzone_id=None).calls_for(Watch("taobao", keywords=("手机",)))
    assert calls == []


def test_each_item_get_is_asked_once_per_run() -> None:
    c = client()
    first = c.read_api(c.calls_for(Watch("taobao", item_ids=("1", "2")))[0], answer(tbk(1, 2)))
    again = c.read_api(c.requests.search_call("x"), answer(search([2, 3], 3)))
    assert [f.item_ids[0] for f in first.follow_up] == ["1", "2"]
    assert [f.item_ids[0] for f in again.follow_up if f.operation == ITEM_GET] == ["3"]


@pytest.mark.parametrize(
    ("found", "total", "page", "more"),
    [
        (100, 250, 1, True),
        (100, 250, 2, True),
        (50, 250, 3, False),  # 3 pages of 100 hold all 250
        (0, 250, 1, False),  # an empty page ends the search whatever the total says
        (100, 100, 1, False),
    ],
)
def test_search_paging(found: int, total: int, page: int, more: bool) -> None:
    c = client()
    call = c.requests.search_call("手机", page)
    result = c.read_api(call, answer(search(list(range(1000 * page, 1000 * page + found)), total)))
    pages = [f for f in result.follow_up if f.operation == SEARCH]
    assert bool(pages) == more
    if more:
        assert pages[0].context["page_no"] == page + 1


def test_search_stops_at_max_pages() -> None:
    c = client(max_search_pages=2)
    result = c.read_api(c.requests.search_call("x", 2), answer(search(list(range(100)), 10**6)))
    assert [f for f in result.follow_up if f.operation == SEARCH] == []


def test_setting_in_an_auth_error_is_the_env_name() -> None:
    c = client(setting_names={"app_secret": "env TAOBAO_APP_SECRET"})
    body = {"error_response": {"code": 25, "msg": "Invalid signature", "request_id": "r"}}
    error = c.read_api(c.calls_for(Watch("taobao", item_ids=("1",)))[0], answer(body)).error
    assert error is not None and error.setting == "env TAOBAO_APP_SECRET"


def test_not_json_and_wrong_envelope_are_malformed() -> None:
    c = client()
    call = c.calls_for(Watch("taobao", item_ids=("1",)))[0]
    for body in (b'{"tbk_item_info_get_res', b"[]", b'{"item_get_response": {}}'):
        result = c.read_api(call, Answer(BASE, 200, {}, body))
        assert result.error is not None and result.error.kind.value == "malformed", body


def test_client_resign_keeps_the_call() -> None:
    c = client()
    call = c.requests.item_call("1", {"num_iid": 1})
    again = c.resign(call)
    assert isinstance(again, ApiCall)
    assert (again.operation, again.item_ids, again.body, again.context) == (
        call.operation,
        call.item_ids,
        call.body,
        call.context,
    )


def platform_settings(**credentials: str) -> PlatformSettings:
    envs = {
        "app_key": "TAOBAO_APP_KEY",
        "app_secret": "TAOBAO_APP_SECRET",
        "session": "TAOBAO_SESSION",
        "adzone_id": "TAOBAO_ADZONE_ID",
    }
    return PlatformSettings(
        name="taobao",
        api_base=BASE,
        site_base=BASE,
        credentials={k: SecretStr(v) for k, v in credentials.items()},
        credential_envs=envs,
        options={"sign_method": "hmac-sha256"},
    )


def test_settings_from_the_platform_section() -> None:
    s = top_settings(platform_settings(app_key="k", app_secret="s", adzone_id="9"))
    assert (s.app_key, s.app_secret.get_secret_value(), s.session, s.adzone_id) == (
        "k",
        "s",
        None,
        "9",
    )
    assert s.sign_method == "hmac-sha256" and s.api_base == BASE
    assert "TAOBAO_APP_SECRET" in s.setting("app_secret")
    assert "s" not in repr(s.app_secret)


def test_a_missing_secret_names_its_env_variable() -> None:
    with pytest.raises(MissingCredential, match="TAOBAO_APP_SECRET"):
        PLATFORM.make_client(platform_settings(app_key="k"))  # type: ignore[misc]


def test_unknown_options_are_refused() -> None:
    settings = platform_settings(app_key="k", app_secret="s")
    bad = PlatformSettings(**{**settings.__dict__, "options": {"sign_mehtod": "md5"}})
    with pytest.raises(ValueError, match="unknown sign_mehtod"):
        top_settings(bad)


def test_fixture_setup_points_at_the_marketplace() -> None:
    cred = json.loads(CREDENTIALS.read_text(encoding="utf-8"))
    setup = fixture_setup("http://127.0.0.1:5", cred)
    assert setup.config == {
        "api_base": "http://127.0.0.1:5/taobao",
        "site_base": "http://127.0.0.1:5/taobao",
    }
    assert setup.env["TAOBAO_APP_KEY"] == cred["taobao"]["app_key"]
    assert set(setup.env) == {
        "TAOBAO_APP_KEY",
        "TAOBAO_APP_SECRET",
        "TAOBAO_SESSION",
        "TAOBAO_ADZONE_ID",
    }
