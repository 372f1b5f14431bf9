"""WooCommerce product pages and sitemaps → records and follow-ups (crawler/platforms/woocommerce).

Cases (tests/cases/woocommerce/page-*, sitemap-*): recordings of the fixture marketplace's
German shop in both page layouts (Yoast's JSON-LD ``@graph`` with an AggregateOffer, and
microdata only), each with ``data-product_variations`` (the only place of the GTIN); compared
with the truth through the pipeline's normalizer, one test per field.
"""

from __future__ import annotations

from functools import cache

import pytest

from crawler.platforms.base import PageResult, Watch
from crawler.platforms.woocommerce.pages import WooPageReader
from tests.support.page_cases import PAGE_FIELDS, expected, key, load, normalized
from tests.support.page_recorder import BASE

READER = WooPageReader(f"{BASE}/woocommerce")
CASES = {c.name: c for c in [*load("woocommerce", "page-"), *load("woocommerce", "sitemap-")]}
PAGES = sorted(n for n in CASES if n.startswith("page-"))


@cache
def read(name: str) -> PageResult:
    case = CASES[name]
    return READER.read(case.target(), case.answer)


@pytest.mark.parametrize("field", PAGE_FIELDS)
@pytest.mark.parametrize("name", PAGES)
def test_field(name: str, field: str) -> None:
    found = {key(r): normalized(r, "woocommerce") for r in read(name).records}
    rows = CASES[name].output["records"]
    assert set(found) == {key(row) for row in rows}
    for row in rows:
        assert found[key(row)][field] == expected(row, field), (name, row["listing_id"])


def test_colour_stays_in_the_shops_language_in_the_record() -> None:
    colours = {r["variant_attributes"]["color"] for r in read("page-microdata").records}
    assert colours <= {"Schwarz", "Weiß", "Blau", "Rot", "Silber", "Grün", "Grau", "Gold"}


@pytest.mark.parametrize("name", ["sitemap-robots", "sitemap-index", "sitemap-chunk"])
def test_sitemaps(name: str) -> None:
    result = read(name)
    assert sorted(t.url for t in result.follow) == sorted(CASES[name].output["follow"])


def test_ids_and_whole_shop_go_to_the_sitemap_keywords_need_the_api() -> None:
    sitemap = f"{BASE}/woocommerce/wp-sitemap.xml"
    assert [t.url for t in READER.targets_for(Watch("woocommerce", item_ids=("1",)))] == [sitemap]
    assert [t.url for t in READER.targets_for(Watch("woocommerce"))] == [sitemap]
    assert READER.targets_for(Watch("woocommerce", keywords=("Kettle",))) == []
