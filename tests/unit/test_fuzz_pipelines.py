"""Bad inputs never crash a stage; every refusal has a reason (hypothesis, thousands of cases).

Listings are built from fuzzed price strings and numbers, currency codes and symbols, locales,
GTINs, HTML fragments and URLs, then run through the same calls the pipelines make: validate →
normalize → match. Each either passes with well-formed normalized fields or is refused with a
``Rejected`` whose reason is one of ``REASONS``; no other exception may escape.
"""

# ruff: noqa: RUF001, E501  (full-width forms are the data; table rows stay one per line)

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.items import Availability, Listing
from crawler.matching.matcher import Matcher
from crawler.normalize.availability import availability_from
from crawler.normalize.fx import RateTable
from crawler.normalize.gtin import normalize_gtin
from crawler.normalize.listing import NormalizeContext, normalize_listing
from crawler.normalize.money import MoneyError, coerce_amount, known_currencies
from crawler.normalize.titles import clean_title
from crawler.normalize.variants import normalize_variant_attributes, variants_from_title
from crawler.validate import REASONS, Limits, Rejected, is_delisted_marker, validate_listing
from pipelines.drops import drop_for

RATES = RateTable.load()
LIMITS = Limits(base_currency="CNY", rates=RATES)
CONTEXT = NormalizeContext("CNY", RATES)
MATCHER = Matcher()

HTML = st.sampled_from(["<b>", "</b>", "&amp;", "&lt;script&gt;", "<script>x</script>", "&#0;",
                        "&#x110000;", "【包邮】", "<!--", "-->", "&nbsp;", "<br/>", "\x00", "\x1b["])
PRICE_TEXT = st.one_of(
    st.text(max_size=30),
    st.from_regex(r"[-−]?[¥￥$€£]?\s?[0-9０-９]{0,12}([.,][0-9]{0,4})?\s?(元|円|USD|kr)?",
                  fullmatch=True),
    st.sampled_from(["1e400", "NaN", "-0", "0.00", "Free", "1,2,3", "∞", "¥", "12..5"]))
SANE_MONEY = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False)
MONEY = st.one_of(
    st.none(), SANE_MONEY, SANE_MONEY, PRICE_TEXT, st.integers(min_value=-10**20, max_value=10**20),
    st.decimals(allow_nan=True, allow_infinity=True), st.floats(),
    st.booleans(), st.lists(st.integers(), max_size=2))
CURRENCY = st.one_of(st.none(), st.sampled_from(["CNY", "JPY", "USD", "EUR", "KWD", "TWD",
                                                 "cny", "XXX", "ZZZ", "", "RMB"]),
                     st.text(max_size=5))
SYMBOL = st.one_of(st.none(), st.sampled_from(["¥", "￥", "$", "US$", "€", "kr", "円", "元", "£"]),
                   st.text(max_size=4))
LOCALE = st.one_of(st.none(), st.sampled_from(["zh_CN", "ja_JP", "en_US", "de_DE", "en_CA",
                                               "zh-TW", "xx_YY", "", "ja"]), st.text(max_size=6))
TEXT = st.one_of(st.none(), st.text(max_size=60), st.lists(HTML | st.text(max_size=8),
                                                            max_size=8).map("".join))
URL = st.one_of(st.none(), st.text(max_size=30),
                st.sampled_from(["https://item.jd.com/1.html", "http://127.0.0.1:1/x",
                                 "http://[::1", "javascript:x", "//no-scheme", "https://a b"]))
GTIN = st.one_of(st.none(), st.text(max_size=16), st.integers(), st.from_regex(r"[0-9]{8,14}",
                                                                                fullmatch=True))
AVAILABILITY = st.one_of(st.sampled_from(list(Availability)), st.text(max_size=20), st.booleans(),
                         st.sampled_from(["https://schema.org/InStock", "有货", "仅剩2件"]))


