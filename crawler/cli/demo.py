"""``pricewatch demo``: the main job on the embedded defaults, end to end.

Start Elasticsearch, serve the fixture marketplace, crawl it, index, print a comparison. Steps that
later work will add say so plainly instead of pretending.
"""

from __future__ import annotations

import click

from crawler.cli.context import AppContext, console
from crawler.esnode.service import ensure_elasticsearch


@click.command()
@click.pass_obj
def demo(app: AppContext) -> None:
    """Run the whole pipeline once against the local fixture marketplace."""
    config = app.config
    with console.status("starting Elasticsearch") as status:
        conn = ensure_elasticsearch(config, progress=status.update)
    version = conn.info.get("version", {}).get("number", "?")  # type: ignore[union-attr]
    console.print(f"[green]✓[/] Elasticsearch {version} at {conn.target.url}; "
                  f"indices under '{config.elasticsearch.index_prefix}-' are ready.")
