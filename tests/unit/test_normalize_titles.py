"""Titles for matching: markup, entities and promo noise go; the product words stay.

Titles are the shapes found on Taobao/Tmall/JD/PDD (【】 promo brackets, 包邮, 百亿补贴),
Amazon/Shopify ("Free Shipping", emoji, ALL CAPS sale words) and broken HTML from schema.org
pages (double-escaped entities, script tags).
"""

# ruff: noqa: RUF001  (full-width forms are the data; table rows stay one per line)

from __future__ import annotations

import pytest

from crawler.normalize.titles import clean_title

TITLES_FROM_CHINESE_PLATFORMS = [
    ("【包邮】Apple/苹果 iPhone 15 Pro 256GB 黑色钛金属 5G手机",
     "Apple/苹果 iPhone 15 Pro 256GB 黑色钛金属 5G手机"),
    ("【官方正品 顺丰包邮】华为 HUAWEI Mate 60 Pro 12GB+512GB 雅川青",
     "华为 HUAWEI Mate 60 Pro 12GB+512GB 雅川青"),
    ("【百亿补贴】华为Mate60 Pro 12+512GB 雅川青", "华为Mate60 Pro 12+512GB 雅川青"),
    ("【Apple官方】iPhone 15", "Apple官方 iPhone 15"),       # a bracket with product words stays
    ("【现货】", ""),
]

TITLES_FROM_WESTERN_SHOPS = [
    ("Apple iPhone 15 Pro, 256GB, Black Titanium - Free Shipping!!!",
     "Apple iPhone 15 Pro, 256GB, Black Titanium"),
    ("Dyson V15 Detect (Renewed) [Free Shipping]", "Dyson V15 Detect (Renewed)"),
    ("🔥HOT SALE🔥 Sony WH-1000XM5", "Sony WH-1000XM5"),
    ("ｉＰｈｏｎｅ１５　Ｐｒｏ", "iPhone15 Pro"),
]

TITLES_WITH_MARKUP = [
    ("<b>Sony</b> WH-1000XM5 &amp; Case", "Sony WH-1000XM5 & Case"),
    ("&lt;script&gt;alert(1)&lt;/script&gt;Nintendo Switch OLED", "Nintendo Switch OLED"),
    ("<script>x=1</script>LEGO 42115 &amp;amp; more", "LEGO 42115 & more"),
    ("Tools 3 < 5", "Tools 3 < 5"),
    ("Line\x00one\x1bnext", "Line one next"),
]


@pytest.mark.parametrize(("title", "expected"), TITLES_FROM_CHINESE_PLATFORMS
                         + TITLES_FROM_WESTERN_SHOPS + TITLES_WITH_MARKUP, ids=repr)
def test_clean_title(title: str, expected: str) -> None:
    assert clean_title(title) == expected


def test_no_title_is_empty() -> None:
    assert clean_title(None) == ""
