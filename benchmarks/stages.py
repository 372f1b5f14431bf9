"""The pipeline stages alone: validate → normalize → match → ``listing_document``, no Elasticsearch.

    .venv/bin/python benchmarks/stages.py [--size 100000] [--runs 3] [--cache PATH]

The listings come from the fixture API path exactly as in ``benchmarks/ingest.py`` (a marketplace
sized for ``--size``, each platform's own client). Fetching 100k takes minutes, so they are kept
in ``--cache`` (a pickle this script writes; default under ``$TMPDIR``) and read from it on the next
run. Each run builds fresh pipeline objects (an empty matcher) and times the stages over all the
listings, with the loaded listings frozen out of the garbage collector (they are the fixture, not
what a crawl holds).

To compare two commits side by side, run it alternately in two checkouts with the same
``--cache`` and ``--runs 1`` (a new process each time): the machine's speed drifts within
minutes, and alternation spreads that over both. Runs after the first in one process find the
stages' per-value caches (cleaned titles, GTINs...) warm, so they are faster than a crawl's start.
"""

from __future__ import annotations

import argparse
import gc
import pickle
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import ingest  # noqa: E402


def source(size: int, cache: Path) -> list[Any]:
    """The listings of the fixture API path, from ``cache`` when it is there."""
    if cache.exists():
        with cache.open("rb") as handle:
            return pickle.load(handle)  # our own file, written below: not untrusted input
    platforms = ingest.DEFAULT_PLATFORMS.split(",")
    market = ingest.fixture_market(size, platforms)
    print(f"fetching {size} listings from a marketplace of {market.size} items (cached in {cache})")
    try:
        listings = list(ingest.api_listings(market, platforms, size))
    finally:
        market.stop()
    with cache.open("wb") as handle:
        pickle.dump(listings, handle)
    return listings


def stages_only(home: Path, batch: int,
                on_batch: Callable[[list[dict[str, Any]]], None]) -> ingest.Pipelines:
    """The pipeline objects with no index step: each batch of documents goes to ``on_batch``."""
    pipelines = ingest.Pipelines(None, None, batch, home)  # type: ignore[arg-type]

    def hand_over(wait: bool = False) -> None:
        batch, pipelines.buffer = pipelines.buffer, []
        on_batch(batch)

    pipelines.flush = hand_over  # type: ignore[method-assign]
    return pipelines


def timed_run(listings: list[Any], home: Path) -> tuple[float, int]:
    """Seconds for the stages over ``listings``, and how many documents came out (counted and
    dropped: a crawl holds no documents once a batch is written)."""
    made = 0

    def count(batch: list[dict[str, Any]]) -> None:
        nonlocal made
        made += len(batch)

    pipelines = stages_only(home, 500, count)
    began = time.perf_counter()
    for listing in listings:
        pipelines.process(listing)
    seconds = time.perf_counter() - began
    pipelines.flush()
    return seconds, made


def source_options(description: str, runs: int) -> argparse.ArgumentParser:
    """The options of a benchmark over the cached source: ``--size``, ``--runs``, ``--cache``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=runs)
    parser.add_argument("--cache", type=Path, default=None,
                        help="pickle of the source listings, shared by stages.py and "
                             "index_step.py (default $TMPDIR/pw-stages-<size>.pickle)")
    return parser


def cached_source(args: argparse.Namespace) -> list[Any]:
    """``source`` for the parsed ``source_options``."""
    return source(args.size, args.cache or ingest.TMP / f"pw-stages-{args.size}.pickle")


def main() -> None:
    args = source_options(__doc__.split("\n")[0], runs=3).parse_args()
    listings = cached_source(args)
    gc.freeze()
    seconds = []
    for run in range(1, args.runs + 1):
        spent, made = timed_run(listings, ingest.TMP / "pw-stages-home")
        seconds.append(spent)
        print(f"run {run}: {len(listings)} listings through the stages in {spent:.2f} s "
              f"({len(listings) / spent:,.0f} listings/s, {spent / len(listings) * 1e3:.3f} ms "
              f"a listing; {made} documents)")
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    print(f"median {statistics.median(seconds):.2f} s over {len(seconds)} runs "
          f"(checkout {REPO}, commit {commit or 'unknown'})")


if __name__ == "__main__":
    main()
