"""Terminal rendering: sparklines, and scraped text that must not act as markup or control codes."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.console import Console

from crawler.cli.render import render_search, safe, sparkline
from crawler.search.history import MAX_POINTS, interval_for
from crawler.search.models import FacetBucket, ListingHit, SearchPage
from crawler.search.report import _cell


def test_sparkline_scales_between_low_and_high() -> None:
    assert sparkline([1, 2, 3, 4, 5, 6, 7, 8]) == "▁▂▃▄▅▆▇█"
    assert sparkline([5, 5, 5]) == "▁▁▁"
    assert sparkline([1, None, 8]) == "▁ █"
    assert sparkline([]) == ""


def test_untrusted_text_is_neither_markup_nor_control_codes() -> None:
    assert safe("[bold red]x[/]").plain == "[bold red]x[/]"
    assert "\x1b" not in safe("a\x1b[2Jb").plain


def test_a_search_page_renders_titles_verbatim() -> None:
    hit = ListingHit(listing_id="taobao:1", platform="taobao", title="[red]<script>x</script>",
                     currency="CNY", price_minor=100, fetched_at=datetime(2026, 1, 1, tzinfo=UTC))
    page = SearchPage(query="x", total=1, offset=0, limit=20, hits=[hit],
                      facets={"platform": [FacetBucket(key="taobao", label="[b]t", count=1)]})
    console = Console(record=True, width=200)
    console.print(render_search(page))
    text = console.export_text()
    assert "[red]<script>x</script>" in text and "[b]t (1)" in text and "CN¥1.00" in text


def test_chart_interval_keeps_points_bounded() -> None:
    assert interval_for(1) == "5m"
    assert interval_for(30) == "3h"
    assert interval_for(400) == "1d"
    assert all(days * 86400 / {"5m": 300, "3h": 10800, "1d": 86400, "7d": 604800}.get(
        interval_for(days), 1) <= MAX_POINTS for days in (1, 30, 400))


def test_csv_cells_that_would_run_as_formulas_are_neutralized() -> None:
    assert _cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert _cell("-12.50") == "-12.50"
    assert _cell("@sum") == "'@sum"
