"""``[platforms.shopify] options.stores`` → Store list; a bad entry is a ConfigError naming it."""

from __future__ import annotations

import re

import pytest

from crawler.config import ConfigError
from crawler.platforms.base import Answer, ErrorKind
from crawler.platforms.shopify.errors import status_error
from crawler.platforms.shopify.stores import store_for, stores_from


def test_default_stores_are_the_two_of_the_brief() -> None:
    stores = stores_from({})
    assert [(s.site, s.currency, s.name) for s in stores] == [
        ("shopify-us", "USD", "Gadgets US"),
        ("shopify-jp", "JPY", "Tokyo Gadgets"),
    ]


@pytest.mark.parametrize(
    ("stores", "message"),
    [
        ([{"site": "a", "base": "https://a.example"}], "missing key(s) ['currency']"),
        (
            [{"site": "a", "base": "https://a.example", "currency": "USD", "token": "x"}],
            "unknown key(s) ['token']",
        ),
        ([{"site": "a", "base": "a.example", "currency": "USD"}], "must be an http(s) URL"),
        (
            [
                {"site": "a", "base": "https://a.example", "currency": "USD"},
                {"site": "a", "base": "https://b.example", "currency": "EUR"},
            ],
            "duplicate site",
        ),
        (["https://a.example"], "stores[0] must be a table"),
    ],
)
def test_bad_stores(stores: list, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        stores_from({"stores": stores})


def test_store_for_site_and_url() -> None:
    stores = stores_from({})
    assert store_for(stores, "shopify-jp").currency == "JPY"
    assert store_for(stores, url="https://tokyo-gadgets.example/products/x").site == "shopify-jp"
    with pytest.raises(ConfigError, match="no store with site 'shopify-de'"):
        store_for(stores, "shopify-de")


@pytest.mark.parametrize(
    ("status", "product", "kind"),
    [
        (429, False, ErrorKind.QUOTA),
        (404, True, ErrorKind.NOT_FOUND),
        (404, False, ErrorKind.AUTH),
        (403, False, ErrorKind.AUTH),
        (422, False, ErrorKind.CLIENT),
        (502, True, ErrorKind.SERVER),
        (302, True, ErrorKind.MALFORMED),
    ],
)
def test_status_table(status: int, product: bool, kind: ErrorKind) -> None:
    error = status_error(
        Answer("http://x/", status, {"Retry-After": "2.0"}, b"{}"), product=product
    )
    assert error is not None and error.kind is kind
    assert error.retry_after == (2.0 if kind is ErrorKind.QUOTA else None)
