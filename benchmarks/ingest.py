"""Ingest throughput: listings from the fixture API path through every pipeline into Elasticsearch,
beside raw ``elasticsearch.helpers.streaming_bulk`` of the very same documents, in one run.

    .venv/bin/python benchmarks/ingest.py [--size 100000] [--platforms taobao,jd,shopify]
                                          [--batch 500] [--blocks 10]
                                          [--es-url http://127.0.0.1:9200]

1. **Source** (not timed in the comparison): a fixture marketplace big enough for ``--size``
   listings; each platform's own API client (``crawler/platforms/<p>``: signed calls, answers read
   into records, ``to_listing``) asks the marketplace's API for every item id of the truth, in the
   platform's batch sizes; records the API leaves incomplete are completed from their product
   page as the ladder does (API values win). JS-only pages are not rendered: their listings keep
   what the API gave (and are dropped by validation when that lacks a price, as counted).
   The listings of a block (below) are read before the block goes through the pipelines, as
   raw's documents are in memory before it writes them; one block is held at a time.
2. **Pipelines**: each Listing through the real pipeline objects — ``ValidatePipeline``,
   ``NormalizePipeline``, ``MatchPipeline`` (the matcher as a crawl uses it), then the index
   step exactly as ``IndexPipeline`` does it (``listing_document`` + ``ListingIndexer.index`` per
   ``--batch``: one ``mget`` and one bulk of upserts and history points, written by one worker
   thread while the next items are processed, as the crawl's reactor thread pool does) into
   ``pwbench-<id>a``.
   Listings/s counts only the time spent in the pipelines (time waiting for the API is left
   out), and the listings the index step wrote (dropped items are not counted).
3. **Raw**: after each of ``--blocks`` blocks, the documents the index step sent for that block
   (each upserted listing and each history point) are written again with ``streaming_bulk``
   (``index`` ops, same chunk size) into ``pwbench-<id>b``: both sides are timed at the same
   moments of a machine whose speed drifts.

Printed: listings/s of both and their ratio (goal >= 0.8x raw), overall and per block, how long
the index step's worker was busy (overlapped, so not the pipelines' time), the CPU seconds each
side cost (the stages' thread, the index worker, the Elasticsearch node's process when it runs on
this machine, raw's client): on a machine of few cores that budget, not the wall time alone, says
what bounds the ratio, and the best ratio it allows is printed too (``cpu_bounds``). Then the peak
RSS, and RSS sampled every 10 % of the items (what may grow: the matcher's few feature records per
product and one ~0.2 KB entry per listing; see docs/pipelines.md). Both index prefixes are
deleted at the end.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import os
import resource
import statistics
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import psutil

REPO = Path(__file__).resolve().parents[1]
TMP = Path(os.environ.get("TMPDIR", "/tmp"))
sys.path.insert(0, str(REPO))

from elasticsearch import Elasticsearch  # noqa: E402
from elasticsearch.helpers import streaming_bulk  # noqa: E402
from scrapy.exceptions import DropItem  # noqa: E402

from crawler.config import Config  # noqa: E402
from crawler.index.names import IndexNames  # noqa: E402
from crawler.index.templates import ensure_indices  # noqa: E402
from crawler.indexing.documents import listing_document  # noqa: E402
from crawler.indexing.indexer import ListingIndexer  # noqa: E402
from crawler.indexing.spool import Spool  # noqa: E402
from crawler.items import Source  # noqa: E402
from crawler.ladder.fixtures import export_env, fixture_crawl  # noqa: E402
from crawler.ladder.listings import (  # noqa: E402
    Provenance,
    complete,
    match_page_record,
    record_key,
    to_listing,
)
from crawler.ladder.setup import platform_config, platform_settings  # noqa: E402
from crawler.normalize.fx import RateTable  # noqa: E402
from crawler.normalize.listing import NormalizeContext  # noqa: E402
from crawler.platforms import registry  # noqa: E402
from crawler.platforms.base import Answer, ApiCall, PageTarget, Watch  # noqa: E402
from crawler.validate import Limits  # noqa: E402
from pipelines.index import _plausibility_check  # noqa: E402
from pipelines.match import matcher_from_config  # noqa: E402
from pipelines.normalize import NormalizePipeline  # noqa: E402
from pipelines.validate import ValidatePipeline  # noqa: E402
from tests.support.es import drop_prefix  # noqa: E402
from tests.support.marketplace import MarketplaceProcess  # noqa: E402

#: Listings per marketplace item (measured: size 60 → 98 listings over all platforms).
LISTINGS_PER_ITEM = 1.5
DEFAULT_PLATFORMS = "taobao,jd,pdd,shopify,woocommerce"
RUN_ID = f"bench-{datetime.now(UTC):%Y%m%dT%H%M%SZ}"


class Stats:
    """The two calls the pipeline objects make on Scrapy's stats collector."""

    def __init__(self) -> None:
        self.values: Counter[str] = Counter()

    def inc_value(self, key: str, count: int = 1) -> None:
        self.values[key] += count

    def set_value(self, key: str, value: int) -> None:
        self.values[key] = value


