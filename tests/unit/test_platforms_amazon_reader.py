"""SP-API answers → records, over saved answers (tests/cases/amazon/api-*).

Cases are recordings from the fixture marketplace (getCatalogItem, searchCatalogItems by ASIN and
by keyword, getItemOffersBatch with winners, NoBuyableOffers, pre-orders and 404 entries, the
missing-price fault, getCompetitiveSummary with coupons and an INVALID_ASIN entry) and the
documented sandbox answer of getItemOffersBatch (productPricingV0.json, trimmed); each case's
meta.json says which. Expected values come from the marketplace's truth, not from this code.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from crawler.items import Availability
from crawler.platforms.amazon import api
from crawler.platforms.amazon.client import AmazonClient
from crawler.platforms.amazon.markets import market
from crawler.platforms.amazon.reader import (
    ReadError,
    catalog_record,
    coupon,
    decode,
    offers_record,
    variant_attributes,
)
from crawler.platforms.base import Answer, ApiCall, ApiResult, ErrorKind
from tests.support.amazon_cases import Case, load, names
from tests.unit.test_platforms_amazon_auth import make_client

TOKEN = "Atza|test"


def build_call(client: AmazonClient, case: Case) -> ApiCall:
    spec, ends = case.call, client.settings.endpoints
    place, ids = market(spec["market"]), spec["item_ids"]
    context: dict[str, Any] = {"stage": spec["stage"], "site": place.site}
    match spec["stage"]:
        case "catalog":
            return api.catalog_lookup(ends, place, ids, TOKEN, context)
        case "offers":
            return api.offers_batch(ends, place, ids, TOKEN, {**context, "known": {}})
        case "summary":
            known = {a: ({"item_id": a, "currency": place.currency, "price": Decimal(100_000)},)
                     for a in ids}
            return api.competitive_summary(ends, place, ids, TOKEN, {**context, "known": known})
        case "search":
            return api.keyword_search(ends, place, spec["keywords"], TOKEN,
                                      {**context, "keyword": spec["keywords"], "page": 1})
    raise AssertionError(spec)


def read(name: str) -> tuple[Case, ApiResult]:
    case = load(name)
    client = make_client(coupons=case.call.get("coupons", True))
    return case, client.read_api(build_call(client, case), case.answer)


def as_saved(value: Any) -> Any:
    if isinstance(value, Decimal):
        return value
    return value.value if isinstance(value, Availability) else value


OFFER_FIELDS = [
    (name, asin, field)
    for name in names("api-offers")
    for asin, fields in load(name).output["records"].items()
    for field in (*fields, "price", "list_price", "shipping", "seller_id")
]


@pytest.mark.parametrize(("name", "asin", "field"), sorted(set(OFFER_FIELDS)),
                         ids=lambda v: str(v))
def test_offer_fields(name: str, asin: str, field: str) -> None:
    case, result = read(name)
    records = {r["item_id"]: r for r in result.records}
    expected = case.output["records"][asin].get(field)
    got = records[asin].get(field)
    if field in ("price", "list_price", "shipping") and expected is not None:
        assert isinstance(got, Decimal)
        assert got == Decimal(expected)
    else:
        assert as_saved(got) == expected


@pytest.mark.parametrize("name", names("api-offers"))
def test_offer_batches_report_404_entries_as_not_found(name: str) -> None:
    case, result = read(name)
    assert result.error is None
    assert result.not_found == case.output["not_found"]
    assert sorted(r["item_id"] for r in result.records) == sorted(case.output["records"])


def test_every_api_record_asks_the_page_for_seller_name_and_ratings() -> None:
    _, result = read("api-offers-batch-jp")
    for target in result.incomplete:
        assert {"seller_name", "rating", "review_count"} <= set(target.missing_fields)
        assert target.url.endswith(f"/jp/dp/{target.item_id}")
        assert target.known and target.known[0]["item_id"] == target.item_id


def test_a_missing_price_sends_the_item_to_its_page_for_the_price() -> None:
    _, result = read("api-offers-missing-price")
    (target,) = result.incomplete
    assert "price" in target.missing_fields
    assert target.known[0]["shipping"] == Decimal("5.99")


def test_out_of_stock_needs_no_price_from_the_page() -> None:
    _, result = read("api-offers-batch-jp")
    target = next(t for t in result.incomplete if t.item_id == "B087QL7DNM")
    assert "price" not in target.missing_fields


def test_buyable_items_go_on_to_the_competitive_summary() -> None:
    case = load("api-offers-batch-jp")
    client = make_client()  # coupons on
    result = client.read_api(build_call(client, case), case.answer)
    (summary,) = result.follow_up
    assert summary.operation == "getCompetitiveSummary"
    assert summary.item_ids == ("B06UYLWJZU", "B09LQGVZ23")
    assert summary.context["known"]["B06UYLWJZU"][0]["price"] == Decimal(2280)
    assert [r["item_id"] for r in result.records] == ["B087QL7DNM"]  # final already


CATALOG = [(name, asin, field) for name in names("api-catalog-")
           for asin, fields in load(name).output.get("known", {}).items() for field in fields]


@pytest.mark.parametrize(("name", "asin", "field"), CATALOG, ids=lambda v: str(v))
def test_catalog_fields(name: str, asin: str, field: str) -> None:
    case, result = read(name)
    (offers,) = result.follow_up
    assert offers.context["known"][asin][0][field] == case.output["known"][asin][field]


@pytest.mark.parametrize("name", names("api-catalog-"))
def test_catalog_not_found_and_follow_up(name: str) -> None:
    case, result = read(name)
    assert result.error is None
    assert result.not_found == case.output["not_found"]
    assert [c.operation for c in result.follow_up] == case.output.get("follow_up", [])


def test_catalog_records_carry_the_page_url_and_market_currency() -> None:
    _, result = read("api-catalog-item-jp")
    (record,) = result.follow_up[0].context["known"]["B061P0Q276"]
    assert record["url"] == "http://marketplace.test/amazon/jp/dp/B061P0Q276"
    assert (record["currency"], record["locale"], record["variant_id"]) == ("JPY", "ja_JP", None)


SUMMARY = load("api-summary-jp").output["coupons"]


@pytest.mark.parametrize("asin", sorted(SUMMARY))
def test_coupons_from_the_competitive_summary(asin: str) -> None:
    _, result = read("api-summary-jp")
    record = next(r for r in result.records if r["item_id"] == asin)
    expected = SUMMARY[asin]
    assert record.get("coupon_amount") == (Decimal(expected) if expected else None)
    target = next(t for t in result.incomplete if t.item_id == asin)
    assert "coupon_amount" not in target.missing_fields


def test_an_invalid_asin_entry_keeps_the_record_and_asks_the_page_for_the_coupon() -> None:
    _, result = read("api-summary-jp")
    target = next(t for t in result.incomplete if t.item_id == "B0ZZZZZZZZ")
    assert "coupon_amount" in target.missing_fields


def test_keyword_search_asks_offers_for_the_items_and_the_next_page() -> None:
    case, result = read("api-search-phone-us")
    offers, next_page = result.follow_up
    assert offers.operation == "getItemOffersBatch"
    assert list(offers.item_ids) == case.output["offers_for"]
    assert next_page.operation == "searchCatalogItems" and "pageToken=" in next_page.url
    assert next_page.context["page"] == 2


def test_a_truncated_answer_is_malformed() -> None:
    case = load("api-offers-batch-us")
    client = make_client()
    cut = case.answer.__class__(case.answer.url, 200, {}, case.answer.body[: len(
        case.answer.body) * 6 // 10])
    result = client.read_api(build_call(client, case), cut)
    assert result.error is not None and result.error.kind is ErrorKind.MALFORMED
    assert not result.records


# --- pure readers -----------------------------------------------------------------------------


def test_json_numbers_become_decimals_never_floats() -> None:
    body = decode(b'{"Amount": 1099.99, "n": 3}')
    assert body == {"Amount": Decimal("1099.99"), "n": 3}
    with pytest.raises(ReadError):
        decode(b'{"cut')


@pytest.mark.parametrize(("attributes", "expected"), [
    ({"memory_storage_capacity": [{"value": Decimal("512.0"), "unit": "GB"}]}, "512GB"),
    ({"memory_storage_capacity": [{"value": Decimal("1.5"), "unit": "L"}]}, "1.5L"),
    ({"memory_storage_capacity": [{"value": Decimal("10000.0"), "unit": "mAh"}]}, "10000mAh"),
    ({"memory_storage_capacity": [{"value": 1, "unit": "TB"}]}, "1TB"),
])
def test_capacity_from_attributes(attributes: dict[str, Any], expected: str) -> None:
    assert variant_attributes({"color": "Black"}, attributes) == {
        "color": "Black", "capacity": expected}


def test_gtin_prefers_ean_and_the_own_marketplace() -> None:
    item = {"asin": "B000000001", "identifiers": [
        {"marketplaceId": "A1VC38T7YXB528", "identifiers": [
            {"identifierType": "EAN", "identifier": "4900000000000"}]},
        {"marketplaceId": "ATVPDKIKX0DER", "identifiers": [
            {"identifierType": "UPC", "identifier": "012345678905"},
            {"identifierType": "EAN", "identifier": "0012345678905"}]}]}
    assert catalog_record(item, market("US"))[1]["gtin"] == "0012345678905"


def test_no_buybox_winner_is_out_of_stock_with_unknown_price() -> None:
    payload = {"status": "Success", "Offers": [{"SellerId": "A1", "IsBuyBoxWinner": False,
                                                "ListingPrice": {"Amount": 5}}]}
    assert offers_record(payload, market("US")) == {
        "currency": "USD", "availability": Availability.OUT_OF_STOCK}


def test_list_price_only_while_discounted() -> None:
    payload = {"Summary": {"ListPrice": {"CurrencyCode": "USD", "Amount": Decimal("10.00")}},
               "Offers": [{"IsBuyBoxWinner": True, "SellerId": "A1",
                           "ListingPrice": {"CurrencyCode": "USD", "Amount": Decimal("10.00")},
                           "Shipping": {"CurrencyCode": "USD", "Amount": 0}}]}
    assert "list_price" not in offers_record(payload, market("US"))


def test_percent_coupons_become_amounts_of_the_price() -> None:
    body = {"featuredBuyingOptions": [{"segmentedFeaturedOffers": [{"promotions": [
        {"promotionType": "COUPON", "promotionSavings": {"discount": {
            "type": "PERCENTAGE_OFF", "percentOff": 15}}}]}]}]}
    assert coupon(body, Decimal("1980"), "JPY") == Decimal(297)
    assert coupon(body, Decimal("19.99"), "USD") == Decimal("3.00")


def test_promotions_other_than_coupons_are_not_coupons() -> None:
    body = {"featuredBuyingOptions": [{"segmentedFeaturedOffers": [{"promotions": [
        {"promotionType": "DEAL", "promotionSavings": {"discount": {
            "type": "AMOUNT_OFF", "amountOff": {"amount": 5, "currencyCode": "USD"}}}}]}]}]}
    assert coupon(body, Decimal(50), "USD") is None


def test_a_failed_batch_entry_sends_its_item_to_the_page_with_the_catalog_facts() -> None:
    client = make_client(coupons=False)
    place = market("US")
    known = {"B074PSYPXE": ({"item_id": "B074PSYPXE", "gtin": "6900000011003"},),
             "B05OA4IL1J": ({"item_id": "B05OA4IL1J", "gtin": "6900000001035"},)}
    call = api.offers_batch(client.settings.endpoints, place, list(known), TOKEN,
                            {"stage": "offers", "site": place.site, "known": known})
    ok = load("api-offers-batch-us").answer.body
    entry = next(e for e in json.loads(ok)["responses"]
                 if e["request"]["Asin"] == "B05OA4IL1J")
    throttled = {"status": {"statusCode": 429}, "request": {"Asin": "B074PSYPXE"},
                 "body": {"errors": [{"code": "QuotaExceeded", "message": "quota"}]}}
    body = json.dumps({"responses": [throttled, entry]}).encode()
    result = client.read_api(call, Answer(call.url, 200, {}, body))
    assert [r["item_id"] for r in result.records] == ["B05OA4IL1J"]
    assert result.records[0]["gtin"] == "6900000001035"  # catalog facts merged with the offer
    failed = next(t for t in result.incomplete if t.item_id == "B074PSYPXE")
    assert failed.known == known["B074PSYPXE"] and "price" in failed.missing_fields


def test_an_entry_missing_from_the_answer_is_not_lost() -> None:
    client = make_client(coupons=False)
    place = market("US")
    call = api.offers_batch(client.settings.endpoints, place, ["B074PSYPXE"], TOKEN,
                            {"stage": "offers", "site": place.site, "known": {}})
    result = client.read_api(call, Answer(call.url, 200, {}, b'{"responses": []}'))
    assert [t.item_id for t in result.incomplete] == ["B074PSYPXE"]
