"""Requests/s the fixture marketplace serves on loopback, API and page requests side by side.

    .venv/bin/python benchmarks/marketplace_throughput.py [--size 100000] [--seconds 3]
                                                          [--concurrency 16]

Starts ``python -m fixtures.marketplace`` (one process, one event loop) with quotas scaled out of
the way, and drives it from this process with an aiohttp client (keep-alive, ``--concurrency``
requests in flight) for ``--seconds`` per endpoint: the static ``/robots.txt`` as a baseline,
one typical API request per platform, and product pages of several layouts. It prints req/s,
p50/p95 latency and each endpoint's share of the baseline, for a small and a large catalog in one
run. Both processes share the machine's cores, so the figures are a floor for the server.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fixtures.marketplace_clients import Jd, Pdd, Taobao
from tests.support.marketplace import MarketplaceProcess

Request = tuple[str, str, dict[str, Any]]  # method, url, aiohttp kwargs


def plans(market: MarketplaceProcess, token: str) -> dict[str, Callable[[int], Request]]:
    """Endpoint name → function(n) → the n-th request (cycling over real listings)."""
    url, cred = market.url, market.credentials
    rows = market.listings(limit=3000)

    def pick(platform: str, layout: str | None = None) -> list[dict[str, Any]]:
        found = [r for r in rows if r["platform"] == platform and not r["delisted"]
                 and (layout is None or r["_page_variant"] == layout)]
        assert found, (platform, layout)
        return found

    top, jd, pdd = Taobao(url, cred["taobao"], None), Jd(url, cred["jd"], None), \
        Pdd(url, cred["pdd"], None)  # type: ignore[arg-type]
    tb, jds, pdds = pick("taobao"), pick("jd"), pick("pdd")
    amazon = [r for r in pick("amazon") if r["_site"] == "amazon-us"]
    shop, woo = pick("shopify"), pick("woocommerce")
    signed = {
        "taobao": [top.params("taobao.tbk.item.info.get",
                              {"num_iids": ",".join(r["item_id"] for r in tb[i:i + 20])})
                   for i in range(0, min(len(tb), 200), 20)],
        "jd": [jd.params("jd.union.open.goods.promotiongoodsinfo.query",
                         {"skuIds": ",".join(r["item_id"] for r in jds[i:i + 20])})
               for i in range(0, min(len(jds), 200), 20)],
        "pdd": [pdd.params("pdd.ddk.goods.detail", {"goods_sign": r["item_id"]})
                for r in pdds[:50]],
    }
    headers = {"x-amz-access-token": token}

    def page(platform: str, layout: str) -> Callable[[int], Request]:
        chosen = pick(platform, layout)
        return lambda n: ("GET", chosen[n % len(chosen)]["url"], {})

    return {
        "baseline /robots.txt": lambda n: ("GET", url + "/robots.txt", {}),
        "api taobao tbk.item.info.get x20": lambda n: (
            "POST", url + "/taobao/router/rest", {"data": signed["taobao"][n % len(
                signed["taobao"])]}),
        "api jd promotiongoodsinfo x20": lambda n: (
            "POST", url + "/jd/routerjson", {"data": signed["jd"][n % len(signed["jd"])]}),
        "api pdd goods.detail": lambda n: (
            "POST", url + "/pdd/api/router", {"data": signed["pdd"][n % len(signed["pdd"])]}),
        "api amazon getItemOffers": lambda n: (
            "GET", f"{url}/amazon/na/products/pricing/v0/items/"
                   f"{amazon[n % len(amazon)]['item_id']}/offers",
            {"params": {"MarketplaceId": "ATVPDKIKX0DER", "ItemCondition": "New"},
             "headers": headers}),
        "api shopify products/<h>.js": lambda n: ("GET", shop[n % len(shop)]["url"] + ".js", {}),
        "api woo products/<id>": lambda n: (
            "GET", f"{url}/woocommerce/wp-json/wc/store/v1/products/{woo[n % len(woo)]['item_id']}",
            {}),
        "page taobao embedded state": page("taobao", "embedded_state"),
        "page jd embedded state": page("jd", "embedded_state"),
        "page amazon html": page("amazon", "html"),
        "page shopify json-ld offers": page("shopify", "jsonld_offers"),
        "page woocommerce @graph": page("woocommerce", "jsonld_graph"),
        "page schema.org microdata": page("schema_org", "microdata"),
    }


async def drive(make: Callable[[int], Request], seconds: float, concurrency: int
                ) -> tuple[int, float, list[float]]:
    latencies: list[float] = []
    counter = iter(range(10**9))
    errors = 0
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        deadline = time.perf_counter() + seconds

        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < deadline:
                method, url, kwargs = make(next(counter))
                started = time.perf_counter()
                async with session.request(method, url, **kwargs) as response:
                    await response.read()
                    errors += response.status != 200
                latencies.append(time.perf_counter() - started)

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - began
    return errors, elapsed, latencies


def token(market: MarketplaceProcess) -> str:
    import httpx

    cred = market.credentials["amazon"]
    return httpx.post(market.url + "/amazon/auth/o2/token", data={
        "grant_type": "refresh_token", "refresh_token": cred["refresh_token"],
        "client_id": cred["client_id"], "client_secret": cred["client_secret"]}).json()[
        "access_token"]


def measure(size: int, seconds: float, concurrency: int) -> dict[str, dict[str, float]]:
    market = MarketplaceProcess(seed=1, size=size, quota_scale=1e6, start_timeout=60)
    try:
        started = time.perf_counter()
        truth = market.truth(limit=1000)
        truth_ms = (time.perf_counter() - started) * 1000
        step_started = time.perf_counter()
        market.step()
        step_ms = (time.perf_counter() - step_started) * 1000
        results: dict[str, dict[str, float]] = {}
        for name, make in plans(market, token(market)).items():
            asyncio.run(drive(make, 0.3, concurrency))  # warm caches and connections
            errors, elapsed, lat = asyncio.run(drive(make, seconds, concurrency))
            lat.sort()
            results[name] = {"rps": len(lat) / elapsed, "p50": lat[len(lat) // 2] * 1000,
                             "p95": lat[int(len(lat) * 0.95)] * 1000, "errors": errors}
        results["_control"] = {"truth_1000_items_ms": truth_ms, "step_ms": step_ms,
                               "listings": float(len(truth["listings"]))}
        return results
    finally:
        market.stop()


def report(sizes: list[int], runs: dict[int, dict[str, dict[str, float]]]) -> None:
    names = [n for n in runs[sizes[0]] if not n.startswith("_")]
    head = f"{'endpoint':36}" + "".join(f"{'size ' + str(s):>34}" for s in sizes)
    print(head)
    print(f"{'':36}" + "".join(f"{'req/s  p50ms  p95ms  vs base':>34}" for _ in sizes))
    for name in names:
        line = f"{name:36}"
        for size in sizes:
            r, base = runs[size][name], runs[size]["baseline /robots.txt"]["rps"]
            errors = f" ({int(r['errors'])} err)" if r["errors"] else ""
            line += f"{r['rps']:>13.0f}{r['p50']:>7.1f}{r['p95']:>7.1f}{r['rps'] / base:>7.2f}"
            line += errors
        print(line)
    for size in sizes:
        control = runs[size]["_control"]
        print(f"size {size}: GET /_control/truth?limit=1000 {control['truth_1000_items_ms']:.0f} ms"
              f" ({int(control['listings'])} listings); POST /_control/step "
              f"{control['step_ms']:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="the large catalog")
    parser.add_argument("--small", type=int, default=400, help="the small catalog")
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--json", action="store_true", help="also print the raw figures")
    args = parser.parse_args()
    sizes = [args.small, args.size]
    print(f"$ .venv/bin/python benchmarks/marketplace_throughput.py --size {args.size} "
          f"--small {args.small} --seconds {args.seconds:g} --concurrency {args.concurrency}")
    runs = {size: measure(size, args.seconds, args.concurrency) for size in sizes}
    report(sizes, runs)
    if args.json:
        print(json.dumps(runs, indent=1))


if __name__ == "__main__":
    main()
