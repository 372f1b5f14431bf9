"""``pricewatch search | compare | history | report``: the market, for a pricing analyst.

Each command parses its options, calls one function of ``crawler.search`` and renders the result
with ``crawler.cli.render``.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import click
from elasticsearch import Elasticsearch
from pydantic import ValidationError
from rich.console import Console

from crawler.cli.context import AppContext, console
from crawler.cli.render import render_comparison, render_history, render_search
from crawler.config import Config
from crawler.errors import PricewatchError
from crawler.index.client import index_names
from crawler.search.compare import compare_group, resolve_groups
from crawler.search.history import group_history, listing_history
from crawler.search.listings import get_listing, search_listings
from crawler.search.models import GroupComparison
from crawler.search.params import SearchParams, Sort
from crawler.search.pricing import PricingSettings
from crawler.search.report import build_report, busiest_group, to_json, write_csv


class NotFound(PricewatchError):
    """Nothing in the index matches what was asked for."""


def _params(**values: object) -> SearchParams:
    try:
        return SearchParams.model_validate({k: v for k, v in values.items() if v is not None})
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'search'}: {e['msg']}"
                             for e in exc.errors())
        raise click.UsageError(problems) from exc


@click.command()
@click.argument("query", nargs=-1)
@click.option("--platform", multiple=True, help="Only this platform (repeatable).")
@click.option("--brand", multiple=True, help="Only this brand (repeatable).")
@click.option("--seller", multiple=True, help="Only this seller id (repeatable).")
@click.option("--min-price", type=Decimal, help="Lowest price (major units).")
@click.option("--max-price", type=Decimal, help="Highest price (major units).")
@click.option("--currency", help="Prices in this currency (else the base currency).")
@click.option("--in-stock", is_flag=True, help="Only offers a buyer can order now.")
@click.option("--sort", type=click.Choice([s.value for s in Sort]), default="relevance",
              show_default=True)
@click.option("--limit", type=int, default=20, show_default=True)
@click.option("--offset", type=int, default=0, help="Skip this many results (next page).")
@click.pass_obj
def search(app: AppContext, query: tuple[str, ...], platform: tuple[str, ...],
           brand: tuple[str, ...], seller: tuple[str, ...], min_price: Decimal | None,
           max_price: Decimal | None, currency: str | None, in_stock: bool, sort: str,
           limit: int, offset: int) -> None:
    """Search listings in Chinese or English (e.g. 华为 手机, "iphone 15"), with facets."""
    params = _params(q=" ".join(query), platform=list(platform), brand=list(brand),
                     seller=list(seller), min_price=min_price, max_price=max_price,
                     currency=currency, in_stock=in_stock, sort=sort, limit=limit, offset=offset)
    page = search_listings(app.client(), app.names, params, app.config.base_currency)
    console.print(render_search(page))


@click.command()
@click.argument("group", nargs=-1, required=True)
@click.pass_obj
def compare(app: AppContext, group: tuple[str, ...]) -> None:
    """Compare a product group (its id, or words that find it) across platforms and sellers."""
    client, text = app.client(), " ".join(group)
    candidates = resolve_groups(client, app.names, text)
    if not candidates:
        raise NotFound(f"no product group matches {text!r}",
                       "try `pricewatch search` to find the listing, then its group id")
    comparison = compare_group(client, app.names, candidates[0][0],
                               PricingSettings.from_config(app.config))
    assert comparison is not None  # the group was just found in the listings
    console.print(render_comparison(comparison))
    if len(candidates) > 1:
        console.print("other matching groups: " + ", ".join(g for g, _ in candidates[1:]),
                      style="dim", markup=False, highlight=False)


@click.command()
@click.argument("subject")
@click.option("--days", type=click.IntRange(1, 3650), default=90, show_default=True)
@click.pass_obj
def history(app: AppContext, subject: str, days: int) -> None:
    """Price history of a listing (platform:item_id) or a product group, with lows."""
    client, base = app.client(), app.config.base_currency
    if get_listing(client, app.names, subject) is not None:
        found = listing_history(client, app.names, subject, days, base_currency=base)
    else:
        found = group_history(client, app.names, subject, days, base_currency=base)
    if found is None:
        raise NotFound(f"no listing or product group {subject!r}",
                       "listing ids look like jd:100012043978; see `pricewatch search`")
    console.print(render_history(found))


@click.command()
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv",
              show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write here instead of stdout.")
@click.pass_obj
def report(app: AppContext, fmt: str, out: Path | None) -> None:
    """The comparison of every watched product group, as CSV or JSON."""
    comparisons = build_report(app.client(), app.names, PricingSettings.from_config(app.config))
    target = out.open("w", encoding="utf-8", newline="") if out else sys.stdout
    try:
        if fmt == "csv":
            write_csv(comparisons, target)
        else:
            target.write(to_json(comparisons) + "\n")
    finally:
        if out:
            target.close()
    if out:
        console.print(f"{len(comparisons)} groups written to {out}", markup=False)


def show_comparison(out: Console, client: Elasticsearch, config: Config,
                    group: str | None = None) -> GroupComparison | None:
    """Print the comparison of ``group`` (default: the busiest group); what ``demo`` ends with."""
    names = index_names(config)
    group = group or busiest_group(client, names)
    found = compare_group(client, names, group, PricingSettings.from_config(config)) \
        if group else None
    if found is not None:
        out.print(render_comparison(found))
    return found


COMMANDS = (search, compare, history, report)
