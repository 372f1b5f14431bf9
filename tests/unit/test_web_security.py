"""Which bind addresses need a token, and how links from scraped data are filtered."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from crawler.web.security import TokenRequired, check_bind, is_loopback
from crawler.web.views import safe_url


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("127.0.0.2", True), ("localhost", True), ("::1", True),
    ("[::1]", True), ("0.0.0.0", False), ("::", False), ("192.168.1.10", False),
    ("pricewatch.example.com", False),
])
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_check_bind() -> None:
    check_bind("127.0.0.1", None)
    check_bind("0.0.0.0", SecretStr("t"))
    for token in (None, SecretStr("")):
        with pytest.raises(TokenRequired, match=r"0\.0\.0\.0"):
            check_bind("0.0.0.0", token)


@pytest.mark.parametrize(("url", "shown"), [
    ("https://item.jd.com/1.html", "https://item.jd.com/1.html"),
    ("javascript:alert(1)", None), ("JaVaScRiPt:alert(1)", None),
    ("data:text/html,<script>", None), ("", None), (None, None),
])
def test_only_http_links_from_scraped_data(url: str | None, shown: str | None) -> None:
    assert safe_url(url) == shown
