"""Validation: every refusal names what happened; doubtful values pass with a warning.

Rows are the broken items spiders have produced or could produce: missing fields from a page
fallback, garbage in money fields, a relative URL, an unknown currency symbol.
"""

# ruff: noqa: E501  (full-width forms are the data; table rows stay one per line)

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler import validate
from crawler.items import Availability, Listing
from crawler.normalize.fx import RateTable
from crawler.validate import (
    REASONS,
    Limits,
    Rejected,
    check_plausibility,
    mark_suspect,
    validate_listing,
)

LIMITS = Limits(base_currency="CNY", max_price_base=Decimal(1_000_000), rates=RateTable.load())


def listing(**fields: Any) -> Listing:
    base: dict[str, Any] = {"listing_id": "taobao:743025661842", "platform": "taobao",
                            "item_id": "743025661842",
                            "url": "https://item.taobao.com/item.htm?id=743025661842",
                            "title": "苹果 iPhone 15 Pro 256GB", "price": Decimal("7999.00"),
                            "currency": "CNY"}
    base.update(fields)
    return Listing(**base)


@dataclass(frozen=True)
class Refusal:
    name: str
    fields: dict[str, Any]
    reason: str
    field: str | None


REFUSALS = [
    Refusal("no listing id", {"listing_id": ""}, "missing_listing_id", "listing_id"),
    Refusal("id of another platform", {"listing_id": "jd:1"}, "bad_listing_id", "listing_id"),
    Refusal("no url", {"url": ""}, "missing_url", "url"),
    Refusal("no url for sale", {"url": None}, "missing_url", "url"),
    Refusal("delisted marker, relative url", {"title": None, "price": None, "delisted": True,
                                              "url": "/goods.html?goods_id=1"}, "bad_url", "url"),
    Refusal("relative url", {"url": "/item.htm?id=1"}, "bad_url", "url"),
    Refusal("javascript url", {"url": "javascript:alert(1)"}, "bad_url", "url"),
    Refusal("space in url", {"url": "https://a.example/x y"}, "bad_url", "url"),
    Refusal("broken ipv6 url", {"url": "http://[::1/x"}, "bad_url", "url"),
    Refusal("no title", {"title": None}, "missing_title", "title"),
    Refusal("markup title", {"title": "<div><br/></div>"}, "missing_title", "title"),
    Refusal("list title", {"title": ["a"]}, "bad_type", "title"),
    Refusal("no price for sale", {"price": None}, "missing_price", "price"),
    Refusal("unreadable price", {"price": "call us"}, "bad_price", "price"),
    Refusal("float price", {"price": 7999.0}, "bad_price", "price"),
    Refusal("negative price", {"price": Decimal("-1")}, "negative_price", "price"),
    Refusal("negative shipping", {"shipping": Decimal("-8")}, "negative_price", "shipping"),
    Refusal("zero price", {"price": Decimal("0.00")}, "zero_price", "price"),
    Refusal("absurd CNY", {"price": Decimal("1000000.01")}, "absurd_price", "price"),
    Refusal("absurd JPY", {"currency": "JPY", "price": Decimal("99999999")}, "absurd_price", "price"),
    Refusal("unknown code", {"currency": "RMB1"}, "bad_currency", "currency"),
    Refusal("unknown symbol", {"currency": None, "currency_raw": "¤¤"}, "bad_currency", "currency"),
    Refusal("no currency", {"currency": None}, "missing_currency", "currency"),
    Refusal("naive fetched_at type", {"fetched_at": "2025-01-01"}, "bad_type", "fetched_at"),
]

REFUSALS_BUGS_CAUGHT = [  # found by tests/unit/test_fuzz_pipelines.py
    Refusal("0.01 JPY rounds to zero", {"currency": "JPY", "price": Decimal("0.01")},
            "zero_price", "price"),
]


@pytest.mark.parametrize("case", REFUSALS + REFUSALS_BUGS_CAUGHT, ids=lambda c: c.name)
def test_refusals_name_what_happened(case: Refusal) -> None:
    with pytest.raises(Rejected) as caught:
        validate_listing(listing(**case.fields), LIMITS)
    assert (caught.value.reason, caught.value.field) == (case.reason, case.field)
    assert caught.value.reason in REASONS
    assert caught.value.detail


def test_not_a_listing() -> None:
    with pytest.raises(Rejected, match="not_a_listing"):
        validate_listing({"title": "x"}, LIMITS)


