"""Titles for matching: no markup, no entities, no promo noise (【包邮】, "Free shipping").

``clean_title`` keeps case and word order (it is stored as ``title_clean`` and shown to people);
the raw ``title`` is never changed. Full-width forms are folded (NFKC), so ``ｉＰｈｏｎｅ１５``
and ``iPhone15`` read the same. Promo vocabulary lives in ``PROMO_PHRASES`` (Chinese) and
``PROMO_PATTERNS`` (English and mixed); bracketed segments such as 【官方正品 顺丰包邮】 go as
a whole when they hold only promo words, otherwise only their brackets go.
"""

# ruff: noqa: RUF001, RUF002  (full-width forms and dashes are the data here)

from __future__ import annotations

import functools
import re
import unicodedata

from w3lib.html import remove_comments, remove_tags, remove_tags_with_content, replace_entities

MAX_TITLE = 2000

#: Chinese promo words and shop boilerplate that never describe the product itself.
PROMO_PHRASES = (
    "顺丰包邮", "全国包邮", "包邮", "官方旗舰店", "官方正品", "正品保障", "正品行货", "官方授权",
    "正品", "旗舰店", "现货速发", "现货秒发", "现货", "当天发货", "次日达", "24小时发货",
    "限时抢购", "限时特价", "限时折扣", "限时", "特价", "秒杀", "促销", "热卖", "爆款", "清仓",
    "新品上市", "新品首发", "新品", "赠品", "送礼品", "送好礼", "送礼", "假一赔十", "假一罚十",
    "七天无理由", "7天无理由", "分期免息", "12期免息", "24期免息", "免息", "白条免息",
    "优惠券", "领券", "立减", "下单立减", "直降", "到手价", "百亿补贴", "品牌直供", "官方直营",
)

#: English (and shop-mixed) promo phrases, matched as whole words, case-insensitive.
PROMO_PATTERNS = (
    r"free\s+(shipping|delivery)(\s+(&|and)\s+returns)?",
    r"fast\s+(shipping|delivery)", r"ships?\s+(today|fast|free)", r"prime\s+delivery",
    r"hot\s+sale", r"best\s+seller", r"top\s+seller", r"new\s+arrivals?",
    r"limited\s+time(\s+offer|\s+deal)?",
    r"(flash|big|mega)\s+sale", r"sale!*", r"(brand\s+)?new\s+in\s+box", r"brand\s+new",
    r"100%\s+(genuine|authentic|original)", r"genuine", r"authentic", r"official\s+store",
    r"in\s+stock(\s+now)?", r"clearance", r"deal\s+of\s+the\s+day", r"\d+%\s+off", r"save\s+\d+%",
    r"with\s+coupon", r"coupon\s+available",
)

_PROMO_RE = re.compile(
    r"(?<![\w])(" + "|".join(PROMO_PATTERNS) + r")(?![\w])", re.IGNORECASE)
_PROMO_ZH_RE = re.compile("|".join(sorted(map(re.escape, PROMO_PHRASES), key=len, reverse=True)))

#: Bracket pairs shops wrap promo text in; () and [] also wrap product facts, so they are
#: only dropped when their content is promo noise.
_BRACKETS = re.compile(r"【([^【】]*)】|〖([^〖〗]*)〗|\[([^\[\]]*)\]|「([^「」]*)」|\(([^()]*)\)")
_SYMBOLS = re.compile(r"[★☆✔✅❤♥●◆■▲►→⚡✨🔥🎁💥👍]+")
_SPACES = re.compile(r"\s+")
_EDGE_PUNCT = " -–—_|/\\,，;；:：!！~·*+"


#: Distinct titles remembered by the caches below (SKUs of one item share a title; validation
#: strips the markup of the title normalization cleans next).
CACHE_SIZE = 4096


def clean_title(title: str | None) -> str:
    """``title`` without markup, entities, promo noise and decoration; "" when nothing is left."""
    if not title:
        return ""
    return _clean(str(title))


@functools.lru_cache(maxsize=CACHE_SIZE)
def _clean(title: str) -> str:
    text = strip_markup(title[:MAX_TITLE])
    text = unicodedata.normalize("NFKC", text)
    if not text.isprintable():  # only then can a control/format character (category C) be in it
        text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    text = _BRACKETS.sub(_bracket, text)
    text = _PROMO_ZH_RE.sub(" ", text)
    text = _PROMO_RE.sub(" ", text)
    text = _SYMBOLS.sub(" ", text)
    if not text.isascii():  # no ASCII character is an "So" symbol
        text = "".join(" " if unicodedata.category(ch) == "So" else ch for ch in text)  # emoji
    text = re.sub(r"\(\s*\)|\[\s*\]|!{2,}", " ", text)
    text = _SPACES.sub(" ", text).strip(_EDGE_PUNCT)
    return _SPACES.sub(" ", text).strip()


@functools.lru_cache(maxsize=CACHE_SIZE)
def strip_markup(text: str) -> str:
    """Text without HTML comments, scripts/styles, tags and entities (w3lib)."""
    if "<" not in text and "&" not in text:  # no tag, comment or entity: nothing to strip
        return text
    # Twice: shops double-escape (&amp;lt;b&amp;gt;), and decoding can reveal markup to remove.
    for _ in range(2):
        text = remove_comments(text)
        text = remove_tags_with_content(text, which_ones=("script", "style"))
        text = remove_tags(text)
        text = replace_entities(text, remove_illegal=True)
    return text


def _bracket(match: re.Match[str]) -> str:
    inner = next(group for group in match.groups() if group is not None)
    rest = _PROMO_RE.sub(" ", _PROMO_ZH_RE.sub(" ", inner))
    if not rest.strip(" ,，/|+&-·"):
        return " "
    return f" {inner} " if match.group(0)[0] in "【〖「" else match.group(0)
