"""``pricewatch es build | start | stop | status``: the embedded Elasticsearch node."""

from __future__ import annotations

import click
from rich.table import Table

from crawler.cli.context import AppContext, console
from crawler.esnode.distribution import ES_VERSION, build_with_maven, ensure_node_home
from crawler.esnode.node import EmbeddedNode
from crawler.esnode.service import ensure_elasticsearch
from crawler.index.client import connect, resolve_target
from crawler.index.status import cluster_status


@click.group()
def es() -> None:
    """The embedded Elasticsearch node (or the external cluster named by ES_URL)."""


@es.command()
def build() -> None:
    """Resolve the node's jars from Maven Central (cached in ~/.m2) and build its plugin."""
    with console.status(f"resolving Elasticsearch {ES_VERSION} and building the plugin (Maven)"):
        build_with_maven()
        home = ensure_node_home(build=False)
    console.print(f"Elasticsearch {ES_VERSION} ready at [bold]{home}[/]")


@es.command()
@click.option("--port", type=int, default=None,
              help="HTTP port (default 9200 or the first free one).")
@click.option("--heap", default=None, help="JVM heap, e.g. 1g (default from config: 1g).")
@click.pass_obj
def start(app: AppContext, port: int | None, heap: str | None) -> None:
    """Start the node (or reuse the one already running) and create the pricewatch indices."""
    updates = {k: v for k, v in {"port": port, "heap": heap}.items() if v is not None}
    config = app.config
    if updates:
        config = config.model_copy(
            update={"elasticsearch": config.elasticsearch.model_copy(update=updates)})
    if config.elasticsearch.url:
        console.print(f"ES_URL is set: using the external cluster at {config.elasticsearch.url}; "
                      "nothing is started.")
    with console.status("starting Elasticsearch") as status:
        conn = ensure_elasticsearch(config, progress=status.update)
    version = conn.info.get("version", {}).get("number", "?")  # type: ignore[union-attr]
    if conn.started is not None and conn.started.reused:
        console.print(f"Elasticsearch {version} is already running at [bold]{conn.target.url}[/] "
                      f"(pid {conn.started.state.pid}): reusing it.")
    elif conn.started is not None:
        console.print(f"Elasticsearch {version} started at [bold]{conn.target.url}[/] "
                      f"in {conn.started.seconds:.1f} s (pid {conn.started.state.pid}, "
                      f"log {conn.started.state.log_path}).")
    else:
        console.print(f"Elasticsearch {version} at [bold]{conn.target.url}[/] is reachable.")


@es.command()
@click.pass_obj
def stop(app: AppContext) -> None:
    """Stop the node this state folder started (SIGTERM, then wait)."""
    if app.config.elasticsearch.url:
        console.print("ES_URL is set: the external cluster is not ours to stop.")
        return
    with console.status("stopping Elasticsearch"):
        state = EmbeddedNode(app.config).stop()
    if state is None:
        console.print("No embedded Elasticsearch node is running.")
    else:
        console.print(f"Stopped Elasticsearch (pid {state.pid}, {state.url}).")


@es.command()
@click.pass_obj
def status(app: AppContext) -> None:
    """URL, version, health, and the pricewatch indices with their document counts."""
    target = resolve_target(app.config)
    client = connect(app.config)
    report = cluster_status(client, app.names)
    console.print(f"URL      {target.url}" + ("  (external: ES_URL)" if target.external else ""))
    console.print(f"Version  {report.version}")
    colour = {"green": "green", "yellow": "yellow"}.get(report.health, "red")
    console.print(f"Health   [{colour}]{report.health}[/]")
    table = Table("index", "alias", "docs", "size", title=f"indices under '{app.names.prefix}-'")
    for row in report.indices:
        table.add_row(row.index, ", ".join(row.aliases), f"{row.docs:,}", row.size)
    console.print(table)