# -- the source: the fixture API path -------------------------------------------------------------
def fixture_market(listings: int, platforms: list[str]) -> MarketplaceProcess:
    """A fixture marketplace (started) with enough items for ``listings`` over ``platforms``."""
    size = int(listings / LISTINGS_PER_ITEM * 7 / len(platforms)) + 50
    return MarketplaceProcess(seed=11, size=size, quota_scale=1000.0)


def api_listings(market: MarketplaceProcess, platforms: list[str], limit: int) -> Iterator[Any]:
    """Listings as the platforms' API clients read them from the marketplace, up to ``limit``."""
    plan = fixture_crawl(market.url, platforms)
    export_env(plan.env)
    produced = 0
    with httpx.Client(timeout=60.0) as http:
        for watch in plan.watches:
            spec = registry.get(watch["platform"])
            cfg = platform_config(spec.name, Config(), plan.platforms.get(spec.name))
            settings = platform_settings(spec, cfg)
            client = spec.make_client(settings)  # type: ignore[misc]
            reader = spec.make_page_reader(settings)
            prov = Provenance(spec.name, spec.name, RUN_ID, Source.API)
            calls = list(client.calls_for(Watch(platform=spec.name, item_ids=tuple(
                watch["item_ids"]), site=watch.get("site"))))
            while calls:
                result = client.read_api(calls[0], send(http, calls.pop(0)))
                if result.error is not None:
                    raise SystemExit(f"{spec.name}: {result.error}")
                calls[:0] = result.follow_up
                records = [*result.records, *(r for target in result.incomplete
                                              for r in completed(http, reader, target))]
                for record in records:
                    yield to_listing(record, Provenance(
                        prov.platform, prov.spider, prov.run_id, prov.source,
                        fetched_at=datetime.now(UTC)))[0]
                    produced += 1
                    if produced >= limit:
                        return


def completed(http: httpx.Client, reader: Any, target: PageTarget) -> list[dict[str, Any]]:
    """The API's records of ``target`` completed from its product page, as the ladder does
    (``crawler/ladder/pages.py``: API values win; a JS-only page leaves them as they are)."""
    response = http.get(target.url)
    result = reader.read(target, Answer(str(response.url), response.status_code,
                                        dict(response.headers), response.content))
    found = {}
    if not result.needs_browser:
        for record in result.records:
            record = {"item_id": target.item_id, "url": target.url, **record}
            found[record_key(record)] = record
    out = []
    for api in target.known:
        page = match_page_record(api, found)
        out.append(api if page is None else complete(api, page))
    return out


def send(http: httpx.Client, call: ApiCall) -> Answer:
    response = http.request(call.method, call.url, content=call.body, headers=dict(call.headers))
    return Answer(str(response.url), response.status_code, dict(response.headers),
                  response.content)


