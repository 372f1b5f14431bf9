"""``pricewatch fixtures serve``: the local fixture marketplace (fixtures/README.md).

The base URL is the first line on stdout (as ``python -m fixtures.marketplace`` prints it), so a
script can start it with ``--port 0`` and read where it listens.
"""

from __future__ import annotations

import click

from fixtures.marketplace.__main__ import DEFAULT_SEED, DEFAULT_SIZE
from fixtures.marketplace.__main__ import main as marketplace_main


@click.group()
def fixtures() -> None:
    """The fixture marketplace that stands in for the platforms in tests, demos and benchmarks."""


@fixtures.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True,
              help="Port; 0 picks a free one (the URL is printed first).")
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True,
              help="Catalog and market-time seed.")
@click.option("--size", type=click.IntRange(min=1), default=DEFAULT_SIZE, show_default=True,
              help="Items at tick 0 (each has 1-4 variant listings); 100000 works.")
@click.option("--quota-scale", type=click.FloatRange(min=0, min_open=True), default=1.0,
              show_default=True, help="Multiply every platform quota (1 = production plans).")
def serve(host: str, port: int, seed: int, size: int, quota_scale: float) -> None:
    """Serve the marketplace until Ctrl-C / SIGTERM."""
    code = marketplace_main(["--host", host, "--port", str(port), "--seed", str(seed),
                             "--size", str(size), "--quota-scale", str(quota_scale)])
    if code:
        raise click.exceptions.Exit(code)
