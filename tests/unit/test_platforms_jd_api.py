"""JD Union: signing, request building and reading, as tables.

Signing is checked against platform-apis.md §2.3's example (base string and digest, computed
there "locally, not official") with the digest computed again here by hashlib, independently of
``crawler.platforms.signing``. The answers are recordings of the fixture marketplace
(tests/cases/jd/api-*, ``python -m tests.support.jd_recorder``); their truth rows say what the
records must hold once normalized.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from decimal import Decimal
from urllib.parse import parse_qsl

import pytest
from pydantic import SecretStr

from crawler.config import ConfigError
from crawler.platforms.base import MissingCredential, PlatformSettings, Watch
from crawler.platforms.jd.api import (
    MAX_PROMOTION_SKUS,
    PROMOTION,
    QUERY,
    JdClient,
    beijing_timestamp,
    signed_params,
    sku_of,
)
from crawler.platforms.signing import base_string, md5_wrapped
from tests.support.page_cases import expected, load, normalized

DOC_BASE = ("360buy_param_json{\"skuIds\":\"100012043978\"}app_keyabcformatjsonmethod"
            "jd.union.open.goods.promotiongoodsinfo.querysign_methodmd5timestamp"
            "2024-01-01 12:00:00v1.0")
DOC_SIGN = "E17E036028F7825352BA9D2FB57D7021"
NOON_BEIJING = datetime(2024, 1, 1, 4, 0, 0, tzinfo=UTC)
API_CASES = {c.name: c for c in load("jd", "api-")}
#: What each record of a goods.query answer carries, checked against the truth.
QUERY_FIELDS = ("title", "brand", "seller_id", "seller_name", "currency", "price_minor",
                "list_price_minor", "coupon_minor", "coupon_threshold_minor", "sales_volume",
                "rating", "rating_scale", "review_count")
PROMOTION_FIELDS = ("title", "seller_id", "currency", "sales_volume")
#: Compared as extracted (the pipeline folds text; the truth shows it as the platform does).
RAW_FIELDS = ("title", "brand", "seller_id", "seller_name", "sales_volume")


def settings(**options: object) -> PlatformSettings:
    return PlatformSettings(
        "jd", "http://marketplace.invalid/jd", "http://marketplace.invalid/jd",
        {"app_key": SecretStr("abc"), "app_secret": SecretStr("helloworld")},
        {"app_key": "JD_APP_KEY", "app_secret": "JD_APP_SECRET"}, options)


def client(**options: object) -> JdClient:
    return JdClient(settings(**options), clock=lambda: NOON_BEIJING)


def value(record: dict[str, object], field: str) -> object:
    return record.get(field) if field in RAW_FIELDS else normalized(record, "jd")[field]


def want(row: dict[str, object], field: str) -> object:
    return row[field] if field in RAW_FIELDS else expected(row, field)


def form(call: object) -> dict[str, str]:
    return dict(parse_qsl(call.body.decode()))  # type: ignore[attr-defined]


# --- signing ----------------------------------------------------------------------------------
def test_doc_example_base_string_and_signature() -> None:
    params = signed_params(PROMOTION, {"skuIds": "100012043978"}, "abc", "helloworld",
                           "2024-01-01 12:00:00")
    assert base_string(params) == DOC_BASE
    independent = hashlib.md5(f"helloworld{DOC_BASE}helloworld".encode()).hexdigest().upper()
    assert params["sign"] == independent == DOC_SIGN


def test_empty_access_token_is_not_sent_and_a_set_one_is_signed() -> None:
    without = signed_params(PROMOTION, {"skuIds": "1"}, "abc", "s", "2024-01-01 12:00:00", "")
    with_token = signed_params(PROMOTION, {"skuIds": "1"}, "abc", "s", "2024-01-01 12:00:00",
                               "tok")
    assert "access_token" not in without
    assert with_token["sign"] == md5_wrapped({k: v for k, v in with_token.items()}, "s")
    assert with_token["sign"] != without["sign"]


def test_param_json_is_signed_as_sent_compact_and_utf8() -> None:
    call = client().search_call("手机", 2)
    sent = form(call)
    assert sent["360buy_param_json"] == (
        '{"goodsReqDTO":{"keyword":"手机","pageIndex":2,"pageSize":30}}')
    assert sent["sign"] == md5_wrapped(sent, "helloworld")


@pytest.mark.parametrize(("utc", "shown"), [
    (datetime(2024, 1, 1, 4, 0, tzinfo=UTC), "2024-01-01 12:00:00"),
    (datetime(2024, 12, 31, 16, 30, 5, tzinfo=UTC), "2025-01-01 00:30:05"),
])
def test_timestamp_is_beijing_time(utc: datetime, shown: str) -> None:
    assert beijing_timestamp(utc) == shown


def test_resign_gives_a_fresh_timestamp_and_signature() -> None:
    times = iter([NOON_BEIJING, datetime(2024, 1, 1, 4, 5, tzinfo=UTC)])
    jd = JdClient(settings(), clock=lambda: next(times))
    first = jd.promotion_call(("1", "2"))
    again = jd.resign(first)
    assert form(again)["timestamp"] == "2024-01-01 12:05:00"
    assert form(again)["sign"] != form(first)["sign"]
    assert (again.item_ids, form(again)["360buy_param_json"]) == (
        first.item_ids, form(first)["360buy_param_json"])


def test_missing_secret_names_its_env_variable() -> None:
    bare = PlatformSettings("jd", "http://a", "http://b", {"app_key": SecretStr("k")},
                            {"app_key": "JD_APP_KEY", "app_secret": "JD_APP_SECRET"})
    with pytest.raises(MissingCredential, match="JD_APP_SECRET"):
        JdClient(bare)


# --- building ---------------------------------------------------------------------------------
def test_ids_are_batched_100_per_promotiongoodsinfo_call() -> None:
    ids = tuple(str(100_000_000_000 + n) for n in range(250))
    calls = client().calls_for(Watch("jd", item_ids=ids))
    assert [len(c.item_ids) for c in calls] == [100, 100, 50]
    assert all(c.operation == PROMOTION for c in calls)
    assert form(calls[0])["360buy_param_json"] == (
        '{"skuIds":"' + ",".join(ids[:MAX_PROMOTION_SKUS]) + '"}')


def test_urls_become_skus_and_keywords_become_searches() -> None:
    watch = Watch("jd", item_ids=("1",), urls=("https://item.jd.com/22.html",),
                  keywords=("手机", "phone"))
    calls = client().calls_for(watch)
    assert [(c.operation, c.item_ids, c.context.get("keyword")) for c in calls] == [
        (PROMOTION, ("1", "22"), None), (QUERY, (), "手机"), (QUERY, (), "phone")]


def test_without_goods_query_no_search_is_asked() -> None:
    calls = client(goods_query=False).calls_for(Watch("jd", item_ids=("1",), keywords=("x",)))
    assert [c.operation for c in calls] == [PROMOTION]


@pytest.mark.parametrize(("url", "sku"), [("https://item.jd.com/100012043978.html", "100012043978"),
                                          ("http://m/jd/7.html/", "7"), ("https://jd.com/", "")])
def test_sku_of_url(url: str, sku: str) -> None:
    assert sku_of(url) == sku


# --- reading ----------------------------------------------------------------------------------
def test_promotiongoodsinfo_asks_goods_query_for_the_same_skus_with_what_it_learned() -> None:
    case = API_CASES["api-promotion"]
    result = client().read_api(case.call(), case.answer)
    assert result.error is None and not result.records
    (follow,) = result.follow_up
    assert follow.operation == QUERY and follow.item_ids == case.call().item_ids
    known = follow.context["known"]
    assert set(known) == {r["item_id"] for r in case.output["records"]}
    promo = next(r for r in case.output["records"] if r["list_price_minor"])
    record = known[promo["item_id"]][0]
    assert record["price"] is None  # a flash sale: unitPrice is the regular price
    assert record["list_price"] == Decimal(promo["list_price_minor"]) / 100


@pytest.mark.parametrize("field", PROMOTION_FIELDS)
def test_promotiongoodsinfo_alone_field(field: str) -> None:
    case = API_CASES["api-promotion"]
    result = client(goods_query=False).read_api(case.call(), case.answer)
    records = {t.item_id: t.known[0] for t in result.incomplete if t.known}
    for row in case.output["records"]:
        assert value(records[row["item_id"]], field) == want(row, field)


@pytest.mark.parametrize("field", QUERY_FIELDS)
def test_goods_query_field(field: str) -> None:
    case = API_CASES["api-goods-query-detail"]
    result = client().read_api(case.call(), case.answer)
    records = {r["item_id"]: r for r in result.records}
    assert len(records) == len(case.output["records"])
    for row in case.output["records"]:
        assert value(records[row["item_id"]], field) == want(row, field)


def test_every_record_waits_for_its_page_and_unknown_skus_go_to_their_page() -> None:
    case = API_CASES["api-goods-query-detail"]
    result = client().read_api(case.call(), case.answer)
    targets = {t.item_id: t for t in result.incomplete}
    assert set(targets) == set(case.call().item_ids)
    unknown = targets["100000099999"]
    assert unknown.known == () and unknown.url.endswith("/jd/100000099999.html")
    assert all(set(t.missing_fields) >= {"availability", "model", "variant_attributes"}
               for t in targets.values() if t.known)


def test_without_page_completion_records_are_final() -> None:
    case = API_CASES["api-goods-query-detail"]
    result = client(complete_from_page=False).read_api(case.call(), case.answer)
    assert len(result.records) == len(case.output["records"])
    assert [t.item_id for t in result.incomplete] == ["100000099999"]


def test_missing_price_fields_make_price_a_page_field() -> None:
    case = API_CASES["api-missing-fields"]
    result = client().read_api(case.call(), case.answer)
    assert result.incomplete and all(t.known[0].get("price") is None for t in result.incomplete)
    assert all(t.missing_fields[0] == "price" for t in result.incomplete)


def test_search_page_one_asks_for_the_other_pages_at_once() -> None:
    case = API_CASES["api-goods-query-search"]
    jd = client(query_page_size=1)
    result = jd.read_api(case.call(), case.answer)
    assert {t.item_id for t in result.incomplete} == {r["item_id"] for r in case.output["records"]}
    pages = [f.context["page"] for f in result.follow_up]
    assert pages == list(range(2, case.output["total"] + 1))


def test_search_page_two_asks_for_nothing_more() -> None:
    case = API_CASES["api-goods-query-search"]
    call = client().search_call("手机", 2)
    assert client().read_api(call, case.answer).follow_up == []


@pytest.mark.parametrize(("options", "message"), [({"goods_qeury": True}, "unknown option"),
                                                  ({"query_page_size": 31}, "1..30")])
def test_bad_options_name_the_key(options: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        client(**options)


def test_a_non_numeric_sku_is_refused_when_building_calls() -> None:
    with pytest.raises(ValueError, match="'iphone-15'"):
        client().calls_for(Watch("jd", item_ids=("100012043978", "iphone-15")))
