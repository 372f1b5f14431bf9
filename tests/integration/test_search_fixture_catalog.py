"""Search, comparison and history over a catalog the crawler really crawled (issue 7, "Done when").

One module fixture: a private fixture marketplace (seed 10, 40 items, all 7 platforms) is crawled
with ``pricewatch crawl --fixtures URL`` (real spiders, pipelines, matcher and index step into a
private prefix), market time is stepped 3 ticks (prices, promotions, stock, coupons, a delisting,
new items), and the catalog is crawled again. Every expectation is recomputed from
``/_control/truth`` of the two market states (``tests/support/crawled_catalog.py``).

Market time and wall time: the marketplace's ticks carry no clock; the crawl stamps each listing
and history point with the wall time it fetched it (``fetched_at``), so the two crawls are
seconds apart, not a day. "24 h change" is therefore asked *as of* 24 h after a moment between
the two crawls (``Catalog.as_of``): 24 h before that moment only the first crawl had been seen, so
"24 h ago" is market tick 0 and "now" is tick 3, exactly as a day between two crawls would be.
The listings index holds the current state whatever ``as_of`` says. History is read as of the
real now over one day; its 5-minute points are placed with each listing's ``fetched_at`` (taken
from the index after each crawl), because whether the two crawls share a bucket depends on the
wall clock, and a shared bucket holds the lower of the two values by design (docs/search.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from crawler.esnode.service import Connection
from crawler.search.compare import compare_group
from crawler.search.history import INTERVALS, listing_history
from crawler.search.listings import search_listings
from crawler.search.params import SearchParams
from crawler.search.pricing import PricingSettings
from tests.support.crawl_check import compare, indexed
from tests.support.crawled_catalog import (
    BASE,
    OURS,
    Catalog,
    crawl_catalog,
    expected_comparison,
    expected_points,
    facets,
    groups,
    in_base,
    matches,
    observations,
    orderable,
)

pytestmark = [pytest.mark.es, pytest.mark.slow]
SETTINGS = PricingSettings(base_currency=BASE, our_sellers=(OURS,))


@pytest.fixture(scope="module")
def catalog(es: Elasticsearch, es_connection: Connection, tmp_path_factory: Any
            ) -> Iterator[Catalog]:
    with crawl_catalog(es, es_connection.target.url, tmp_path_factory.mktemp("crawl")) as built:
        yield built


def test_the_crawl_indexed_every_listing_and_grouped_it_as_the_truth_does(
        es: Elasticsearch, catalog: Catalog) -> None:
    docs = indexed(es, catalog.names)
    check = compare(catalog.after.values(), docs)
    assert check.missing == [] and check.wrong == [], check.describe()
    assert {r["platform"] for r in catalog.live()} == {d["platform"] for d in docs.values()}
    gone = [lid for lid, r in catalog.after.items() if r.get("delisted")]
    assert gone and all(docs[lid]["delisted"] for lid in gone)
    # The documented schema.org limit: a vanished page's listing stays as first seen (stale).
    assert all(not docs[lid].get("delisted") and catalog.seen_second[lid] ==
               catalog.seen_first[lid] for lid in catalog.vanished)
    # One indexed group per truth group, with the same members (the matcher's own ids).
    by_group: dict[str, set[str]] = {}
    for lid, doc in docs.items():
        by_group.setdefault(doc["product_group_id"], set()).add(lid)
    truth = {frozenset(r["listing_id"] for r in rows) for rows in groups(catalog.after).values()}
    assert {frozenset(m) for m in by_group.values()} == truth


@pytest.mark.parametrize("query", ["华为 手机", "Nike Vomero", "Anker earbuds"])
def test_chinese_and_english_queries_find_what_the_truth_holds(
        es: Elasticsearch, catalog: Catalog, query: str) -> None:
    want = {r["listing_id"]: r for r in catalog.live() if matches(r, query)}
    assert len(want) >= 2, f"the catalog has listings for {query!r}"
    page = search_listings(es, catalog.names, SearchParams(q=query, limit=100))
    assert page.total == len(want)
    assert {h.listing_id for h in page.hits} == set(want)
    got = {h.listing_id: (h.price_minor, h.currency, h.availability) for h in page.hits}
    assert got == {lid: (r["price_minor"], r["currency"], r["availability"])
                   for lid, r in want.items()}
    assert _facet_counts(page) == facets(list(want.values()))


def test_facets_of_the_whole_catalog_and_a_chosen_platform(es: Elasticsearch,
                                                            catalog: Catalog) -> None:
    live = catalog.live()
    page = search_listings(es, catalog.names, SearchParams(limit=1))
    assert page.total == len(live) and _facet_counts(page) == facets(live)
    names = {r["seller_id"]: r["seller_name"] for r in live if r.get("seller_id")}
    assert {b.key: b.label for b in page.facets["seller"]} == names
    # A chosen platform filters the hits and the other facets, not its own facet.
    chosen = SearchParams(platform=["pdd"], limit=100)
    page = search_listings(es, catalog.names, chosen)
    pdd = [r for r in live if r["platform"] == "pdd"]
    assert page.total == len(pdd) and {h.listing_id for h in page.hits} == \
        {r["listing_id"] for r in pdd}
    assert _facet_counts(page) == facets(pdd) | {"platform": facets(live)["platform"]}


def _facet_counts(page: Any) -> dict[str, dict[str, int]]:
    return {name: {b.key: b.count for b in buckets} for name, buckets in page.facets.items()}


def test_comparisons_equal_what_the_truth_implies(es: Elasticsearch, catalog: Catalog) -> None:
    docs = indexed(es, catalog.names)
    compared = {g for g, rows in groups(catalog.after).items() if any(map(orderable, rows))}
    wrong, wants = {}, []
    for group in sorted(compared):
        member = next(r["listing_id"] for r in catalog.after.values()
                      if r["product_group_id"] == group)
        c = compare_group(es, catalog.names, docs[member]["product_group_id"], SETTINGS,
                          catalog.as_of)
        assert c is not None and c.basis is not None, group
        want = expected_comparison(catalog, group)
        got = {k: getattr(c, k) for k in want if k != "basis"} | {
            "basis": (c.basis.kind, c.basis.base)}
        wants.append(want)
        if got != want:
            wrong[group] = {k: (got[k], want[k]) for k in want if got[k] != want[k]}
    assert wrong == {}
    # The catalog exercises every figure: several offers, our index, a 24 h move, mixed money.
    assert sum(w["counted_offers"] >= 2 for w in wants) >= 5
    assert any(w["price_index"] is not None for w in wants)
    assert any(w["change_24h_minor"] for w in wants)
    assert any(w["basis"][1] for w in wants) and any(not w["basis"][1] for w in wants)


def test_offer_changes_over_24_hours(es: Elasticsearch, catalog: Catalog) -> None:
    """Per offer: the compared price now minus the first crawl's value of the same field."""
    docs, moved = indexed(es, catalog.names), 0
    for group, rows in groups(catalog.after).items():
        c = compare_group(es, catalog.names, docs[rows[0]["listing_id"]]["product_group_id"],
                          SETTINGS, catalog.as_of)
        assert c is not None
        for offer in c.offers:
            before = catalog.before.get(offer.listing_id)
            want = None
            if c.basis is not None and before is not None and offer.compare_minor is not None:
                field = c.basis.field
                then = _point_value(catalog, before, field)
                want = None if then is None else offer.compare_minor - then
                assert offer.compare_minor == _point_value(
                    catalog, catalog.after[offer.listing_id], field, second=True), offer
            assert offer.change_24h_minor == want, (group, offer.listing_id)
            moved += bool(want)
    assert moved, "some offer moved between the crawls"