# -- the pipelines --------------------------------------------------------------------------------
class Pipelines:
    """validate → normalize → match → index, the objects a crawl uses, without Scrapy around."""

    def __init__(self, es: Elasticsearch, names: IndexNames, batch: int, home: Path) -> None:
        config = Config(home=home)
        rates = RateTable.load(config.pipeline.fx_table)
        self.stats = Stats()
        self.validate = ValidatePipeline(Limits(
            base_currency=config.base_currency, max_price_base=config.pipeline.max_price_base,
            rates=rates, suspect_jump_factor=config.pipeline.suspect_jump_factor), self.stats)
        self.normalize = NormalizePipeline(NormalizeContext(config.base_currency, rates),
                                           self.stats)
        self.matcher = matcher_from_config(config)
        self.indexer = ListingIndexer(
            es, names, Spool(home / "spool.jsonl"), batch_size=batch,
            plausibility=_plausibility_check(config.pipeline.suspect_jump_factor))
        self.batch, self.buffer = batch, []  # type: ignore[var-annotated]
        self.points = self.dropped = 0
        # IndexPipeline writes each batch off the reactor thread, one at a time, in order, while
        # the next items go through the other stages: one worker thread does the same here.
        self.writer = ThreadPoolExecutor(1)
        self.pending: list[Future[Any]] = []
        self.index_busy = 0.0  # seconds the worker spent in the index step (overlapped)
        self.index_cpu = 0.0  # of which on the CPU (the rest: waiting for Elasticsearch)

    def process(self, item: Any) -> None:
        try:
            item = self.normalize.process_item(self.validate.process_item(item))
        except DropItem:  # counted by the pipelines (pricewatch/rejected/...), as in a crawl
            self.dropped += 1
            return
        assignment = self.matcher.match(item)  # MatchPipeline.process_item, minus its stats
        item.product_group_id = assignment.group_id
        item.match_method, item.match_confidence = assignment.method, assignment.confidence
        doc = listing_document(item)
        doc.setdefault("run_id", RUN_ID)
        self.buffer.append(doc)
        if len(self.buffer) >= self.batch:
            self.flush()

    def _index(self, batch: list[dict[str, Any]]) -> Any:
        began, cpu = time.perf_counter(), time.thread_time()
        try:
            return self.indexer.index(batch)
        finally:  # one worker: no race
            self.index_busy += time.perf_counter() - began
            self.index_cpu += time.thread_time() - cpu

    def flush(self, wait: bool = False) -> None:
        batch, self.buffer = self.buffer, []
        if batch:
            self.pending.append(self.writer.submit(self._index, batch))
        for future in [f for f in self.pending if wait or f.done()]:
            self.pending.remove(future)
            result = future.result()
            if result.spooled or result.failures:
                raise SystemExit(f"index step: {result.spooled} spooled, "
                                 f"{len(result.failures)} refused: {result.failures[:3]}")
            self.points += result.history_points


@dataclass
class Block:
    """One slice of the run: the pipelines' time for its listings, then raw's for the same ones."""

    listings: int = 0
    """Listing documents the index step wrote in this block (raw writes the same ones)."""
    points: int = 0
    pipelines: float = 0.0
    raw: float = 0.0
    drain: float = 0.0
    """Waiting for the index worker to finish the block's writes before raw writes the same
    documents: part of ``pipelines`` (the source is read between blocks, so the worker cannot
    finish its work unseen while this thread waits for the marketplace)."""
    stages_cpu: float = 0.0
    """CPU seconds of the thread running the stages (the pipelines' time is wall time)."""
    es_cpu: float = 0.0
    """CPU seconds the Elasticsearch node spent from the block's start to its drain's end."""
    raw_cpu: float = 0.0
    """CPU seconds of raw's client (``streaming_bulk``: serializing, HTTP)."""
    raw_es_cpu: float = 0.0
    """CPU seconds the Elasticsearch node spent during raw's write."""

    @property
    def ratio(self) -> float:
        return self.raw / self.pipelines if self.pipelines else 0.0


class Recorder:
    """Keeps the listing and history documents the index step sends, for raw to write again."""

    def __init__(self, pipelines: Pipelines) -> None:
        self.actions: list[dict[str, Any]] = []
        self._write = pipelines.indexer.writer.write
        pipelines.indexer.writer.write = self.write  # type: ignore[method-assign]

    def write(self, actions: Any) -> Any:
        actions = list(actions)
        self.actions.extend(a for a in actions if a["_op_type"] in ("update", "create"))
        return self._write(actions)

    def take(self, target: IndexNames) -> tuple[list[dict[str, Any]], int]:
        """The recorded documents as plain ``index`` operations into ``target``, and how many
        are listings (an upsert's document is the whole listing the first time it is seen)."""
        now = datetime.now(UTC)
        raw = [{"_op_type": "index", "_id": a["_id"], "_source": a["doc"],
                "_index": target.alias("listings")} if a["_op_type"] == "update" else
               {"_op_type": "index", "_id": a["_id"], "_source": a["_source"],
                "_index": target.write_index("prices", now)} for a in self.actions]
        listings = sum(1 for a in self.actions if a["_op_type"] == "update")
        self.actions = []
        return raw, listings


def write_raw(es: Elasticsearch, actions: list[dict[str, Any]], batch: int,
              node_cpu: NodeCpu) -> tuple[float, float, float]:
    """Seconds raw ``streaming_bulk`` takes for ``actions`` (same chunk size as the index step),
    the CPU seconds of this thread in it, and the node's CPU seconds meanwhile."""
    gc.collect()
    began, cpu, node = time.perf_counter(), time.thread_time(), node_cpu()
    for ok, info in streaming_bulk(es, actions, chunk_size=batch * 2, raise_on_error=False,
                                   max_retries=3):
        if not ok:
            raise SystemExit(f"raw bulk refused a document: {info}")
    return time.perf_counter() - began, time.thread_time() - cpu, node_cpu() - node