@pytest.mark.parametrize("fields", [
    {"price": None, "delisted": True},
    {"price": None, "title": None, "delisted": True, "url": None},  # an id without a page (PDD goods_sign)
    {"price": None, "availability": "https://schema.org/OutOfStock"},
    {"price": None, "availability": Availability.OUT_OF_STOCK},
    {"title": "【包邮】"},                             # only promo noise: kept
    {"currency": None, "currency_raw": "¥", "locale": "zh_CN"},
    {"currency": None, "price": "¥7,999.00"},
    {"url": "http://127.0.0.1:8080/jd/item/1"},
], ids=repr)
def test_accepted(fields: dict[str, Any]) -> None:
    assert validate_listing(listing(**fields), LIMITS) == []


def test_doubtful_values_are_warnings() -> None:
    warnings = validate_listing(listing(list_price=Decimal("6999")), LIMITS)
    assert warnings == ["list_price:below_price"]


def test_every_reason_is_documented() -> None:
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "pipelines.md").read_text("utf-8")
    assert all(f"`{reason}`" in doc for reason in REASONS)


PLAUSIBILITY = [  # (name, current, previous, suspect)
    ("first sighting", {"price_minor": 100, "currency": "CNY"}, None, False),
    ("ten percent cut", {"price_minor": 90, "currency": "CNY"},
     {"price_minor": 100, "currency": "CNY"}, False),
    ("100x up (yuan read as fen)", {"price_minor": 10000, "currency": "CNY"},
     {"price_minor": 100, "currency": "CNY"}, True),
    ("100x down", {"price_minor": 100, "currency": "CNY"},
     {"price_minor": 10000, "currency": "CNY"}, True),
    ("9x up is allowed", {"price_minor": 900, "currency": "CNY"},
     {"price_minor": 100, "currency": "CNY"}, False),
    ("currency changed: base prices compared", {"price_minor": 100000, "currency": "JPY",
                                                "price_base_minor": 47000},
     {"price_minor": 4700, "currency": "CNY", "price_base_minor": 4700}, True),
    ("no price now", {"price_minor": None, "currency": "CNY"},
     {"price_minor": 100, "currency": "CNY"}, False),
    ("held previous still the reference", {"price_minor": 10000, "currency": "CNY"},
     {"price_minor": 100, "currency": "CNY", "price_suspect": True,
      "held_price_minor": 10000}, True),
]


@pytest.mark.parametrize(("name", "current", "previous", "suspect"), PLAUSIBILITY,
                         ids=[p[0] for p in PLAUSIBILITY])
def test_plausibility(name: str, current: dict[str, Any], previous: dict[str, Any] | None,
                      suspect: bool) -> None:
    assert (check_plausibility(current, previous, 10) is not None) is suspect


def test_mark_suspect_sets_the_flag_and_warning() -> None:
    doc: dict[str, Any] = {"price_minor": 10000, "currency": "CNY", "warnings": []}
    assert mark_suspect(doc, {"price_minor": 100, "currency": "CNY"}, 10)
    assert doc["price_suspect"] is True and doc["warnings"] == ["price:suspect_jump"]


@settings(max_examples=2000, deadline=None)
@given(st.one_of(st.from_regex(validate._PLAIN_HTTP_URL), st.text(max_size=60),
                 st.builds("{}://{}{}".format, st.sampled_from(["http", "https", "HTTP", "ftp"]),
                           st.text(max_size=20), st.text(max_size=20))))
def test_plain_url_shortcut_accepts_only_what_urlsplit_accepts(url: str) -> None:
    """The regex shortcut in ``_url`` never lets through a URL the ``urlsplit`` check refuses."""
    shortcut = bool(validate._PLAIN_HTTP_URL.match(url.strip())) and len(url.strip()) <= 2048
    try:
        parts = urlsplit(url.strip())
        full = parts.scheme in ("http", "https") and bool(parts.hostname) \
            and not validate._SPACE_OR_CONTROL.search(url.strip())
    except ValueError:
        full = False
    if shortcut:
        assert full, url
    try:
        validate_listing(listing(url=url), LIMITS)
        accepted = True
    except Rejected as exc:
        accepted = exc.reason not in ("bad_url", "missing_url")
    assert accepted == (full and len(url.strip()) <= 2048 and bool(url.strip())), url
