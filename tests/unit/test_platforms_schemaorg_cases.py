"""The schema.org shop's pages → records, one test per case and field.

Cases (tests/cases/schema_org/): ``page-*`` are recordings of the fixture marketplace's generic
shop, one per page layout (JSON-LD, ``@graph``, several offers, a related product, microdata
only, OpenGraph only, Next.js state, js-only before and after Chromium rendered it), with the
truth rows of the item as ``output.json``; ``made-*`` are pages made by hand for the price
forms and traps the marketplace does not serve (``¥1,099.00`` with a struck price, 满300减50 and
shipping; full-width ``￥99``; a ``¥99-199`` range; ``1.299,00 €``; a split ``$1,099.99`` behind a
recommendation block; a broken JSON-LD block; two Products without a canonical link; a used
offer of another seller; JSON numbers; ``window.__INITIAL_STATE__``; a category page).
``meta.json`` says which is which.
Re-record with ``python -m tests.support.page_recorder --only schema``.
"""

from __future__ import annotations

from functools import cache

import pytest

from crawler.platforms.base import PageResult
from crawler.platforms.schema_org.pages import SchemaOrgShopReader
from tests.support.page_cases import PAGE_FIELDS, expected, key, load, normalized

CASES = {c.name: c for c in load("schema_org")}
RECORDS = sorted(n for n, c in CASES.items() if c.output.get("records"))
READER = SchemaOrgShopReader()


@cache
def read(name: str) -> PageResult:
    case = CASES[name]
    return READER.read(case.target(), case.answer)


@pytest.mark.parametrize("field", PAGE_FIELDS)
@pytest.mark.parametrize("name", RECORDS)
def test_field(name: str, field: str) -> None:
    found = {key(r): normalized(r, "schema_org") for r in read(name).records}
    rows = CASES[name].output["records"]
    assert set(found) == {key(row) for row in rows}
    for row in rows:
        assert found[key(row)][field] == expected(row, field), (name, field)


@pytest.mark.parametrize("name", sorted(CASES))
def test_what_the_page_says(name: str) -> None:
    """Flags, problems and discovery: the parts of a result that are not records."""
    result, want = read(name), CASES[name].output
    assert result.needs_browser is want.get("needs_browser", False)
    assert result.not_found is want.get("not_found", False)
    assert bool(result.blocked) is want.get("blocked", False)
    assert sorted(t.url for t in result.follow) == sorted(want.get("follow", []))
    for problem in want.get("problems", []):
        assert any(p.startswith(problem) for p in result.problems), result.problems
    if "problems" not in want:
        assert result.problems == []
    if result.records:
        assert result.confidence < want.get("confidence_below", 1.01)


@pytest.mark.parametrize(
    ("name", "confidence"),
    [("page-jsonld", 1.0), ("page-jsonld-graph", 1.0), ("page-microdata", 0.95),
     ("page-embedded-state", 0.95), ("page-opengraph", 0.9), ("page-js-only-rendered", 0.85),
     ("made-visible-range", 0.6)],
)
def test_confidence_is_lower_when_values_came_from_visible_text(name: str, confidence: float
                                                               ) -> None:
    assert read(name).confidence == confidence


def test_the_related_product_never_wins() -> None:
    case = CASES["page-jsonld-related"]
    assert case.answer.text.count('"@type": "Product"') == 2  # the trap is in the page
    (record,) = read("page-jsonld-related").records
    assert record["item_id"] == case.output["records"][0]["item_id"]


def test_the_shops_new_offer_wins_over_the_cheaper_refurbished_one() -> None:
    (record,) = read("page-jsonld-offers").records
    assert record["seller_name"] == "Northwind Goods"
    assert "RefurbishedCondition" in CASES["page-jsonld-offers"].answer.text


def test_a_record_keeps_the_site_locale_and_canonical_url() -> None:
    (record,) = read("page-jsonld").records
    assert record["locale"] == "en_US"
    assert record["canonical_url"] == CASES["page-jsonld"].request["url"]
