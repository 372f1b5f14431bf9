"""The index step alone, beside raw ``streaming_bulk`` of the documents it sent: no stages running.

    .venv/bin/python benchmarks/index_step.py [--size 100000] [--runs 2] [--cache PATH]
                                              [--batch 500] [--es-url http://127.0.0.1:9200]

The third view of ``benchmarks/ingest.py``'s ratio. ``stages.py`` times validate → normalize →
match → ``listing_document`` without Elasticsearch; this script first runs those stages over the
same cached listings (``--cache``, as in ``stages.py``; not timed) and keeps the documents, then
times only ``ListingIndexer.index`` over them, ``--batch`` at a time on this thread (one ``mget``
and one bulk of upserts and history points per batch, as ``IndexPipeline`` does), then raw
``streaming_bulk`` of the listings and points it sent (``index`` ops, same chunk size, as in
``ingest.py``). Printed for each run: wall and CPU seconds of both sides (this thread, and the
Elasticsearch node's process when it runs on this machine) and the ratio raw / index step.

Together with ``stages.py`` it tells what bounds ``ingest.py``'s ratio: the index step's own cost
over raw's, and the stages' cost, which ``ingest.py`` runs beside it on the same cores.
"""

from __future__ import annotations

import gc
import os
import sys
import time
import uuid
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import ingest  # noqa: E402
import stages  # noqa: E402
from elasticsearch import Elasticsearch  # noqa: E402

from crawler.index.names import IndexNames  # noqa: E402
from crawler.index.templates import ensure_indices  # noqa: E402
from tests.support.es import drop_prefix  # noqa: E402


def documents(listings: list[Any], batch: int, home: Path) -> list[dict[str, Any]]:
    """The listing documents the stages make of ``listings`` (what the index step receives)."""
    made: list[dict[str, Any]] = []
    pipelines = stages.stages_only(home, batch, made.extend)
    for listing in listings:
        pipelines.process(listing)
    pipelines.flush()
    return made


def timed_run(es: Elasticsearch, docs: list[dict[str, Any]], batch: int, home: Path) -> None:
    run_id = uuid.uuid4().hex[:8]
    ours, raw = IndexNames(f"pwbench-{run_id}a"), IndexNames(f"pwbench-{run_id}b")
    node_cpu = ingest.NodeCpu(es)
    try:
        for names in (ours, raw):
            ensure_indices(es, names)
        pipelines = ingest.Pipelines(es, ours, batch, home / run_id)
        recorder = ingest.Recorder(pipelines)
        gc.collect()
        began, cpu, node = time.perf_counter(), time.thread_time(), node_cpu()
        points = 0
        for start in range(0, len(docs), batch):
            points += pipelines.indexer.index(docs[start:start + batch]).history_points
        wall, cpu, node = time.perf_counter() - began, time.thread_time() - cpu, node_cpu() - node
        actions, listings = recorder.take(raw)
        raw_wall, raw_cpu, raw_node = ingest.write_raw(es, actions, batch, node_cpu)
        print(f"index step: {listings} listings + {points} history points in {wall:.2f} s "
              f"(CPU: this thread {cpu:.2f} s, Elasticsearch {node:.2f} s); raw streaming_bulk "
              f"of the same {len(actions)} documents {raw_wall:.2f} s (CPU: client {raw_cpu:.2f} s,"
              f" Elasticsearch {raw_node:.2f} s); ratio {raw_wall / wall:.2f}x")
    finally:
        for names in (ours, raw):
            drop_prefix(es, names)


def main() -> None:
    parser = stages.source_options(__doc__.split("\n")[0], runs=2)
    parser.add_argument("--batch", type=int, default=500, help="index batch (IndexPipeline's)")
    parser.add_argument("--es-url", default=os.environ.get("ES_URL", "http://127.0.0.1:9200"))
    args = parser.parse_args()
    listings = stages.cached_source(args)
    home = ingest.TMP / f"pwbench-index-step-{uuid.uuid4().hex[:8]}"
    docs = documents(listings, args.batch, home)
    del listings
    es = Elasticsearch(args.es_url, request_timeout=120)
    try:
        for _ in range(args.runs):
            timed_run(es, docs, args.batch, home)
    finally:
        es.close()


if __name__ == "__main__":
    main()
