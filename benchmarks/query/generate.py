"""Bulk-load the query benchmark's market: 1M listings and 10M price points by default.

Resumable: the state file (``<state dir>/bench-<prefix>.json``) records the fixed "now" of the
data set and each finished batch; run the same command again to continue where it stopped.
Documents have deterministic ids, so a batch cut in the middle is simply written again.

    .venv/bin/python benchmarks/query/generate.py --listings 1000000 --points 10000000
    .venv/bin/python benchmarks/query/generate.py --listings 50000 --points 500000 \
        --prefix pwbench-small
    .venv/bin/python benchmarks/query/generate.py --prefix pwbench-small --drop
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.query.dataset import HISTORY_DAYS, batch_actions
from crawler.config import load_config
from crawler.index.bulk import BulkWriter
from crawler.index.client import connect
from crawler.index.names import KINDS, IndexNames
from crawler.index.templates import ensure_index_for, ensure_indices


def state_path(prefix: str) -> Path:
    return load_config().state_dir / f"bench-{prefix}.json"


def load_state(args: argparse.Namespace) -> dict[str, Any]:
    path = state_path(args.prefix)
    if path.exists():
        state = json.loads(path.read_text())
        if (state["listings"], state["points"]) != (args.listings, args.points):
            sys.exit(f"{path} holds a load of {state['listings']} listings / {state['points']} "
                     "points: use the same sizes to resume, or another --prefix")
        return state
    return {"now": datetime.now(UTC).replace(microsecond=0).isoformat(),
            "listings": args.listings, "points": args.points, "batch": args.batch, "done": 0}


def prepare(client: Any, names: IndexNames, now: datetime) -> None:
    ensure_indices(client, names, now)
    month = now - timedelta(days=HISTORY_DAYS + 1)
    while month <= now + timedelta(days=31):
        ensure_index_for(client, names, "prices", month)
        month += timedelta(days=28)
    # Loading speed: no refresh and an async translog until the load is done.
    client.indices.put_settings(index=names.everything, settings={
        "index": {"refresh_interval": "-1", "translog.durability": "async"}})


def finish(client: Any, names: IndexNames) -> None:
    client.indices.put_settings(index=names.everything, settings={
        "index": {"refresh_interval": "1s", "translog.durability": "request"}})
    client.indices.refresh(index=names.everything)


def drop(prefix: str) -> None:
    """Remove a generated market (by exact index names: no wildcard delete)."""
    client, names = connect(load_config()), IndexNames(prefix)
    indices = list(client.indices.get(index=names.everything, expand_wildcards="all"))
    if indices:
        client.indices.delete(index=indices)
    for kind in KINDS:
        client.options(ignore_status=404).indices.delete_index_template(name=names.template(kind))
    state_path(prefix).unlink(missing_ok=True)
    print(f"dropped {len(indices)} indices under '{prefix}-'")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, default=1_000_000)
    parser.add_argument("--points", type=int, default=10_000_000)
    parser.add_argument("--prefix", default="pwbench")
    parser.add_argument("--batch", type=int, default=5_000, help="listings per batch")
    parser.add_argument("--drop", action="store_true",
                        help="delete the prefix's indices, templates and state file, then exit")
    args = parser.parse_args()
    if args.drop:
        drop(args.prefix)
        return
    if args.points % args.listings:
        sys.exit("--points must be a multiple of --listings (the same history length each)")
    state = load_state(args)
    now, batch = datetime.fromisoformat(state["now"]), state["batch"]
    per_listing = args.points // args.listings
    client = connect(load_config())
    names = IndexNames(args.prefix)
    prepare(client, names, now)
    writer = BulkWriter(client, chunk_size=2_000, max_retries=5)
    batches = -(-args.listings // batch)
    started, written = time.monotonic(), 0
    for b in range(state["done"], batches):
        first = b * batch
        count = min(batch, args.listings - first)
        report = writer.write(batch_actions(names, first, count, now, per_listing))
        if report.failures:
            sys.exit(f"batch {b}: {report.failed} documents refused, first: "
                     f"{report.failures[0].error}; rerun to retry this batch")
        written += report.succeeded
        state["done"] = b + 1
        state_path(args.prefix).write_text(json.dumps(state))
        rate = written / (time.monotonic() - started)
        left = (batches - b - 1) * count * (per_listing + 1) / rate
        print(f"batch {b + 1}/{batches}: {first + count:,} listings, {written:,} docs this run, "
              f"{rate:,.0f} docs/s, ~{left / 60:.0f} min left", flush=True)
    finish(client, names)
    print(f"done: {args.listings:,} listings, {args.points:,} points under '{args.prefix}-' "
          f"(data 'now' = {state['now']})")


if __name__ == "__main__":
    main()
