"""Spider throughput: the JD spider (framework + pipelines + Elasticsearch) against a bare Scrapy
spider that fetches and parses the very same fixture responses with no pipelines, side by side.

    .venv/bin/python benchmarks/spider_throughput.py [--size 20000] [--rendered 2000]
        [--repeat 3] [--skip api|page|rendered|throughput] [--profile DIR]

1. **API path**: every static-page JD listing of the catalog by id: promotiongoodsinfo (100 SKUs
   a call), goods.query (30 a call), then each product page (JD's API has no stock, model or
   variant: every listing is completed from its page). Items/s.
2. **Page path**: the same listings with the API off (``use_api = false``): one page each.
   Pages/s.
3. **Rendered**: ``--rendered`` JD pages rendered in Chromium (``render = "always"``): pages/s
   and the resident memory of the browser processes sampled during the crawl (contexts are
   recycled every ``PRICEWATCH_PAGES_PER_CONTEXT`` pages, so it should stay flat).

Each run is a subprocess (one reactor per process) against one fixture marketplace (quotas
x1000, so quotas do not set the pace). Both sides use the same download slots (``jd-api``,
``jd-page``: 8 requests in flight each), ``CONCURRENT_REQUESTS`` and ``CONCURRENT_ITEMS``.

**What is timed (steady state).** Rows 1-2 time each crawl from its first item scraped to the
end of the crawl (``spider_closed``, after the item pipelines' ``close_spider``, so the index
step's last bulk flush is inside), on both sides, with the ``ItemClock`` extension below: the
process start, config, ES templates, matcher loading, router building and the first requests
are left out (with a few hundred listings they were most of Scrapy's ``elapsed_time_seconds``).
Rates are items in that window / its wall seconds; the CPU columns are the crawl process's
CPU milliseconds per item in the same window (``time.process_time``: all its threads), which a
loaded machine disturbs far less than wall time. ``--repeat N`` runs each side N times,
interleaved, and shows the median run. The rendered row still uses ``elapsed_time_seconds``.
Goals: API >= 0.6x the bare spider, pages >= 0.7x, rendered >= 1 page/s, flat memory.

Measured 3 Dec 2026 (``--size 20000 --skip rendered --repeat 3``, 1,655 listings; 2 shared CPUs,
load average 1-4 from other sessions; wall rates move by +-30 % between runs, CPU by ~10 %)::

    path    bare/s  spider/s  ratio  goal  +pipelines+ES/s  ratio   CPU ms/item (ratio)
    api      352.2     335.5   0.95   0.6            232.4   0.66    2.24, 2.38, 3.43 (0.94, 0.65)
    page     203.0     284.6   1.40   0.7            266.2   1.31    2.26, 2.52, 3.13 (0.90, 0.72)

More in docs/spiders.md "Throughput" (what changed since the 0.38 of the first version).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

if TYPE_CHECKING:
    from tests.support.marketplace import MarketplaceProcess

CONCURRENCY = 8
#: Env variable naming the file ``ItemClock`` writes its window to (set by this script only).
CLOCK_ENV = "PWBENCH_CLOCK_FILE"
CLOCK_EXTENSION = "benchmarks.spider_throughput.ItemClock"


class ItemClock:
    """Scrapy extension of both sides: wall and CPU time of this process from the first item
    scraped to ``spider_closed`` (after the item pipelines' ``close_spider``, so the index
    step's last flush is inside the window), and the items scraped in it."""

    def __init__(self, path: str) -> None:
        self.path, self.items, self.first = path, 0, None

    @classmethod
    def from_crawler(cls, crawler: Any) -> ItemClock:
        from scrapy import signals
        from scrapy.exceptions import NotConfigured

        path = os.environ.get(CLOCK_ENV)
        if not path:
            raise NotConfigured(CLOCK_ENV)
        clock = cls(path)
        crawler.signals.connect(clock.scraped, signal=signals.item_scraped)
        crawler.signals.connect(clock.closed, signal=signals.spider_closed)
        return clock

    def scraped(self) -> None:
        if self.first is None:
            self.first = (time.monotonic(), time.process_time())
        self.items += 1

    def closed(self) -> None:
        wall, cpu = self.first or (time.monotonic(), time.process_time())
        Path(self.path).write_text(json.dumps({
            "window_items": max(0, self.items - 1), "window_wall": time.monotonic() - wall,
            "window_cpu": time.process_time() - cpu}))


def ours(market: MarketplaceProcess, ids: list[str], platform_cfg: dict[str, Any],
         es_url: str, sample: bool = False, pipelines: bool = True,
         profile: Path | None = None) -> tuple[dict[str, Any], list[tuple[float, int]]]:
    """One ``pricewatch crawl --fixtures`` of ``ids``: its stats with the ``ItemClock`` window
    and (optionally) Chromium RSS. ``pipelines=False``: the spider alone (as the bare spider: no
    item pipelines). ``profile``: run it under cProfile, written there."""
    from crawler.settings import EXTENSIONS

    prefix = f"pwbench-{uuid.uuid4().hex[:8]}"
    home = Path(tempfile.mkdtemp(prefix="pwbench-"))
    stats_file, clock_file = home / "stats.json", home / "clock.json"
    watches = [{"platform": "jd", "name": "bench", "item_ids": ids}]
    cfg = {"jd": {"concurrency": CONCURRENCY, **platform_cfg}}
    env = {**os.environ, "ES_URL": es_url, "PRICEWATCH_INDEX_PREFIX": prefix,
           "PRICEWATCH_HOME": str(home), "PRICEWATCH_RUN_STATS_FILE": str(stats_file),
           CLOCK_ENV: str(clock_file)}
    profiling = ["-m", "cProfile", "-o", str(profile)] if profile else []
    cmd = [sys.executable, *profiling, "-m", "crawler.cli", "crawl",
           "--fixtures", market.url, "--no-progress", "-s", "LOG_LEVEL=WARNING",
           "-s", f"PRICEWATCH_WATCHES={json.dumps(watches)}",
           "-s", f"PRICEWATCH_PLATFORMS={json.dumps(cfg)}", "-s",
           f"DOWNLOAD_SLOTS={json.dumps(slots())}",
           "-s", f"EXTENSIONS={json.dumps({**EXTENSIONS, CLOCK_EXTENSION: 900})}",
           *([] if pipelines else ["-s", "ITEM_PIPELINES={}"]), "jd"]
    process = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    memory = chromium_rss(process) if sample else []
    _, err = process.communicate()
    if process.returncode:
        raise SystemExit(f"crawl failed:\n{err[-3000:]}")
    drop(es_url, prefix)
    stats = json.loads(stats_file.read_text())["stats"]
    return {**stats, **json.loads(clock_file.read_text())}, memory


def slots() -> dict[str, dict[str, Any]]:
    return {f"jd-{s}": {"concurrency": CONCURRENCY, "delay": 0} for s in ("api", "page")}


def chromium_rss(process: subprocess.Popen[str]) -> list[tuple[float, int]]:
    """(seconds, summed RSS of the browser processes) once a second until ``process`` ends."""
    start, samples = time.monotonic(), []
    parent = psutil.Process(process.pid)
    while process.poll() is None:
        total = 0
        try:
            for child in parent.children(recursive=True):
                try:
                    if "chrom" in child.name().lower() or "headless" in child.name().lower():
                        total += proportional(child)
                except psutil.Error:
                    continue
        except psutil.Error:
            break
        if total:
            samples.append((time.monotonic() - start, total))
        time.sleep(1.0)
    return samples


def proportional(process: psutil.Process) -> int:
    """PSS (shared pages split between the processes sharing them), else RSS."""
    try:
        return int(process.memory_full_info().pss)
    except (psutil.Error, AttributeError):
        return int(process.memory_info().rss)


def drop(es_url: str, prefix: str) -> None:
    with httpx.Client(base_url=es_url, timeout=60) as es:
        names = list(es.get(f"/{prefix}-*", params={"expand_wildcards": "all"}).json())
        if names:
            es.delete("/" + ",".join(names))
        for kind in ("listings", "prices", "alerts", "runs", "rejects", "watches"):
            es.delete(f"/_index_template/{prefix}-{kind}-template")


def bare(market: MarketplaceProcess, ids: list[str], mode: str) -> dict[str, Any]:
    """The bare spider (below) in a subprocess; returns its stats with the ``ItemClock`` window."""
    home = Path(tempfile.mkdtemp(prefix="pwbench-bare-"))
    out, clock_file = home / "stats.json", home / "clock.json"
    cmd = [sys.executable, __file__, "--bare", mode, "--url",
           market.url, "--out", str(out), "--ids", ",".join(ids)]
    subprocess.run(cmd, cwd=REPO, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                   env={**os.environ, CLOCK_ENV: str(clock_file)})
    return {**json.loads(out.read_text()), **json.loads(clock_file.read_text())}


def run_bare(url: str, ids: list[str], mode: str, out: str) -> None:
    """Inside the subprocess: a plain Scrapy spider, default settings, no pipelines."""
    import scrapy
    from parsel import Selector
    from pydantic import SecretStr
    from scrapy.crawler import AsyncCrawlerProcess

    from crawler.platforms.base import PlatformSettings
    from crawler.platforms.jd.api import JdClient, chunks

    cred = json.loads((REPO / "fixtures" / "credentials.json").read_text())["jd"]
    client = JdClient(PlatformSettings(
        "jd", f"{url}/jd", f"{url}/jd", {"app_key": SecretStr(cred["app_key"]),
                                         "app_secret": SecretStr(cred["app_secret"])}))

    # The download slots ours uses (jd-api, jd-page: CONCURRENCY requests each), so both sides
    # have the same requests in flight on either path.
    API_SLOT, PAGE_SLOT = {"download_slot": "jd-api"}, {"download_slot": "jd-page"}

    class Bare(scrapy.Spider):
        name = "bare"

        async def start(self):  # type: ignore[no-untyped-def]
            if mode == "page":
                for sku in ids:
                    yield scrapy.Request(client.page_url(sku), callback=self.page,
                                         cb_kwargs={"item": {"sku": sku}}, meta=PAGE_SLOT)
                return
            for batch in chunks(ids, 100):
                call = client.promotion_call(batch)
                yield scrapy.Request(call.url, method="POST", body=call.body,
                                     headers=dict(call.headers), callback=self.promotion,
                                     cb_kwargs={"batch": batch}, dont_filter=True, meta=API_SLOT)

        def promotion(self, response, batch):  # type: ignore[no-untyped-def]
            data = inner(response, "promotiongoodsinfo")
            known = {str(g["skuId"]): {"sku": str(g["skuId"]), "title": g["goodsName"],
                                       "regular": g.get("unitPrice")} for g in data}
            for part in chunks(list(batch), 30):
                call = client.detail_query_call(part, {})
                yield scrapy.Request(call.url, method="POST", body=call.body,
                                     headers=dict(call.headers), callback=self.goods,
                                     cb_kwargs={"known": known}, dont_filter=True, meta=API_SLOT)

        def goods(self, response, known):  # type: ignore[no-untyped-def]
            for g in inner(response, "goods_query"):
                item = {**known.get(str(g["skuId"]), {}), "brand": g.get("brandName"),
                        "price": (g.get("priceInfo") or {}).get("lowestPrice")}
                yield scrapy.Request(client.page_url(str(g["skuId"])), callback=self.page,
                                     cb_kwargs={"item": item}, meta=PAGE_SLOT)

        def page(self, response, item):  # type: ignore[no-untyped-def]
            sel = Selector(text=response.text)
            sku = sel.css(".product-intro::attr(data-sku)").get()
            yield {**item, "title": sel.css(".sku-name::text").get(),
                   "price": sel.css(f".J-p-{sku}::text").get() or item.get("price"),
                   "stock": sel.css("#store-prompt strong::text").get(),
                   "params": sel.css("ul.p-parameter-list li::text").getall()}

    def inner(response, op):  # type: ignore[no-untyped-def]
        body = json.loads(response.body)
        key = next(k for k in body if op in k)
        return json.loads(body[key]["queryResult"])["data"]

    # The same concurrency as ours (crawler/settings.py and the slots), so the ratio is the cost
    # of our code (an earlier version let the bare page path keep 16 requests in flight to
    # ours' 8).
    process = AsyncCrawlerProcess({"LOG_LEVEL": "WARNING", "CONCURRENT_REQUESTS": 32,
                                   "CONCURRENT_ITEMS": 16, "DOWNLOAD_SLOTS": slots(),
                                   "TELNETCONSOLE_ENABLED": False,
                                   "EXTENSIONS": {CLOCK_EXTENSION: 900}})
    process.crawl(Bare)
    crawler = next(iter(process.crawlers))
    process.start()
    stats = {k: v for k, v in crawler.stats.get_stats().items()
             if isinstance(v, int | float) and not isinstance(v, bool)}
    Path(out).write_text(json.dumps(stats))


def rate(stats: dict[str, Any]) -> float:
    """Items per wall second in the steady window (first item → end of the crawl)."""
    return stats["window_items"] / stats["window_wall"]


def cpu_ms(stats: dict[str, Any]) -> float:
    """CPU milliseconds of the crawl process per item in the same window."""
    return 1000 * stats["window_cpu"] / max(1, stats["window_items"])


def warmup(stats: dict[str, Any]) -> float:
    """Seconds from the spider's open to its first item (left out of the window)."""
    return stats["elapsed_time_seconds"] - stats["window_wall"]


def throughput(market: MarketplaceProcess, ids: list[str], es_url: str, repeat: int,
               profile: Path | None, skip: list[str]) -> None:
    """The API and page rows: each side ``repeat`` times, interleaved; the median run shown."""
    print(f"{'path':<6}{'bare/s':>8}{'spider/s':>10}{'ratio':>7}{'goal':>6}"
          f"{'+pipelines+ES/s':>17}{'ratio':>7}   CPU ms/item: bare, spider, +pipelines "
          f"(ratio)   s to 1st item")
    for mode, cfg, goal in (("api", {}, 0.6), ("page", {"use_api": False}, 0.7)):
        if mode in skip:
            continue
        runs: dict[str, list[dict[str, Any]]] = {"bare": [], "alone": [], "full": []}
        for n in range(repeat):
            prof = profile / f"{mode}-{n}.prof" if profile else None
            runs["bare"].append(bare(market, ids, mode))
            runs["alone"].append(ours(market, ids, cfg, es_url, pipelines=False, profile=prof)[0])
            runs["full"].append(ours(market, ids, cfg, es_url)[0])
        base, alone, full = (sorted(r, key=rate)[len(r) // 2] for r in runs.values())
        print(f"{mode:<6}{rate(base):>8.1f}{rate(alone):>10.1f}{rate(alone) / rate(base):>7.2f}"
              f"{goal:>6.1f}{rate(full):>17.1f}{rate(full) / rate(base):>7.2f}   "
              f"{cpu_ms(base):>5.2f}, {cpu_ms(alone):.2f}, {cpu_ms(full):.2f} "
              f"({cpu_ms(base) / cpu_ms(alone):.2f}, {cpu_ms(base) / cpu_ms(full):.2f})   "
              f"{warmup(base):.1f}, {warmup(alone):.1f}, {warmup(full):.1f}", flush=True)
        counts = {n: r.get("item_scraped_count") for n, r in (("bare", base), ("spider", alone),
                                                               ("+pipelines", full))}
        counts["indexed"] = full.get("pricewatch/index/written")
        if len(set(counts.values())) != 1:
            print(f"  items differ (scraped by each side, written to ES): {counts}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=20000)
    parser.add_argument("--rendered", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs of each side (interleaved); the median is shown")
    parser.add_argument("--skip", choices=("throughput", "api", "page", "rendered"),
                        action="append", default=[], help="leave a part out")
    parser.add_argument("--profile", type=Path, default=None, metavar="DIR",
                        help="cProfile the spider-alone runs into DIR/<path>-<n>.prof")
    parser.add_argument("--es-url", default=os.environ.get("ES_URL", "http://127.0.0.1:9200"))
    parser.add_argument("--bare", choices=("api", "page"), help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--ids", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare:
        run_bare(args.url, args.ids.split(","), args.bare, args.out)
        return
    from tests.support.marketplace import MarketplaceProcess

    rendered = 0 if "rendered" in args.skip else args.rendered
    size = max(args.size, rendered * 10)  # JD has ~11 % of the catalog's listings
    market = MarketplaceProcess(seed=3, size=size, quota_scale=1000, start_timeout=120)
    try:
        truth = market.listings(platform="jd")
        static = [r["item_id"] for r in truth if r["_page_variant"] != "js_only"]
        static = static[: max(1, len(static) * args.size // size)]
        print(f"catalog: {size} items, {len(truth)} JD listings; API/page runs over "
              f"{len(static)} static-page listings, {CONCURRENCY} requests per slot; load "
              f"average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs\n")
        if "throughput" not in args.skip:
            if args.profile:
                args.profile.mkdir(parents=True, exist_ok=True)
            throughput(market, static, args.es_url, args.repeat, args.profile, args.skip)
        if not rendered:
            return
        rendered_ids = [r["item_id"] for r in truth][:rendered]
        mine, memory = ours(market, rendered_ids, {"use_api": False, "render": "always"},
                            args.es_url, sample=True)
        pages = mine.get("pricewatch/jd/source/rendered", 0)
        print(f"\nrendered: {pages} pages in {mine['elapsed_time_seconds']:.0f} s = "
              f"{pages / mine['elapsed_time_seconds']:.2f} pages/s (goal >= 1); contexts "
              f"{mine.get('playwright/context_count')}, max pages open "
              f"{mine.get('playwright/page_count/max_concurrent')}")
        report_memory(memory)
    finally:
        market.stop()


def report_memory(samples: list[tuple[float, int]]) -> None:
    if not samples:
        print("browser memory: no samples")
        return
    mb = [(t, rss / 2**20) for t, rss in samples]
    tenth = max(1, len(mb) // 10)
    early = max(v for _, v in mb[tenth:2 * tenth] or mb[:1])
    late = max(v for _, v in mb[-tenth:])
    print("browser memory (PSS of all Chromium processes), MiB: " + ", ".join(
        f"{t:.0f}s {v:.0f}" for t, v in mb[:: max(1, len(mb) // 10)]))
    print(f"2nd tenth max {early:.0f} MiB, last tenth max {late:.0f} MiB, peak "
          f"{max(v for _, v in mb):.0f} MiB: {'flat' if late <= early * 1.25 else 'GROWING'}")


if __name__ == "__main__":
    main()
