"""``pricewatch crawl`` without a crawl: which spiders run, the summed stats of several spiders,
the summary table, and pricewatch.example.toml (it loads, and every platform builds from it)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rich.console import Console

from crawler.cli.crawl_display import counts, table
from crawler.config import ConfigError, load_config
from crawler.crawl_run import choose_spiders, merged
from crawler.ladder.setup import platform_config, platform_settings, watches_for
from crawler.platforms import registry
from crawler.platforms.base import MissingCredential

EXAMPLE = Path(__file__).resolve().parents[2] / "pricewatch.example.toml"
SPIDERS = ["amazon", "jd", "pdd", "schema_org", "shopify", "taobao", "woocommerce"]


@pytest.fixture(scope="module")
def example():  # type: ignore[no-untyped-def]
    return load_config(EXAMPLE)


def test_example_config_loads_and_every_platform_builds_from_it(example) -> None:  # type: ignore[no-untyped-def]
    assert set(example.platforms) == set(registry.KNOWN)
    for name in registry.KNOWN:
        spec = registry.get(name)
        settings = platform_settings(spec, platform_config(name, example), env={})
        spec.make_page_reader(settings)
        if spec.make_client is not None:
            try:
                spec.make_client(settings)
            except MissingCredential as exc:  # no env in the test: the error names the variable
                assert exc.setting.startswith("env ")
        assert watches_for(name, example), name


@pytest.mark.parametrize(("platforms", "watchlist", "fixtures", "chosen"), [
    (("jd",), None, False, ["jd"]),
    ((), "phones", False, ["taobao", "jd", "pdd", "amazon", "shopify", "woocommerce"]),
    ((), None, False, ["taobao", "jd", "pdd", "amazon", "shopify", "woocommerce", "schema_org"]),
])
def test_which_spiders_run(example, platforms: tuple[str, ...], watchlist: str | None,  # type: ignore[no-untyped-def]
                           fixtures: bool, chosen: list[str]) -> None:
    assert choose_spiders(example, platforms, watchlist, fixtures, SPIDERS) == chosen


@pytest.mark.parametrize(("platforms", "watchlist", "message"), [
    (("ebay",), None, "no spider for ebay"), ((), "nope", "no [[watch]] is named 'nope'")])
def test_what_cannot_run_says_why(example, platforms: tuple[str, ...],  # type: ignore[no-untyped-def]
                                  watchlist: str | None, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        choose_spiders(example, platforms, watchlist, False, SPIDERS)


def test_stats_of_several_spiders_are_summed() -> None:
    total = merged({"jd": {"item_scraped_count": 3, "pricewatch/jd/source/api": 3,
                           "pricewatch/jd/disagreements": [{"field": "price"}],
                           "finish_reason": "finished"},
                    "pdd": {"item_scraped_count": 2, "elapsed_time_seconds": 1.5,
                            "finish_reason": "finished"}})
    assert total["item_scraped_count"] == 5 and total["pricewatch/jd/source/api"] == 3
    assert total["pricewatch/jd/disagreements"] == [{"field": "price"}]


def test_summary_counts_each_source_and_escapes_names() -> None:
    stats = {"pricewatch/jd/source/api": 5, "pricewatch/jd/source/rendered": 2,
             "pricewatch/jd/blocked": 1, "item_dropped_count": 1,
             "pricewatch/jd/rejected/malformed_answer": 2, "pricewatch/jd/fallback/auth": 4,
             "pricewatch/jd/fallback/needs_browser": 2, "pricewatch/jd/disagreement/price": 1}
    assert counts("jd", stats) == {"api": 5, "page": 0, "rendered": 2, "blocked": 1,
                                   "rejected": 3, "fallback": 6, "disagree": 1, "indexed": 0}
    console = Console(width=100, record=True)
    console.print(table({"[red]x": {}}, "summary"))
    assert "[red]x" in console.export_text()
