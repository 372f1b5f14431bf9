"""Matching quality: pairwise precision and recall of product groups, and merges across variants.

    .venv/bin/python benchmarks/matching_eval.py                  # the shipped table
    .venv/bin/python benchmarks/matching_eval.py --marketplace    # start the marketplace
    .venv/bin/python benchmarks/matching_eval.py --truth-url URL  # a running marketplace

Each listing goes to the Matcher as a spider would hand it over (title as shown, brand, model,
the GTIN as shown — a broken one included —, variant attributes in the site's language), in
several shuffled orders; the figures are the worst over the orders. The done-when bar is
precision ≥ 0.98, recall ≥ 0.95, no merge across variants.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from crawler.matching.evaluation import pairwise, variant_merges  # noqa: E402
from crawler.matching.keys import features  # noqa: E402
from crawler.matching.matcher import Matcher  # noqa: E402

TABLE = REPO / "benchmarks" / "data" / "cross_platform_listings.jsonl"
INPUT_FIELDS = ("listing_id", "platform", "title", "brand", "model", "gtin", "variant_attributes",
                "category_path")


def table_rows(path: Path) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [{**{k: r.get(k) for k in INPUT_FIELDS}, "truth_group": r["truth_group"]} for r in rows]


def truth_rows(url: str) -> list[dict[str, Any]]:
    import httpx

    body = httpx.get(url.rstrip("/") + "/_control/truth", timeout=60).json()
    rows = []
    for row in body["listings"]:
        spider_view = {k: row.get(k) for k in INPUT_FIELDS}
        spider_view["gtin"] = row.get("_gtin_shown") or row.get("gtin")
        rows.append({**spider_view, "truth_group": row["product_group_id"]})
    return rows


def started_marketplace() -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen([sys.executable, "-m", "fixtures.marketplace", "--port", "0"],
                               cwd=REPO, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    return process, process.stdout.readline().strip()


def evaluate(rows: list[dict[str, Any]], seeds: int) -> dict[str, Any]:
    truth = {r["listing_id"]: r["truth_group"] for r in rows}
    variants = {r["listing_id"]: features(r).variant_dict for r in rows}
    worst: dict[str, Any] = {"precision": 1.0, "recall": 1.0, "variant_merges": 0}
    methods: Counter[str] = Counter()
    started = time.perf_counter()
    for seed in range(seeds):
        order = list(rows)
        random.Random(seed).shuffle(order)
        matcher = Matcher()
        assignments = {r["listing_id"]: matcher.match(r) for r in order}
        predicted = {k: a.group_id for k, a in assignments.items()}
        score = pairwise(predicted, truth)
        merges = variant_merges(predicted, variants, truth)
        if seed == 0:
            methods.update(a.method for a in assignments.values())
            worst["example_wrong"] = score.wrong_pairs[:5]
            worst["example_missed"] = score.missed_pairs[:5]
            worst["pairs"] = (score.correct_pairs, score.predicted_pairs, score.true_pairs)
        worst["precision"] = min(worst["precision"], score.precision)
        worst["recall"] = min(worst["recall"], score.recall)
        worst["variant_merges"] = max(worst["variant_merges"], len(merges))
    elapsed = time.perf_counter() - started
    worst["methods"] = dict(methods)
    worst["listings_per_second"] = len(rows) * seeds / elapsed if elapsed else 0.0
    return worst


def main() -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--table", type=Path, default=TABLE)
    args.add_argument("--truth-url", help="base URL of a running fixture marketplace")
    args.add_argument("--marketplace", action="store_true", help="start one and use its truth")
    args.add_argument("--seeds", type=int, default=5, help="shuffled orders to try")
    opts = args.parse_args()
    process = None
    if opts.marketplace:
        process, url = started_marketplace()
        source = f"fixture marketplace truth ({url})"
        rows = truth_rows(url)
    elif opts.truth_url:
        source, rows = f"truth at {opts.truth_url}", truth_rows(opts.truth_url)
    else:
        source, rows = str(opts.table.relative_to(REPO)), table_rows(opts.table)
    try:
        result = evaluate(rows, opts.seeds)
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=20)
    groups = len({r["truth_group"] for r in rows})
    print(f"source: {source}: {len(rows)} listings, {groups} true groups, {opts.seeds} orders")
    correct, predicted, true = result["pairs"]
    print(f"pairs (first order): {correct} correct of {predicted} predicted, {true} true")
    print(f"precision (worst order): {result['precision']:.4f}   (bar 0.98)")
    print(f"recall    (worst order): {result['recall']:.4f}   (bar 0.95)")
    print(f"merges across variants: {result['variant_merges']}   (bar 0)")
    print(f"methods (first order): {result['methods']}")
    print(f"throughput: {result['listings_per_second']:.0f} listings/s")
    if result["example_wrong"]:
        print(f"wrong pairs, e.g.: {result['example_wrong']}")
    if result["example_missed"]:
        print(f"missed pairs, e.g.: {result['example_missed']}")
    ok = (result["precision"] >= 0.98 and result["recall"] >= 0.95
          and result["variant_merges"] == 0)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
