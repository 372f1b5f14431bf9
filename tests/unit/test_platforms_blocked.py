"""Blocked-page recognition over every wall the fixture marketplace serves (its
``fixtures/marketplace/pages/blocked.py``: one CAPTCHA per platform at HTTP 200, Cloudflare's
challenge, Akamai's and Cloudflare's 403 pages), plus product pages that must not look blocked."""

from __future__ import annotations

import pytest

from crawler.platforms.base import Answer
from crawler.platforms.blocked import blocked_reason
from fixtures.marketplace.pages.blocked import blocked_page
from tests.support.page_cases import load

PLATFORMS = ("taobao", "jd", "pdd", "amazon", "shopify", "woocommerce", "schema_org")


def wall(platform: str, status: int) -> Answer:
    response = blocked_page(platform, status)
    assert response.body is not None
    return Answer("http://x", status, {}, bytes(response.body))  # the test header is dropped


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("status", [200, 403])
def test_every_fixture_wall_is_blocked(platform: str, status: int) -> None:
    assert blocked_reason(wall(platform, status))


@pytest.mark.parametrize(("platform", "status", "reason"), [
    ("jd", 200, "captcha:jd-verify"), ("taobao", 200, "captcha:taobao-slider"),
    ("pdd", 200, "captcha:pdd-verify"), ("amazon", 200, "captcha:amazon-robot-check"),
    ("shopify", 200, "challenge:cloudflare"), ("woocommerce", 403, "forbidden:cloudflare"),
    ("jd", 403, "forbidden:akamai"),
])
def test_the_reason_names_the_wall(platform: str, status: int, reason: str) -> None:
    assert blocked_reason(wall(platform, status)) == reason


@pytest.mark.parametrize("case", [c for c in load("jd", "page-") if not c.output.get("blocked")],
                         ids=str)
def test_product_and_gone_pages_are_not_blocked(case: object) -> None:
    assert blocked_reason(case.answer) is None  # type: ignore[attr-defined]


def test_a_bare_403_is_blocked() -> None:
    assert blocked_reason(Answer("http://x", 403, {}, b"nope")) == "forbidden:http-403"
