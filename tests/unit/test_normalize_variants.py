"""Variant attributes: one spelling per colour, capacity and size, from shop attributes or titles."""

# ruff: noqa: E501  (full-width forms are the data; table rows stay one per line)

from __future__ import annotations

import pytest

from crawler.normalize.variants import (
    color_family,
    normalize_capacity,
    normalize_size,
    normalize_variant_attributes,
    variants_from_title,
)

ATTRIBUTES_FROM_SHOPS = [
    ({"颜色分类": "黑色", "存储容量": "256G"}, {"color": "black", "capacity": "256GB"}),
    ({"Colour": "Space Grey", "Storage": "1024 GB"}, {"color": "space gray", "capacity": "1TB"}),
    ({"版本": "12GB+512GB", "颜色": "雅川青"},
     {"capacity": "512GB", "ram": "12GB", "color": "yachuan green"}),
    ({"尺码": "2XL"}, {"size": "XXL"}),
    ({"size": "42码"}, {"size": "42"}),
    ({"屏幕尺寸": "55英寸"}, {"size": "55in"}),
    ({"运行内存": "8GB"}, {"ram": "8GB"}),
    ({"Material": "Cotton", "颜色": None}, {"material": "Cotton"}),
]

VARIANTS_FROM_TITLES = [
    ("Apple iPhone 15 Pro, 256GB, Black Titanium", {"capacity": "256GB", "color": "black titanium"}),
    ("苹果 iPhone 15 Pro 256G 黑色钛金属 5G手机", {"capacity": "256GB", "color": "black titanium"}),
    ("Samsung Galaxy S24 Ultra 5G (Titanium Gray, 12GB RAM, 256GB)",
     {"capacity": "256GB", "ram": "12GB", "color": "titanium gray"}),
    ("小米14 16+1T 白色", {"capacity": "1TB", "ram": "16GB", "color": "white"}),
    ("iPhone 15 128GB/256GB/512GB 可选", {}),           # several: the title says nothing
    ("华为 Mate 60 Pro 5G", {}),                          # 5G is a network
]


#: Found by the Amazon spider's crawl against the fixture truth.
VARIANTS_BUGS_CAUGHT = [
    ("Uniqlo Supima Cotton 11 T-Shirt, Black", {"color": "black"}),      # not 11TB
    ("优衣库 14 T恤 黑色", {"color": "black"}), ("优衣库14T恤 黑色", {"color": "black"}),
    ("Anker PowerCore 20,000 mAh Power Bank", {}),                       # not storage
    ("Xiaomi Kettle 1.7 L, White", {"color": "white"}),
]

CAPACITY_UNITS_SPELLED = [
    ("20,000 mAh", "20000mAh"), ("10000mah", "10000mAh"), ("1.5 L", "1.5L"), ("1.7升", "1.7L"),
    ("500 ml", "500ml"), ("100Wh", "100Wh"),
]


@pytest.mark.parametrize(("title", "expected"), VARIANTS_BUGS_CAUGHT, ids=repr)
def test_variants_bugs_caught(title: str, expected: dict[str, str]) -> None:
    assert variants_from_title(title) == expected


@pytest.mark.parametrize(("value", "expected"), CAPACITY_UNITS_SPELLED, ids=repr)
def test_other_capacity_units_keep_their_si_spelling(value: str, expected: str) -> None:
    assert normalize_capacity(value) == {"capacity": expected}


@pytest.mark.parametrize(("raw", "expected"), ATTRIBUTES_FROM_SHOPS, ids=repr)
def test_attributes_from_shops(raw: dict[str, str], expected: dict[str, str]) -> None:
    assert normalize_variant_attributes(raw) == expected


@pytest.mark.parametrize(("title", "expected"), VARIANTS_FROM_TITLES, ids=repr)
def test_variants_from_titles(title: str, expected: dict[str, str]) -> None:
    assert variants_from_title(title) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("256G", "256GB"), ("256 gb", "256GB"), ("1T", "1TB"), ("2048GB", "2TB"), ("1.5TB", "1.5TB")])
def test_capacity_spellings(value: str, expected: str) -> None:
    assert normalize_capacity(value) == {"capacity": expected}


@pytest.mark.parametrize(("value", "expected"), [("xl", "XL"), ("3XL", "XXXL"), ("M", "M"),
                                                 ("EU 42", "42"), ('65"', "65in")])
def test_sizes(value: str, expected: str) -> None:
    assert normalize_size(value) == expected


def test_colour_families_tell_marketing_names_apart() -> None:
    assert color_family("雅丹黑") == "black"
    assert color_family("yachuan green") == "green"
    assert color_family("雅川青") == "green"