def _point_value(c: Catalog, row: dict[str, Any], field: str, second: bool = False
                 ) -> int | None:
    native = field.replace("_base", "")
    minor = row.get(native)
    if minor is None or native == field:
        return minor
    seen = (c.seen_second if second else c.seen_first)[row["listing_id"]]
    return in_base(c, minor, row["currency"], seen)


def test_listing_history_has_the_crawled_points_and_lows(es: Elasticsearch,
                                                         catalog: Catalog) -> None:
    now, seconds = datetime.now(UTC), dict(INTERVALS)["5m"]
    with_two = 0
    for lid in sorted(catalog.after):
        seen = observations(catalog, lid)
        history = listing_history(es, catalog.names, lid, 1, now)
        assert history is not None and history.interval == "5m", lid
        if not seen:
            continue
        points = [p.model_dump() for p in history.series[0].points]
        assert points == expected_points(catalog, lid, seconds), lid
        with_two += len(seen) == 2
        rows = [row for _, row in seen]
        if all(r.get("price_minor") is not None for r in rows):
            field = "effective_price_minor" if all(
                r.get("effective_price_minor") is not None for r in rows) else "price_minor"
            assert history.basis is not None and history.basis.field == field, lid
            buyable = [r[field] for r in rows if r["availability"] != "out_of_stock"]
            assert history.lows[0].minor == (min(buyable) if buyable else None), lid
    assert with_two >= 3, "the step moved several listings, each with a second point"
