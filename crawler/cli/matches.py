"""``pricewatch matches review | check``: low-confidence matches for a person, and matches.toml."""

from __future__ import annotations

import click
from rich.table import Table

from crawler.cli.context import AppContext, console
from crawler.cli.render import safe
from crawler.matching.overrides import load_overrides, matches_path
from crawler.matching.review import review_rows, toml_snippet


@click.group()
def matches() -> None:
    """Product matching across platforms: review doubtful matches, check the overrides file."""


@matches.command()
@click.option("--below", type=click.FloatRange(0, 1), default=None,
              help="List matches under this confidence (default: [matching] review_below, 0.8).")
@click.option("--limit", type=click.IntRange(1, 1000), default=50, show_default=True)
@click.option("--toml", "as_toml", is_flag=True,
              help="Print matches.toml entries to confirm (or split) them instead of a table.")
@click.pass_obj
def review(app: AppContext, below: float | None, limit: int, as_toml: bool) -> None:
    """Listings matched with low confidence, beside the most confident member of their group."""
    from crawler.index.match_reads import low_confidence

    threshold = app.config.matching.review_below if below is None else below
    rows = review_rows(low_confidence(app.client(), app.names, threshold, limit))
    if as_toml:
        console.print(safe(toml_snippet(rows) or "# nothing to review"))
        return
    table = Table(title=f"{len(rows)} matches below {threshold:.2f}", title_justify="left")
    for column in ("confidence", "method", "listing", "title", "group", "peer", "peer title"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(f"{row.confidence:.2f}", safe(row.method), safe(row.listing_id),
                      safe(f"{row.title}\n{row.variant}".strip()), safe(row.group_id),
                      safe(row.peer_id or "—"),
                      safe(f"{row.peer_title or ''}\n{row.peer_variant}".strip()))
    console.print(table)
    if rows:
        console.print(f"Confirm or split them in {matches_path(app.config)} "
                      "(`pricewatch matches review --toml` prints the entries).")


@matches.command()
@click.pass_obj
def check(app: AppContext) -> None:
    """Read matches.toml and say what it pins and separates (errors name the entry)."""
    path = matches_path(app.config)
    overrides = load_overrides(path)
    if not path.is_file():
        console.print(f"No overrides file at {path}: the matcher decides alone.")
        return
    pinned = len(overrides.group_of)
    groups = len(set(overrides.group_of.values()))
    console.print(f"{path}: {pinned} listings pinned to {groups} groups, "
                  f"{len(overrides.never)} listings kept apart by [[never]].")
