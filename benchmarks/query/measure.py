"""p50/p95/p99 latency of search and compare (and group history) on a generated benchmark market.

Run ``generate.py`` first with the same ``--prefix``. Each operation is timed end to end through
``crawler.search`` (request building, the round trips, parsing), after a warm-up, with queries
drawn at random: Chinese and English words, with and without facet filters, price ranges and
sorts; compare on random product groups. The goal is p95 < 50 ms.

    .venv/bin/python benchmarks/query/measure.py --prefix pwbench [--rounds 300]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from random import Random
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.query.dataset import (
    OFFERS_PER_GROUP,
    PLATFORMS,
    SEARCH_QUERIES,
    SELF,
    group_id,
)
from crawler.config import load_config
from crawler.index.client import connect
from crawler.index.names import IndexNames
from crawler.search.compare import compare_group
from crawler.search.history import group_history
from crawler.search.listings import search_listings
from crawler.search.params import SearchParams
from crawler.search.pricing import PricingSettings

GOAL_MS = 50.0


def search_params(rng: Random) -> SearchParams:
    q = rng.choice(SEARCH_QUERIES)
    kind = rng.randrange(4)
    if kind == 0:
        return SearchParams(q=q)
    if kind == 1:
        return SearchParams(q=q, platform=[rng.choice(PLATFORMS)], sort="price")
    if kind == 2:
        return SearchParams(q=q, in_stock=True, min_price="100", max_price="5000")
    return SearchParams(q=q, sort="updated", offset=20, limit=20)


def timed(op: Callable[[], Any], rounds: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        op()
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        op()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def summary(name: str, samples: list[float]) -> str:
    q = statistics.quantiles(samples, n=100)
    return (f"{name:<14}{len(samples):>6}{q[49]:>9.1f}{q[94]:>9.1f}{q[98]:>9.1f}"
            f"{max(samples):>9.1f}{q[94] / GOAL_MS:>12.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prefix", default="pwbench")
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    args = parser.parse_args()
    config = load_config()
    state = json.loads((config.state_dir / f"bench-{args.prefix}.json").read_text())
    now = datetime.fromisoformat(state["now"])
    client, names = connect(config), IndexNames(args.prefix)
    settings = PricingSettings(base_currency="CNY", our_sellers=(SELF,))
    groups = state["listings"] // OFFERS_PER_GROUP
    rng = Random(42)
    counts = {k: client.count(index=names.alias(k))["count"] for k in ("listings", "prices")}
    print(f"data: {counts['listings']:,} listings, {counts['prices']:,} price points "
          f"(prefix '{args.prefix}', {groups:,} groups)")
    ops = {
        "search": lambda: search_listings(client, names, search_params(rng)),
        "compare": lambda: compare_group(client, names, group_id(rng.randrange(groups)),
                                         settings, now),
        "group history": lambda: group_history(client, names, group_id(rng.randrange(groups)),
                                               90, now),
    }
    print(f"{'operation':<14}{'n':>6}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}"
          f"{'p95/goal':>12}")
    for name, op in ops.items():
        print(summary(name, timed(op, args.rounds, args.warmup)), flush=True)
    print(f"goal: p95 < {GOAL_MS:.0f} ms for search and compare (p95/goal < 1.00)")


if __name__ == "__main__":
    main()
