"""The PDD client's decisions (crawler/platforms/pdd/client.py, setup.py): calls per watch,
search paging with ``list_id``, each goods sent to its page once, settings from the config.

Answers are small hand-written DDK envelopes in the documented shapes (platform-apis.md §3.2-3.4).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus

import pytest
from pydantic import SecretStr

from crawler.platforms.base import Answer, MissingCredential, PlatformSettings, Watch
from crawler.platforms.pdd import PLATFORM
from crawler.platforms.pdd.api import DETAIL, SEARCH, PddSettings
from crawler.platforms.pdd.client import PddClient
from crawler.platforms.pdd.setup import fixture_setup, pdd_settings

BASE = "http://127.0.0.1:1/pdd"
CREDENTIALS = Path(__file__).resolve().parents[2] / "fixtures" / "credentials.json"


def client(**kw: Any) -> PddClient:
    values: dict[str, Any] = {
        "client_id": "c",
        "client_secret": SecretStr("s"),
        "api_base": BASE,
        "site_base": BASE,
        **kw,
    }
    return PddClient(PddSettings(**values))


def goods(n: int) -> dict[str, Any]:
    return {
        "goods_sign": f"Y9{n}_J",
        "goods_id": 3_000_000_000 + n,
        "goods_name": f"g{n}",
        "min_group_price": 1000,
        "min_normal_price": 1200,
        "mall_id": 1,
        "mall_name": "m",
    }


def search_answer(ns: list[int], total: int, list_id: str = "L1") -> Answer:
    body = {
        "goods_search_response": {
            "goods_list": [goods(n) for n in ns],
            "total_count": total,
            "list_id": list_id,
            "request_id": "r",
        }
    }
    return Answer(BASE + "/api/router", 200, {}, json.dumps(body).encode())


def test_calls_for() -> None:
    calls = client().calls_for(Watch("pdd", item_ids=("Y91_J",), keywords=("手机",)))
    assert [c.operation for c in calls] == [DETAIL, SEARCH]
    batch = client().calls_for(Watch("pdd", item_ids=("Y91_J", "Y92_J")))
    assert [c.operation for c in batch] == [SEARCH] and batch[0].item_ids == ("Y91_J", "Y92_J")


def test_urls_and_goods_ids_are_searched_by_link() -> None:
    url = "https://mobile.yangkeduo.com/goods.html?goods_id=3000000011"
    calls = client().calls_for(
        Watch("pdd", item_ids=("3000000012",), urls=(url, "https://x/other.html"))
    )
    assert [(c.operation, c.item_ids) for c in calls] == [
        (SEARCH, ("3000000011",)),
        (SEARCH, ("3000000012",)),
    ]
    sent = dict(p.split("=", 1) for p in calls[0].body.decode().split("&"))
    assert unquote_plus(sent["keyword"]) == url
    assert calls[1].context["link"] == f"{BASE}/goods.html?goods_id=3000000012"


def test_a_link_search_that_finds_nothing_sends_the_url_to_its_page() -> None:
    c = client()
    call = c.requests.link_call(f"{BASE}/goods.html?goods_id=3000000011")
    assert call is not None
    result = c.read_api(call, search_answer([], 0))
    assert result.not_found == [] and result.records == []
    (target,) = result.incomplete
    assert (target.url, target.item_id, target.known) == (call.context["link"], "3000000011", ())


def test_a_link_search_keeps_only_the_goods_of_that_id() -> None:
    c = client()
    call = c.requests.link_call(f"{BASE}/goods.html?goods_id=3000000002")
    assert call is not None
    result = c.read_api(call, search_answer([1, 2, 3], 3))
    assert [t.item_id for t in result.incomplete] == ["Y92_J"] and result.not_found == []


def test_search_pages_carry_the_first_list_id() -> None:
    c = client(search_page_size=2)
    first = c.read_api(c.requests.search_call("手机"), search_answer([1, 2], 5, "LIST-A"))
    (second,) = first.follow_up
    assert second.context["page"] == 2 and second.context["list_id"] == "LIST-A"
    third = c.read_api(second, search_answer([3, 4], 5, "LIST-B")).follow_up[0]
    assert third.context == {"keyword": "手机", "page": 3, "page_size": 2, "list_id": "LIST-A"}
    last = c.read_api(third, search_answer([5], 5))
    assert last.follow_up == []


def test_each_goods_goes_to_its_page_once() -> None:
    c = client()
    first = c.read_api(c.requests.search_call("a"), search_answer([1, 2], 2))
    again = c.read_api(c.requests.search_call("b"), search_answer([2, 3], 2))
    assert [t.item_id for t in first.incomplete] == ["Y91_J", "Y92_J"]
    assert [t.item_id for t in again.incomplete] == ["Y93_J"]
    assert first.incomplete[0].url == f"{BASE}/goods.html?goods_id=3000000001"


def platform_settings(**credentials: str) -> PlatformSettings:
    envs = {
        "client_id": "PDD_CLIENT_ID",
        "client_secret": "PDD_CLIENT_SECRET",
        "pid": "PDD_PID",
        "access_token": "PDD_ACCESS_TOKEN",
    }
    return PlatformSettings(
        name="pdd",
        api_base=BASE,
        site_base=BASE,
        credentials={k: SecretStr(v) for k, v in credentials.items()},
        credential_envs=envs,
        options={"rate_limit_codes": [52101, 52103]},
    )


def test_settings_from_the_platform_section() -> None:
    s = pdd_settings(platform_settings(client_id="c", client_secret="s", pid="1_2"))
    assert (s.client_id, s.pid, s.access_token, s.rate_limit_codes) == (
        "c",
        "1_2",
        None,
        (52101, 52103),
    )
    assert "PDD_CLIENT_SECRET" in s.setting("client_secret")


def test_a_missing_secret_names_its_env_variable() -> None:
    with pytest.raises(MissingCredential, match="PDD_CLIENT_SECRET"):
        PLATFORM.make_client(platform_settings(client_id="c"))  # type: ignore[misc]


def test_fixture_setup() -> None:
    setup = fixture_setup("http://127.0.0.1:5", json.loads(CREDENTIALS.read_text("utf-8")))
    assert setup.config["api_base"] == setup.config["site_base"] == "http://127.0.0.1:5/pdd"
    assert {"PDD_CLIENT_ID", "PDD_CLIENT_SECRET", "PDD_PID"} <= set(setup.env)