def mostly(good: st.SearchStrategy[Any], bad: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``good`` about nine times in ten: so fuzzed money and text reach every stage."""
    return st.integers(0, 9).flatmap(lambda n: bad if n == 0 else good)


GOOD_URL = st.sampled_from(["https://item.jd.com/1.html", "http://127.0.0.1:8080/jd/item/9"])
GOOD_TITLE = st.lists(HTML | st.text(min_size=1, max_size=12), min_size=1, max_size=6).map(
    lambda parts: "Sony WH-1000XM5 " + "".join(parts))
OPTIONAL_MONEY = st.none() | SANE_MONEY
GOOD_CURRENCY = st.sampled_from(["CNY", "JPY", "USD", "EUR", "KWD", "TWD"])


@st.composite
def listings(draw: st.DrawFn) -> Any:
    platform = draw(mostly(st.sampled_from(["jd", "taobao", "amazon"]), st.just("")))
    item_id = draw(mostly(st.text(min_size=1, max_size=8).filter(str.strip), st.text(max_size=3)))
    listing_id = draw(mostly(st.just(f"{platform}:{item_id}"), st.sampled_from([item_id, ""])))
    return Listing(
        listing_id=listing_id, platform=platform, item_id=item_id,
        url=draw(mostly(GOOD_URL, URL)), title=draw(mostly(GOOD_TITLE, TEXT)),
        price=draw(mostly(SANE_MONEY, MONEY)), list_price=draw(mostly(OPTIONAL_MONEY, MONEY)),
        coupon_amount=draw(mostly(OPTIONAL_MONEY, MONEY)),
        coupon_threshold=draw(mostly(OPTIONAL_MONEY, MONEY)),
        shipping=draw(mostly(OPTIONAL_MONEY, MONEY)),
        currency=draw(mostly(GOOD_CURRENCY, CURRENCY)),
        currency_raw=draw(SYMBOL), locale=draw(LOCALE), gtin=draw(GTIN), brand=draw(TEXT),
        model=draw(TEXT), availability=draw(AVAILABILITY),
        variant_attributes=draw(st.dictionaries(st.text(max_size=6), TEXT, max_size=3)),
        stock_qty=draw(st.one_of(st.none(), st.integers(-5, 5))),
        delisted=draw(st.booleans()))


def run_stages(item: Listing) -> str | None:
    """The three stages as the pipelines call them; the reject reason, or None when kept."""
    try:
        warnings = validate_listing(item, LIMITS)
        item.warnings.extend(warnings)
        normalize_listing(item, CONTEXT)
    except Rejected as exc:
        assert exc.reason in REASONS and exc.detail
        assert drop_for(exc).reason == exc.reason
        return exc.reason
    assignment = MATCHER.match(item)
    item.product_group_id = assignment.group_id
    return None


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(listings())
def test_stages_never_crash_and_every_refusal_has_a_reason(item: Listing) -> None:
    reason = run_stages(item)
    if reason is not None:
        return
    if is_delisted_marker(item):  # a "gone" marker: no money, no group (the index keeps them)
        return
    assert item.currency in known_currencies()
    for name in ("price_minor", "list_price_minor", "shipping_minor", "effective_price_minor",
                 "price_base_minor"):
        value = getattr(item, name)
        assert value is None or (isinstance(value, int) and not isinstance(value, bool))
    assert item.price_minor is None or item.price_minor > 0
    assert item.effective_price_minor is None or item.effective_price_minor >= 0
    assert isinstance(item.availability, Availability)
    assert item.gtin is None or item.gtin.isdigit()
    assert item.product_group_id


@settings(max_examples=2000, deadline=None)
@given(PRICE_TEXT, LOCALE)
def test_price_text_is_an_amount_or_a_named_refusal(text: str, locale: str | None) -> None:
    try:
        amount, _ = coerce_amount(text, locale=locale)
    except MoneyError as exc:
        assert exc.reason in REASONS
        return
    assert isinstance(amount, Decimal) and amount.is_finite()


@settings(max_examples=2000, deadline=None)
@given(TEXT, GTIN, AVAILABILITY)
def test_text_helpers_never_crash(title: str | None, gtin: object, availability: object) -> None:
    cleaned = clean_title(title)
    assert "<script" not in cleaned.lower()
    variants_from_title(cleaned)
    value, warning = normalize_gtin(gtin)
    assert (value is None) or (warning is None and value.isdigit())
    availability_from(availability)
    normalize_variant_attributes({"颜色": title, "capacity": title, "size": title})
