# ruff: noqa: RUF001, RUF002 (Chinese text is the data here)
"""Recognise anti-bot answers (CAPTCHA interstitials, "access denied" walls), for every reader.

A blocked answer is never a product page without a price: the framework counts it as
``pricewatch/<platform>/blocked``, backs the site off and tries the page again later. Two shapes:

- HTTP 200 interstitials: Taobao's slider ("亲，请拖动下方滑块完成验证", ``_____tmd_____``),
  JD's risk check ("验证一下，购物无忧", ``JDJRV``), PDD's "安全验证", Amazon's "Robot Check" /
  ``validateCaptcha``, Cloudflare's "Just a moment..." challenge;
- HTTP 403 (or 429/503 with such a body): Akamai-style "Access Denied … Reference #18.…",
  Cloudflare's "Sorry, you have been blocked".

The markers are the texts and script/form paths those pages carry; a product page carries none
of them. ``x-fixture-blocked`` (the fixture marketplace's test header) is deliberately not used.
"""

from __future__ import annotations

import re

from crawler.platforms.base import Answer

#: (reason, pattern) — the first match names the block. Patterns are specific to the wall, not to
#: words a product description could contain.
MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (reason, re.compile(pattern, re.I))
    for reason, pattern in (
        ("captcha:taobao-slider", r"_____tmd_____|nocaptcha|亲，请拖动下方滑块完成验证"),
        ("captcha:jd-verify", r"验证一下，购物无忧|JDJRV-slide|risk_handler"),
        ("captcha:pdd-verify", r"为保障您的账号安全，请完成安全验证|captcha-container"
                               r"|slide-verify"),
        ("captcha:amazon-robot-check", r"<title>\s*Robot Check\s*</title>"
                                       r"|/errors/validateCaptcha|Enter the characters you see"),
        ("challenge:cloudflare", r"<title>\s*Just a moment\.\.\.\s*</title>"
                                 r"|/cdn-cgi/challenge-platform|challenge-running"),
        ("forbidden:cloudflare", r"Sorry, you have been blocked|Attention Required! \| Cloudflare"),
        ("forbidden:akamai", r"<title>\s*Access Denied\s*</title>|Reference #\d+\.[0-9a-f]+"),
    )
)

#: Only the head of a page is searched: walls are small, product pages are not.
SCAN_CHARS = 20_000


def blocked_reason(answer: Answer) -> str | None:
    """Why ``answer`` is an anti-bot wall (``captcha:jd-verify``, ``forbidden:http-403``)."""
    head = answer.body[:SCAN_CHARS].decode("utf-8", errors="replace")
    for reason, pattern in MARKERS:
        if pattern.search(head):
            return reason
    if answer.status == 403:
        return "forbidden:http-403"
    return None
