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

#: Texts only anti-bot walls carry (plain substrings: a page is searched once per marker, in C).
BODY_MARKERS: tuple[tuple[str, str], ...] = (
    ("_____tmd_____", "captcha:taobao-slider"),
    ("亲，请拖动下方滑块完成验证", "captcha:taobao-slider"),
    ('id="nocaptcha"', "captcha:taobao-slider"),
    ("验证一下，购物无忧", "captcha:jd-verify"),
    ("JDJRV-slide", "captcha:jd-verify"),
    ("为保障您的账号安全，请完成安全验证", "captcha:pdd-verify"),
    ('class="captcha-container"', "captcha:pdd-verify"),
    ("/errors/validateCaptcha", "captcha:amazon-robot-check"),
    ("Enter the characters you see below", "captcha:amazon-robot-check"),
    ("/cdn-cgi/challenge-platform", "challenge:cloudflare"),
    ('id="challenge-running"', "challenge:cloudflare"),
    ("Sorry, you have been blocked", "forbidden:cloudflare"),
)
#: ``<title>`` texts of walls (a product could be named "Access Denied": only the title counts).
TITLE_MARKERS: tuple[tuple[str, str], ...] = (
    ("robot check", "captcha:amazon-robot-check"),
    ("just a moment...", "challenge:cloudflare"),
    ("attention required! | cloudflare", "forbidden:cloudflare"),
    ("access denied", "forbidden:akamai"),
)
_TITLE = re.compile(r"<title[^>]*>([^<]{0,200})</title>", re.I)
_AKAMAI_REFERENCE = re.compile(r"Reference #\d+\.[0-9a-f]+")

#: Only the head of a page is searched: walls are small, product pages are not.
SCAN_CHARS = 20_000


def blocked_reason(answer: Answer) -> str | None:
    """Why ``answer`` is an anti-bot wall (``captcha:jd-verify``, ``forbidden:http-403``)."""
    head = answer.body[:SCAN_CHARS].decode("utf-8", errors="replace")
    title = _TITLE.search(head, 0, 4000)
    if title:
        shown = title.group(1).strip().lower()
        for text, reason in TITLE_MARKERS:
            if shown.startswith(text):
                return reason
    for text, reason in BODY_MARKERS:
        if text in head:
            return reason
    if len(head) < 4000 and _AKAMAI_REFERENCE.search(head):
        return "forbidden:akamai"
    if answer.status == 403:
        return "forbidden:http-403"
    return None
