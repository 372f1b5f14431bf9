"""``pricewatch search | compare | history | report`` through CliRunner against the shared market.

The config file points at the market's index prefix and declares our seller and MAP, as a user's
``pricewatch.toml`` would; what is checked is what a person reads in the terminal or the file.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from elasticsearch import Elasticsearch
from rich.console import Console

from crawler.cli import cli
from crawler.cli.search import NotFound, show_comparison
from crawler.config import Config
from tests.support.market_data import MAP_PRICES, SELF, Market, market_config

pytestmark = pytest.mark.es


@pytest.fixture
def run(shared_market: Market, base_config: Config, tmp_path: Path):  # type: ignore[no-untyped-def]
    config = tmp_path / "pricewatch.toml"
    maps = "\n".join(f'"{g}" = "{v}"' for g, v in MAP_PRICES.items())
    config.write_text(f'base_currency = "CNY"\n[pricing]\nour_sellers = ["{SELF}"]\n'
                      f"[pricing.map]\n{maps}\n", encoding="utf-8")
    env = {"PRICEWATCH_CONFIG": str(config), "PRICEWATCH_HOME": str(base_config.home),
           "PRICEWATCH_INDEX_PREFIX": shared_market.names.prefix, "COLUMNS": "250"}

    def invoke(*args: str, catch: bool = False) -> Result:
        return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=catch)

    return invoke


def test_search_in_chinese_shows_hits_and_facets(run, shared_market: Market) -> None:  # type: ignore[no-untyped-def]
    result = run("search", "华为", "手机")
    assert result.exit_code == 0
    want = [o for o in shared_market.offers if "华为" in o.spec.title and "手机" in o.spec.title]
    assert f"{len(want)} listings for “华为 手机”" in result.output
    assert all(o.listing_id in result.output for o in want)
    assert "platform: " in result.output and "seller: " in result.output


def test_bad_search_option_is_a_usage_error(run) -> None:  # type: ignore[no-untyped-def]
    result = run("search", "x", "--min-price", "9", "--max-price", "1")
    assert result.exit_code == 2 and "min_price 9 is above max_price 1" in result.output


def test_compare_by_words_prints_the_summary(run) -> None:  # type: ignore[no-untyped-def]
    result = run("compare", "索尼", "耳机")
    assert result.exit_code == 0
    assert "pg-sony-xm5-black" in result.output and "price index" in result.output
    assert "MAP CN¥2,499.00: 3 breach(es)" in result.output
    assert "(ours)" in result.output


def test_history_prints_lows_and_a_sparkline(run) -> None:  # type: ignore[no-untyped-def]
    result = run("history", "jd:100088", "--days", "30")
    assert result.exit_code == 0
    assert "one point per 3h" in result.output and "365 d" in result.output
    assert any(ch in result.output for ch in "▁▂▃▄▅▆▇█")


def test_unknown_history_subject_says_so(run) -> None:  # type: ignore[no-untyped-def]
    result = run("history", "jd:0", catch=True)
    assert isinstance(result.exception, NotFound)
    assert "no listing or product group 'jd:0'" in str(result.exception)


def test_report_to_csv_and_json_files(run, tmp_path: Path, shared_market: Market) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "report.csv"
    assert run("report", "--out", str(out)).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert {r["group_id"] for r in rows} == {o.spec.group for o in shared_market.offers}
    as_json = tmp_path / "report.json"
    assert run("report", "--format", "json", "--out", str(as_json)).exit_code == 0
    assert len(json.loads(as_json.read_text(encoding="utf-8"))) == len(rows)


def test_show_comparison_prints_the_busiest_group(es: Elasticsearch, shared_market: Market
                                                  ) -> None:
    out = Console(record=True, width=250)
    shown = show_comparison(out, es, market_config(shared_market))
    assert shown is not None and shown.group_id == "pg-mate60pro-12-256"  # 6 offers, the most
    assert "Group pg-mate60pro-12-256" in out.export_text()