class NodeCpu:
    """CPU seconds the Elasticsearch node used so far, read from its process when it runs on this
    machine (node stats refresh their CPU figure once a second: too coarse for a block); 0 when
    it does not (a remote node: the figures then say so)."""

    def __init__(self, es: Elasticsearch) -> None:
        info = es.nodes.info(metric="process", filter_path="nodes.*.process.id")
        pids = [node["process"]["id"] for node in info.get("nodes", {}).values()]
        try:
            processes = [psutil.Process(pid) for pid in pids]
            # A remote node's pid may name some other process here.
            self.processes = [p for p in processes if "elasticsearch" in " ".join(p.cmdline())]
        except psutil.Error:
            self.processes = []

    def __call__(self) -> float:
        return sum(sum(p.cpu_times()[:2]) for p in self.processes)


def run(es: Elasticsearch, ours: IndexNames, raw: IndexNames, source: Iterator[Any], size: int,
        batch: int, blocks: int, home: Path) -> tuple[list[Block], float, int,
                                                      list[tuple[int, float]], float]:
    """(blocks, source seconds, items, RSS samples, index worker CPU seconds): the pipelines and
    raw, block by block.

    The machine's speed drifts by a third within minutes (shared cores), so one raw write at the
    end compares the pipelines' average with one moment of raw: each block is measured
    pipelines-then-raw instead, so both sides see the same moments."""
    pipelines = Pipelines(es, ours, batch, home)
    recorder = Recorder(pipelines)
    node_cpu = NodeCpu(es)
    proc = psutil.Process()
    samples, every = [], max(1, size // 10)
    per_block = max(1, -(-size // blocks))
    done: list[Block] = []
    in_source = 0.0
    items = 0

    def read_block() -> list[Any]:
        nonlocal in_source
        began = time.perf_counter()
        listings = list(itertools.islice(source, per_block))
        in_source += time.perf_counter() - began
        return listings

    def close(block: Block) -> None:
        began = time.perf_counter()
        pipelines.flush(wait=True)
        block.drain = time.perf_counter() - began
        block.pipelines += block.drain
        actions, block.listings = recorder.take(raw)
        block.points = len(actions) - block.listings
        block.es_cpu += node_cpu()
        if block.listings:
            block.raw, block.raw_cpu, block.raw_es_cpu = write_raw(es, actions, batch, node_cpu)
            done.append(block)

    # A block's listings are read from the source before they go through the pipelines, as raw's
    # documents are in memory before streaming_bulk writes them. Read item by item instead, the
    # index worker did much of its work unseen while this thread waited for the marketplace
    # (0.63x at 100k that way, 0.46x this way), and the stages shared their caches with the
    # source's HTTP, JSON and HTML parsing (their CPU seconds 1.25x those fed from a list, 20k).
    # One block of listings is held at a time.
    listings = read_block()
    while listings:
        block = Block(es_cpu=-node_cpu())
        cpu = time.thread_time()
        for item in listings:
            began = time.perf_counter()
            pipelines.process(item)
            block.pipelines += time.perf_counter() - began
            items += 1
            if items % every == 0:
                samples.append((items, proc.memory_info().rss / 2**20))
        block.stages_cpu = time.thread_time() - cpu
        close(block)
        listings = read_block()
    print(f"pipelines: {items} listings, {pipelines.points} history points, "
          f"{pipelines.matcher.group_count} product groups; dropped {pipelines.dropped}")
    print(f"index step worker busy {pipelines.index_busy:.1f} s, {pipelines.index_cpu:.1f} s of "
          "it on the CPU (mget + bulk of upserts and points; overlapped with the stages, as in a "
          "crawl)")
    return done, in_source, items, samples, pipelines.index_cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="listings (default 100000)")
    parser.add_argument("--platforms", default=DEFAULT_PLATFORMS)
    parser.add_argument("--batch", type=int, default=500, help="index batch (IndexPipeline's)")
    parser.add_argument("--blocks", type=int, default=10,
                        help="slices measured pipelines-then-raw, side by side (default 10)")
    parser.add_argument("--es-url", default=os.environ.get("ES_URL", "http://127.0.0.1:9200"))
    args = parser.parse_args()
    platforms = args.platforms.split(",")
    es = Elasticsearch(args.es_url, request_timeout=120)
    run_id = uuid.uuid4().hex[:8]
    ours, raw = IndexNames(f"pwbench-{run_id}a"), IndexNames(f"pwbench-{run_id}b")
    market = fixture_market(args.size, platforms)
    print(f"marketplace of {market.size} items, platforms {platforms}, index batch {args.batch}, "
          f"{args.blocks} blocks")
    home = TMP / f"pwbench-{run_id}"
    try:
        for names in (ours, raw):
            ensure_indices(es, names)
        source = api_listings(market, platforms, args.size)
        blocks, fetching, items, samples, index_cpu = run(
            es, ours, raw, source, args.size, args.batch, args.blocks, home)
        report(blocks, items, fetching, samples, index_cpu)
    finally:
        market.stop()
        for names in (ours, raw):
            drop_prefix(es, names)
        es.close()


def report(blocks: list[Block], items: int, fetching: float,
           samples: list[tuple[int, float]], index_cpu: float) -> None:
    listings = sum(b.listings for b in blocks)
    points = sum(b.points for b in blocks)
    ours_seconds, raw_seconds = sum(b.pipelines for b in blocks), sum(b.raw for b in blocks)
    drains = sum(b.drain for b in blocks)
    ours_rate, raw_rate = listings / ours_seconds, listings / raw_seconds
    ratios = sorted(b.ratio for b in blocks)
    in_order = " ".join(f"{b.ratio:.2f}" for b in blocks)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nsource (fixture API, not in the ratio): {items} listings in {fetching:.1f} s")
    print(f"pipelines (validate+normalize+match+index): {listings} listings indexed in "
          f"{ours_seconds:.1f} s = {ours_rate:,.0f} listings/s ({items - listings} dropped or "
          f"not indexed; {drains:.1f} s of the time waiting for the index worker to finish a "
          "block's writes)")
    print(f"raw streaming_bulk of the same {listings + points} documents ({listings} listings + "
          f"{points} history points): {raw_seconds:.1f} s = {raw_rate:,.0f} listings/s")
    print(f"ratio pipelines / raw: {ours_rate / raw_rate:.2f}x (goal >= 0.8x); by block "
          f"(each measured pipelines then raw, {len(blocks)} blocks): min {ratios[0]:.2f}x, "
          f"median {statistics.median(ratios):.2f}x, max {ratios[-1]:.2f}x; in order: {in_order}")
    stages, es_ours = sum(b.stages_cpu for b in blocks), sum(b.es_cpu for b in blocks)
    client, es_raw = sum(b.raw_cpu for b in blocks), sum(b.raw_es_cpu for b in blocks)
    node = "Elasticsearch" if es_ours or es_raw else "Elasticsearch (remote: not counted)"
    print(f"CPU seconds ({os.cpu_count()} cores): pipelines {stages + index_cpu + es_ours:.1f} "
          f"(stages {stages:.1f}, index worker {index_cpu:.1f}, {node} {es_ours:.1f}, "
          f"drains included); raw {client + es_raw:.1f} (client {client:.1f}, "
          f"{node} {es_raw:.1f})")
    print(cpu_bounds(raw_seconds, stages, index_cpu, es_ours, os.cpu_count() or 1))
    print(f"peak RSS of this process: {peak:.0f} MiB")
    print("RSS as the count grows: " + ", ".join(f"{n:,}: {mib:.0f} MiB" for n, mib in samples))
    if samples:
        growth = samples[-1][1] - samples[0][1]
        print(f"growth from the first to the last sample: {growth:+.0f} MiB "
              f"({growth * 2**20 / max(1, samples[-1][0] - samples[0][0]):.0f} bytes/listing)")


def cpu_bounds(raw_seconds: float, stages: float, index_cpu: float, node: float,
               cores: int) -> str:
    """The best ratio the pipelines' measured CPU seconds allow, whatever the scheduling.

    Two bounds on the pipelines' wall time: the stages and the index worker are threads of one
    interpreter, and run Python one at a time (the worker's system calls excepted, so this is
    close, not exact); and all their CPU, the node's included, spread over every core at once.
    When the bound is under the goal, no overlapping of the same work can reach it: only less
    CPU can."""
    one_interpreter = stages + index_cpu
    all_cores = (stages + index_cpu + node) / cores
    if not one_interpreter:
        return "best ratio these CPU seconds allow: unknown (no CPU measured)"
    # all_cores > 0 too: it includes the same (positive) Python seconds.
    return (f"best ratio these CPU seconds allow: "
            f"{raw_seconds / max(one_interpreter, all_cores):.2f}x (stages + index worker in one "
            f"interpreter: {one_interpreter:.1f} s of Python, bound "
            f"{raw_seconds / one_interpreter:.2f}x; all of the pipelines' CPU over {cores} cores: "
            f"{all_cores:.1f} s, bound {raw_seconds / all_cores:.2f}x)")


if __name__ == "__main__":
    main()
