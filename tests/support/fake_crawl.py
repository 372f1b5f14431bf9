"""A stand-in crawl process for scheduler tests: behaves like ``scrapy crawl`` where it matters.

It appends JSON lines (start / sigterm / end, with the time and run id) to ``--marks``, sleeps
``--seconds``, writes a Scrapy-like stats file to ``$PRICEWATCH_RUN_STATS_FILE`` at the end, and on
SIGTERM stops early but still cleanly (stats written, exit 0), as Scrapy's first SIGTERM does.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any


def mark(path: Path, event: str, **extra: Any) -> None:
    line = {"event": event, "t": time.time(), "run_id": os.environ.get("PRICEWATCH_RUN_ID"),
            "pid": os.getpid(), **extra}
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(line) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--marks", type=Path, required=True)
    parser.add_argument("--seconds", type=float, default=0.0)
    parser.add_argument("--target", default="fake")
    parser.add_argument("--exit-code", type=int, default=0)
    args = parser.parse_args()
    stopped = False

    def on_sigterm(_signum: int, _frame: object) -> None:
        nonlocal stopped
        stopped = True
        mark(args.marks, "sigterm", target=args.target)

    signal.signal(signal.SIGTERM, on_sigterm)
    mark(args.marks, "start", target=args.target)
    deadline = time.monotonic() + args.seconds
    while time.monotonic() < deadline and not stopped:
        time.sleep(0.05)
    stats = {"item_scraped_count": 3, "item_dropped_count": 1, "pricewatch/fake/source/api": 2,
             "pricewatch/fake/source/page": 1, "pricewatch/fake/fallback/page": 1,
             "pricewatch/fake/blocked": 1}
    stats_file = os.environ.get("PRICEWATCH_RUN_STATS_FILE")
    if stats_file:
        Path(stats_file).parent.mkdir(parents=True, exist_ok=True)
        Path(stats_file).write_text(json.dumps({"spider": args.target, "stats": stats}))
    mark(args.marks, "end", target=args.target, stopped=stopped)
    return args.exit_code


if __name__ == "__main__":
    sys.exit(main())
