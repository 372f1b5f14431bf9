"""``pricewatch demo``: the main job on the embedded defaults, end to end.

1. start (or reuse) the embedded Elasticsearch node and create the indices,
2. serve the fixture marketplace on 127.0.0.1 (a subprocess),
3. crawl every platform of it with ``pricewatch crawl --fixtures URL`` (its own process: the
   Twisted reactor runs once per process),
4. print what was indexed and a market comparison, and the dashboard URL.

Run it twice and the second crawl adds no history (nothing changed); ``--step`` moves the
marketplace's market time first, so the second run shows price moves and alerts. On the embedded
defaults (no config file) the crawl gets ``DEMO_RULES`` so that those moves raise alerts
(indexed, no channel: ``pricewatch alerts`` lists them); a config file is used as it is.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import click

from crawler.cli.context import AppContext, console
from crawler.cli.search import show_comparison
from crawler.cli.web import dashboard_url, serve, web_config
from crawler.errors import PricewatchError
from crawler.esnode.service import ensure_elasticsearch
from crawler.index.names import IndexNames

MARKETPLACE_START_TIMEOUT = 60.0

#: Alert rules of the demo when no config file is given (no channels: alerts are only indexed).
DEMO_RULES = """
[[alerts.rules]]
name = "price-drop"
type = "price_drop"
percent = 3

[[alerts.rules]]
name = "price-rise"
type = "price_rise"
percent = 3

[[alerts.rules]]
name = "out-of-stock"
type = "out_of_stock"

[[alerts.rules]]
name = "back-in-stock"
type = "back_in_stock"

[[alerts.rules]]
name = "delisted"
type = "delisted"
"""


@click.command()
@click.option("--seed", type=int, default=1, show_default=True, help="Fixture catalog seed.")
@click.option("--size", type=click.IntRange(min=1), default=150, show_default=True,
              help="Fixture items (each has 1-4 variant listings).")
@click.option("--step", "steps", type=click.IntRange(min=0), default=0, show_default=True,
              help="Advance the marketplace's market time this many ticks before crawling.")
@click.option("--serve/--no-serve", "serve_after", default=False, show_default=True,
              help="Keep serving the dashboard after the demo (until Ctrl-C).")
@click.pass_obj
def demo(app: AppContext, seed: int, size: int, steps: int, serve_after: bool) -> None:
    """Run the whole pipeline once against the local fixture marketplace."""
    config = app.config
    with console.status("starting Elasticsearch") as status:
        conn = ensure_elasticsearch(config, progress=status.update)
    version = conn.info.get("version", {}).get("number", "?")  # type: ignore[union-attr]
    console.print(f"[green]✓[/] Elasticsearch {version} at {conn.target.url}")
    names = IndexNames(config.elasticsearch.index_prefix)
    before = _counts(conn.client, names)

    with Marketplace(seed, size) as market:
        console.print(f"[green]✓[/] fixture marketplace at {market.url} "
                      f"(seed {seed}, {size} items, every platform)")
        if steps:
            market.step(steps)
            console.print(f"[green]✓[/] market time advanced {steps} tick(s)")
        console.print("crawling every platform (API first, product pages when needed) …")
        _crawl(app, market.url)

    conn.client.indices.refresh(index=names.everything)
    after = _counts(conn.client, names)
    console.print(
        f"[green]✓[/] indexed: {after['listings']:,} listings "
        f"(+{after['listings'] - before['listings']:,}), {after['prices']:,} price-history points "
        f"(+{after['prices'] - before['prices']:,}), {after['rejects']:,} rejects, "
        f"{after['alerts']:,} alerts")
    console.print()
    if show_comparison(console, conn.client, config) is None:
        console.print("[yellow]no product group to compare yet[/]")
    url = dashboard_url(config)
    console.print()
    console.print(f"Dashboard: [bold]{url}[/]  (start it with `.venv/bin/pricewatch web`)")
    console.print("Try: .venv/bin/pricewatch search '华为 手机'   ·   "
                  "pricewatch compare <group>   ·   "
                  "pricewatch demo --step 1 (prices move, alerts fire)   ·   "
                  "pricewatch alerts")
    if serve_after:
        console.print(f"serving the dashboard at {url} — Ctrl-C to stop")
        serve(web_config(config), conn.client)


def _crawl(app: AppContext, url: str) -> None:
    cmd = [sys.executable, "-m", "crawler.cli"]
    config_file = app.config.config_path or _demo_config(app.config.state_dir)
    cmd += ["--config", str(config_file)]
    cmd += ["crawl", "--fixtures", url]
    result = subprocess.run(cmd, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    if result.returncode != 0:
        raise PricewatchError("the demo crawl failed", "see the crawl summary and log above")


def _demo_config(state: Path) -> Path:
    """The embedded defaults plus ``DEMO_RULES``, with the same state folder (and so node)."""
    path = state / "demo" / "pricewatch.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"home = {str(state)!r}\n{DEMO_RULES}", encoding="utf-8")
    return path


def _counts(client, names: IndexNames) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {kind: int(client.count(index=names.alias(kind))["count"])
            for kind in ("listings", "prices", "rejects", "alerts")}


class Marketplace:
    """``python -m fixtures.marketplace --port 0`` for the length of a ``with`` block."""

    def __init__(self, seed: int, size: int) -> None:
        self.seed, self.size = seed, size
        self.process: subprocess.Popen[str] | None = None
        self.url = ""

    def __enter__(self) -> Marketplace:
        repo = Path(__file__).resolve().parents[2]
        # Production quotas (SP-API getItemOffersBatch: one call per 10 s) would make a demo of a
        # few hundred listings take minutes; the demo runs with quotas ×50, as the tests do.
        self.process = subprocess.Popen(
            [sys.executable, "-m", "fixtures.marketplace", "--port", "0", "--seed",
             str(self.seed), "--size", str(self.size), "--quota-scale", "50"],
            cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert self.process.stdout is not None
        deadline = time.monotonic() + MARKETPLACE_START_TIMEOUT
        line = self.process.stdout.readline().strip()
        if not line.startswith("http") or time.monotonic() > deadline:
            self.__exit__(None, None, None)
            raise PricewatchError("the fixture marketplace did not start",
                                  "run `pricewatch fixtures serve` to see why")
        self.url = line
        return self

    def step(self, ticks: int) -> None:
        import httpx

        answer = httpx.post(f"{self.url}/_control/step", params={"ticks": ticks}, timeout=60)
        answer.raise_for_status()

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
